"""``corpus stats|export|show``: what the parser made of the corpus files."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli.consoles import table_console
from assistant.errors import CorpusError
from assistant.types import Corpus, Document

app = typer.Typer(
    no_args_is_help=True, help="Inspect the parsed corpus: statistics, export, documents."
)

DOC_ID = re.compile(r"^\d{3}-(?:\d{3}|f\d{2}|b\d{2})$")

StrictOption = Annotated[
    bool | None,
    typer.Option(
        "--strict/--no-strict",
        help="Exit with status 1 when a file was skipped or not recognised "
        "(default: the corpus.strict setting).",
    ),
]


def _load(ctx: typer.Context) -> tuple[Corpus, bool]:
    from assistant.cli import settings_of
    from assistant.corpus import load_corpus

    settings = settings_of(ctx)
    return load_corpus(settings.corpus), settings.corpus.strict


def _err() -> Console:
    # Made per call so that the width follows the terminal (and COLUMNS) of this invocation.
    return Console(stderr=True, soft_wrap=True)


def _report_problems(corpus: Corpus, strict: bool) -> None:
    """Print what was skipped and why; under --strict, any problem is a failure."""
    err_console = _err()
    for problem in corpus.problems:
        where = f"{problem.file}:{problem.line}" if problem.line else problem.file
        colour = "red" if problem.severity == "error" else "yellow"
        err_console.print(
            f"[{colour}]{problem.severity}[/] {where}: {problem.message}", highlight=False
        )
    if corpus.problems and strict:
        err_console.print(
            f"[red]{len(corpus.problems)} corpus problem(s) under --strict[/]", highlight=False
        )
        raise typer.Exit(1)


def _words(text: str) -> int:
    return len(text.split())


@app.command("stats")
def stats(ctx: typer.Context, strict: StrictOption = None) -> None:
    """A table per file: documents, paragraphs, footnotes, linked markers and words, with totals."""
    corpus, strict_default = _load(ctx)
    table = Table(title="Corpus", show_footer=True)
    columns = ["documents", "paragraphs", "footnotes", "linked markers", "words", "note words"]
    totals = dict.fromkeys(columns, 0)
    rows = []
    for file in corpus.files:
        documents = [d for d in corpus.documents if d.file == file]
        row = {
            "documents": len(documents),
            "paragraphs": sum(len(d.paragraphs) for d in documents),
            "footnotes": sum(len(d.footnotes) for d in documents),
            "linked markers": sum(1 for d in documents for f in d.footnotes if f.marker),
            "words": sum(_words(p.text) for d in documents for p in d.paragraphs),
            "note words": sum(_words(f.text) for d in documents for f in d.footnotes),
        }
        for column in columns:
            totals[column] += row[column]
        skipped = any(p.file == file and p.severity == "error" for p in corpus.problems)
        rows.append((file + (" (skipped)" if skipped else ""), row))
    table.add_column("file", footer="total", no_wrap=True)
    for column in columns:
        footer = f"{totals[column]:,}"
        if column == "linked markers" and totals["footnotes"]:
            footer += f" ({totals[column] / totals['footnotes']:.1%})"
        table.add_column(column, justify="right", footer=footer)
    for name, row in rows:
        table.add_row(name, *(f"{row[column]:,}" for column in columns))
    console = table_console()
    console.print(table)
    if corpus.problems:
        console.print(f"{len(corpus.problems)} problem(s); skipped files are listed on stderr.")
    _report_problems(corpus, strict_default if strict is None else strict)


def document_record(document: Document) -> dict:
    """The export record of one document (a stable interface: keep these keys)."""
    return {
        "id": document.id,
        "file": document.file,
        "line_start": document.line_start,
        "line_end": document.line_end,
        "kind": document.kind,
        "title": document.title,
        "title_editorial": document.title_editorial,
        "date": document.date,
        "date_raw": document.date_raw,
        "date_precision": document.date_precision,
        "date_inferred": document.date_inferred,
        "sender": document.sender,
        "recipient": document.recipient,
        "archive_ref": document.archive_ref,
        "language": document.language,
        "volume": document.volume,
        "source_note": document.source_note,
        "pages": list(document.pages) if document.pages else None,
        "paragraphs": [
            {"text": p.text, "line_start": p.line_start, "line_end": p.line_end, "page": p.page}
            for p in document.paragraphs
        ],
        "footnotes": [
            {
                "n": f.n,
                "text": f.text,
                "line_start": f.line_start,
                "line_end": f.line_end,
                "page": f.page,
                "marker_line": f.marker_line,
                "marker_paragraph": f.marker.paragraph if f.marker else None,
                "marker_offset": f.marker.offset if f.marker else None,
            }
            for f in document.footnotes
        ],
    }


@app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the JSON Lines here instead of stdout "
                                  "(with --format tei: the folder of the TEI files).")
    ] = None,
    format: Annotated[
        str, typer.Option("--format", help="json (JSON Lines) or tei (TEI P5, one file per "
                          "corpus file).")
    ] = "json",
    strict: StrictOption = None,
) -> None:
    """Write the corpus as JSON Lines, one document per line, or as TEI P5 files."""
    corpus, strict_default = _load(ctx)
    if format == "tei":
        from assistant.cli.interop import export_tei

        export_tei(ctx, corpus, out)
        _report_problems(corpus, strict_default if strict is None else strict)
        return
    if format != "json":
        raise CorpusError(f"unknown export format {format!r}: use json or tei")
    lines = (json.dumps(document_record(d), ensure_ascii=False) + "\n" for d in corpus.documents)
    if out is None:
        sys.stdout.writelines(lines)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            handle.writelines(lines)
        _err().print(f"{len(corpus.documents)} documents written to {out}", highlight=False)
    _report_problems(corpus, strict_default if strict is None else strict)


def render_document(document: Document) -> str:
    """The document as a reader wants it: heading, text with ``[n]`` at each marker, notes."""
    title_notes = [f.n for f in document.footnotes if _in_title(document, f)]
    heading = document.title + "".join(f" [{n}]" for n in title_notes)
    meta = [
        f"{document.id} · {document.kind} · {document.date_raw or document.date or 'undated'}",
        " → ".join(part for part in (document.sender, document.recipient) if part),
        " · ".join(
            part
            for part in (
                document.volume,
                _pages(document.pages),
                f"{document.file}:{document.line_start}-{document.line_end}",
            )
            if part
        ),
    ]
    out = [heading, *[line for line in meta if line], ""]
    for index, paragraph in enumerate(document.paragraphs):
        text = paragraph.text
        calls = sorted(
            (
                (f.marker.offset, f.n)
                for f in document.footnotes
                if f.marker and f.marker.paragraph == index and not _in_title(document, f)
            ),
            reverse=True,
        )
        for offset, n in calls:
            text = f"{text[:offset]}[{n}]{text[offset:]}"
        out += [text, ""]
    if document.footnotes:
        out.append("Notes")
        for note in document.footnotes:
            flag = "" if note.marker else " (call not found in the text)"
            out.append(f"[{note.n}] {note.text}{flag}")
    return "\n".join(out).rstrip() + "\n"


def _pages(pages: tuple[int, int] | None) -> str:
    if not pages:
        return ""
    return f"p. {pages[0]}" if pages[0] == pages[1] else f"pp. {pages[0]}-{pages[1]}"


def _in_title(document: Document, note) -> bool:
    """A call printed in the title is stored at the start of paragraph 0, before its lines."""
    if note.marker is None or note.marker.paragraph != 0 or note.marker.offset != 0:
        return False
    if not document.paragraphs:
        return True
    first = document.paragraphs[0]
    return not first.line_start <= note.marker.line <= first.line_end


@app.command("show")
def show(
    ctx: typer.Context,
    doc_id: Annotated[str, typer.Argument(help="Document id, e.g. 004-017, 004-f03 or 000-001.")],
) -> None:
    """Print one document: its text with [n] at each note call, then its notes."""
    document, _ = load_document(ctx, doc_id)
    typer.echo(render_document(document), nl=False)


def load_document(ctx: typer.Context, doc_id: str) -> tuple[Document, Corpus]:
    """The document with this id and its corpus (CorpusError naming the id's form, checked
    before the corpus is read, or how to list the ids)."""
    doc_id = doc_id.strip()
    if not DOC_ID.match(doc_id):
        raise CorpusError(
            f"{doc_id!r} is not a document id; ids look like 004-017, 004-f03, 004-b01 or "
            "000-001 (see `python -m assistant corpus export`)"
        )
    corpus, _ = _load(ctx)
    document = corpus.get(doc_id)
    if document is None:
        raise CorpusError(
            f"no document {doc_id!r} in the corpus; list the ids with "
            "`python -m assistant corpus export | jq -r .id`"
        )
    return document, corpus
