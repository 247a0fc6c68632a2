"""What a question asks for, and whether the sources read can hold it at all.

Coverage of the question's words cannot tell "the letters speak of X" from "the letters say
what the question asks about X": "Quel est le titre du livre que Boukharine envoya à Staline ?"
finds the letter, the book and Stalin, and no title. Four checks catch such near misses; each
fires only on a plain sign that the answer is absent, never on a paraphrase it cannot judge:

- the asked attribute ("quel est le *titre*", "combien de *voix*", "what was the *verdict*") is
  a word the corpus uses, yet no source read contains it (a price or a sum also counts as found
  when a source gives an amount of money);
- an ordinal contradicts the sources: "la *première* femme" where the sources only speak of
  "la seconde femme";
- "Qu'a répondu X…?" where no source comes from a document X wrote and no sentence has X and
  a reply word;
- a "when?" or "how many?" question whose event words ("assassinated") are words the corpus
  uses, and no source read contains any of them.

Two more look at the whole corpus, not the sources read (``absent_from_corpus``): a person
whose first name the corpus knows and whose surname it never uses ("Albert Einstein"), and a
month it never names ("en septembre 1938", for letters of January–March 1938).

English questions are judged through the words a French text shares with them (cognates such
as "assassinated"/"assassinat", "verdict"); an English word the corpus never uses is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.answer.asked import WANTS_DATE, WANTS_NUMBER, ParsedQuestion
from assistant.answer.corpus_stats import CorpusStats
from assistant.answer.matching import covered
from assistant.answer.scoring import Around, Sentence
from assistant.text import (
    ANSWER_STOPWORDS,
    fold,
    format_date,
    month_years,
    name_key,
    name_runs,
    proper_names,
    stem,
    words,
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
_MONEY_ATTRIBUTES = {"prix", "somme", "montant", "cout", "salaire", "honoraires", "price", "sum",
                     "amount", "cost", "salary", "fee", "fees"}
_MONEY = re.compile(r"\d[\d .,]*\s*(?:dollars?|francs?|roubles?|pesos|livres|marks|couronnes|"
                    r"\$)|\$\s*\d")
_ORDINALS = {"premier": 1, "premiere": 1, "first": 1, "second": 2, "seconde": 2, "deuxieme": 2,
             "troisieme": 3, "third": 3, "quatrieme": 4, "fourth": 4, "dernier": -1,
             "derniere": -1, "last": -1}
# Words of a "when?"/"how many?" question that are not its event.
_NOT_EVENT = {"dat", "date", "jour", "annee", "year", "day", "quand", "when", "combien", "many",
              "much", "nombr", "number"}


_REPLY_ASKED = (
    re.compile(r"\b(?:qu'a|qu'avait|que)\s+(?:-?t-?il\s+|-?t-?elle\s+)?(?:repondu|repondit)\s+"
               r"(?P<x>[a-z]+)"),
    re.compile(r"\bcomment\s+(?P<x>[a-z]+)\s+(?:a-t-il\s+|a-t-elle\s+)?(?:repondu|repondit|"
               r"repond)"),
    re.compile(r"\b(?:what|how)\s+did\s+(?P<x>[a-z]+)\s+(?:reply|answer|respond)"),
)
_REPLY_WORD = re.compile(r"\b(?:repon|reply|replied|answer|respon)")


@dataclass(frozen=True)
class Asks:
    """What the question asks for, as far as its wording says."""

    attribute: str | None = None  # folded noun: "titre", "voix", "verdict"
    complement: str | None = None  # "telephone" in "le numéro de téléphone"
    ordinal: tuple[int, str] | None = None  # (1, "femm"): "la première femme"
    replier: str | None = None  # name key of X in "Qu'a répondu X…?", "What did X reply…?"

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
        replier = next((m["x"] for m in (p.search(folded) for p in _REPLY_ASKED) if m), None)
        return cls(attribute=attribute, complement=complement, ordinal=_ordinal_of(words(text)),
                   replier=name_key(replier) if replier and replier not in ANSWER_STOPWORDS else None)


def _asked(word: str, names: set[str]) -> bool:
    return word not in ANSWER_STOPWORDS and word not in _GENERIC and word not in names and len(word) > 2


def _ordinal_of(tokens: Sequence[str]) -> tuple[int, str] | None:
    for i, token in enumerate(tokens[:-1]):
        if token in _ORDINALS:
            noun = tokens[i + 1]
            if noun not in ANSWER_STOPWORDS and len(noun) > 2:
                return _ORDINALS[token], stem(noun)
    return None


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
        # its cognates ("assassinated"/"assassinat").
        if stats is None:
            return language == "fr"
        return term in stats.df if language == "fr" else stats.knows(term)

    terms = source_terms(candidates, sources)
    found = []
    for word in filter(None, (asks.attribute, asks.complement)):
        if judged(stem(word)) and not covered([stem(word)], terms) \
                and not (word in _MONEY_ATTRIBUTES and _gives_money(sources)):
            found.append(f"nothing on '{word}'")
    if asks.ordinal and _ordinal_contradicted(asks.ordinal, sources):
        found.append("another ordinal")
    if asks.replier and not _replies(asks.replier, candidates, sources):
        found.append("no reply")
    if question.wants in ("date", "number") and _opens_with_want(question.text):
        names = set(question.name_stems) | set(question.years)
        event = [t for t in question.terms
                 if t not in names and t not in _NOT_EVENT and not t.isdigit()
                 and judged(t)]
        if event and not covered(event, terms):
            found.append(f"nothing on '{' '.join(event)}'")
    return found


def _opens_with_want(text: str) -> bool:
    """"When was…", "Combien de…", "À quelle date…": the date or number is the question, not
    one part of a compound one ("Which speech…, and when was it given?")."""
    opening = " ".join(words(text)[:4])
    return bool(WANTS_DATE.search(opening) or WANTS_NUMBER.search(opening))


def _gives_money(sources: Sequence[Hit]) -> bool:
    return any(_MONEY.search(fold(hit.chunk.text)) for hit in sources)


def _ordinal_contradicted(ordinal: tuple[int, str], sources: Sequence[Hit]) -> bool:
    rank, noun = ordinal
    seen: set[int] = set()
    for hit in sources:
        tokens = words(hit.chunk.text)
        for i, token in enumerate(tokens[:-1]):
            if token in _ORDINALS and stem(tokens[i + 1]) == noun:
                seen.add(_ORDINALS[token])
    return bool(seen) and rank not in seen


def _replies(replier: str, candidates: list[Sentence], sources: Sequence[Hit]) -> bool:
    """A source belongs to a document the replier wrote, or a sentence has the replier and a
    reply word."""
    for hit in sources:
        if replier in {name_key(w) for w in words(hit.chunk.sender or "")}:
            return True
    return any(replier in c.words and _REPLY_WORD.search(fold(c.text)) for c in candidates)


def absent_from_corpus(question: ParsedQuestion, stats: CorpusStats | None, language: str = "fr"
                       ) -> list[str]:
    """What the question names that the corpus never mentions, as the question writes it:
    the full name of a "First-name Surname" whose first names the corpus uses and whose
    surname it does not ("Albert Einstein", "André Breton"), and a month of a year named in no
    text and dating no document ("septembre 1938"). A single unknown word is not judged: it
    may be an English word or another spelling ("French", "Kronstadt" for Cronstadt)."""
    if stats is None or not stats.names:
        return []
    missing = []
    for run in name_runs(question.text, folded=False):
        *first, last = run
        if first and all(stats.mentions(fold(word)) for word in first) \
                and not any(stats.mentions(part) for part in fold(last).split("-") if part):
            missing.append(" ".join(run))
    missing += [format_date(month, language) for month in month_years(question.text)
                if month not in stats.months]
    return missing
