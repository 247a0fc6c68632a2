"""Footnote markers in the body: find them, link them to their notes, remove their digits.

A marker is a bare number right after a word or a bracket (``Glenner 2``, ``Craipeau 5•``,
``B[ urnham] 3,``), sometimes glued to the word (``Appeal4``), alone on a line, or garbled
(``Macdonald::``, ``Rahv =``). False markers (``IVe``, days, years, ``n° 21``) are left alone:
a candidate only becomes a marker when a note of the same page claims it, in increasing order
(FORMAT §8: every linked marker sits on the same page as its note).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text.calendar import french_month_pattern

_MONTHS = french_month_pattern(accented=True)
# A number after a word, a closing bracket/quote or a year, and before a space, punctuation or
# the line end. Group "gap" is the space removed with the digits.
_SPACED = re.compile(
    r"(?P<before>[^\W\d_]|[\]\)»\"'’?!./]|\d{4})(?P<gap> ?)(?P<num>\d{1,2})(?![\d])"
    r"(?=[ .,;:!?)»•\-_'*]|$)"
)
_GLUED = re.compile(r"(?<=[a-zà-ÿ]{3})(?P<num>\d)(?=[ .,;:!?)»]|$)")
_GARBLED = re.compile(
    r"(?<=[^\W\d_])(?P<gap>)(?P<num>::|�)(?=[ .,;:]|$)"
    r"|(?<=[^\W\d_\]])(?P<gap2> )(?P<num2>=|-'|•\d|[lI][O0]_?)(?=[ .,;:]|$)"
)
_STOPWORDS = {  # numbers after these are counts, days or references, not note calls
    "n°",
    "no",
    "p",
    "pp",
    "t",
    "vol",
    "ch",
    "fig",
    "art",
    "cf",
    "le",
    "la",
    "les",
    "du",
    "des",
    "de",
    "au",
    "aux",
    "à",
    "en",
    "et",
    "ou",
    "sur",
    "par",
    "dans",
    "vers",
    "nos",
    "n",
}
_AFTER_EXCLUDED = re.compile(
    rf"^\s?(?:(?:{_MONTHS}|ans?|heures|h|mois|jours|fois)\b|%|000|\d)", re.I
)
_ANY_MARK = re.compile(r"\d|::|=|-'|�")
_STANDALONE = re.compile(r"^\s*(\d{1,2})\s*$")


@dataclass(frozen=True)
class Candidate:
    line: int  # 0-based line index
    start: int  # span removed from the raw line (the digits and the space before them)
    end: int
    value: int | None  # None for a garbled marker, which any note may claim
    standalone: bool = False  # alone on its line: the call belongs after the previous line


def line_candidates(index: int, text: str) -> list[Candidate]:
    """Marker candidates in one raw body line."""
    if not _ANY_MARK.search(text):
        return []
    standalone = _STANDALONE.match(text)
    if standalone:
        value = int(standalone.group(1))
        return [Candidate(index, 0, len(text), value, standalone=True)] if value else []
    found: list[Candidate] = []
    for match in _SPACED.finditer(text):
        value: int | None = int(match.group("num"))
        if not _plausible(text, match.start("gap"), match.end("num")):
            continue
        if not match.group("gap") and (match.group("before").isdigit() or value == 0):
            continue  # part of a number, or IV0 (the IVth International)
        if value == 0:
            value = None  # "Kriege » 0," : a 6 or 9 read as 0
        found.append(Candidate(index, match.start("gap"), match.end("num"), value))
    for match in _GLUED.finditer(text):
        value = int(match.group("num"))
        word = re.search(r"\S*$", text[: match.start()]).group(0)
        if value and word.isalpha() and not any(c.start <= match.start() < c.end for c in found):
            found.append(Candidate(index, match.start(), match.end(), value))
    for match in _GARBLED.finditer(text):
        gap = "gap" if match.group("num") is not None else "gap2"
        num = "num" if match.group("num") is not None else "num2"
        found.append(Candidate(index, match.start(gap), match.end(num), None))
    found.sort(key=lambda c: c.start)
    return found


def _plausible(text: str, start: int, end: int) -> bool:
    """Not a day, a page, a count or ``n° 21``: look at the word before and after."""
    before = text[:start].rstrip()
    word = re.search(r"(\S+)$", before)
    previous = word.group(1).lower().rstrip(".,") if word else ""
    if previous in _STOPWORDS or previous.endswith("n°"):
        return False
    return not _AFTER_EXCLUDED.match(text[end:])


def link_notes(
    notes: list[tuple[int, int]],
    candidates: list[tuple[Candidate, int]],
) -> dict[int, Candidate]:
    """Link notes ``(number, page ordinal)`` to candidates ``(candidate, page ordinal)``.

    Candidates are in reading order. A note takes the first candidate of its page, after the
    previous link, that shows its number. A note left over then takes, between its linked
    neighbours on its page, the only garbled candidate (``Macdonald::``), else the only one whose
    number no note has claimed (``Toledano 1`` read for 2).
    """
    links: dict[int, Candidate] = {}
    position_of = {id(c): k for k, (c, _) in enumerate(candidates)}
    cursor = -1
    for number, page in notes:
        for k in range(cursor + 1, len(candidates)):
            candidate, candidate_page = candidates[k]
            if candidate_page != page or candidate.value != number:
                continue
            links[number] = candidate
            cursor = k
            break
    used = {id(c) for c in links.values()}
    for number, page in notes:
        if number in links:
            continue
        low = max((position_of[id(c)] for n, c in links.items() if n < number), default=-1)
        high = min(
            (position_of[id(c)] for n, c in links.items() if n > number), default=len(candidates)
        )
        window = [
            candidate
            for candidate, candidate_page in candidates[low + 1 : high]
            if candidate_page == page and id(candidate) not in used
        ]
        claimed = {n for n in links}
        garbled = [c for c in window if c.value is None]
        misread = [
            c
            for c in window
            if c.value is not None and c.value <= len(notes) and c.value not in claimed
        ]
        choice = garbled if len(garbled) == 1 else misread if len(misread) == 1 else []
        if choice:
            links[number] = choice[0]
            used.add(id(choice[0]))
    return links


def has_candidate(lines: list[str], indexes: list[int], value: int) -> bool:
    """Some line among ``indexes`` shows a marker candidate with this number."""
    return any(c.value == value for i in indexes for c in line_candidates(i, lines[i]))
