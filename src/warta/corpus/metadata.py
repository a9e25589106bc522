"""Article metadata read from the text: publication date, outlets credited, language."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

MONTHS = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    # Indonesian (Mei, Agustus, Oktober, Desember differ; Agt/Okt/Des are the usual short forms)
    "januari": 1, "februari": 2, "maret": 3, "mei": 5, "juni": 6, "juli": 7, "agustus": 8,
    "oktober": 10, "desember": 12, "agu": 8, "agt": 8, "okt": 10, "des": 12, "peb": 2,
    "pebruari": 2, "nopember": 11, "nop": 11,
}  # fmt: skip
WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    "senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad"
)
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_PATTERN = re.compile(
    rf"(?:(?P<weekday>{WEEKDAYS}),?\s+)?"
    rf"(?:(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH})\.?,?\s+(?P<year>\d{{4}})"
    rf"|(?P<month2>{_MONTH})\.?\s+(?P<day2>\d{{1,2}}),?\s+(?P<year2>\d{{4}}))",
    re.IGNORECASE,
)
TIME_SUFFIX = r"(?:\s*[,|-]?\s*(?:pukul\s+)?\d{1,2}[:.]\d{2}(?:\s*(?:WIB|WITA|WIT|UTC|GMT))?)?"
DATELINE_LINE = re.compile(rf"^\s*{DATE_PATTERN.pattern}{TIME_SUFFIX}\s*$", re.IGNORECASE)

OUTLETS = {
    "TASS": r"TASS",
    "Reuters": r"REUTERS|Reuters",
    "AFP": r"AFP",
    "AP": r"AP(?: Photo)?",
    "ANTARA": r"ANTARA(?: FOTO)?|Antara",
    "Xinhua": r"Xinhua|XINHUA",
    "RIA Novosti": r"RIA Novosti",
    "Sputnik": r"Sputnik",
    "Interfax": r"Interfax",
    "Al Jazeera": r"Al Jazeera",
    "BBC": r"BBC",
    "Kompas": r"Kompas|KOMPAS",
    "Tempo": r"Tempo|TEMPO",
    "Detik": r"detik(?:com)?|Detik",
}
"""Agencies and outlets recognised in credit lines; the key is the canonical name stored."""
_OUTLET_PATTERN = re.compile(
    "|".join(rf"(?P<o{i}>(?<![\w-])(?:{p})(?![\w-]))" for i, p in enumerate(OUTLETS.values()))
)
_OUTLET_NAMES = list(OUTLETS)


def parse_date(text: str) -> date | None:
    """The first date written out in English or Indonesian ("Tuesday, 6 July 2021", "6 Juli 2021")."""
    match = DATE_PATTERN.search(text)
    if match is None:
        return None
    day = match.group("day") or match.group("day2")
    month = (match.group("month") or match.group("month2")).lower()
    year = match.group("year") or match.group("year2")
    try:
        return date(int(year), MONTHS[month], int(day))
    except ValueError:
        return None


def is_dateline(line: str) -> bool:
    return DATELINE_LINE.match(line) is not None


def credited_outlets(credits: list[str]) -> list[str]:
    """Canonical names of the outlets named in credit lines, in order of first appearance."""
    found: list[str] = []
    for text in credits:
        for match in _OUTLET_PATTERN.finditer(text):
            name = _OUTLET_NAMES[int(match.lastgroup[1:])]
            if name not in found:
                found.append(name)
    return found


@lru_cache(maxsize=1)
def _language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, expected: str = "id") -> tuple[str, float, float]:
    """Best ISO 639-1 code, its probability, and the probability of ``expected``.

    py3langid's model ships inside the package (nothing is downloaded). Short Indonesian texts
    are often scored as Malay, so callers judge by the expected language's probability.
    """
    ranked = _language_identifier().rank(text)
    best, best_p = ranked[0]
    expected_p = next((p for code, p in ranked if code == expected), 0.0)
    return best, float(best_p), float(expected_p)
