"""``eval``: score retrieval, citations, answers and refusals on a question set; ``eval validate``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.cli.consoles import table_console

app = typer.Typer(help="Score the assistant on a question set (retrieval, citations, answers, "
                  "refusals, latency).")
console = table_console()
err_console = Console(stderr=True)
SHOWN = ("hit@1", "hit@5", "hit@10", "recall@5", "mrr", "ndcg@10", "footnote_accuracy",
         "answer_accuracy", "citation_precision", "citation_precision_strict",
         "refusal_precision", "refusal_recall", "refused_share", "wrongly_refused",
         "wrongly_answered", "uncertain_share", "retrieval_ms_p50", "answer_ms_p50",
         "latency_ms_p95")


class RetrieverName(StrEnum):
    hybrid = "hybrid"
    dense = "dense"
    bm25 = "bm25"
    naive = "naive"


class AnswerMode(StrEnum):
    extractive = "extractive"
    llm = "llm"


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err_console, transient=False)


@app.callback(invoke_without_command=True)
def evaluate(
    ctx: typer.Context,
    questions: Annotated[Path | None, typer.Option(
        "--questions", help="Question file (JSONL, the schema of eval/questions.jsonl).")] = None,
    retriever: Annotated[RetrieverName | None, typer.Option(
        "--retriever", help="hybrid|dense|bm25 (through the chain) or naive (LangChain peer, "
        "retrieval only). Default: retrieval.mode.")] = None,
    mode: Annotated[AnswerMode | None, typer.Option(
        "--mode", help="Answerer: extractive (no LLM) or llm. Default: answer.mode.")] = None,
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="Write the results (metrics, by kind, per question) to this file.")] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Run every retriever and write report.md, retrievers.png and "
        "results.json into this folder.")] = None,
) -> None:
    """Run the question set and print the metrics (see `eval validate` to check a set)."""
    if ctx.invoked_subcommand is not None:
        return
    from assistant.cli import settings_of
    from assistant.evaluation import harness
    from assistant.evaluation.questions import load_questions
    from assistant.services import Services

    settings = settings_of(ctx)
    path = questions or settings.eval.questions
    items = load_questions(path)
    answer_mode = (mode.value if mode else settings.answer.mode)
    first = retriever.value if retriever else settings.retrieval.mode
    names = [first] if report is None else [first] + [
        name for name in settings.eval.report_retrievers if name != first]
    with err_console.status("Loading the corpus and the index…"):
        services = Services.load(settings)
    results = []
    with _progress() as progress:
        naive = _naive(settings, services, progress) if "naive" in names else None
        for name in names:
            task = progress.add_task(f"{name:>6}", total=len(items))
            results.append(harness.run(
                items, retriever=name, mode=answer_mode, services=services, naive=naive,
                k=settings.eval.k, progress=lambda task=task: progress.advance(task),
                source=str(path)))
    _print(results)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(results[0], ensure_ascii=False, indent=1),
                            encoding="utf-8")
        err_console.print(f"Results written to {json_out}")
    if report is not None:
        from assistant.evaluation.report import write_report

        err_console.print(f"Report written to {write_report(results, report)}")


def _naive(settings, services, progress: Progress):
    from assistant.evaluation.naive import NaiveRetriever

    task = progress.add_task(" naive index", total=None)

    def advance(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    naive = NaiveRetriever.build(
        settings.corpus.dir, services.retriever.embedder, pattern=settings.corpus.pattern,
        batch_size=settings.embedding.batch_size, progress=advance,
        cache_dir=settings.eval.naive_cache)
    progress.update(task, completed=len(naive.chunks), total=len(naive.chunks))
    return naive


def _print(results: list[dict]) -> None:
    table = Table(title=f"{results[0]['questions']} questions")
    table.add_column("metric")
    for result in results:
        table.add_column(result["retriever"] + (f"+{result['mode']}" if result["mode"] else ""),
                         justify="right")
    for key in SHOWN:
        values = [r["metrics"].get(key) for r in results]
        table.add_row(key, *("–" if v is None else f"{v:.3f}" if v < 10 else f"{v:.0f}"
                             for v in values))
    console.print(table)
    warnings = results[0].get("gold_warnings") or []
    if warnings:
        err_console.print(f"[yellow]{len(warnings)} gold item(s) the parsed corpus disagrees "
                          "with[/] (listed in --json / --report output)")


@app.command("train-answerer")
def train_answerer(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option(
        "--output", help="Where to write the model (default: answer.evidence.model_file).")
    ] = None,
    rows_output: Annotated[Path | None, typer.Option(
        "--rows", help="Also write the training rows here (JSON: question id, features, "
        "label), to judge the model on them without scoring the questions again.")
    ] = None,
) -> None:
    """Train the evidence model on the development questions' gold sentences (eval.questions
    and h001-h040 of eval.heldout; never h041-h080) and write its weights."""
    from assistant.cli import settings_of
    from assistant.evaluation import train_answerer as trainer
    from assistant.services import Services

    settings = settings_of(ctx)
    target = output or settings.answer.evidence.model_file
    if target is None:
        raise typer.BadParameter("no --output and answer.evidence.model_file is None")
    with err_console.status("Loading the corpus and the index…"):
        services = Services.load(trainer.hand_weighted(settings))
    with err_console.status("Scoring the sentences of the development questions…"):
        rows = trainer.training_rows(services)
    model = trainer.train(rows)
    trainer.write(model, Path(target))
    if rows_output is not None:
        Path(rows_output).write_text(json.dumps(rows), encoding="utf-8")
    console.print(f"{model['rows']} sentences ({model['positives']} holding gold) of "
                  f"{model['questions']} questions; chosen {model['chosen']}; hand weights "
                  f"top-1 {model['hand_weights_top1']} → {target}", highlight=False)


@app.command("validate")
def validate(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(
        help="Question file to check (default: eval.questions).")] = None,
) -> None:
    """Check a question file: schema, unique ids, kinds, and every gold quote at its line."""
    from assistant.cli import settings_of
    from assistant.evaluation.questions import validate as check

    settings = settings_of(ctx)
    path = file or settings.eval.questions
    problems = check(path, settings.corpus.dir)
    for problem in problems:
        style = "red" if problem.severity == "error" else "yellow"
        console.print(f"[{style}]{problem}[/]", highlight=False, soft_wrap=True)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    summary = f"{path}: {errors} error(s), {warnings} warning(s)"
    if errors:
        err_console.print(f"[bold red]{summary}[/]", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    console.print(f"[green]{summary}[/]", highlight=False, soft_wrap=True)


@app.command("train-fusion")
def train_fusion(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Where to write the weights (default: assistant/fusion_weights.json).")] = None,
) -> None:
    """Learn the hybrid fusion's weights on the development questions (cross-validated)."""
    from assistant.cli import settings_of
    from assistant.evaluation.fusion_training import train
    from assistant.fusion import WEIGHTS_FILE
    from assistant.services import Services

    settings = settings_of(ctx)
    with err_console.status("Loading the corpus and the index…"):
        services = Services.load(settings)
    with err_console.status("Collecting candidates and cross-validating…"):
        data = train(services, out or WEIGHTS_FILE)
    table = Table(title=f"5-fold cross-validation, {data['trained_on']}")
    for column in ("fusion", "hit@1", "hit@5", "mrr"):
        table.add_column(column, justify="left" if column == "fusion" else "right")
    for name, scores in data["cross_validation"].items():
        mark = " (winner)" if name == data["winner"] else ""
        table.add_row(name + mark, *(f"{scores[m]:.3f}" for m in ("hit@1", "hit@5", "mrr")))
    console.print(table)
    err_console.print(f"Weights of {data['model']} written to {out or WEIGHTS_FILE}")
