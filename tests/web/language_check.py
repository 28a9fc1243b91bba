"""What a reader sees of a page or message, and the words that do not belong in its language:
a raw enum value (`sales`, `real_estate`, `high`, `initiation_approval`), an English word on a
Chinese page, a Chinese character on an English page. User data (names, requirements, ids)
is taken out first by the caller."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from domain.models import Role, Stage
from domain.warning_reasons import METRICS

RAW = frozenset({r.value for r in Role} | {s.value for s in Stage} | set(METRICS)
                | {"real_estate", "initiation", "result_review", "dept_head", "None", "True", "False"})
# Words an English-free Chinese page may still show: the product, file formats, units.
LATIN_OK = frozenset({"Jindu", "API", "CSV", "XLSX", "PDF", "ZIP", "ID", "OIDC", "SSO", "PC", "KPI", "DingTalk",
                      "WeCom", "Feishu", "Email", "Mail", "English", "p90", "Temporal", "Excel", "JSON"})
# Names that keep their own script: the product's (Jindu 进度) and each language's own name in
# the language picker (中文, English).
OWN_NAMES = ("Jindu 进度", "中文")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"(?<![\w.@/-])[A-Za-z][A-Za-z_]{2,}(?![\w@/-])")


class _Text(HTMLParser):
    SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        for name, value in attrs:  # what a reader (or a screen reader) gets from attributes
            if name in ("placeholder", "title", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def out_of_place(text: str, lang: str, user_data: tuple[str, ...] = (), codes: tuple[str, ...] = ()) -> list[str]:
    """The words of `text` that do not belong on a page or message in `lang`; `codes` are
    this test's own codes (a department) that must never show as themselves."""
    raw_codes = [c for c in codes if c in text]
    for value in OWN_NAMES:
        text = text.replace(value, " ")
    for value in sorted(user_data, key=len, reverse=True):
        if value:
            text = text.replace(value, " ")
    text = re.sub(r"https?://\S+|\S+@\S+\.\S+", " ", text)  # links and addresses
    words = WORD.findall(text)
    # In English only snake_case codes are surely raw ("Initiation approval" is English).
    found = [w for w in words if w in RAW and (lang == "zh" or "_" in w)]
    if lang == "zh":
        found += [w for w in words if w not in LATIN_OK and w not in RAW]
    else:
        found += HAN.findall(text)
    return raw_codes + found
