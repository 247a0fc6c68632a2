"""Month names (French and English) and dates in words: the one table every layer reads.

The corpus prints French dates (``5 janvier 1938``); an English question names English months
(``January 5``). ``format_date`` writes an ISO date the way a reader expects it, in either
language; ``month_years`` reads the months of a year that a text names.
"""

from __future__ import annotations

import re

from assistant.text.fold import fold, fold_case

FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                 "septembre", "octobre", "novembre", "décembre")
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")
MONTHS = {"fr": FRENCH_MONTHS, "en": ENGLISH_MONTHS}
NO_DATE = {"fr": "s. d.", "en": "n. d."}

FOLDED_FRENCH_MONTHS = tuple(fold_case(m) for m in FRENCH_MONTHS)
ENGLISH_TO_FRENCH_MONTHS = {en.lower(): fr for en, fr in zip(ENGLISH_MONTHS, FOLDED_FRENCH_MONTHS,
                                                             strict=True)}
"""Folded English month → folded French month ("may" → "mai": callers that read questions
leave "may" out where the modal verb is meant)."""
FRENCH_MONTH_NUMBERS = {name: n for n, name in enumerate(FOLDED_FRENCH_MONTHS, start=1)}
"""Folded French month → 1–12."""
MONTH_NUMBERS = {name: n for n, pair in enumerate(ENGLISH_TO_FRENCH_MONTHS.items(), start=1)
                 for name in pair}
"""Folded month name, French or English → 1–12."""
WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def french_month_pattern(ocr_tolerant: bool = False, accented: bool = False) -> str:
    """A regex alternation of the French months: folded; with ``accented``, both spellings
    (février|fevrier); with ``ocr_tolerant``, any character where the accent stands
    (f.vrier, ao.t), as a misread accent is printed."""
    if ocr_tolerant:
        return "|".join(re.sub(r"[éû]", ".", m) for m in FRENCH_MONTHS)
    names = FOLDED_FRENCH_MONTHS
    if accented:
        names = tuple(dict.fromkeys(n for pair in zip(FRENCH_MONTHS, FOLDED_FRENCH_MONTHS,
                                                      strict=True) for n in pair))
    return "|".join(names)


_MONTH_YEAR = re.compile(r"\b(" + "|".join(MONTH_NUMBERS) + r"),?\s+(?:of\s+)?(1[89]\d\d)\b")


def month_years(text: str) -> list[str]:
    """The months of a year that ``text`` names, as ISO 'YYYY-MM' ("le 5 juillet 1939",
    "in July 1939" → 1939-07)."""
    return list(dict.fromkeys(f"{year}-{MONTH_NUMBERS[month]:02d}"
                              for month, year in _MONTH_YEAR.findall(fold(text))))


def format_date(iso: str | None, language: str = "fr") -> str:
    """'1938-01-05' → '5 janvier 1938' / '5 January 1938'; '1938-03' → 'mars 1938'."""
    if not iso:
        return NO_DATE.get(language, NO_DATE["fr"])
    parts = iso.split("-")
    months = MONTHS.get(language, MONTHS["fr"])
    try:
        if len(parts) == 3:
            day = int(parts[2])
            day_text = "1er" if language == "fr" and day == 1 else str(day)
            return f"{day_text} {months[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{months[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return iso
    return parts[0]


def plain_french_date(iso: str | None) -> str:
    """'1938-01-05' → '5 janvier 1938' (no '1er': what the index embeds in its headers)."""
    if not iso:
        return ""
    parts = iso.split("-")
    try:
        year, month = parts[0], int(parts[1]) if len(parts) > 1 else 0
        day = int(parts[2]) if len(parts) > 2 else 0
    except ValueError:
        return iso
    named = [str(day) if day else "", FRENCH_MONTHS[month - 1] if 1 <= month <= 12 else "", year]
    return " ".join(word for word in named if word)
