"""What the answerer knows of the whole corpus: how rare each content stem is (idf weights),
which name keys and which months it mentions at all.

One ``CorpusStats`` is made per loaded index (``CorpusStats.from_chunks(retriever.chunks)``)
and owned by ``Services``, which passes it to the chain; nothing here is global.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.answer.matching import by_prefix, related
from assistant.text import content_terms, month_years, name_key, words
from assistant.types import Chunk


@dataclass
class CorpusStats:
    """Document frequencies of content stems over all retrieval units (for idf weights), and
    what the corpus mentions at all: the name keys of its words, the months it names."""

    units: int
    df: Counter = field(default_factory=Counter)
    names: frozenset[str] = frozenset()
    months: frozenset[str] = frozenset()  # 'YYYY-MM' named in a text or dating a document
    _by_prefix: dict[str, list[str]] | None = field(default=None, repr=False)
    _names_by_prefix: dict[str, list[str]] | None = field(default=None, repr=False)

    @classmethod
    def from_chunks(cls, chunks: Sequence[Chunk]) -> CorpusStats:
        df: Counter = Counter()
        names: set[str] = set()
        months: set[str] = set()
        for chunk in chunks:
            df.update(set(content_terms(f"{chunk.title} {chunk.text}")))
            text = f"{chunk.title} {chunk.text} {chunk.sender or ''} {chunk.recipient or ''}"
            names.update(name_key(word) for word in words(text))
            months.update(month_years(text))
            if chunk.date and len(chunk.date) >= 7:
                months.add(chunk.date[:7])
        return cls(units=max(len(chunks), 1), df=df, names=frozenset(names),
                   months=frozenset(months))

    def mentions(self, name: str) -> bool:
        """The corpus has a word of this name key, or one sharing a long prefix with it."""
        key = name_key(name)
        if key in self.names:
            return True
        if self._names_by_prefix is None:
            self._names_by_prefix = by_prefix(self.names)
        return any(related(key, known) for known in self._names_by_prefix.get(key[:5], ()))

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.units - df + 0.5) / (df + 0.5))

    def knows(self, term: str) -> bool:
        """The corpus uses this stem or a close relative of it ("assassinated"/"assassinat")."""
        if term in self.df:
            return True
        if self._by_prefix is None:
            self._by_prefix = by_prefix(self.df)
        return any(related(term, known) for known in self._by_prefix.get(term[:5], ()))
