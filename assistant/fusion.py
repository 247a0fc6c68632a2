"""Fusion of the retrievers' candidates with what the question says about where to look.

Every candidate unit (the union of the BM25 and dense short lists) gets a row of features —
its reciprocal ranks and normalised scores in both lists, how its document's metadata match
the question's dates, correspondents and kinds (``assistant.question``), whether it is a
footnote and the editor's note was asked for, whether it belongs to the previous answer's
documents or cited notes — and its fused score is one linear function of that row. With the
default weights that function is weighted reciprocal-rank fusion plus soft metadata boosts;
``eval train-fusion`` learns other weights from the development questions' gold and writes them
to ``assistant/fusion_weights.json`` (used when ``retrieval.fusion`` is 'learned').

Metadata never filter: a question that names the wrong month still finds its passage, one rank
lower at worst. The user's explicit filters stay hard (``assistant.filters``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from assistant.errors import AssistantError, FilterError
from assistant.filters import date_interval
from assistant.question import Correspondents, QuestionAnalysis
from assistant.text import name_key, words
from assistant.types import Chunk

WEIGHTS_FILE = Path(__file__).with_name("fusion_weights.json")
WEIGHTS_VERSION = 1
FEATURES = (
    "bm25_rrf", "dense_rrf", "bm25_score", "dense_score", "date_day", "date_month",
    "date_year", "correspondent", "kind", "note_asked", "footnote", "footnote_who",
    "prior_document", "prior_note",
)


@dataclass(frozen=True)
class Prior:
    """What the previous answer rested on: its documents and the notes it cited."""

    documents: tuple[str, ...] = ()
    notes: tuple[tuple[str, int], ...] = ()  # (document id, note number)

    def __bool__(self) -> bool:
        return bool(self.documents or self.notes)


@dataclass(frozen=True)
class FusionWeights:
    """One weight per feature of ``FEATURES`` (missing ones are 0)."""

    weights: dict[str, float]
    source: str = "default"

    def vector(self) -> np.ndarray:
        return np.array([self.weights.get(name, 0.0) for name in FEATURES], dtype=np.float64)

    @classmethod
    def default(cls, bm25: float, dense: float, boost: float) -> FusionWeights:
        """Reciprocal-rank fusion plus hand-set soft boosts (``boost`` scales them; the best
        unit of a fused list scores about 0.2)."""
        boosts = {"date_day": 0.6, "date_month": 0.4, "date_year": 0.1, "correspondent": 0.4,
                  "kind": 0.1, "note_asked": 0.3, "prior_document": 0.4, "prior_note": 0.3}
        return cls({"bm25_rrf": bm25, "dense_rrf": dense,
                    **{name: boost * value for name, value in boosts.items()}})

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> FusionWeights:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise AssistantError(f"cannot read the fusion weights {path}: {error}; run "
                                 "`python -m assistant eval train-fusion`") from error
        if data.get("version") != WEIGHTS_VERSION or set(data["weights"]) - set(FEATURES):
            raise AssistantError(f"{path} was written for other features; run "
                                 "`python -m assistant eval train-fusion`")
        return cls(dict(data["weights"]), source=str(path))


@dataclass
class UnitMetadata:
    """Per-unit document metadata in the form the features need (built once per index)."""

    first_day: np.ndarray
    last_day: np.ndarray
    dated: np.ndarray
    kinds: np.ndarray
    footnote: np.ndarray
    doc_ids: list[str]
    note_numbers: list[int | None]
    people: list[frozenset[str]]  # name keys of the document's sender and recipient
    correspondents: Correspondents
    key_weight: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, chunks: Sequence[Chunk]) -> UnitMetadata:
        spans = [_span(chunk.date) for chunk in chunks]
        people = [frozenset(key for name in (c.sender, c.recipient) if name
                            for key in cls.keys_of(name)) for c in chunks]
        documents = dict(zip((c.doc_id for c in chunks), people, strict=True))
        df: dict[str, int] = {}
        for keys in documents.values():
            for key in keys:
                df[key] = df.get(key, 0) + 1
        total = max(len(documents), 2)
        return cls(
            first_day=np.array([s[0] for s in spans], dtype=np.int64),
            last_day=np.array([s[1] for s in spans], dtype=np.int64),
            dated=np.array([s[0] > 0 for s in spans], dtype=bool),
            kinds=np.array([c.doc_kind for c in chunks], dtype=object),
            footnote=np.array([c.type == "footnote" for c in chunks], dtype=bool),
            doc_ids=[c.doc_id for c in chunks], note_numbers=[c.footnote for c in chunks],
            people=people,
            correspondents=Correspondents.of(n for c in chunks for n in (c.sender, c.recipient)),
            # A correspondent of nearly every document says little about where to look.
            key_weight={key: math.log(total / n) / math.log(total) for key, n in df.items()},
        )


    @staticmethod
    def keys_of(name: str) -> set[str]:
        """The name keys of a correspondent's name (initials left out)."""
        return {name_key(w) for w in words(name) if len(w) > 2}

    def narrows(self, name: str, *, weight: float = 0.3) -> bool:
        """Is this correspondent rare enough to say where to look?"""
        return any(self.key_weight.get(key, 0.0) >= weight for key in self.keys_of(name))


