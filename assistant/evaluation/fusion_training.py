"""Learn the hybrid fusion's weights from the development questions' gold (``eval train-fusion``).

For every answerable development question (``eval/questions.jsonl`` and h001–h040 of
``eval/heldout.jsonl``; follow-ups asked turn by turn, so the last turn is searched as the chain
rewrites it, with the previous answer as prior) the retriever's candidates and their fusion
feature rows are collected (``Retriever.candidates``); a unit is positive when it holds a gold
item. Candidate fusions are compared by 5-fold cross-validation over questions, on the MRR of
the final, diversified top 10:

- ``rrf``: weighted reciprocal-rank fusion alone (the weights of ``retrieval``);
- ``rrf+boosts(s)``: the same plus the soft metadata boosts at scale s;
- ``logistic(C)``: scikit-learn logistic regression on every feature (balanced classes);
- ``pairwise(C)``: logistic regression on the differences between a gold unit's row and each
  other candidate's of the same question (a linear ranker).

The file written (``assistant/fusion_weights.json``) holds the best learned model's weights
fitted on every development question, the cross-validated table and the winner; the gate
questions (h041–h080, blind sets) are never read here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answer import condense
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.evaluation import metrics
from assistant.evaluation.harness import DocumentLocator, gold_items
from assistant.evaluation.questions import Question, load_questions
from assistant.fusion import (
    FEATURES,
    WEIGHTS_FILE,
    WEIGHTS_VERSION,
    FusionWeights,
    named_documents,
)
from assistant.types import Answer

DEVELOPMENT_HELDOUT = 40  # h001–h040 of the held-out file belong to the development set
BOOST_SCALES = (0.025, 0.05, 0.1, 0.2)
LOGISTIC_C = (0.01, 0.1, 1.0, 10.0)
FOLDS = 5
TOP = 10


@dataclass(frozen=True)
class Sample:
    """One question's candidates: unit numbers, feature rows, and which hold a gold item."""

    qid: str
    units: np.ndarray
    rows: np.ndarray
    labels: np.ndarray


def development_questions(settings: Settings) -> list[Question]:
    heldout = [q for q in load_questions(settings.eval.heldout)
               if q.id.startswith("h") and int(q.id[1:]) <= DEVELOPMENT_HELDOUT]
    return [q for q in load_questions(settings.eval.questions) + heldout if q.answerable]


def collect(services: Any, questions: Sequence[Question]) -> list[Sample]:
    """Candidates and labels of every question (the chain answers earlier turns)."""
    retriever = services.retriever
    locator = DocumentLocator(services.corpus)
    samples = []
    for q in questions:
        history: list[Answer] = []
        for turn in q.turns[:-1]:
            history.append(services.ask(turn, tuple(history)))
        query = condense.condense(q.last_turn, history)
        prior = condense.prior_of(q.last_turn, history)
        units, rows = retriever.candidates(query, prior=prior)
        golds = gold_items(q, locator)
        labels = np.array([any(metrics.unit_hits(retriever.chunks[u], g) for g in golds)
                           for u in units.tolist()], dtype=bool)
        samples.append(Sample(q.id, units, rows, labels))
    return samples


def ranks(samples: Sequence[Sample], weights: np.ndarray, retriever: Any) -> list[int | None]:
    """Rank of the first gold unit in each question's diversified top 10 (None: missed)."""
    out = []
    for sample in samples:
        scores = sample.rows @ weights
        order = np.lexsort((sample.units, -scores))
        scored = [(int(sample.units[i]), float(scores[i])) for i in order]
        named = named_documents(sample.units, sample.rows, retriever.metadata)
        chosen = [unit for unit, _ in retriever.diversify(scored, TOP, named)]
        positive = set(sample.units[sample.labels].tolist())
        out.append(next((r for r, u in enumerate(chosen, start=1) if u in positive), None))
    return out


def summary(found: Sequence[int | None]) -> dict[str, float]:
    return {"hit@1": float(np.mean([metrics.hit_at_k(r, 1) for r in found])),
            "hit@5": float(np.mean([metrics.hit_at_k(r, 5) for r in found])),
            "mrr": float(np.mean([metrics.reciprocal_rank(r) for r in found]))}


