"""BM25 over the units: French text processing and a bm25s index.

Texts and queries go through the same steps: acronyms joined (``U.R.S.S.`` → ``urss``), case
folded, French and English stopwords dropped, French Snowball stemming (PyStemmer), then accents
folded (so an OCR'd or English ``etat`` meets ``état``). English month names are mapped to French
so that "January 5" meets "5 janvier"; proper nouns and numbers pass through unchanged.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

from assistant.answer.textnorm import name_key

# "but" (goal) and "or" (gold) are French words too; keep them.
_ENGLISH_STOPWORDS = set(STOPWORDS_EN) - {"but", "or"} | {
    "who", "whom", "what", "which", "when", "where", "why", "how", "did", "does", "do", "has",
    "have", "had", "were", "his", "her", "he", "she", "its", "about", "from", "been",
}
_EXTRA_FRENCH = {"cet", "cette", "celui", "celle", "ceux", "dont", "ainsi", "aussi", "tout", "tous"}
# "may" is left out: the English modal verb is far more common in questions than the month.
ENGLISH_MONTHS = {
    "january": "janvier", "february": "fevrier", "march": "mars", "april": "avril",
    "june": "juin", "july": "juillet", "august": "aout", "september": "septembre",
    "october": "octobre", "november": "novembre", "december": "decembre",
}
_ACRONYM = re.compile(r"\b(?:\w ?\.){2,}(?!\w)")
_WORD = re.compile(r"\w+")
_stemmer_lock = threading.Lock()
_stemmer = Stemmer.Stemmer("french")


def fold(text: str) -> str:
    """Lower case without accents: 'Révolution' → 'revolution' (œ stays a letter pair)."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_ALL_STOPWORDS = (*STOPWORDS_FRENCH, *_ENGLISH_STOPWORDS, *_EXTRA_FRENCH)
# Accented and folded forms, so a lower-case word is checked without folding it first.
STOPWORDS = frozenset(_ALL_STOPWORDS) | frozenset(fold(word) for word in _ALL_STOPWORDS)


@lru_cache(maxsize=200_000)
def _fold_term(term: str) -> str:
    return fold(term)


def _join_acronym(match: re.Match[str]) -> str:
    return re.sub(r"[\s.]", "", match.group(0)) + " "


def tokenize(text: str) -> list[str]:
    """The BM25 terms of a text or a query (same treatment for both)."""
    text = _ACRONYM.sub(_join_acronym, text.replace("’", "'"))
    words = [word for word in _WORD.findall(text.lower()) if word != "_"]
    kept = [
        ENGLISH_MONTHS.get(word, word)
        for word in words
        if word not in STOPWORDS and (len(word) > 1 or word.isdigit())
    ]
    with _stemmer_lock:  # PyStemmer objects are not thread-safe
        stems = _stemmer.stemWords(kept)
    return [_fold_term(stem) for stem in stems]


@lru_cache(maxsize=4096)
def _tokenize_query(query: str) -> tuple[str, ...]:
    return tuple(tokenize(query))


class LexicalIndex:
    """A bm25s index over unit texts; scores every unit so filters can mask before ranking."""

    def __init__(self, model: bm25s.BM25) -> None:
        self._model = model
        self.size = int(model.scores["num_docs"])
        self._by_spelling: dict[str, list[str]] | None = None

    def _spellings(self) -> dict[str, list[str]]:
        """The index's terms grouped by their transliteration-tolerant key (made once)."""
        if self._by_spelling is None:
            groups: dict[str, list[str]] = {}
            for term in self._model.vocab_dict:
                groups.setdefault(name_key(term), []).append(term)
            self._by_spelling = groups
        return self._by_spelling

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        model = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
        corpus_tokens = [tokenize(text) or [""] for text in texts]
        model.index(corpus_tokens, show_progress=False)
        return cls(model)

    def save(self, folder: Path) -> None:
        self._model.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(folder), show_progress=False, verbosity=0))

    def scores(self, query: str, *, translations: Sequence[Sequence[str]] = (),
               translation_weight: float = 0.5) -> np.ndarray:
        """BM25 score of every unit for the query (zeros when no query term is known). A
        query term the index lacks is replaced by the index's terms that spell the same name
        another way ("Ordzhonikidze" → ordjonikidz, "Bukharin" → boukharin).

        ``translations`` holds one group of French words per English word of the query; each
        group adds ``translation_weight`` times its best-scoring term (so a word with many
        senses counts once), terms the query already has left out."""
        vocabulary = self._model.vocab_dict
        terms: list[str] = []
        for term in _tokenize_query(query):
            terms += [term] if term in vocabulary else self._spellings().get(name_key(term), [])
        scores = (np.asarray(self._model.get_scores(terms), dtype=np.float32) if terms
                  else np.zeros(self.size, dtype=np.float32))
        own = set(terms)
        for group in translations:
            known = {t for word in group for t in _tokenize_query(word)} & vocabulary.keys()
            known -= own
            if known:
                best = np.max([self._model.get_scores([t]) for t in sorted(known)], axis=0)
                scores += np.float32(translation_weight) * best.astype(np.float32)
                own |= known
        return scores
