"""Extractive ``ask`` latency, warm, with each step's share (a benchmark, not a test).

    .venv/bin/python benchmarks/bench_ask.py [--index-dir DIR] [--questions eval/questions.jsonl]

Loads the corpus and an existing index (``python -m assistant index build`` first), answers a
few warm-up questions that are not measured, then every single-turn question of the set once
(distinct questions, so the retriever's query cache never helps), and prints p50/p95 of the
whole ``ask`` and the median of each step, wall and CPU time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the assistant package

from assistant.config import get_settings  # noqa: E402
from assistant.services import Services  # noqa: E402

WARM_UP = ("Qui était Benjamin Stolberg ?", "What did Trotsky propose to do with his archives?",
           "Quand Trotsky a-t-il quitté la Norvège ?", "Who was Jan Frankel?")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--questions", type=Path, default=None)
    args = parser.parse_args()
    settings = get_settings()
    if args.index_dir is not None:
        settings = settings.model_copy(
            update={"index": settings.index.model_copy(update={"dir": args.index_dir})})
    path = args.questions or settings.eval.questions
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    questions = [r["question"] for r in rows if isinstance(r["question"], str)]
    started = time.perf_counter()
    services = Services.load(settings)
    print(f"load: {time.perf_counter() - started:.2f} s")
    for question in WARM_UP:
        services.ask(question)
    walls, cpus, steps = [], [], {}
    for question in questions:
        wall, cpu = time.perf_counter(), time.process_time()
        answer = services.ask(question)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        for step in ("retrieve", "answer", "cite"):
            steps.setdefault(step, []).append(answer.timings.get(step, 0.0))
    print(f"extractive ask over {len(questions)} questions: wall p50 {percentile(walls, .5):.0f} ms,"
          f" p95 {percentile(walls, .95):.0f} ms, max {max(walls):.0f} ms;"
          f" CPU p50 {percentile(cpus, .5):.0f} ms, p95 {percentile(cpus, .95):.0f} ms")
    print("median per step, ms: " + ", ".join(
        f"{step} {statistics.median(values):.1f}" for step, values in steps.items()))


if __name__ == "__main__":
    main()