def logistic_weights(samples: Sequence[Sample], c: float) -> np.ndarray:
    """Feature weights of a balanced logistic regression (standardised, then unscaled)."""
    from sklearn.linear_model import LogisticRegression

    rows = np.vstack([s.rows for s in samples])
    labels = np.concatenate([s.labels for s in samples])
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit(rows / scale, labels)
    return model.coef_[0] / scale


def pairwise_weights(samples: Sequence[Sample], c: float) -> np.ndarray:
    """Feature weights of a logistic regression on differences of rows (a gold unit against
    each other candidate of its question): a linear ranker, without intercept."""
    from sklearn.linear_model import LogisticRegression

    differences = []
    for sample in samples:
        positive, negative = sample.rows[sample.labels], sample.rows[~sample.labels]
        if len(positive) and len(negative):
            best = positive[np.argmax(positive[:, 0] + positive[:, 1])]
            differences.append(best - negative)
    if not differences:
        raise AssistantError("no development question has both gold and other candidates")
    rows = np.vstack(differences)
    scale = np.abs(rows).max(axis=0)
    scale[scale == 0] = 1.0
    rows = rows / scale
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000)
    model.fit(np.vstack([rows, -rows]), np.r_[np.ones(len(rows)), np.zeros(len(rows))])
    return model.coef_[0] / scale


def candidates(settings: Settings) -> dict[str, Any]:
    """Name → weights vector, or a function fitting one on training samples."""
    config = settings.retrieval
    fixed = {"rrf": FusionWeights.default(config.bm25_weight, config.dense_weight, 0.0)}
    fixed |= {f"rrf+boosts({s})": FusionWeights.default(config.bm25_weight,
                                                        config.dense_weight, s)
              for s in BOOST_SCALES}
    table: dict[str, Any] = {name: w.vector() for name, w in fixed.items()}
    table |= {f"logistic({c})": (lambda train, c=c: logistic_weights(train, c))
              for c in LOGISTIC_C}
    table |= {f"pairwise({c})": (lambda train, c=c: pairwise_weights(train, c))
              for c in LOGISTIC_C}
    return table


def cross_validate(samples: Sequence[Sample], settings: Settings, retriever: Any) -> dict:
    """Each candidate fusion's pooled out-of-fold hit@1/hit@5/MRR."""
    order = np.random.default_rng(0).permutation(len(samples))
    folds = [order[i::FOLDS] for i in range(FOLDS)]
    results = {}
    for name, candidate in candidates(settings).items():
        found: list[int | None] = []
        for fold in folds:
            test = [samples[i] for i in fold]
            train = [samples[i] for i in order if i not in set(fold.tolist())]
            weights = candidate(train) if callable(candidate) else candidate
            found += ranks(test, weights, retriever)
        results[name] = summary(found)
    return results


def train(services: Any, out: Path = WEIGHTS_FILE) -> dict:
    """Collect, cross-validate, fit the best logistic model on everything, write ``out``."""
    settings = services.settings
    questions = development_questions(settings)
    samples = collect(services, questions)
    table = cross_validate(samples, settings, services.retriever)
    winner = max(table, key=lambda name: (table[name]["mrr"], table[name]["hit@5"]))
    learned = max((n for n in table if not n.startswith("rrf")),
                  key=lambda name: (table[name]["mrr"], table[name]["hit@5"]))
    fit = pairwise_weights if learned.startswith("pairwise") else logistic_weights
    weights = fit(samples, float(learned.split("(")[1].rstrip(")")))
    data = {
        "version": WEIGHTS_VERSION,
        "trained_on": f"{len(samples)} answerable development questions "
                      "(eval/questions.jsonl + h001-h040)",
        "model": learned, "winner": winner,
        "weights": {name: round(float(w), 6) for name, w in zip(FEATURES, weights, strict=True)},
        "cross_validation": {n: {k: round(v, 4) for k, v in m.items()} for n, m in table.items()},
    }
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return data
