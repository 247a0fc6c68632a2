"""`eval train-fusion` on the real corpus and index: the shipped weights are what it writes."""

from __future__ import annotations

import json

import pytest

from assistant.fusion import FEATURES, WEIGHTS_FILE, FusionWeights

pytestmark = pytest.mark.slow


def test_train_fusion_reproduces_the_shipped_weights(services, tmp_path):
    from assistant.evaluation.fusion_training import train

    shipped = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    data = train(services, tmp_path / "weights.json")
    assert (tmp_path / "weights.json").is_file()
    assert data["model"] == shipped["model"] and data["winner"] == shipped["winner"]
    for name in FEATURES:
        assert data["weights"][name] == pytest.approx(shipped["weights"][name], rel=0.05,
                                                      abs=0.05), name
    for fusion, scores in shipped["cross_validation"].items():
        assert data["cross_validation"][fusion]["mrr"] == pytest.approx(scores["mrr"], abs=0.02)
    # The file loads as the retriever's weights, one per feature.
    assert len(FusionWeights.load(tmp_path / "weights.json").vector()) == len(FEATURES)
