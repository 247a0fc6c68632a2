"""``corpus cite`` and ``corpus export --format tei``: the edition for reference managers and
TEI tools (the work is done in ``assistant/interop/``; this is the command-line edge)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from assistant.errors import AssistantError, CorpusError
from assistant.types import Corpus

CiteFormat = Annotated[
    str,
    typer.Option("--format", "-f", help="csl-json (Zotero, Pandoc), bibtex, or text (the "
                 "reference rendered by citeproc-py in the shipped style)."),
]


def export_tei(ctx: typer.Context, corpus: Corpus, out: Path | None) -> None:
    """Write the TEI files into ``out`` and say where they went."""
    from assistant.cli import settings_of
    from assistant.interop import tei

    if out is None:
        raise CorpusError("--format tei writes one file per corpus file: give the folder, "
                          "e.g. --out export/tei")
    paths = tei.export(corpus, out, corpus_dir=settings_of(ctx).corpus.dir)
    notes = sum(len(d.footnotes) for d in corpus.documents)
    Console(stderr=True, soft_wrap=True).print(
        f"{len(corpus.documents)} documents, {notes} notes written to {len(paths)} TEI "
        f"file(s) in {out}", highlight=False)


CITE_FORMATS = ("csl-json", "bibtex", "text")


def check_cite_format(format: str) -> str:
    if format not in CITE_FORMATS:
        raise AssistantError(f"unknown reference format {format!r}: use csl-json, bibtex "
                             "or text")
    return format


def references_text(targets, format: str) -> str:
    """The references in one of the formats ``--cite`` and ``corpus cite`` take."""
    from assistant.interop import references

    if check_cite_format(format) == "text":
        items = [references.csl_item(t) for t in targets]
        return "\n".join(references.render_csl(items)) + "\n"
    return references.render(targets, format)


def cite(
    ctx: typer.Context,
    doc_id: Annotated[str, typer.Argument(help="Document id, e.g. 004-002.")],
    note: Annotated[int | None, typer.Option("--note", "-n", min=1,
                                             help="Cite this editor's note of the document.")
                    ] = None,
    format: CiteFormat = "csl-json",
) -> None:
    """The reference of a document or of one of its notes, for Zotero, Pandoc or BibTeX.

    Example: corpus cite 004-002 --note 4 --format bibtex"""
    from assistant.cli.corpus import load_document
    from assistant.interop import references
    from assistant.interop.edition import editions

    document, corpus = load_document(ctx, doc_id)
    edition = editions(corpus)[document.file]
    target = references.cited(document, edition, note=note)
    typer.echo(references_text([target], format), nl=False)


def answer_references(services, answer, format: str) -> str:
    """The references of an answer's citations (or, on a refusal, of its closest passages)."""
    from assistant.interop import references
    from assistant.interop.edition import editions

    found = editions(services.corpus) if services.corpus is not None else {}
    targets = []
    for citation in answer.citations or answer.see_also:
        document = services.document(citation.doc_id)
        if document is not None and document.file in found:
            targets.append(references.cited_from(citation, document, found[document.file]))
    return references_text(targets, format) if targets else ""
