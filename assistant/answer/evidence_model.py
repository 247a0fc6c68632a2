"""The learned sentence ranker: a logistic regression over the scoring features, trained on the
gold sentences of the development questions (``python -m assistant eval train-answerer``).

The weights ship as a small versioned JSON file (``answer.evidence.model_file``); at run time a
sentence's score is the model's probability that it holds a gold line, a dot product (no
scikit-learn needed). The hand-set weights of ``combine`` remain the fallback without a file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.answer.scoring import Sentence
from assistant.errors import AssistantError
from assistant.types import Hit

FORMAT_VERSION = 1
FEATURES = ("lexical", "names", "years", "unit", "rank", "typed", "footnote", "length")


def feature_row(sentence: Sentence, sources: Sequence[Hit]) -> list[float]:
    """The model's inputs for one scored sentence (each in [0, 1])."""
    chunk = sources[sentence.source].chunk
    return [sentence.lexical, sentence.names, sentence.years, sentence.unit, sentence.rank,
            sentence.typed, 1.0 if chunk.type == "footnote" else 0.0,
            min(len(sentence.text) / 400.0, 1.0)]


@dataclass(frozen=True)
class EvidenceModel:
    coefficients: tuple[float, ...]
    intercept: float

    def probability(self, row: Sequence[float]) -> float:
        z = self.intercept + sum(w * x for w, x in zip(self.coefficients, row, strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def rank(self, candidates: list[Sentence], sources: Sequence[Hit], weight: float) -> None:
        """Add ``weight`` times the model's probability to each candidate's score (in place):
        the model decides the order, the hand-weighted part keeps the scale on which further
        sentences are kept (``keep_ratio``)."""
        for c in candidates:
            c.score += weight * self.probability(feature_row(c, sources))


@lru_cache(maxsize=4)
def load_model(path: Path) -> EvidenceModel:
    """The model in ``path`` (AssistantError when it is not a model file of this version)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AssistantError(f"Cannot read the evidence model {path}: {error}. Rebuild it with "
                             "`python -m assistant eval train-answerer`.") from error
    if data.get("format_version") != FORMAT_VERSION or tuple(data.get("features", ())) != FEATURES:
        raise AssistantError(f"{path} is not an evidence model of this version: rebuild it with "
                             "`python -m assistant eval train-answerer`.")
    return EvidenceModel(tuple(float(w) for w in data["coefficients"]), float(data["intercept"]))
