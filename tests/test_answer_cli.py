"""`ask` and `chat` from the command line, on the session's real index."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli import answer as answer_cli
from assistant.cli import root
from assistant.config import PROJECT_ROOT

# The root callback (global --index-dir) with only this module's verbs.
app = typer.Typer()
app.callback()(root)
app.command("ask")(answer_cli.ask)
app.command("chat")(answer_cli.chat)
runner = CliRunner()


@pytest.mark.slow
def test_ask_json_prints_the_answer_object(built_index):
    result = runner.invoke(app, ["--index-dir", str(built_index), "ask",
                                 "Qui était Benjamin Stolberg ?", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["language"] == "fr" and not answer["refused"]
    assert answer["citations"] and answer["citations"][0]["footnote"] == 4
    assert answer["citations"][0]["verified"] is True
    assert {"condense", "retrieve", "answer", "cite", "total"} <= set(answer["timings"])


@pytest.mark.slow
def test_chat_keeps_history_and_answers_commands(services, monkeypatch):
    from assistant.services import Services

    monkeypatch.setattr(Services, "load", classmethod(lambda cls, settings: services))
    script = ("Qui était Jan Frankel ?\n"
              "Quand a-t-il été son secrétaire ?\n"
              "/sources\n"
              "/new\n"
              "/bogus\n"
              "   \n"
              "?!\n"
              "/quit\n")
    result = runner.invoke(app, ["chat"], input=script)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Question comprise comme : Quand a-t-il été son secrétaire ? Qui était Jan Frankel" in out
    assert out.count("Sources:") >= 2 and "[1] " in out.split("/sources")[-1] or "[1]" in out
    assert "New conversation." in out and "Unknown command '/bogus'" in out
    assert "Error: The question has no words" in out
    assert "Traceback" not in out


def test_empty_question_is_one_line_error_without_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "--index-dir", str(tmp_path), "ask", "  \u200b "],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "The question is empty" in lines[0]
