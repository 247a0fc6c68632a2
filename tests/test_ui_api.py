"""The chat window served for real: gradio_client calls the `ask` endpoint of a launched app
(real index, real answers), and the event functions run against the real services."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from pydantic import SecretStr

from assistant.errors import IndexMissingError, rebuild_command
from assistant.types import Answer
from assistant.ui import create_app, launch
from assistant.ui.handlers import Backend, Handlers, status_html
from assistant.ui.serve import auth_of

from support import free_port

pytestmark = pytest.mark.slow
STOLBERG = "Qui était Benjamin Stolberg ?"


def settings_on_free_port(settings):
    ui = settings.ui.model_copy(update={"host": "127.0.0.1", "port": free_port()})
    return settings.model_copy(update={"ui": ui})


@pytest.fixture(scope="module")
def served(services, settings):
    """The real app on 127.0.0.1 (a free port), in a thread; its URL."""
    app, url = launch(services, settings_on_free_port(settings), block=False, quiet=True)
    yield url
    app.close()


@pytest.fixture(scope="module")
def client(served):
    from gradio_client import Client

    return Client(served, verbose=False)


def test_binds_localhost_only(served):
    assert served.startswith("http://127.0.0.1:")


def test_no_file_is_served_from_the_corpus_or_elsewhere(served, settings):
    corpus_file = next(settings.corpus.dir.glob("*.txt"))
    for path in (corpus_file, Path("/etc/passwd"), settings.index.path / "manifest.json"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{served}gradio_api/file={path}", timeout=10)
        assert refused.value.code in (403, 404)


def test_ask_endpoint_answers_with_citations(client):
    result = client.predict(question=STOLBERG, api_name="/ask")
    assert result["refused"] is False
    assert result["citations"], result["answer"]
    assert {f"[{c['n']}]" for c in result["citations"]} <= set(re.findall(r"\[\d+\]",
                                                                          result["answer"]))
    cited = " ".join(c["quote"] + " " + c["title"] for c in result["citations"])
    assert "Stolberg" in cited or "Stolberg" in result["answer"]
    first = result["citations"][0]
    assert first["doc_id"] and first["reference"] and first["line_start"] <= first["line_end"]


def test_follow_up_uses_the_history(client):
    result = client.predict(question="Pour quel journal écrivait-il ?", history=[STOLBERG],
                            api_name="/ask")
    # The follow-up is rewritten with the previous question before searching.
    assert "Stolberg" in result["standalone_question"]
    assert result["citations"] or result["refused"]


def test_filters_restrict_the_sources_and_are_stated(client):
    result = client.predict(
        question="What did Trotsky write about the Moscow trials?",
        filters={"after": "1938-02-01", "before": "1938-02-28", "kind": "letter"},
        api_name="/ask",
    )
    assert result["filters"] == "searched letters of February 1938 only"
    for cited in result["citations"] + result["see_also"]:
        assert cited["date"].startswith("1938-02"), cited


def test_bad_filter_is_a_clear_error(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="after"):
        client.predict(question=STOLBERG, filters={"after": "février"}, api_name="/ask")
    with pytest.raises(AppError, match="nope"):
        client.predict(question=STOLBERG, filters={"nope": "x"}, api_name="/ask")


# --- The event functions, on the real services -----------------------------------------------


def run_submit(handlers, question, chat, answers, *, after="", before="", person="", kind=""):
    steps = list(handlers.submit(question, chat, answers, after, before, person, kind,
                                 "extractive", 8))
    return steps, steps[-1]


def test_submit_streams_then_shows_answer_sources_and_follow_up(services):
    handlers = Handlers(Backend(services, services.settings))
    steps, (chat, answers, sources, box) = run_submit(handlers, STOLBERG, [], [])
    assert len(steps) >= 2 and box == ""
    assert len(answers) == 1 and isinstance(answers[0], Answer)
    assert chat[0]["role"] == "user" and chat[-1]["role"] == "assistant"
    assert "(#cite-0-" in chat[-1]["content"] and 'data-cite="0-' in sources

    viewer, panel = handlers.open_citation(answers, _event(cite="0-1"))
    cited = answers[0].citations[0]
    assert f'data-doc="{cited.doc_id}"' in viewer and "scroll-target" in viewer
    assert 'class="src-card selected" data-cite="0-1"' in panel

    _, (chat, answers, _, _) = run_submit(handlers, "Et pour quel journal écrivait-il ?",
                                          chat, answers)
    assert len(answers) == 2 and "Stolberg" in answers[1].standalone_question
    assert "(#cite-1-" in chat[-1]["content"] or answers[1].refused


def test_submit_shows_filter_errors_in_the_chat(services):
    handlers = Handlers(Backend(services, services.settings))
    _, (chat, answers, _, box) = run_submit(handlers, STOLBERG, [], [], after="1938-13-45")
    assert answers == [] and chat[-1]["content"].startswith("⚠️")
    assert "after" in chat[-1]["content"] and box == STOLBERG


def test_forged_ids_and_keys_open_nothing(services, corpus):
    """Document ids are looked up in the corpus, never used as paths; bad keys change nothing."""
    import gradio as gr

    handlers = Handlers(Backend(services, services.settings))
    for doc_id in ("../../etc/passwd", "/etc/passwd", "004-999", ""):
        assert handlers.open_document(_event(doc=doc_id)) == gr.skip()
    real = corpus.documents[5]
    assert f'data-doc="{real.id}"' in handlers.open_document(_event(doc=real.id))
    for key in ("9-1", "../x", "0-99", "0-s1"):
        assert handlers.open_citation([], _event(cite=key)) == (gr.skip(), gr.skip())


def test_without_index_the_window_shows_the_fix(settings, corpus):
    # the settings' index is a folder of the test session: the command names it
    command = rebuild_command(settings.index.dir)
    assert f"--index-dir {settings.index.dir} index build" in command
    problem = IndexMissingError(f"No index in /tmp/nowhere: run `{command}`.")
    backend = Backend(None, settings, problem=problem, fallback_corpus=corpus)
    banner = status_html(backend)
    assert command in banner and "make run" in banner
    handlers = Handlers(backend)
    _, (chat, answers, _, _) = run_submit(handlers, STOLBERG, [], [])
    assert answers == [] and command in chat[-1]["content"].replace("\\", "")
    assert 'class="doc-row"' in handlers.browse("", None, None, None)
    app = create_app(None, settings=settings, problem=problem, corpus=corpus)
    assert app is not None


def test_reload_picks_up_the_index_once_built(settings, services):
    attempts = []

    def loader():
        attempts.append(1)
        if len(attempts) == 1:
            raise IndexMissingError("still missing: run `python -m assistant index build`")
        return services

    backend = Backend(None, settings, problem=IndexMissingError("missing"), loader=loader)
    banner, _ = Handlers(backend).reload_index()
    assert "still missing" in banner and backend.services is None
    banner, table = Handlers(backend).reload_index()
    assert banner == "" and backend.services is services and 'class="doc-row"' in table


def test_auth_only_when_both_set(settings):
    ui = settings.ui
    assert auth_of(ui) is None
    assert auth_of(ui.model_copy(update={"username": "h"})) is None
    assert auth_of(ui.model_copy(update={"username": "h", "password": SecretStr("pw")})) == (
        "h", "pw")
    assert auth_of(ui.model_copy(update={"username": "h", "password": SecretStr("")})) is None


def _event(**data):
    import gradio as gr

    return gr.EventData(None, data)
