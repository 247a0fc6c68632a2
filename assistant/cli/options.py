"""Options shared by several verbs (``search`` and ``ask`` filter the same way)."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.types import SearchFilters

After = Annotated[
    str | None, typer.Option(help="Only documents dated on/after (YYYY-MM-DD, YYYY-MM).")
]
Before = Annotated[
    str | None, typer.Option(help="Only documents dated on/before (YYYY-MM-DD, YYYY-MM).")
]
Correspondent = Annotated[
    str | None, typer.Option(help="Sender or recipient (part of the name, any accents).")
]
Kind = Annotated[
    str | None, typer.Option(help="Document kind: letter, article, declaration, telegram…")
]
File = Annotated[str | None, typer.Option(help="Corpus file name (or its number, 004).")]
# The bounds of retrieval.k: a negative or zero count is refused, not silently replaced.
K = Annotated[
    int | None,
    typer.Option("-k", "--k", min=1, max=100, help="Passages retrieved (default retrieval.k)."),
]
Llm = Annotated[
    str | None,
    typer.Option(help="Answer with a chat model: llamacpp:<path.gguf> or openai:<model>."),
]


def filters_of(*, after: str | None, before: str | None, correspondent: str | None,
               kind: str | None, file: str | None, unit_type: str | None = None) -> SearchFilters:
    """The search filters the options describe."""
    return SearchFilters(after=after, before=before, correspondent=correspondent, kind=kind,
                         file=file, unit_type=unit_type)
