"""Concurrent users against the real server (issue 7), with small numbers.

``benchmarks/load_test.py`` launches ``python -m assistant serve`` on 127.0.0.1 over the
session's index, then 16 ``gradio_client`` clients ask 2 questions each at once through the
``ask`` endpoint (``make bench`` runs 16 × 10). Every question must be answered, with no error,
within the time bound.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))

import load_test  # noqa: E402

pytestmark = pytest.mark.slow


def test_16_concurrent_clients_all_answered_without_error(built_index: Path, tmp_path: Path):
    log = tmp_path / "serve.log"
    result = load_test.load_test(built_index, clients=16, questions_per_client=2, timeout=420,
                                 log=log)
    print(result.report())
    assert result.errors == [], (result.errors[:5], log.read_text(errors="replace")[-2000:])
    assert result.answered == result.expected == 32
    assert len(result.latencies_ms) == 32 and result.percentile(0.95) > 0
    assert "Traceback" not in log.read_text(errors="replace")


def test_the_server_listens_on_127_0_0_1_only(built_index: Path):
    server = load_test.Server(built_index)
    assert server.url.startswith("http://127.0.0.1:")
    assert server.command[-4:] == ["--host", "127.0.0.1", "--port", str(server.port)]


def test_a_failing_server_is_reported_not_waited_for(tmp_path: Path):
    """No index: the server still starts (it shows the repair command), and every question
    comes back as an error — which the load test counts and reports."""
    result = load_test.load_test(tmp_path / "no-index", clients=2, questions_per_client=1,
                                 timeout=240)
    assert not result.ok and result.answered == 0
    assert len(result.errors) == 2 and all("index build" in e for e in result.errors)
