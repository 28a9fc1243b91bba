"""The one message catalogue: every label and message people read, in Chinese and English.

Layout: `jindu/messages/<lang>/<area>.toml`, one file per area (`web`, `notify`, …) and
language. A key is the area plus the dotted path of the TOML tables, so `[inbox] title`
in `zh/web.toml` is `web.inbox.title`. Values are `str.format` templates: `{name}` takes
the keyword parameter `name`.

    t("web.inbox.title")                      # Simplified Chinese, the default
    t("web.inbox.due", "en", when="12-03")    # English, with a parameter

Adding an area: drop `<area>.toml` into every language folder; the suite checks that
each language has the same keys and every key a template uses exists (tests/web/test_i18n.py).
There is no compile step: the TOML files are read at first use (stdlib `tomllib`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

MESSAGES_DIR = Path(__file__).parent / "messages"
LANGUAGES = ("zh", "en")
DEFAULT_LANG = "zh"


class MissingMessage(KeyError):
    """A key the catalogue does not have (a bug: the suite checks every key in use)."""


def _flatten(prefix: str, table: Mapping[str, object], out: dict[str, str]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, Mapping):
            _flatten(key, value, out)
        elif isinstance(value, str):
            out[key] = value
        else:
            raise ValueError(f"{key}: catalogue values are strings, not {type(value).__name__}")


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """Every message of one language, by key."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; one of {', '.join(LANGUAGES)}")
    out: dict[str, str] = {}
    for path in sorted((MESSAGES_DIR / lang).glob("*.toml")):
        with path.open("rb") as f:
            _flatten(path.stem, tomllib.load(f), out)
    return out


def keys(lang: str = DEFAULT_LANG) -> frozenset[str]:
    return frozenset(catalogue(lang))


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalogue(pick_language(lang))


def pick_language(*candidates: str | None) -> str:
    """The first supported language among `candidates` (`zh-CN` counts as `zh`), else Chinese."""
    for value in candidates:
        if value:
            code = value.strip().lower().replace("_", "-").split("-")[0]
            if code in LANGUAGES:
                return code
    return DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """The message `key` in `lang` (unsupported languages read Chinese), formatted with `params`."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANG
    try:
        template = catalogue(lang)[key]
    except KeyError:
        raise MissingMessage(key) from None
    return template.format_map(params) if params else template


def translator(lang: str) -> Callable[..., str]:
    """`t` bound to one language, for templates: `t("web.inbox.title")`."""

    def bound(key: str, **params: object) -> str:
        return t(key, lang, **params)

    return bound
