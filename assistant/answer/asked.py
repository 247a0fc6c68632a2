"""What a question gives the extractive answerer: its content stems, names and years, and the
kind of answer it asks for ("when?" → a date, "how many?" → a number)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text import content_terms, fold, name_key, proper_names, stem, years
from assistant.text.calendar import FOLDED_FRENCH_MONTHS

WANTS_DATE = re.compile(r"\b(quand|(a |en )?quelle (date|annee)|de quand|depuis quand|when|"
                         r"what (date|year)|which (date|year)|in what year|since when)\b")
WANTS_NUMBER = re.compile(r"\b(combien|quel (prix|montant|age)|quelle somme|how (many|much|old)|"
                           r"what (price|sum|amount))\b")
_DATE_WORDS = re.compile(r"\b(1[89]\d\d|" + "|".join(FOLDED_FRENCH_MONTHS) + r"|lendemain|"
                         r"veille)\b")
_NUMBER_WORDS = re.compile(r"\d|\b(deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|"
                           r"vingt|trente|quarante|cinquante|soixante|cent|cents|mille|million)s?\b")

@dataclass(frozen=True)
class ParsedQuestion:
    text: str
    terms: tuple[str, ...]
    names: tuple[str, ...]
    years: tuple[str, ...]
    wants: str | None = None  # "date" or "number": the kind of answer asked for
    name_stems: tuple[str, ...] = ()  # the names as the corpus's terms (for their idf)
    # Stems and name keys that only the earlier turns gave a follow-up's standalone question:
    # they say where to look, the turn's own words say what is asked.
    inherited: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str, turn: str | None = None) -> ParsedQuestion:
        """``text`` as asked, or a follow-up's standalone question with ``turn`` the words the
        user typed (the rest of ``text`` then comes from earlier turns)."""
        names = {name_key(n): stem(n) for n in reversed(proper_names(text))}
        names = dict(reversed(names.items()))
        folded = fold(turn if turn else text)
        wants = ("date" if WANTS_DATE.search(folded)
                 else "number" if WANTS_NUMBER.search(folded) else None)
        terms = tuple(dict.fromkeys(content_terms(text)))
        inherited: frozenset[str] = frozenset()
        if turn and turn.strip() != text.strip():
            own = set(content_terms(turn)) | {name_key(n) for n in proper_names(turn)}
            inherited = frozenset(t for t in (*terms, *names) if t not in own)
        return cls(text, terms, tuple(names), tuple(years(text)), wants, tuple(names.values()),
                   inherited)


def has_answer_type(question: ParsedQuestion, sentence: str) -> bool:
    """Does the sentence hold the kind of answer asked for (a date, a number) beyond what the
    question itself gives?"""
    if question.wants is None:
        return True
    folded = fold(sentence)
    for year in question.years:
        folded = folded.replace(year, " ")
    pattern = _DATE_WORDS if question.wants == "date" else _NUMBER_WORDS
    return bool(pattern.search(folded))
