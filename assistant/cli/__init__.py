"""Command-line verbs: ``python -m assistant VERB`` (help comes from the docstrings).

Each verb group lives in its own module; errors the user can act on (``AssistantError``) are
turned into one red line and exit status 1 here, at the edge.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from assistant.config import Settings, get_settings
from assistant.errors import AssistantError, SettingsError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Research assistant over the letters of Boukharine and Trotsky (1925-1938).",
)
err_console = Console(stderr=True)


@app.callback()
def root(
    ctx: typer.Context,
    index_dir: Annotated[
        Path | None, typer.Option("--index-dir", help="Use this index folder instead of index/<name>.")
    ] = None,
) -> None:
    """Ask questions of the letters; every answer cites its documents and footnotes."""
    try:
        settings = get_settings()
    except ValidationError as error:
        raise SettingsError(settings_problem(error)) from None
    if index_dir is not None:
        settings = settings.model_copy(
            update={"index": settings.index.model_copy(update={"dir": index_dir})}
        )
    ctx.obj = settings


def settings_problem(error: ValidationError) -> str:
    """Which ASSISTANT_* variable is wrong, and why, on one line."""
    problems = []
    for item in error.errors():
        name = "ASSISTANT_" + "__".join(str(part).upper() for part in item["loc"])
        problems.append(f"{name}={item.get('input')!r}: {item['msg']}")
    return "invalid setting: " + "; ".join(problems)


def settings_of(ctx: typer.Context) -> Settings:
    """The settings of this invocation (global options applied)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else get_settings()


def _register() -> None:
    from assistant.cli import (
        answer,
        config_cmd,
        corpus,
        evaluate,
        index,
        interop,
        llm_cmd,
        serve,
    )

    app.add_typer(config_cmd.app, name="config")
    corpus.app.command("cite")(interop.cite)
    app.add_typer(corpus.app, name="corpus")
    app.add_typer(index.app, name="index")
    app.command("search")(index.search)
    app.command("ask")(answer.ask)
    app.command("chat")(answer.chat)
    app.add_typer(evaluate.app, name="eval")
    app.add_typer(llm_cmd.app, name="llm")
    app.command("serve")(serve.serve)


def main() -> None:
    _register()
    try:
        app()
    except AssistantError as error:
        # One line whatever the terminal's width (scripts and tests read it as one line).
        err_console.print(f"[bold red]Error:[/] {error}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
