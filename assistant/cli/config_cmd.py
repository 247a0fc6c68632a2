"""``config``: inspect the effective settings."""

from __future__ import annotations

import json

import typer

app = typer.Typer(no_args_is_help=True, help="Inspect the effective settings.")


@app.command("show")
def show(ctx: typer.Context) -> None:
    """Print the effective settings (defaults overridden by ASSISTANT_* variables) as JSON."""
    from assistant.cli import settings_of

    settings = settings_of(ctx)
    data = settings.model_dump(mode="json")
    data["index"]["path"] = str(settings.index.path)
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
