"""What a question gives the extractive answerer: its content stems, names and years, and the
kind of answer it asks for ("when?" → a date, "how many?" → a number)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text import content_terms, fold, name_key, proper_names, stem, words, years
from assistant.text.calendar import FOLDED_FRENCH_MONTHS, french_month_pattern

WANTS_DATE = re.compile(r"\b(quand|(a |en )?quelle (date|annee)|de quand|depuis quand|when|"
                         r"what (date|year)|which (date|year)|in what year|since when)\b")
# A question that wants the day itself ("on what date", "quel jour"): a month or a year does
# not answer it.
WANTS_DAY = re.compile(r"\b(quel jour|which day|what day|(on|at) what date|(a|en) quelle date|"
                       r"date exacte|exact date)\b")
WANTS_NUMBER = re.compile(r"\b(combien|quel (prix|montant|age)|quelle somme|how (many|much|old)|"
                           r"what (price|sum|amount))\b")
_DATE_WORDS = re.compile(r"\b(1[89]\d\d|" + "|".join(FOLDED_FRENCH_MONTHS) + r"|lendemain|"
                         r"veille)\b")
# French number words and the day of a month, as a text prints them ("le 3", "1er").
_NUMBER_NAMES = (r"(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|vingt|trente|"
                 r"quarante|cinquante|soixante|cent|mille|million)s?")
_DAY_OF_MONTH = r"(?:1er|[0-3]?\d)"
_NUMBER_WORDS = re.compile(r"\d|\b" + _NUMBER_NAMES + r"\b")


# A date as a French text prints it ("le 10 mai 1934", "1er mars 1938", "décembre 1925"), and
# a number with the word it counts ("sept points", "15 000 francs", "19 condamnations").
_DATE_SPAN = re.compile(r"\b(?P<day>" + _DAY_OF_MONTH + r"\s+)?(?P<month>"
                        + french_month_pattern(accented=True) + r")(?P<year>\s+1[89]\d\d)?\b",
                        re.IGNORECASE)
_NUMBER_SPAN = re.compile(r"(?<![\w.])(?:\d{1,3}(?:[ .\u202f\u00a0]\d{3})+|\d+(?:[.,]\d+)?|"
                          + _NUMBER_NAMES + r")(?:\s+(?:de\s+|d')?(?P<counted>[a-zàâçéèêëîïôûù]{3,}))",
                          re.IGNORECASE)
# A question that asks two things ("Qui était-il, et où vivait-il ?", "What does A say,
# and how did B answer?"): a part starts after a conjunction that a question word, perhaps
# after a preposition, or an English auxiliary follows, or after a "?" or ";" (folded text).
_QUESTION_WORD = (r"(?:qui|que|qu'|quoi|quel|quelle|quels|quelles|quand|comment|pourquoi|ou|combien|"
                  r"lequel|laquelle|lesquels|lesquelles|what|who|whom|whose|which|when|why|how|"
                  r"where|did|does|do|was|were|is|are|had|has|have)")
_NEXT_PART = re.compile(
    r"(?:\s*[,;]\s*|\s+)(?:et|and|puis|then|mais|but)\s+(?=(?:(?:dans|in|a|at|on|de|d'|of|par|en|"
    r"contre|sous|chez|depuis|by|to|for|pour|sur|from|with|avec|selon|under|against|about|"
    r"after|since|into)\s*)?" + _QUESTION_WORD + r"\b)"
    r"|\s*[?;]\s+(?=\S)")


def question_parts(text: str) -> list[str]:
    """The parts, folded, of a question that asks several things (one part: it asks one)."""
    parts = (part.strip(" ,;?") for part in _NEXT_PART.split(fold(text)))
    return [part for part in parts if len(part.split()) >= 2]


@dataclass(frozen=True)
class ParsedQuestion:
    text: str
    terms: tuple[str, ...]
    names: tuple[str, ...]
    years: tuple[str, ...]
    wants: str | None = None  # "day", "date" or "number": the kind of answer asked for
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
        wants = ("day" if WANTS_DAY.search(folded) else "date" if WANTS_DATE.search(folded)
                 else "number" if WANTS_NUMBER.search(folded) else None)
        terms = tuple(dict.fromkeys(content_terms(text)))
        inherited: frozenset[str] = frozenset()
        if turn and turn.strip() != text.strip():
            own = set(content_terms(turn)) | {name_key(w) for w in words(turn)}
            inherited = frozenset(t for t in (*terms, *names) if t not in own)
        return cls(text, terms, tuple(names), tuple(years(text)), wants, tuple(names.values()),
                   inherited)


def has_answer_type(question: ParsedQuestion, sentence: str) -> bool:
    """Does the sentence hold the kind of answer asked for (a date, the day for "on what
    day?", a number) beyond what the question itself gives?"""
    if question.wants is None:
        return True
    folded = fold(sentence)
    for year in question.years:
        folded = folded.replace(year, " ")
    if question.wants == "day":
        return any(m["day"] for m in _DATE_SPAN.finditer(folded))
    pattern = _DATE_WORDS if question.wants == "date" else _NUMBER_WORDS
    return bool(pattern.search(folded))


def answer_span(question: ParsedQuestion, sentence: str) -> str | None:
    """The date or number that a "when?"/"how many?" question asks for, verbatim from the
    sentence, when it holds one that the question does not itself give: the most precise date
    of a month of a year or a day ("10 mai 1934", "décembre 1925"; a day for "on what day?";
    never a year alone), or a number with the word it counts when the question uses that word
    ("Combien de points…" → "sept points"). None otherwise: a wrong short answer would say
    more than the quotations."""
    found = answer_spans(question, sentence)
    return max(found, key=lambda f: (f.rank, -f.start)).text if found else None


@dataclass(frozen=True)
class AnswerSpan:
    text: str  # verbatim
    rank: int  # precision: 3 a day of a year, 2 a day, 1 a month of a year (numbers: 1)
    start: int
    end: int


def answer_spans(question: ParsedQuestion, sentence: str) -> list[AnswerSpan]:
    """Every date or number of ``sentence`` that could answer ``question`` (see answer_span)."""
    given = fold(question.text)

    def new(span: str) -> bool:
        return not re.search(r"\b" + re.escape(fold(span)) + r"\b", given)

    if question.wants == "number":
        asked = set(question.terms)
        return [AnswerSpan(m.group(0).strip(), 1, m.start(), m.end())
                for m in _NUMBER_SPAN.finditer(sentence)
                if new(m.group(0).strip()) and set(content_terms(m["counted"])) & asked]
    if question.wants not in ("date", "day"):
        return []
    lowest = 2 if question.wants == "day" else 1  # a day, or at least a month of a year
    found = []
    for m in _DATE_SPAN.finditer(sentence):
        rank = 3 if m["day"] and m["year"] else 2 if m["day"] else 1 if m["year"] else 0
        if rank >= lowest and new(m.group(0).strip()):
            found.append(AnswerSpan(m.group(0).strip(), rank, m.start(), m.end()))
    return found
