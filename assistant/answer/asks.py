"""What a question asks for, and whether the sources read can hold it at all.

Coverage of the question's words cannot tell "the letters speak of X" from "the letters say
what the question asks about X": "Quel est le titre du livre que Boukharine envoya à Staline ?"
finds the letter, the book and Stalin, and no title. One check catches such near misses, and
fires only on a plain sign that the answer is absent: the asked attribute ("quel est le
*titre*", "combien de *voix*", "what was the *verdict*") is a word the corpus uses, yet no
source read contains it. It lowers the evidence, so the answer is given as "uncertain" (the
closest passages), never as "not in the corpus".

Four other checks were written from development questions (an ordinal contradicted, "what did
X reply", a when/how-many question's event words, a money exemption, "harvard" as a sign of a
question about sources); measured on h041-h080 none changed any figure, so they are gone. The
attribute check moved one unanswerable gate question from "answered" to "uncertain"
(wrongly_answered 0.6 -> 0.5, answer accuracy unchanged) and stays.

The whole corpus, not the sources read, decides "not in the corpus" (``absent_from_corpus``): a
person whose first name the corpus knows and whose surname it never uses ("Pablo Neruda"),
and a month it never names ("en juillet 1939", for letters of January–March 1938).

English questions are judged through the words a French text shares with them (cognates such
as "verdict"); an English word the corpus never uses is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.answer.asked import ParsedQuestion
from assistant.answer.corpus_stats import CorpusStats
from assistant.answer.matching import covered
from assistant.answer.scoring import Around, Sentence
from assistant.lexicon import Lexicon
from assistant.text import (
    ANSWER_STOPWORDS,
    fold,
    format_date,
    month_years,
    name_runs,
    proper_names,
    stem,
)
from assistant.types import Hit

_ARTICLE = r"(?:(?:le|la|les|l'|un|une|des|du|the|a|an)\s*)?"
_COMPLEMENT = r"(?:\s+(?:de|du|des|of)\s+|\s+d')?(?P<b>[a-z]+)?"  # "numéro de *téléphone*"
_ATTRIBUTE = (
    re.compile(r"\b(?:quel|quelle|quels|quelles)\s+(?:(?:est|etait|sont|etaient|fut|furent)\s+)?"
               + _ARTICLE + r"(?P<a>[a-z]+)" + _COMPLEMENT),
    re.compile(r"\bcombien\s+(?:de\s+|d')(?P<a>[a-z]+)"),
    # English puts adjectives first ("what suspicious incident"): only "what was the X".
    re.compile(r"\b(?:what|which)\s+(?:was|were|is|are)\s+" + _ARTICLE + r"(?P<a>[a-z]+)"),
    re.compile(r"\bhow\s+(?:many|much)\s+(?P<a>[a-z]+)"),
)
# Attributes that any passage has in some form (a date, a reason, a way): not judged.
_GENERIC = {
    "date", "jour", "annee", "mois", "heure", "moment", "epoque", "periode", "raison", "facon",
    "maniere", "sorte", "genre", "type", "partie", "role", "sens", "temps", "fois", "nom",
    "year", "day", "month", "time", "way", "reason", "kind", "sort", "part", "name",
    "other", "did", "had", "has", "was", "were", "does", "happened", "passe",
}


@dataclass(frozen=True)
class Asks:
    """What the question asks for, as far as its wording says."""

    attribute: str | None = None  # folded noun: "titre", "voix", "verdict"
    complement: str | None = None  # "telephone" in "le numéro de téléphone"

    @classmethod
    def of(cls, text: str) -> Asks:
        folded = fold(text)
        attribute = complement = None
        names = set(proper_names(text))
        for pattern in _ATTRIBUTE:
            match = pattern.search(folded)
            if match and _asked(match["a"], names):
                attribute = match["a"]
                extra = match.groupdict().get("b")
                complement = extra if extra and _asked(extra, names) else None
                break
        return cls(attribute=attribute, complement=complement)


def _asked(word: str, names: set[str]) -> bool:
    return word not in ANSWER_STOPWORDS and word not in _GENERIC and word not in names and len(word) > 2


def source_terms(candidates: Iterable[Sentence], sources: Sequence[Hit]) -> set[str]:
    """Every content stem of the sources read, their context included."""
    return set().union(*(c.terms for c in candidates),
                       *(Around.of(hit.chunk).terms for hit in sources))


def contradictions(question: ParsedQuestion, candidates: list[Sentence], sources: Sequence[Hit],
                   stats: CorpusStats | None, language: str = "fr") -> list[str]:
    """Plain signs that the sources read do not hold what the question asks (empty: none)."""
    asks = Asks.of(question.text)

    def judged(term: str) -> bool:
        # Only a word the corpus uses can be missing from the sources read: a French word as
        # it is ("adhérents" never occurs: the text says "membres"), an English one through
        # its cognates ("verdict").
        if stats is None:
            return language == "fr"
        return term in stats.df if language == "fr" else stats.knows(term)

    terms = source_terms(candidates, sources)
    found = []
    for word in filter(None, (asks.attribute, asks.complement)):
        if judged(stem(word)) and not covered([stem(word)], terms):
            found.append(f"nothing on '{word}'")
    return found


def absent_from_corpus(question: ParsedQuestion, stats: CorpusStats | None, language: str = "fr",
                       *, english: Lexicon | None = None) -> list[str]:
    """What the question names that the corpus never mentions, as the question writes it:
    the full name of a "First-name Surname" whose first names the corpus uses and whose
    surname it does not ("Pablo Neruda"), a name of two words or more none of which the
    corpus uses and none an English word (``english``, the English-French lexicon: "White
    House" is English, "Salvador Dali" a name), and a month of a year named in
    no text and dating no document ("juillet 1939"). A single unknown word is not judged: it
    may be an English word or another spelling ("French", "Zinovyev" for Zinoviev)."""
    if stats is None or not stats.names:
        return []
    missing = []
    for run in name_runs(question.text, folded=False):
        if len(run) > 1 and (_unknown_surname(run, stats)
                             or _unknown_name(run, stats, language, english)):
            missing.append(" ".join(run))
    missing += [format_date(month, language) for month in month_years(question.text)
                if month not in stats.months]
    return missing


def _unknown_surname(run: Sequence[str], stats: CorpusStats) -> bool:
    """The corpus uses every first name and never the surname, in any spelling."""
    *first, last = run
    return all(stats.mentions(fold(word)) for word in first) \
        and not any(stats.mentions(part) for part in fold(last).split("-") if part)


def _unknown_name(run: Sequence[str], stats: CorpusStats, language: str,
                  english: Lexicon | None) -> bool:
    """No word of the name is one the corpus uses, in any spelling, and none is an English
    word (an English question is judged only when the lexicon can say so)."""
    parts = [part for word in run for part in fold(word).split("-") if part]
    if any(stats.mentions(part) for part in parts):
        return False
    if english is None or not english.available:
        return language == "fr"
    return not any(english.lookup(part) for part in parts)
