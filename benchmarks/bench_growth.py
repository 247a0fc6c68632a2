"""How cost grows with the corpus: build time and query latency at 1×, 2×, 4×, 8× the corpus.

    .venv/bin/python benchmarks/bench_growth.py [--scales 1,2,4,8] [--queries 40] [--json FILE]

The corpus is replicated in memory: copy i of a document gets the id ``<id>~i`` and a distinct
title, and every paragraph and note of the copy ends with `` (i)``, so that no copy is
deduplicated by the embedding cache — a corpus k times larger costs k times the embedding, as
it would for real. (The suffix holds no letters, so the line alignment is unchanged.) Each
scale is built cold into a fresh folder, then timed on the evaluation questions in hybrid mode.
The exponent b of cost ∝ scale^b is fitted by least squares on log-log.

Then the FAISS choice: exact (flat) search cost grows linearly with the units; this script
times flat and HNSW search on synthetic unit vectors of the embedder's dimension, finds from
which size flat search alone would take more than a share of the hybrid p50 budget, and checks
that the index store honours ``index.faiss`` and ``index.hnsw_threshold``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the assistant package

from load_test import eval_questions, percentile  # noqa: E402

from assistant.config import Settings, get_settings  # noqa: E402
from assistant.types import Corpus, Document  # noqa: E402

HYBRID_P50_BUDGET_MS = 30.0  # the goal for a hybrid query
FLAT_SHARE = 1 / 3  # flat search may take at most this share of that budget
SYNTHETIC_SIZES = (25_000, 50_000, 100_000, 200_000, 400_000)
HNSW_CHECK_SIZE = 50_000
HNSW_EF = (16, 64, 120)  # faiss's default; the old filtered setting; the retriever's now
NOISE = 0.04  # per component: copies of a unit vector end up ~0.8 apart (cosine ~0.7)
CANDIDATES = 60  # retrieval.candidates: the depth of the dense search


def with_dirs(base: Settings, *, index_dir: Path, corpus_dir: Path | None = None,
              **index_options) -> Settings:
    corpus = base.corpus.model_copy(update={"dir": corpus_dir}) if corpus_dir else base.corpus
    return base.model_copy(update={
        "corpus": corpus,
        "index": base.index.model_copy(update={"dir": index_dir, **index_options}),
    })


def _copy(doc: Document, i: int) -> Document:
    tag = f" ({i})"
    return doc.model_copy(update={
        "id": f"{doc.id}~{i}",
        "title": doc.title + tag,
        "paragraphs": tuple(p.model_copy(update={"text": p.text + tag}) for p in doc.paragraphs),
        "footnotes": tuple(n.model_copy(update={"text": n.text + tag}) for n in doc.footnotes),
    })


def replicate(corpus: Corpus, scale: int) -> Corpus:
    """The corpus and ``scale - 1`` distinct copies of each of its documents."""
    copies = [doc for doc in corpus.documents]
    for i in range(2, scale + 1):
        copies += [_copy(doc, i) for doc in corpus.documents]
    return corpus.model_copy(update={"documents": tuple(copies)})


def fit_exponent(scales: list[float], values: list[float]) -> float | None:
    """b in value ≈ a · scale^b, least squares on log-log (None under two points)."""
    if len(scales) < 2:
        return None
    slope, _ = np.polyfit(np.log(scales), np.log(values), 1)
    return round(float(slope), 3)


def time_queries(retriever, queries: list[str], *, mode: str = "hybrid",
                 embed: bool = True) -> list[float]:
    """Milliseconds per query; ``embed=False`` reuses cached query vectors (search only)."""
    timings = []
    for query in queries:
        if embed:
            retriever._query_vectors.clear()  # time the query's embedding every time
        else:
            retriever.query_vector(query)
        started = time.perf_counter()
        retriever.search(query, mode=mode)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def growth(corpus: Corpus, base: Settings, embedder, *, scales: list[int], queries: list[str],
           root: Path, built: dict[int, tuple[Settings, float]] | None = None,
           budget_s: float | None = None, log=print) -> tuple[list[dict], list[dict]]:
    """(measured rows, skipped rows), one per scale. ``built`` gives, for a scale already
    built cold elsewhere in the same run (the 1× index of run_all.py), its settings and build
    seconds. With ``budget_s``, a scale whose build would take the growth study past that
    many seconds (predicted linearly from the previous scale) is skipped, and so are the
    larger ones: they are listed as skipped, never filled in."""
    from assistant.index_store import build_index, read_manifest
    from assistant.retrieve import load_retriever

    rows: list[dict] = []
    skipped: list[dict] = []
    started_all = time.perf_counter()
    for scale in scales:
        if rows and budget_s is not None and not (built and scale in built):
            predicted = rows[-1]["build_s"] * scale / rows[-1]["scale"]
            spent = time.perf_counter() - started_all
            if skipped or spent + predicted > budget_s:
                skipped.append({"scale": scale, "predicted_build_s": round(predicted, 1),
                                "reason": f"over the growth budget of {budget_s:.0f} s "
                                          f"({spent:.0f} s spent)"})
                log(f"  {scale}×: skipped, its build would take ~{predicted:.0f} s and the "
                    f"study has {budget_s - spent:.0f} s of its {budget_s:.0f} s budget left")
                continue
        bigger = replicate(corpus, scale)
        if built and scale in built:
            settings, build_s = built[scale]
            manifest = read_manifest(settings.index.path)
        else:
            settings = with_dirs(base, index_dir=root / f"growth-{scale}")
            started = time.perf_counter()
            manifest = build_index(bigger, settings, embedder=embedder, progress=False).manifest
            build_s = time.perf_counter() - started
        retriever = load_retriever(settings, embedder=embedder)
        time_queries(retriever, queries[:5])  # warm-up
        full = time_queries(retriever, queries)
        search = time_queries(retriever, queries, embed=False)
        row = {"scale": scale, "documents": len(bigger.documents), "units": manifest.units,
               "build_s": round(build_s, 2),
               "query_ms_p50": round(percentile(full, 0.5), 2),
               "query_ms_p95": round(percentile(full, 0.95), 2),
               "search_ms_p50": round(percentile(search, 0.5), 2),
               "faiss_type": manifest.faiss_type}
        rows.append(row)
        log(f"  {scale}×: {row['units']} units, build {build_s:.1f} s, hybrid query p50 "
            f"{row['query_ms_p50']:.1f} ms (p95 {row['query_ms_p95']:.1f}), search without the "
            f"query embedding p50 {row['search_ms_p50']:.2f} ms")
        del retriever
    return rows, skipped


def _like_units(base: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` unit vectors spread like the real ones: real unit vectors, each copy moved by a
    little noise (so copies are distinct neighbours, not duplicates), normalised."""
    vectors = base[np.arange(n) % len(base)] + NOISE * rng.standard_normal(
        (n, base.shape[1]), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def _search_ms(index, queries: np.ndarray, params=None) -> float:
    index.search(queries[:2], CANDIDATES, params=params)
    timings = []
    for query in queries:
        started = time.perf_counter()
        index.search(query.reshape(1, -1), CANDIDATES, params=params)
        timings.append((time.perf_counter() - started) * 1000)
    return percentile(timings, 0.5)


def crossover_units(sizes, times_ms, budget_ms: float) -> int | None:
    """Units from which flat search takes more than ``budget_ms``: interpolated between the
    measured sizes, else extrapolated along the last two (None when already over it)."""
    points = list(zip(sizes, times_ms, strict=True))
    if points[0][1] > budget_ms:
        return None
    for (n0, t0), (n1, t1) in zip(points, points[1:], strict=False):
        if t1 > budget_ms:
            return int(n0 + (budget_ms - t0) * (n1 - n0) / (t1 - t0))
    (n0, t0), (n1, t1) = points[-2], points[-1]
    slope = (t1 - t0) / (n1 - n0)
    return int(n1 + (budget_ms - t1) / slope) if slope > 0 else None


def faiss_crossover(unit_vectors: np.ndarray, query_vectors: np.ndarray, *,
                    sizes=SYNTHETIC_SIZES, log=print) -> dict:
    """Flat search time against the number of units (vectors like the real ones, queries from
    the evaluation questions); from which size it passes its share of the hybrid budget; and
    HNSW at one size: build time, search time and recall of the exact top 60 per efSearch."""
    import faiss

    rng = np.random.default_rng(7)
    dim = unit_vectors.shape[1]
    biggest = _like_units(unit_vectors, max(sizes), rng)
    flat_ms = []
    for n in sizes:
        index = faiss.IndexFlatIP(dim)
        index.add(biggest[:n])
        flat_ms.append(_search_ms(index, query_vectors))
        log(f"  flat FAISS, {n:>7,} units: search p50 {flat_ms[-1]:.2f} ms")
    budget = HYBRID_P50_BUDGET_MS * FLAT_SHARE
    crossover = crossover_units(sizes, flat_ms, budget)
    slope = np.polyfit(np.array(sizes, dtype=float), np.array(flat_ms), 1)[0]

    n = HNSW_CHECK_SIZE
    flat = faiss.IndexFlatIP(dim)
    flat.add(biggest[:n])
    _, truth = flat.search(query_vectors, CANDIDATES)
    started = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.add(biggest[:n])
    hnsw_build_s = time.perf_counter() - started
    by_ef = {}
    for ef in HNSW_EF:
        params = faiss.SearchParametersHNSW(efSearch=ef)
        _, found = hnsw.search(query_vectors, CANDIDATES, params=params)
        recall = np.mean([len(set(f) & set(t)) / CANDIDATES
                          for f, t in zip(found, truth, strict=True)])
        by_ef[str(ef)] = {"search_ms_p50": round(_search_ms(hnsw, query_vectors, params), 3),
                          "recall_at_60": round(float(recall), 3)}
    result = {
        "flat_ms_by_units": {str(k): round(v, 3) for k, v in zip(sizes, flat_ms, strict=True)},
        "flat_ms_per_100k_units": round(float(slope) * 100_000, 3),
        "flat_budget_ms": round(budget, 1),
        "flat_crossover_units": crossover,
        "crossover_vs_this_corpus": round(crossover / len(unit_vectors), 1) if crossover else None,
        "hnsw_units": n, "hnsw_build_s": round(hnsw_build_s, 1), "hnsw_by_ef_search": by_ef,
        "flat_search_ms_p50_same_size": round(float(np.interp(n, sizes, flat_ms)), 3),
    }
    where = (f"from ~{crossover:,} units (~{result['crossover_vs_this_corpus']}× this corpus)"
             if crossover else "already at the smallest size measured")
    log(f"  flat search costs {result['flat_ms_per_100k_units']:.2f} ms per 100k units: over "
        f"{budget:.0f} ms (a third of the 30 ms hybrid budget) {where}")
    log(f"  HNSW (M=32) at {n:,} units, built in {hnsw_build_s:.1f} s; flat "
        f"{result['flat_search_ms_p50_same_size']:.2f} ms; " + "; ".join(
            f"efSearch {ef}: {v['search_ms_p50']:.2f} ms, recall of the exact top 60 "
            f"{v['recall_at_60']:.2f}" for ef, v in by_ef.items()))
    return result


def check_faiss_settings(corpus: Corpus, base: Settings, embedder, root: Path,
                         log=print) -> dict:
    """Does the index store honour ``index.faiss`` and ``index.hnsw_threshold``? Built on the
    first few documents: 'hnsw', 'auto' under and over the threshold, and a mismatch check."""
    import faiss

    from assistant.errors import IndexMismatchError
    from assistant.index_store import VECTORS, build_index, verify_index
    from assistant.retrieve import load_retriever
    from assistant.types import SearchFilters

    small = corpus.model_copy(update={"documents": corpus.documents[:6]})
    findings: dict[str, object] = {}
    cases = {"hnsw": {"faiss": "hnsw"}, "auto-over": {"faiss": "auto", "hnsw_threshold": 1},
             "auto-under": {"faiss": "auto", "hnsw_threshold": 10**9}, "flat": {"faiss": "flat"}}
    for name, options in cases.items():
        settings = with_dirs(base, index_dir=root / f"faiss-{name}", **options)
        report = build_index(small, settings, embedder=embedder, progress=False)
        on_disk = faiss.read_index(str(settings.index.path / VECTORS))
        findings[name] = {"manifest": report.manifest.faiss_type,
                          "on_disk": type(on_disk).__name__}
        if name == "hnsw":
            retriever = load_retriever(settings, embedder=embedder)
            doc = small.documents[-1]
            hits = retriever.search(doc.title, k=3,
                                    filters=SearchFilters(file=doc.file, after=doc.date or None))
            findings[name]["filtered_search_hits"] = len(hits)
            flat_view = with_dirs(base, index_dir=settings.index.path, faiss="flat")
            try:
                verify_index(flat_view, embedder_name=embedder.id)
                findings[name]["mismatch_detected"] = False
            except IndexMismatchError:
                findings[name]["mismatch_detected"] = True
    honoured = (findings["hnsw"]["on_disk"] == "IndexHNSWFlat"
                and findings["auto-over"]["on_disk"] == "IndexHNSWFlat"
                and findings["auto-under"]["on_disk"] == "IndexFlatIP"
                and findings["flat"]["on_disk"] == "IndexFlatIP"
                and findings["hnsw"]["mismatch_detected"]
                and findings["hnsw"]["filtered_search_hits"] > 0)
    findings["honoured"] = honoured
    log(f"  index.faiss / hnsw_threshold honoured by the index store: "
        f"{'yes' if honoured else 'NO'} ({json.dumps(findings)})")
    return findings


def run(*, scales: list[int], queries: int, root: Path, base: Settings | None = None,
        embedder=None, corpus: Corpus | None = None, crossover: bool = True,
        built: dict[int, tuple[Settings, float]] | None = None, budget_s: float | None = None,
        log=print) -> dict:
    from assistant.corpus import load_corpus
    from assistant.embedding import load_embedder

    base = base or get_settings()
    embedder = embedder or load_embedder(base.embedding)
    corpus = corpus or load_corpus(base.corpus)
    pool = eval_questions(base.eval.questions)
    chosen = [pool[i % len(pool)] for i in range(queries)]
    log(f"growth: scales {scales}, {queries} hybrid queries per scale")
    rows, skipped = growth(corpus, base, embedder, scales=scales, queries=chosen, root=root,
                           built=built, budget_s=budget_s, log=log)
    result = {
        "growth": rows,
        "growth_skipped": skipped,
        "build_exponent": fit_exponent([r["scale"] for r in rows], [r["build_s"] for r in rows]),
        "query_exponent": fit_exponent([r["scale"] for r in rows],
                                       [r["query_ms_p50"] for r in rows]),
        "search_exponent": fit_exponent([r["scale"] for r in rows],
                                        [r["search_ms_p50"] for r in rows]),
    }
    log(f"  fitted exponents: build ∝ scale^{result['build_exponent']}, hybrid query ∝ "
        f"scale^{result['query_exponent']} (search without the query embedding ∝ "
        f"scale^{result['search_exponent']})")
    if crossover:
        import faiss

        from assistant.index_store import VECTORS

        first = (built or {}).get(1, (with_dirs(base, index_dir=root / "growth-1"), 0))[0]
        index = faiss.read_index(str(first.index.path / VECTORS))
        units = index.reconstruct_n(0, index.ntotal)
        query_vectors = np.stack([embedder.embed_query(q) for q in pool[:40]]).astype(np.float32)
        result["faiss"] = faiss_crossover(units, query_vectors, log=log)
        result["faiss"]["settings_check"] = check_faiss_settings(corpus, base, embedder, root,
                                                                 log=log)
        threshold = base.index.hnsw_threshold
        result["faiss"]["configured_hnsw_threshold"] = threshold
        found = result["faiss"]["flat_crossover_units"]
        if found:
            verdict = ("close to" if 0.5 <= threshold / found <= 2
                       else "above" if threshold > found else "below")
            log(f"  configured index.hnsw_threshold = {threshold:,} is {verdict} the measured "
                f"crossover (~{found:,} units)")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,2,4,8", help="Comma-separated corpus multiples.")
    parser.add_argument("--queries", type=int, default=40, help="Queries timed per scale.")
    parser.add_argument("--no-crossover", action="store_true", help="Skip the FAISS study.")
    parser.add_argument("--budget", type=float, help="Seconds the builds may take in all; "
                        "larger scales that would not fit are skipped (and listed).")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-growth-") as tmp:
        result = run(scales=scales, queries=args.queries, root=Path(tmp),
                     crossover=not args.no_crossover, budget_s=args.budget)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0 if result["growth"] else 1


if __name__ == "__main__":
    sys.exit(main())
