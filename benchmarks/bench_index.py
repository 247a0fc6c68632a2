"""Search index benchmark: cold build (ours and the naive LangChain pipeline, same run), warm
load, rebuild after editing one document, and query latency per mode.

    .venv/bin/python benchmarks/bench_index.py [--skip-naive] [--queries N] [--json FILE]

Goals (issue 3, on the 2-core machine): cold build faster than the naive pipeline, warm load
≤ 3 s, rebuild after one edit ≤ 10 s, hybrid query p50 ≤ 30 ms and p95 ≤ 60 ms. Everything is
built in a temporary folder; the user's index/ is never touched.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.config import Settings, get_settings  # noqa: E402
from assistant.corpus import load_corpus  # noqa: E402
from assistant.embedding import load_embedder  # noqa: E402
from assistant.index_store import build_index  # noqa: E402
from assistant.retrieve import load_retriever  # noqa: E402

EDIT_FROM, EDIT_TO = "la vente des archives", "la cession des archives"
FALLBACK_QUERIES = [
    "Qui était Benjamin Stolberg ?", "who was Benjamin Stolberg?", "la vente des archives",
    "Quand Sedov est-il mort ?", "Dewey commission verdict", "procès de Moscou Boukharine",
]


def _settings(base: Settings, corpus_dir: Path, index_dir: Path) -> Settings:
    return base.model_copy(update={
        "corpus": base.corpus.model_copy(update={"dir": corpus_dir}),
        "index": base.index.model_copy(update={"dir": index_dir}),
    })


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _queries(settings: Settings, limit: int) -> list[str]:
    try:
        from assistant.evaluation.questions import load_questions

        questions = [" ".join(q.turns) for q in load_questions(settings.eval.questions)]
    except Exception:  # noqa: BLE001 - the evaluation set is optional here
        questions = []
    pool = questions or FALLBACK_QUERIES
    return [pool[i % len(pool)] for i in range(limit)]


def bench_naive(settings: Settings, embedder) -> dict | None:
    """The naive pipeline's cold build (assistant/evaluation/naive.py), with the same embedder."""
    try:
        from assistant.evaluation.naive import NaiveRetriever
    except ImportError:
        print("naive pipeline: assistant/evaluation/naive.py not available, skipped")
        return None
    started = time.perf_counter()
    naive = NaiveRetriever.build(settings.corpus.dir, embedder, pattern=settings.corpus.pattern,
                                 batch_size=settings.embedding.batch_size)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "units": len(naive.chunks)}


def run(args: argparse.Namespace) -> dict:
    base = get_settings()
    figures: dict[str, float | int | str | None] = {}
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        root = Path(tmp)
        settings = _settings(base, base.corpus.dir, root / "index")
        embedder = load_embedder(settings.embedding)

        naive = bench_naive(settings, embedder) if args.naive_first else None
        started = time.perf_counter()
        corpus = load_corpus(settings.corpus)
        figures["parse_s"] = time.perf_counter() - started
        started = time.perf_counter()
        report = build_index(corpus, settings, embedder=embedder, progress=False)
        cold = time.perf_counter() - started + figures["parse_s"]
        figures.update(cold_build_s=cold, units=report.units, units_per_s=report.units / cold,
                       embedded_texts=report.embedded)
        print(f"cold build (parse + index): {cold:.1f} s, {report.units} units, "
              f"{report.units / cold:.1f} units/s")
        if not args.skip_naive and not args.naive_first:
            naive = bench_naive(settings, embedder)
        if naive:
            figures.update(naive_build_s=naive["seconds"], naive_units=naive["units"])
            print(f"naive pipeline cold build: {naive['seconds']:.1f} s, "
                  f"{naive['units']} chunks (ours took {cold / naive['seconds']:.2f}× its time)")

        started = time.perf_counter()
        retriever = load_retriever(settings)
        figures["warm_load_s"] = time.perf_counter() - started
        print(f"warm load (verify + load + embedder): {figures['warm_load_s']:.2f} s")

        # Rebuild after editing one document: a copy of the corpus with one phrase changed.
        edited_dir = root / "corpus"
        shutil.copytree(settings.corpus.dir, edited_dir)
        target = next(p for p in sorted(edited_dir.glob(settings.corpus.pattern))
                      if EDIT_FROM in p.read_text(encoding="utf-8"))
        target.write_text(target.read_text(encoding="utf-8").replace(EDIT_FROM, EDIT_TO, 1),
                          encoding="utf-8")
        edited = _settings(base, edited_dir, root / "index")
        started = time.perf_counter()
        rebuilt = build_index(load_corpus(edited.corpus), edited, embedder=embedder, progress=False)
        figures["rebuild_one_edit_s"] = time.perf_counter() - started
        figures["rebuild_embedded_texts"] = rebuilt.embedded
        print(f"rebuild after editing one document (parse + index): "
              f"{figures['rebuild_one_edit_s']:.1f} s ({rebuilt.embedded} texts embedded)")

        queries = _queries(settings, args.queries)
        for mode in ("hybrid", "dense", "bm25"):
            timings = []
            for query in queries:
                retriever._query_vectors.clear()  # time the query embedding every time
                started = time.perf_counter()
                retriever.search(query, mode=mode)
                timings.append((time.perf_counter() - started) * 1000)
            p50, p95 = statistics.median(timings), _percentile(timings, 0.95)
            figures[f"{mode}_p50_ms"], figures[f"{mode}_p95_ms"] = p50, p95
            print(f"{mode:6} query: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({len(timings)} queries)")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-naive", action="store_true", help="Do not time the naive pipeline.")
    parser.add_argument("--naive-first", action="store_true",
                        help="Time the naive pipeline before ours (to check the order's effect).")
    parser.add_argument("--queries", type=int, default=200, help="Queries timed per mode.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    args = parser.parse_args()
    figures = run(args)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
