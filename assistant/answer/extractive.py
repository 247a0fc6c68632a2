"""The default answerer, without an LLM: the best sentences of the sources, quoted and cited.

Each sentence of the retrieved units is scored against the question — dense similarity (one
batch through the retriever's embedder, for the lexically best candidates only), idf-weighted
coverage of the question's content words, its proper names and years, and the unit's rank.
The best 1–``max_sentences`` sentences (no near-duplicates) are quoted verbatim, each after a
framing phrase that names the document ("Dans la lettre à J. Frankel du 5 janvier 1938, Trotsky
écrit :"), footnotes as the editor's. Weak evidence means an honest refusal instead.
Source text is only ever quoted: an instruction inside it changes nothing.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.answer.citations import format_date, short_name
from assistant.answer.phrases import REFUSAL
from assistant.answer.sentences import sentence_spans
from assistant.answer.textnorm import content_terms, fold, proper_names, words, years
from assistant.types import Chunk, Hit

DENSE_CANDIDATES = 24  # sentences embedded per question (latency: one small batch)
MIN_WORDS = 4  # shorter sentences ("Cf. Œuvres, 15.") say nothing on their own
MAX_QUOTE_CHARS = 450  # a longer sentence is cut at a clause boundary, with an ellipsis
KEEP_RATIO = 0.8  # further sentences must score at least this share of the best one
DUPLICATE_OVERLAP = 0.6  # word-set overlap above which two sentences say the same thing
# Weights of the sentence score (dense similarity is rescaled from e5's narrow range).
W_DENSE, W_TERMS, W_NAMES, W_YEARS, W_RANK = 0.45, 0.3, 0.15, 0.05, 0.05
DENSE_FLOOR, DENSE_SPAN = 0.72, 0.16
_ANAPHORIC_STARTS = ("il ", "elle ", "ils ", "elles ", "cela ", "ce ", "cette ", "ces ",
                     "he ", "she ", "they ", "this ", "it ")


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


@dataclass
class Candidate:
    source: int  # 0-based index into the sources
    start: int
    end: int
    text: str
    terms: set[str]
    words: set[str]
    lexical: float = 0.0
    names: float = 0.0
    years: float = 0.0
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


@dataclass(frozen=True)
class Question:
    text: str
    terms: tuple[str, ...]
    names: tuple[str, ...]
    years: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Question:
        return cls(text, tuple(dict.fromkeys(content_terms(text))), tuple(proper_names(text)),
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
                                   set(tokens)))
    return found


def score_lexical(question: Question, candidates: list[Candidate], sources: Sequence[Hit],
                  stats: TermStats | None) -> None:
    weights = {t: (stats.idf(t) if stats else 1.0) for t in question.terms}
    total = sum(weights.values()) or 1.0
    header_words = [set(words(h.chunk.header + " " + h.chunk.title)) for h in sources]
    for c in candidates:
        c.lexical = sum(w for t, w in weights.items() if t in c.terms) / total
        if question.names:
            inside = sum(n in c.words for n in question.names)
            around = sum(n in header_words[c.source] for n in question.names if n not in c.words)
            c.names = (inside + 0.5 * around) / len(question.names)
        if question.years:
            c.years = sum(y in c.words for y in question.years) / len(question.years)
        c.rank = 1.0 / (1.0 + 0.25 * c.source)


def score_dense(question: Question, candidates: list[Candidate], embedder,
                query_vector=None) -> None:
    """Embed the lexically best candidates in one batch; the others keep dense=None.
    ``query_vector(text)`` (the retriever's, cached) spares embedding the question twice."""
    if embedder is None or not candidates:
        return
    order = sorted(candidates, key=lambda c: -(c.lexical + c.names + c.years + c.rank))
    chosen = order[:DENSE_CANDIDATES]
    embed_query = query_vector or embedder.embed_query
    query = np.asarray(embed_query(question.text), dtype=np.float32)
    vectors = np.asarray(embedder.embed_passages([c.text for c in chosen]), dtype=np.float32)
    for candidate, similarity in zip(chosen, vectors @ query, strict=True):
        candidate.dense = float(similarity)


def combine(candidates: list[Candidate]) -> None:
    has_dense = any(c.dense is not None for c in candidates)
    for c in candidates:
        dense = 0.0 if c.dense is None else min(max((c.dense - DENSE_FLOOR) / DENSE_SPAN, 0), 1)
        w_dense = W_DENSE if has_dense else 0.0
        c.score = (w_dense * dense + W_TERMS * c.lexical + W_NAMES * c.names
                   + W_YEARS * c.years + W_RANK * c.rank)
        if not has_dense:
            c.score /= 1 - W_DENSE


def evidence_of(best: Candidate, question: Question) -> float:
    """How well the best sentence supports an answer: its score, lowered when the question's
    names or years appear nowhere near it."""
    penalty = 1.0
    if question.names and best.names == 0:
        penalty *= 0.6
    if question.years and best.years == 0:
        penalty *= 0.8
    return round(best.score * penalty, 4)


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
    by_position = {(c.source, c.end): c for c in candidates}
    for c in chosen:
        if fold(c.text).startswith(_ANAPHORIC_STARTS):
            previous = _previous(c, by_position)
            if previous is not None and previous not in chosen:
                merged = Candidate(c.source, previous.start, c.end, "", c.terms, c.words,
                                   score=c.score)
                result.append(merged)
                continue
        result.append(c)
    return result


def _previous(c: Candidate, by_position: dict[tuple[int, int], Candidate]) -> Candidate | None:
    for (source, end), other in by_position.items():
        if source == c.source and end <= c.start and c.start - end <= 2:
            return other
    return None


def clip(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """Cut a long quotation at a clause boundary; the ellipsis marks the cut (verification
    splits quotations at ellipses)."""
    if len(text) <= limit:
        return text
    cut = max(text.rfind(mark, 0, limit) for mark in (", ", "; ", " : "))
    cut = cut if cut > limit // 2 else text.rfind(" ", 0, limit)
    return text[:cut].rstrip(",;: ") + " …"


# --- Composition ------------------------------------------------------------------------

def _surname(name: str | None) -> str:
    return short_name(name).split()[-1] if name else ""


def _date_phrase(chunk: Chunk, language: str) -> str:
    if not chunk.date:
        return ""
    date = format_date(chunk.date, language)
    if language == "en":
        return f" of {date}"
    return f" de {date}" if len(chunk.date) == 7 else f" du {date}"


_WITH_ARTICLE = {
    "fr": {"letter": "la lettre", "telegram": "le télégramme", "article": "l'article",
           "declaration": "la déclaration", "interview": "l'entretien", "preface": "la préface"},
    "en": {"letter": "the letter", "telegram": "the telegram", "article": "the article",
           "declaration": "the statement", "interview": "the interview", "preface": "the preface"},
}


def _document_phrase(chunk: Chunk, language: str) -> str:
    """'la lettre à J. Frankel du 5 janvier 1938' / 'the letter to J. Frankel of 5 January 1938'."""
    named = _WITH_ARTICLE[language]
    kind = chunk.doc_kind
    title = chunk.title.strip()
    date = _date_phrase(chunk, language)
    if kind in ("letter", "telegram") and chunk.recipient:
        to = "to" if language == "en" else "à"
        return f"{named[kind]} {to} {short_name(chunk.recipient)}{date}"
    if title:
        name = f"“{title}”" if language == "en" else f"« {title} »"
        if kind in named:
            return f"{named[kind]} {name}{date}"
        return f"{name}{date}" if language == "en" else f"le texte {name}{date}"
    return ("the document" if language == "en" else "le document") + date


def framing(chunk: Chunk, language: str, *, same_document: bool) -> str:
    """The phrase that introduces a quotation from ``chunk``."""
    author = _surname(chunk.sender)
    if chunk.type == "footnote":
        note = f"{chunk.footnote} " if chunk.footnote is not None else ""
        if language == "en":
            where = "" if same_document else f" to {_document_phrase(chunk, language)}"
            return f"The editor's note {note}{where} says:".replace("  ", " ")
        where = "" if same_document else f" sur {_document_phrase(chunk, language)}"
        return f"La note {note}de l'éditeur{where} précise :"
    if same_document:
        return "In the same document:" if language == "en" else "Dans le même document :"
    document = _document_phrase(chunk, language)
    if language == "en":
        return f"In {document}, {author} writes:" if author else f"In {document}, we read:"
    opening = f"Dans {document}"
    return f"{opening}, {author} écrit :" if author else f"{opening}, on lit :"


def _quote(text: str, language: str) -> str:
    return f"“{text}”" if language == "en" else f"« {text} »"


def compose(chosen: list[Candidate], sources: Sequence[Hit], language: str) -> str:
    """Group the sentences by source (best group first, sentences in text order), frame each
    group, quote each sentence and cite it."""
    groups: dict[int, list[Candidate]] = {}
    for c in sorted(chosen, key=lambda c: -c.score):
        groups.setdefault(c.source, []).append(c)
    paragraphs = []
    seen_documents: set[str] = set()
    for source, members in groups.items():
        chunk = sources[source].chunk
        members = _merge_adjacent(sorted(members, key=lambda c: c.start), chunk.text)
        intro = framing(chunk, language, same_document=chunk.doc_id in seen_documents)
        seen_documents.add(chunk.doc_id)
        quotes = " … ".join(f"{_quote(clip(text), language)} [{source + 1}]" for text in members)
        paragraphs.append(f"{intro} {quotes}")
    return "\n\n".join(paragraphs)


def _merge_adjacent(members: list[Candidate], text: str) -> list[str]:
    """Consecutive sentences become one quotation (the exact source text between them)."""
    spans: list[list[int]] = []
    for c in members:
        if spans and c.start - spans[-1][1] <= 2:
            spans[-1][1] = max(spans[-1][1], c.end)
        else:
            spans.append([c.start, c.end])
    return [" ".join(text[a:b].split()) for a, b in spans]


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
) -> Draft:
    """The extractive answer to ``question`` from ``sources`` (or a refusal)."""
    parsed = Question.parse(question)
    candidates = candidates_of(sources)
    if not candidates:
        return Draft(REFUSAL[language], refused=True)
    score_lexical(parsed, candidates, sources, stats)
    score_dense(parsed, candidates, embedder, query_vector)
    combine(candidates)
    best = max(candidates, key=lambda c: c.score)
    evidence = evidence_of(best, parsed)
    if evidence < refusal_threshold:
        closest: dict[int, str] = {}
        for c in sorted(candidates, key=lambda c: -c.score):
            closest.setdefault(c.source, c.text)
        return Draft(REFUSAL[language], refused=True, evidence=evidence,
                     see_also=tuple(list(closest.items())[:3]))
    chosen = with_antecedent(select(candidates, max_sentences), candidates)
    return Draft(compose(chosen, sources, language), evidence=evidence)
