"""Scoring the sources' sentences against the question, for the extractive answerer.

Each sentence of the retrieved units gets features in [0, 1]: idf-weighted coverage of the
question's content words (stems; a shared long prefix counts, so "secretary" meets
"secrétaire"), its proper names (spelling-tolerant keys, weighted by rarity) and years, in the
sentence or around it (the document's title, date and correspondents), the unit's own dense
similarity and rank, and whether it holds the date or number asked for. ``combine`` weighs them
(``EvidenceSettings``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer.asked import ParsedQuestion, has_answer_type
from assistant.answer.corpus_stats import CorpusStats
from assistant.answer.matching import covered, weight_of
from assistant.answer.sentences import sentence_spans
from assistant.config import EvidenceSettings
from assistant.question import DESIGNATOR_WORDS
from assistant.text import content_terms, fold, name_key, stem, words
from assistant.types import Chunk, Hit

DEFAULTS = EvidenceSettings()


@dataclass
class Sentence:
    """A candidate sentence of one source, with its features and score."""

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


def candidates_of(sources: Sequence[Hit], min_words: int = DEFAULTS.min_words) -> list[Sentence]:
    """Every sentence of the sources with at least ``min_words`` words."""
    found = []
    for index, hit in enumerate(sources):
        text = hit.chunk.text
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            tokens = words(sentence)
            if len(tokens) < min_words:
                continue
            found.append(Sentence(index, start, end, sentence, set(content_terms(sentence)),
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


_DESIGNATORS = frozenset(stem(word) for word in DESIGNATOR_WORDS)


def term_weights(question: ParsedQuestion, stats: CorpusStats | None, language: str,
                 settings: EvidenceSettings = DEFAULTS) -> dict[str, float]:
    """Each question stem's weight: its idf. A French word the corpus never uses is a sign
    that it does not hold the answer; an English one much less (the corpus is French): it
    weighs less unless a cognate meets it. A word that says where to look ("la note", "the
    volume", "lettre") weighs ``designator`` of it."""
    weights = {t: (stats.idf(t) ** settings.idf_power if stats else 1.0) for t in question.terms}
    for term in weights:
        if language == "en" and stats and not stats.df.get(term):
            weights[term] *= settings.english_unknown
        if term in question.inherited:
            weights[term] *= settings.inherited
        if term in _DESIGNATORS:
            weights[term] *= settings.designator
    return weights


def score_features(question: ParsedQuestion, candidates: list[Sentence], sources: Sequence[Hit],
                   stats: CorpusStats | None, language: str = "fr",
                   settings: EvidenceSettings = DEFAULTS) -> None:
    """Fill in every candidate's features (in place)."""
    weights = term_weights(question, stats, language, settings)
    total = sum(weights.values())
    around = [Around.of(hit.chunk) for hit in sources]
    dense = [hit.dense_score for hit in sources]
    high = max((d for d in dense if d is not None), default=0.0)
    # A rare name ("Stolberg") says more than the ubiquitous "Trotsky".
    name_weights = [(stats.idf(term) if stats else 1.0)
                    * (settings.inherited if key in question.inherited else 1.0)
                    for key, term in zip(question.names, question.name_stems, strict=True)]
    about_sources = bool(_ABOUT_SOURCES.search(fold(question.text)))
    credit = settings.around
    for c in candidates:
        context = around[c.source]
        inside = covered(question.terms, c.terms)
        outside = covered([t for t in question.terms if t not in inside], context.terms)
        found = weight_of(inside, weights) + credit * weight_of(outside, weights)
        c.lexical = found / total if total else 0.0
        # In a letter's text the author and the addressee are who "I" and "you" are; an
        # editor's note is about someone else.
        people = context.people if sources[c.source].chunk.type == "text" else set()
        c.names = share(question.names, c.words | people, context.words, name_weights, credit)
        c.years = share(question.years, c.words, context.words, around_credit=credit)
        d = dense[c.source]
        # Within unit_span of the best unit's similarity: e5's scores are close together.
        c.unit = 0.0 if d is None else max(0.0, 1.0 - (high - d) / settings.unit_span)
        if is_source_note(sources[c.source].chunk) and not about_sources:
            c.lexical *= settings.source_note
            c.names *= settings.source_note
        c.rank = 1.0 / (1.0 + 0.25 * c.source)
        c.typed = 1.0 if question.wants and has_answer_type(question, c.text) else 0.0


_SOURCE_NOTE = re.compile(r"\b(tradu\w*|permission|houghton|original|paru|publie|archives? "
                          r"(de|d')|collection|fonds)\b")
_ABOUT_SOURCES = re.compile(r"\b(source|tradu\w*|translat\w*|original|langue|language|publi\w*|"
                            r"paru|archive\w*|edition|printed|imprime\w*)\b")


def is_source_note(chunk: Chunk) -> bool:
    """The editor's note 1 that only gives the document's source ("Lettre à Jan Frankel (8156),
    traduite de l'anglais, avec la permission de la Houghton Library")."""
    return (chunk.type == "footnote" and chunk.footnote == 1 and len(chunk.text) < 300
            and bool(_SOURCE_NOTE.search(fold(chunk.text))))


def share(wanted: Sequence[str], inside: set[str], around: set[str],
          weights: Sequence[float] | None = None, around_credit: float = DEFAULTS.around
          ) -> float:
    """Weighted share of ``wanted`` found ``inside`` (1) or only ``around`` (partial credit)."""
    if not wanted:
        return 0.0
    weights = weights or [1.0] * len(wanted)
    found = sum(weight * (1.0 if w in inside else around_credit if w in around else 0.0)
                for w, weight in zip(wanted, weights, strict=True))
    total = sum(weights)
    return found / total if total else 0.0


def combine(candidates: list[Sentence], settings: EvidenceSettings = DEFAULTS) -> None:
    """Each candidate's score: the weighted sum of its features."""
    for c in candidates:
        c.score = (settings.terms * c.lexical + settings.names * c.names
                   + settings.years * c.years + settings.unit * c.unit
                   + settings.rank * c.rank + settings.typed * c.typed)