def _span(value: str | None) -> tuple[int, int]:
    try:
        first, last = date_interval(value) if value else (None, None)
    except FilterError:
        first = last = None
    return (first.toordinal(), last.toordinal()) if first and last else (0, 0)


def features(units: np.ndarray, analysis: QuestionAnalysis | None, meta: UnitMetadata, *,
             bm25: dict[int, tuple[int, float]], dense: dict[int, tuple[int, float]],
             rrf_k: int, prior: Prior = Prior()) -> np.ndarray:
    """The feature rows (``FEATURES`` order) of the candidate ``units``; ``bm25``/``dense``
    map a unit to its (rank, score) in each list."""
    rows = np.zeros((len(units), len(FEATURES)), dtype=np.float64)
    column = {name: i for i, name in enumerate(FEATURES)}
    best_bm25 = max((s for _, s in bm25.values()), default=0.0) or 1.0
    best_dense = max((s for _, s in dense.values()), default=0.0)
    for row, unit in enumerate(units.tolist()):
        if unit in bm25:
            rows[row, column["bm25_rrf"]] = 1 / (rrf_k + bm25[unit][0])
            rows[row, column["bm25_score"]] = bm25[unit][1] / best_bm25
        if unit in dense:
            rows[row, column["dense_rrf"]] = 1 / (rrf_k + dense[unit][0])
            rows[row, column["dense_score"]] = max(0.0, 1 - 10 * (best_dense - dense[unit][1]))
    rows[:, column["footnote"]] = meta.footnote[units]
    if analysis is not None:
        _question_features(rows, column, units, analysis, meta)
    if prior:
        notes = set(prior.notes)
        docs = set(prior.documents)
        for row, unit in enumerate(units.tolist()):
            rows[row, column["prior_document"]] = meta.doc_ids[unit] in docs
            rows[row, column["prior_note"]] = (meta.doc_ids[unit], meta.note_numbers[unit]) in notes
    return rows


def _question_features(rows: np.ndarray, column: dict[str, int], units: np.ndarray,
                       analysis: QuestionAnalysis, meta: UnitMetadata) -> None:
    first, last = meta.first_day[units], meta.last_day[units]
    dated = meta.dated[units]
    for span in analysis.dates:
        precision = {"day": "date_day", "month": "date_month", "part-of-year": "date_month",
                     "year": "date_year"}[span.precision]
        hit = np.array([bool(d) and span.matches(date.fromordinal(a), date.fromordinal(b))
                        for a, b, d in zip(first.tolist(), last.tolist(), dated.tolist(), strict=True)])
        rows[:, column[precision]] = np.maximum(rows[:, column[precision]], hit)
    keys = {key for name in analysis.correspondents for key in meta.keys_of(name)}
    keys &= set(meta.key_weight)
    if keys:
        total = sum(meta.key_weight[k] for k in keys) or 1.0
        rows[:, column["correspondent"]] = [
            sum(meta.key_weight[k] for k in keys & meta.people[u]) / total
            * max(meta.key_weight[k] for k in keys) for u in units.tolist()]
    if analysis.kinds:
        rows[:, column["kind"]] = np.isin(meta.kinds[units], list(analysis.kinds))
    footnote = meta.footnote[units]
    if analysis.wants_note:
        rows[:, column["note_asked"]] = footnote
    if analysis.answer_type == "person":
        rows[:, column["footnote_who"]] = footnote


def fuse(units: np.ndarray, rows: np.ndarray, weights: FusionWeights) -> list[tuple[int, float]]:
    """Units by fused score, best first (ties by unit order)."""
    scores = rows @ weights.vector()
    order = np.lexsort((units, -scores))
    return [(int(units[i]), float(scores[i])) for i in order]


NAMED_CORRESPONDENT = 0.5  # a correspondent feature this high names the document's own


def named_documents(units: np.ndarray, rows: np.ndarray, meta: UnitMetadata) -> set[str]:
    """Documents the question points at: a rare correspondent of theirs and their date (day or
    month) both named. Search shows more than ``per_document`` of their units, since the
    question asks about that one letter."""
    column = {name: i for i, name in enumerate(FEATURES)}
    dated = np.maximum(rows[:, column["date_day"]], rows[:, column["date_month"]]) > 0
    named = (rows[:, column["correspondent"]] >= NAMED_CORRESPONDENT) & dated
    return {meta.doc_ids[unit] for unit in units[named].tolist()}
