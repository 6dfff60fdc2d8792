"""Every user-facing string has a Simplified Chinese translation (issue 2, SPEC §7)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
CATALOGUE = WEBAPP / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def source_messages() -> set[str]:
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEBAPP), METHODS, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_zh_CN_catalogue_translates_every_string_in_the_app() -> None:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="zh_Hans_CN")
    translated = {m.id for m in catalogue if m.id and m.string and "fuzzy" not in m.flags}
    missing = sorted(source_messages() - translated)
    assert missing == [], f"run `make extract-messages` and translate: {missing[:20]}"
