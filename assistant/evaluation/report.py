"""The evaluation report: a Markdown page and a PNG chart comparing the retrievers.

The report shows the metrics per retriever side by side, hit@1, hit@5 and MRR by kind
(fact-in-body, footnote, multi-doc, follow-up, date, who-is) and by language,
the failures of the first run (question, gold, what was retrieved, what was answered), and the
evidence scores that the extractive refusal threshold is calibrated on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

RANKING = ("hit@1", "hit@5", "hit@10", "recall@5", "recall@10", "mrr", "ndcg@10")
ANSWERING = ("footnote_accuracy", "answer_accuracy", "citation_precision",
             "citation_precision_strict", "refusal_precision", "refusal_recall", "refused_share",
             "wrongly_refused", "wrongly_answered", "uncertain_share")
SLICED = ("hit@1", "hit@5", "mrr")  # ranking metrics shown by kind and by language
LATENCY = ("retrieval_ms_p50", "retrieval_ms_p95", "answer_ms_p50", "answer_ms_p95")
FAILURES_SHOWN = 40


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.0f}" if abs(value) >= 10 else f"{value:.3f}"
    return str(value)


def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _name(result: dict) -> str:
    return result["retriever"] + (f" + {result['mode']}" if result.get("mode") else "")


def metrics_table(results: Sequence[dict]) -> list[str]:
    lines = ["| metric | " + " | ".join(_name(r) for r in results) + " |",
             "|---|" + "---:|" * len(results)]
    for key in (*RANKING, *ANSWERING, *LATENCY):
        lines.append(f"| {key} | " + " | ".join(_cell(r["metrics"].get(key)) for r in results)
                     + " |")
    return lines


def breakdown_table(results: Sequence[dict], field: str, metric: str) -> list[str]:
    groups = sorted({g for r in results for g in r[field]})
    lines = [f"| {field.removeprefix('by_')} | n | " + " | ".join(_name(r) for r in results)
             + " |", "|---|---:|" + "---:|" * len(results)]
    for group in groups:
        n = next(r[field][group]["questions"] for r in results if group in r[field])
        cells = [_cell(r[field].get(group, {}).get(metric)) for r in results]
        lines.append(f"| {group} | {n} | " + " | ".join(cells) + " |")
    return lines


def failure_reasons(record: dict) -> list[str]:
    reasons = []
    if record["answerable"]:
        if record["hit_rank"] is None or record["hit_rank"] > 5:
            reasons.append(f"gold not in top 5 (rank {record['hit_rank'] or '>10'})")
        if record["refused"]:
            reasons.append("refused an answerable question")
        if record["footnote_gold"] and record["footnotes_cited"] < record["footnote_gold"]:
            reasons.append("footnote not cited")
        if record["answer_correct"] is False and not record["refused"]:
            reasons.append("answer lacks a must_contain term")
    elif record["refused"] is False:
        reasons.append("answered an unanswerable question")
    if record.get("error"):
        reasons.append(f"error: {record['error']}")
    return reasons


def failure_section(result: dict) -> list[str]:
    failing = [(r, failure_reasons(r)) for r in result["per_question"]]
    failing = [(r, why) for r, why in failing if why]
    lines = [f"## Failures of {_name(result)} ({len(failing)} questions)", ""]
    for record, why in failing[:FAILURES_SHOWN]:
        lines.append(f"### {record['id']} ({record['kind']}, {record['language']}): "
                     + "; ".join(why))
        lines.append(f"- **Question:** {_md(record['question'])}")
        if record.get("standalone_question") and record["standalone_question"] != record["question"]:
            lines.append(f"- **Searched as:** {_md(record['standalone_question'])}")
        lines.append(f"- **Reference:** {_md(record['reference_answer'])} (must contain: "
                     f"{', '.join(record['must_contain']) or '–'})")
        for g in record["gold"]:
            note = f", note {g['footnote']}" if g["footnote"] else ""
            lines.append(f"- **Gold:** {g['file'][:3]}:{g['line']} ({g['doc_id'] or '?'}{note}) "
                         f"«{_md(g['quote'])}»")
        for rank, unit in enumerate(record["retrieved"][:5], start=1):
            note = f" note {unit['footnote']}" if unit["footnote"] else ""
            lines.append(f"  {rank}. `{unit['doc_id'] or unit['file'][:3]}{note} "
                         f"{unit['line_start']}-{unit['line_end']}` {_md(unit['text'][:110])}…")
        if record["answer"] is not None:
            lines.append(f"- **Answer** (evidence {_cell(record['evidence'])}): "
                         f"{_md(record['answer'][:400])}")
            for c in record["citations"]:
                mark = "gold" if c["hits_gold"] else ("verified" if c["verified"] else "unverified")
                note = f" n. {c['footnote']}" if c["footnote"] else ""
                lines.append(f"  [{c['n']}] `{c['doc_id']}{note} {c['line_start']}-"
                             f"{c['line_end']}` {mark}")
        lines.append("")
    if len(failing) > FAILURES_SHOWN:
        lines.append(f"…and {len(failing) - FAILURES_SHOWN} more (see results.json).")
    return lines


def rank_comparison(results: Sequence[dict]) -> list[str]:
    """Gold rank of every answerable question that some retriever misses in its top 5."""
    by_id = [{r["id"]: r for r in result["per_question"]} for result in results]
    lines = ["| question | kind | " + " | ".join(r["retriever"] for r in results) + " |",
             "|---|---|" + "---:|" * len(results)]
    for record in results[0]["per_question"]:
        ranks = [table.get(record["id"], {}).get("hit_rank") for table in by_id]
        if record["answerable"] and any(rank is None or rank > 5 for rank in ranks):
            lines.append(f"| {record['id']} | {record['kind']} | "
                         + " | ".join(str(rank or "–") for rank in ranks) + " |")
    return lines


def threshold_sweep(answerable: Sequence[float], unanswerable: Sequence[float],
                    thresholds: Sequence[float]) -> list[tuple[float, float, float]]:
    """(threshold, share of unanswerable refused, share of answerable refused) per threshold,
    refusing when the evidence is below the threshold."""
    out = []
    for t in thresholds:
        caught = sum(e < t for e in unanswerable) / len(unanswerable) if unanswerable else 0.0
        lost = sum(e < t for e in answerable) / len(answerable) if answerable else 0.0
        out.append((t, caught, lost))
    return out


def calibration_section(result: dict) -> list[str]:
    records = [r for r in result["per_question"] if r.get("evidence") is not None]
    if not records:
        return []
    good = sorted(r["evidence"] for r in records if r["answerable"])
    bad = sorted(r["evidence"] for r in records if not r["answerable"])
    lines = ["## Refusal threshold calibration (extractive evidence scores)", "",
             f"Unanswerable ({len(bad)}): " + ", ".join(f"{e:.3f}" for e in bad), "",
             f"Answerable ({len(good)}), lowest ten: " + ", ".join(f"{e:.3f}" for e in good[:10]),
             "", "| refuse below | unanswerable refused | answerable refused |", "|---:|---:|---:|"]
    candidates = sorted({round(e + 1e-4, 4) for e in bad} | {0.0})
    for t, caught, lost in threshold_sweep(good, bad, candidates):
        lines.append(f"| {t:.4f} | {caught:.2f} | {lost:.2f} |")
    return [*lines, ""]


def write_chart(results: Sequence[dict], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = list(RANKING)
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / max(len(results), 1)
    for i, result in enumerate(results):
        values = [result["metrics"].get(k) or 0.0 for k in keys]
        positions = [x + i * width for x in range(len(keys))]
        bars = ax.bar(positions, values, width, label=_name(result))
        ax.bar_label(bars, fmt="%.2f", fontsize=6, padding=1)
    ax.set_xticks([x + width * (len(results) - 1) / 2 for x in range(len(keys))], keys)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("score")
    ax.set_title(f"Retrieval on {results[0]['questions']} questions" if results else "")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def write_report(results: Sequence[dict], out_dir: Path | str) -> Path:
    """Write report.md, retrievers.png and results.json into ``out_dir``; return report.md."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    chart = write_chart(results, out_dir / "retrievers.png")
    (out_dir / "results.json").write_text(
        json.dumps(list(results), ensure_ascii=False, indent=1), encoding="utf-8")
    first = results[0]
    lines = [
        "# Evaluation report", "",
        f"{first['questions']} questions from `{first.get('source') or '?'}`, "
        f"{datetime.now():%Y-%m-%d %H:%M}. Ranking metrics and footnote/answer/citation metrics "
        "are over answerable questions; refusals over all; latencies in milliseconds. "
        "The naive peer (LangChain splitter 1000/200 over the raw files, same embedder, FAISS) "
        "only retrieves.", "",
        f"![retrievers]({chart.name})", "", "## Metrics", "", *metrics_table(results), "",
    ]
    for metric in SLICED:
        lines += [f"## {metric} by kind", "", *breakdown_table(results, "by_kind", metric), "",
                  f"## {metric} by language", "",
                  *breakdown_table(results, "by_language", metric), ""]
    answered = [r for r in results if r.get("mode")]
    for metric in ANSWERING if answered else ():
        for breakdown, name in (("by_kind", "kind"), ("by_language", "language")):
            lines += [f"## {metric} by {name}", "", *breakdown_table(answered, breakdown, metric),
                      ""]
    lines += ["## Gold rank where a retriever misses the top 5", "", *rank_comparison(results), ""]
    if first.get("gold_warnings"):
        lines += ["## Gold items the parsed corpus disagrees with", "",
                  *(f"- {w}" for w in first["gold_warnings"]), ""]
    lines += failure_section(first)
    lines += calibration_section(first)
    path = out_dir / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
