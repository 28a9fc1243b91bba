"""The message catalogue: every text a person reads, Simplified Chinese by default.

Catalogue files are TOML under jindu/messages/<lang>/<area>.toml; nested tables give
dotted keys (`[notify.reminder] subject = "…"` → `notify.reminder.subject`). `t(key,
lang, **params)` formats the text with `str.format`; a key missing in a language falls
back to Chinese, a key missing everywhere raises KeyError (tests check every key exists
in every language).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

MESSAGES = Path(__file__).with_name("messages")
DEFAULT_LANG = "zh"
LANGS = ("zh", "en")


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= _flatten(value, name + ".")
        else:
            flat[name] = str(value)
    return flat


@lru_cache(maxsize=len(LANGS))
def catalogue(lang: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((MESSAGES / lang).glob("*.toml")):
        found |= _flatten(tomllib.loads(path.read_text(encoding="utf-8")))
    return found


def lang_of(value: str | None) -> str:
    return value if value in LANGS else DEFAULT_LANG


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalogue(lang_of(lang)) or key in catalogue(DEFAULT_LANG)


def t(key: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    lang = lang_of(lang)
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANG)[key]
    return text.format(**params) if params else text
