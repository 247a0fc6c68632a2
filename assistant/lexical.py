"""BM25 over the units: a bm25s index whose texts and queries are tokenised alike.

The terms come from ``assistant.text.search_terms`` (acronyms joined, stopwords dropped, French
stemming, accents folded, English months French).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np

from assistant.text import name_key, proper_names
from assistant.text import search_terms as tokenize

__all__ = ["LexicalIndex", "tokenize"]


@lru_cache(maxsize=4096)
def _tokenize_query(query: str) -> tuple[str, ...]:
    return tuple(tokenize(query))


@lru_cache(maxsize=4096)
def _name_terms(query: str) -> frozenset[str]:
    """The query's terms that come from its proper names."""
    return frozenset(t for name in proper_names(query) for t in _tokenize_query(name))


def _spelling_key(term: str) -> str:
    """``name_key`` of a stemmed term, its last 'i' dropped: the stemmer cuts 'Menjinski' to
    menjinsk but keeps 'Menjinsky' whole, and both spellings must meet."""
    key = name_key(term)
    return key[:-1] if len(key) > 4 and key.endswith("i") else key


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
                groups.setdefault(_spelling_key(term), []).append(term)
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
        another way ("Ordzhonikidze" → ordjonikidz, "Bukharin" → boukharin); a proper name the
        index has also brings its other spellings, since the letters and the editor of the
        volume transliterate alike names differently (Menjinski, Menjinsky).

        ``translations`` holds one group of French words per English word of the query; each
        group adds ``translation_weight`` times its best-scoring term (so a word with many
        senses counts once), terms the query already has left out."""
        vocabulary = self._model.vocab_dict
        terms: list[str] = []
        names = _name_terms(query)
        for term in _tokenize_query(query):
            known = term in vocabulary
            if known and term not in names:
                terms.append(term)
                continue
            others = [t for t in self._spellings().get(_spelling_key(term), []) if t != term]
            terms += ([term] if known else []) + others
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
