"""LLM mode measured beside the extractive answerer on the same questions (``make bench-llm``).

    .venv/bin/python benchmarks/bench_llm.py [--llm llamacpp:qwen] [--dev-every 1]
        [--gate-every 1] [--sources 4] [--context 3072] [--max-new-tokens 200] [--out benchmarks]

Runs the development set (eval/questions.jsonl + h001–h040) and the untouched held-out half
(h041–h080) through the whole chain twice — extractive, then LLM mode with the model served by
llama.cpp's own server in a child process — and reports, per set: answer accuracy, citation
support rate (share of the model's citations whose claim its source supports), refusal
precision/recall, time to first token and tokens/s (p50/p95), with the machine's load at start
and end. ``--dev-every N`` / ``--gate-every N`` measure every N-th development / h041-h080
question (both whole take about two hours on two idle cores). Writes ``results_llm.json`` and the "LLM mode" section of
``results.md`` (``run_all.py`` keeps that section when it rewrites the file).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the assistant package

from assistant.answer.llm import load_chat_model  # noqa: E402
from assistant.config import get_settings  # noqa: E402
from assistant.evaluation import harness, metrics  # noqa: E402
from assistant.evaluation.questions import load_questions  # noqa: E402
from assistant.services import Services  # noqa: E402

HERE = Path(__file__).resolve().parent
SECTION_START, SECTION_END = "<!-- llm-mode:start -->", "<!-- llm-mode:end -->"


class TimedModel:
    """Wraps a chat model: time to first streamed piece and pieces per second of each answer
    (llama.cpp's server streams one token a piece)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.first_token_s: list[float] = []
        self.tokens_per_s: list[float] = []

    def invoke(self, messages):
        return self.inner.invoke(messages)

    def stream(self, messages):
        started = time.perf_counter()
        first, pieces = None, 0
        for piece in self.inner.stream(messages):
            if first is None:
                first = time.perf_counter()
                self.first_token_s.append(first - started)
            pieces += 1
            yield piece
        if first is not None and pieces > 1:
            self.tokens_per_s.append((pieces - 1) / max(time.perf_counter() - first, 1e-6))


def question_sets(settings, dev_every: int, gate_every: int = 1):
    development = load_questions(settings.eval.questions)
    held_out = load_questions(settings.eval.heldout)
    diagnosed = [q for q in held_out if int(q.id[1:]) <= 40]
    untouched = [q for q in held_out if int(q.id[1:]) > 40][::gate_every]
    dev = (development + diagnosed)[::dev_every]
    # The untouched half first: it is the figure that says how far to trust the model.
    return {"held-out h041-h080": untouched, "development": dev}


def support_rate(result: dict) -> float | None:
    cited = [c for r in result["per_question"] for c in r["citations"]]
    return sum(c["verified"] for c in cited) / len(cited) if cited else None


def figures(result: dict, model: TimedModel | None) -> dict:
    summary = result["metrics"]
    row = {key: summary[key] for key in ("answer_accuracy", "refusal_precision",
                                         "refusal_recall", "footnote_accuracy",
                                         "answer_ms_p50", "answer_ms_p95")}
    row["citation_support"] = support_rate(result)
    if model is not None:
        row["first_token_s_p50"] = metrics.percentile(model.first_token_s, 50)
        row["first_token_s_p95"] = metrics.percentile(model.first_token_s, 95)
        row["tokens_per_s_p50"] = metrics.percentile(model.tokens_per_s, 50)
        row["tokens_per_s_p95"] = metrics.percentile(model.tokens_per_s, 95)
        row["answers_timed"] = len(model.first_token_s)
    return row


def _progress(name: str, total: int):
    done = iter(range(1, total + 1))
    started = time.perf_counter()
    return lambda: print(f"  {name}: {next(done)}/{total} in "
                         f"{time.perf_counter() - started:.0f} s", flush=True)


def run(args) -> dict:
    settings = get_settings()
    answer = settings.answer.model_copy(update={"sources": args.sources,
                                                "llm_context": args.context,
                                                "max_new_tokens": args.max_new_tokens})
    settings = settings.model_copy(update={"answer": answer})
    services = Services.load(settings)
    out = {"started": datetime.now(UTC).isoformat(timespec="seconds"),
           "load_at_start": os.getloadavg(), "llm": args.llm, "sources": args.sources,
           "max_new_tokens": args.max_new_tokens,
           "context": args.context, "sets": {}}
    served = load_chat_model(args.llm, settings)
    for name, questions in question_sets(settings, args.dev_every, args.gate_every).items():
        extractive = harness.run(questions, services=services, mode="extractive")
        timed = TimedModel(served)
        llm_services = Services.create(settings, corpus=services.corpus,
                                       retriever=services.retriever, llm=timed)
        llm = harness.run(questions, services=llm_services, mode="llm",
                          progress=_progress(name, len(questions)))
        out["sets"][name] = {"questions": len(questions),
                             "extractive": figures(extractive, None),
                             "llm": figures(llm, timed),
                             "llm_errors": [r["error"] for r in llm["per_question"]
                                            if r.get("error")]}
        print(name, json.dumps(out["sets"][name], default=str), flush=True)
        write(dict(out, ended="(running)", load_at_end=os.getloadavg()), args.out)
    out["ended"] = datetime.now(UTC).isoformat(timespec="seconds")
    out["load_at_end"] = os.getloadavg()
    if hasattr(served, "close"):
        served.close()
    return out


def _cell(value, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def markdown(result: dict) -> str:
    lines = [SECTION_START, "## LLM mode (`make bench-llm`)", "",
             f"{result['llm']}, {result['sources']} sources, context {result['context']} "
             f"tokens, at most {result['max_new_tokens']} new tokens; run {result['started']} → {result['ended']} (UTC); load average at start "
             f"{[round(x, 2) for x in result['load_at_start']]}, at end "
             f"{[round(x, 2) for x in result['load_at_end']]} (1, 5, 15 min).", "",
             "| set | questions | answerer | answer accuracy | citation support | refusal "
             "precision / recall | first token p50 / p95, s | tokens/s p50 / p95 |",
             "|---|---:|---|---:|---:|---:|---:|---:|"]
    for name, row in result["sets"].items():
        for mode in ("extractive", "llm"):
            f = row[mode]
            timing = (f"{_cell(f.get('first_token_s_p50'), 1)} / "
                      f"{_cell(f.get('first_token_s_p95'), 1)}") if mode == "llm" else ""
            speed = (f"{_cell(f.get('tokens_per_s_p50'), 1)} / "
                     f"{_cell(f.get('tokens_per_s_p95'), 1)}") if mode == "llm" else ""
            lines.append(f"| {name} | {row['questions']} | {mode} | "
                         f"{_cell(f['answer_accuracy'])} | {_cell(f['citation_support'])} | "
                         f"{_cell(f['refusal_precision'], 2)} / {_cell(f['refusal_recall'], 2)} "
                         f"| {timing} | {speed} |")
    lines += ["", "Citation support: the share of citations whose claim its source supports "
              "(quoted words found, OCR-tolerant, or most content words shared); the rest are "
              "shown as unverified.", SECTION_END]
    return "\n".join(lines)


def write(result: dict, out: Path) -> None:
    (out / "results_llm.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    md_path = out / "results.md"
    text = md_path.read_text(encoding="utf-8") if md_path.exists() else "# Benchmarks\n"
    section = markdown(result)
    if SECTION_START in text:
        head, rest = text.split(SECTION_START, 1)
        text = head + section + rest.split(SECTION_END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    md_path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", default="llamacpp:qwen")
    parser.add_argument("--dev-every", type=int, default=1)
    parser.add_argument("--gate-every", type=int, default=1)
    parser.add_argument("--sources", type=int, default=4)
    parser.add_argument("--context", type=int, default=3072)
    parser.add_argument("--max-new-tokens", type=int, default=200)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    write(run(args), args.out)


if __name__ == "__main__":
    main()
