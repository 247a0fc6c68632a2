"""``serve``: open the chat window in the browser (http://127.0.0.1:7860 by default)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

console = Console(stderr=True)


def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(help="Interface to bind (default 127.0.0.1: this machine only).")
    ] = None,
    port: Annotated[int | None, typer.Option(
        min=0, max=65535, help="Port (default 7860; 0 picks a free one).")] = None,
    share: Annotated[
        bool, typer.Option("--share", help="Ask Gradio for a public share link (off by default).")
    ] = False,
    mcp: Annotated[
        bool, typer.Option("--mcp", help="Also serve the MCP tools at /gradio_api/mcp/ "
                           "(search_letters, ask_letters, get_passage, get_note).")
    ] = False,
) -> None:
    """Serve the chat window (127.0.0.1:7860 by default) and print its URL.

    Without a usable index the window still opens, showing the command that builds it.
    """
    from assistant.cli import settings_of
    from assistant.errors import IndexMismatchError, IndexMissingError, rebuild_command
    from assistant.services import Services
    from assistant.ui import create_app, launch

    settings = settings_of(ctx)
    updates = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    if share:
        updates["share"] = True
    if mcp:
        updates["mcp"] = True
    settings = settings.model_copy(update={"ui": settings.ui.model_copy(update=updates)})

    def load() -> Services:
        return Services.load(settings)

    services, problem, corpus = None, None, None
    with console.status("Loading the corpus and the index…"):
        try:
            services = load()
        except (IndexMissingError, IndexMismatchError) as error:
            problem = error
            corpus = _corpus_or_none(settings)
    if problem is not None:
        console.print(f"[bold yellow]Index not ready:[/] {problem}", highlight=False)
        console.print("The window opens anyway and shows how to fix it: run "
                      f"[bold]{rebuild_command(settings.index.dir)}[/] (or [bold]make run[/]), "
                      "then press “Reload the index”.", highlight=False)
    if settings.ui.host not in ("127.0.0.1", "localhost", "::1") and settings.ui.username is None:
        console.print(f"[bold yellow]Warning:[/] listening on {settings.ui.host} without a "
                      "password (set ASSISTANT_UI__USERNAME and ASSISTANT_UI__PASSWORD).")
    app = create_app(services, settings=settings, problem=problem, loader=load, corpus=corpus)
    app, url = launch(services, settings, app=app, block=False, quiet=True)
    typer.echo(f"Chat window: {url}  (Ctrl+C to stop)")
    if settings.ui.mcp:
        typer.echo(f"MCP server (streamable HTTP): {url.rstrip('/')}/gradio_api/mcp/")
    if getattr(app, "share_url", None):
        typer.echo(f"Public share link: {app.share_url}")
    app.block_thread()


def _corpus_or_none(settings):
    """The corpus alone, so that Browse works while the index is missing (None if unreadable)."""
    from assistant.corpus import load_corpus
    from assistant.errors import AssistantError

    try:
        return load_corpus(settings.corpus)
    except AssistantError:
        return None
