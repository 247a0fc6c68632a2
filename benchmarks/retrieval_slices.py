"""Retrieval only, by set, kind and language: hit@1, hit@5 and MRR for each retriever.

    python benchmarks/retrieval_slices.py [--retrievers hybrid,bm25,dense,naive] [--json FILE]
    python benchmarks/retrieval_slices.py --questions eval/bilingual.jsonl  # one file

Sets: the development set (eval/questions.jsonl + h001–h040), h001–h040 alone, and the gate
half h041–h080 (only measured). Follow-ups are searched as the chain rewrites them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.config import Settings  # noqa: E402
from assistant.evaluation import harness  # noqa: E402
from assistant.evaluation.questions import load_questions  # noqa: E402
from assistant.services import Services  # noqa: E402

SHOWN = ("hit@1", "hit@5", "mrr")


def question_sets(settings: Settings) -> dict[str, list]:
    dev = load_questions(settings.eval.questions)
    heldout = load_questions(settings.eval.heldout)
    diagnosed = [q for q in heldout if int(q.id[1:]) <= 40]
    gate = [q for q in heldout if int(q.id[1:]) > 40]
    return {"dev": dev + diagnosed, "h001-h040": diagnosed, "h041-h080": gate,
            "blind": load_questions(settings.eval.blind),
            "blind2": load_questions(settings.eval.blind2),
            "blind3": load_questions(settings.eval.blind3),
            "blind4": load_questions(settings.eval.blind4)}


def table(results: dict[str, dict], slicer: str) -> list[str]:
    names = list(results)
    groups = sorted({g for r in results.values() for g in r[slicer]})
    header = "| " + slicer.removeprefix("by_") + " | n | " + " | ".join(
        f"{name} {m}" for name in names for m in SHOWN) + " |"
    lines = [header, "|---|---:|" + "---:|" * (len(names) * len(SHOWN))]
    rows = [("all", {n: r["metrics"] for n, r in results.items()})]
    rows += [(g, {n: r[slicer].get(g, {}) for n, r in results.items()}) for g in groups]
    for group, by_name in rows:
        n = next((m.get("answerable") or m.get("questions") for m in by_name.values() if m), 0)
        cells = [f"{by_name[name].get(m):.3f}" if by_name[name].get(m) is not None else "–"
                 for name in names for m in SHOWN]
        lines.append(f"| {group} | {n} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--retrievers", default="hybrid,bm25,dense")
    parser.add_argument("--sets", default="dev,h041-h080,blind,blind2,blind3,blind4")
    parser.add_argument("--questions", type=Path, help="Score this file alone instead.")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    settings = Settings()
    services = Services.load(settings)
    names = args.retrievers.split(",")
    naive = None
    if "naive" in names:
        from assistant.evaluation.naive import NaiveRetriever

        naive = NaiveRetriever.build(settings.corpus.dir, services.retriever.embedder,
                                     pattern=settings.corpus.pattern,
                                     batch_size=settings.embedding.batch_size,
                                     cache_dir=settings.eval.naive_cache)
    out: dict[str, dict] = {}
    sets = ({args.questions.stem: load_questions(args.questions)} if args.questions
            else question_sets(settings))
    for set_name, questions in sets.items():
        if not args.questions and set_name not in args.sets.split(","):
            continue
        results = {name: harness.run(questions, retriever=name, services=services, naive=naive,
                                     k=settings.eval.k, answers=False) for name in names}
        out[set_name] = {n: {key: r[key] for key in ("metrics", "by_kind", "by_language")}
                         | {"ranks": {q["id"]: q["hit_rank"] for q in r["per_question"]}}
                         for n, r in results.items()}
        print(f"\n## {set_name} ({len(questions)} questions)\n")
        for slicer in ("by_kind", "by_language"):
            print("\n".join(table(results, slicer)) + "\n")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
