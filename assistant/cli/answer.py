"""``ask`` and ``chat``: answers with numbered citations in the terminal."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from assistant.cli.options import After, Before, Correspondent, File, K, Kind, Llm, filters_of
from assistant.errors import AssistantError

HISTORY_TURNS = 6  # answers kept as the conversation's history in `chat`
CHAT_HELP = "Commands: /new (new conversation), /sources (last citations), /quit."


def _services(ctx: typer.Context, llm: str | None):
    from assistant.cli import settings_of
    from assistant.services import Services

    settings = settings_of(ctx)
    if llm:
        answer = settings.answer.model_copy(update={"llm": llm, "mode": "llm"})
        settings = settings.model_copy(update={"answer": answer})
    return Services.load(settings)


def _print_streaming(services, question: str, history, **options):
    """Print the answer as it is written (LLM), then its sources; returns the Answer."""
    from assistant.answer.render import to_text
    from assistant.types import Answer

    printed = ""
    final = None
    for item in services.stream(question, history, **options):
        if isinstance(item, Answer):
            final = item
        elif item.startswith(printed):
            sys.stdout.write(item[len(printed):])
            sys.stdout.flush()
            printed = item
    if final is None:
        raise AssistantError("The answerer returned no answer; please ask again.")
    if printed:
        sys.stdout.write("\n")
    rendered = to_text(final)
    if printed and final.text.strip() == printed.strip():
        rendered = "\n" + rendered[len(final.text.strip()):].lstrip("\n")
    elif printed:
        typer.echo("—" * 20 + " (citations checked and renumbered)")
    typer.echo(rendered.rstrip())
    return final


def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="The question, in French or English.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer object as JSON.")] = False,
    llm: Llm = None,
    after: After = None,
    before: Before = None,
    correspondent: Correspondent = None,
    kind: Kind = None,
    file: File = None,
    k: K = None,
    cite: Annotated[str | None, typer.Option(
        "--cite", help="Also print the citations' references: csl-json, bibtex or text.")
    ] = None,
) -> None:
    """Answer a question from the letters: quoted passages, each cited to its document and
    footnote, then the numbered citations (or an honest refusal)."""
    from assistant.chain import check_question
    check_question(question)  # before loading anything
    if cite is not None:
        from assistant.cli.interop import answer_references, check_cite_format

        check_cite_format(cite)
    filters = filters_of(after=after, before=before, correspondent=correspondent, kind=kind,
                         file=file)
    services = _services(ctx, llm)
    options = {"filters": None if filters.is_empty() else filters, "k": k}
    if as_json:
        answer = services.ask(question, (), **options)
        if cite:
            typer.echo(json.dumps({**answer.model_dump(mode="json"),
                                   "references": answer_references(services, answer, cite)},
                                  ensure_ascii=False, indent=2))
        else:
            typer.echo(answer.model_dump_json(indent=2))
        return
    answer = _print_streaming(services, question, (), **options)
    if cite:
        typer.echo("\n" + answer_references(services, answer, cite), nl=False)


def chat(
    ctx: typer.Context,
    llm: Llm = None,
) -> None:
    """A conversation in the terminal: follow-up questions understand the previous ones.
    /new starts over, /sources shows the last citations, /quit (or Ctrl+D) leaves."""
    from assistant.answer.render import citations_text

    services = _services(ctx, llm)
    typer.echo(f"Ask about the letters. {CHAT_HELP}")
    history: list = []
    while True:
        try:
            line = input("\n> ")
        except EOFError:
            break
        command = line.strip().lower()
        if command in ("/quit", "/exit", "/q"):
            break
        if command == "/new":
            history.clear()
            typer.echo("New conversation.")
            continue
        if command == "/sources":
            last = history[-1] if history else None
            if last is None or not (last.citations or last.see_also):
                typer.echo("No sources yet.")
            else:
                lines = citations_text(last.citations or last.see_also, last.language)
                typer.echo("\n".join(lines))
            continue
        if command.startswith("/"):
            typer.echo(f"Unknown command {line.strip()!r}. {CHAT_HELP}")
            continue
        if not command:
            continue
        try:
            answer = _print_streaming(services, line, tuple(history[-HISTORY_TURNS:]))
        except AssistantError as error:
            typer.echo(f"Error: {error}")
            continue
        history.append(answer)
