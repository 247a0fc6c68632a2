"""The MCP server on a really served app (real index, real answers), driven by the official
``mcp`` Python SDK over its streamable HTTP transport: exactly four tools are listed, each is
called, and the citations they return point at the right file and lines; with credentials
set, a call without them is refused."""

from __future__ import annotations

import asyncio
import json
import re
import unicodedata

import httpx
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from pydantic import SecretStr

from assistant.config import Settings
from assistant.interop.mcp_tools import TOOL_NAMES
from assistant.ui import launch

from support import free_port

pytestmark = pytest.mark.slow
STOLBERG = "Qui était Benjamin Stolberg ?"
USER, PASSWORD = "historian", "archive-secret"


def _serve(services, settings, **ui_updates):
    """The real app with its MCP tools on a free port of 127.0.0.1, in a thread."""
    ui = settings.ui.model_copy(update={"host": "127.0.0.1", "port": free_port(), "mcp": True,
                                        **ui_updates})
    return launch(services, settings.model_copy(update={"ui": ui}), block=False, quiet=True)


@pytest.fixture(scope="module")
def served(services, settings):
    """The MCP URL of the app served without credentials."""
    app, url = _serve(services, settings)
    yield url.rstrip("/") + "/gradio_api/mcp/"
    app.close()


@pytest.fixture(scope="module")
def served_with_login(services, settings):
    app, url = _serve(services, settings, username=USER, password=SecretStr(PASSWORD))
    yield url.rstrip("/") + "/gradio_api/mcp/"
    app.close()


def mcp(url: str, work, auth: httpx.Auth | None = None):
    """Run ``work(session)`` in an initialised MCP client session on ``url``."""

    async def run():
        async with httpx.AsyncClient(auth=auth, timeout=120) as http, \
                streamable_http_client(url, http_client=http) as (read, write, _), \
                ClientSession(read, write) as session:
            await session.initialize()
            return await work(session)

    return asyncio.run(run())


def call(url: str, tool: str, arguments: dict, auth=None):
    async def work(session):
        return await session.call_tool(tool, arguments)

    result = mcp(url, work, auth)
    text = "".join(part.text for part in result.content if part.type == "text")
    return result.isError, text


def result_of(url: str, tool: str, arguments: dict, auth=None) -> dict:
    failed, text = call(url, tool, arguments, auth)
    assert not failed, text
    return json.loads(text)


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if c.isalpha() and c.isascii())


def assert_points_at_its_text(citation: dict, text: str, corpus, settings: Settings) -> None:
    """The citation names the document's file, a line span inside the document, and those
    lines of the file hold the text (its long words, OCR-folded)."""
    document = corpus.get(citation["doc_id"])
    assert document is not None and citation["file"] == document.file
    assert document.line_start <= citation["line_start"] <= citation["line_end"] \
        <= document.line_end, citation
    lines = (settings.corpus.dir / citation["file"]).read_text(encoding="utf-8").split("\n")
    span = _folded(" ".join(lines[citation["line_start"] - 1: citation["line_end"]]))
    words = {_folded(w) for w in re.findall(r"\w{7,}", text)} - {""}
    assert words, text
    found = sum(1 for word in words if word in span)
    assert found >= 0.8 * len(words), (citation, found, len(words))


def test_exactly_the_four_tools_with_typed_arguments_and_docstrings(served):
    async def work(session):
        return (await session.list_tools()).tools

    tools = {tool.name: tool for tool in mcp(served, work)}
    assert sorted(tools) == sorted(TOOL_NAMES)
    search = tools["search_letters"].inputSchema
    assert set(search["properties"]) == {"query", "after", "before", "correspondent", "kind", "k"}
    assert search["properties"]["k"]["type"] in ("integer", "number")
    assert set(tools["get_passage"].inputSchema["properties"]) == {"doc_id", "line_start",
                                                                   "line_end"}
    assert set(tools["get_note"].inputSchema["properties"]) == {"doc_id", "number"}
    for tool in tools.values():
        assert "cit" in tool.description.lower(), tool.name  # says what it returns: citations


def test_search_letters_returns_passages_cited_to_their_lines(served, corpus, settings):
    result = result_of(served, "search_letters", {"query": "Benjamin Stolberg", "k": 3})
    assert len(result["passages"]) == 3
    for passage in result["passages"]:
        assert passage["citation"]["reference"]
        assert_points_at_its_text(passage["citation"], passage["text"], corpus, settings)
    filtered = result_of(served, "search_letters", {"query": "procès de Moscou", "k": 5,
                                                    "after": "1938-02-01",
                                                    "before": "1938-02-28", "kind": "letter"})
    assert filtered["passages"]
    assert all(p["citation"]["date"].startswith("1938-02") for p in filtered["passages"])


def test_ask_letters_answers_with_status_and_right_citations(served, corpus, settings):
    result = result_of(served, "ask_letters", {"question": STOLBERG})
    assert result["status"] == "answered"
    assert result["citations"] and "Stolberg" in result["answer"] + json.dumps(result)
    for citation in result["citations"]:
        assert_points_at_its_text(citation, citation["quote"], corpus, settings)
        if citation["footnote"] is not None:
            note = corpus.get(citation["doc_id"]).footnote(citation["footnote"])
            assert (citation["line_start"], citation["line_end"]) == (note.line_start,
                                                                      note.line_end)
    refused = result_of(served, "ask_letters",
                        {"question": "Quelle est l'opinion d'Albert Einstein sur Staline ?"})
    assert refused["status"] == "not_in_corpus" and refused["refused"]
    assert not refused["citations"]


def test_get_passage_and_get_note_are_verbatim_with_their_reference(served, corpus, settings):
    hit = result_of(served, "search_letters", {"query": "vente des archives", "k": 1})
    citation = hit["passages"][0]["citation"]
    passage = result_of(served, "get_passage", {"doc_id": citation["doc_id"],
                                                "line_start": citation["line_start"],
                                                "line_end": citation["line_end"]})
    assert hit["passages"][0]["text"][:60] in passage["text"]
    assert passage["citation"]["line_start"] <= citation["line_start"]
    assert_points_at_its_text(passage["citation"], passage["text"], corpus, settings)

    note = corpus.get("004-002").footnote(4)
    result = result_of(served, "get_note", {"doc_id": "004-002", "number": 4})
    assert result["text"] == note.text
    cited = result["citation"]
    assert (cited["file"], cited["line_start"], cited["line_end"]) == (
        "004_7eda2118eecd96f1.txt", note.line_start, note.line_end)
    assert cited["footnote"] == 4 and cited["reference"].endswith("n. 4")


@pytest.mark.parametrize("tool,arguments,message", [
    ("get_note", {"doc_id": "004-002", "number": 44}, "has no note 44"),
    ("get_passage", {"doc_id": "004-999", "line_start": 1, "line_end": 2}, "no document"),
    ("search_letters", {"query": "Stolberg", "k": 500}, "k must be between"),
    ("api_ask", {"question": STOLBERG}, "Unknown tool"),  # the window's /ask is no tool
])
def test_bad_calls_are_clear_tool_errors(served, tool, arguments, message):
    failed, text = call(served, tool, arguments)
    assert failed and message in text, text


def test_binds_localhost_by_default(served):
    assert Settings().ui.host == "127.0.0.1"
    assert served.startswith("http://127.0.0.1:")


def test_without_the_credentials_an_mcp_call_is_refused(served_with_login):
    request = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    headers = {"Accept": "application/json, text/event-stream"}
    for auth in (None, httpx.BasicAuth(USER, "wrong")):
        response = httpx.post(served_with_login, json=request, headers=headers, auth=auth,
                              timeout=30)
        assert response.status_code == 401
    with pytest.raises(BaseException) as refused:  # the SDK raises HTTPStatusError in a group
        call(served_with_login, "get_note", {"doc_id": "004-002", "number": 4})
    assert "401" in repr(refused.value) or "401" in str(getattr(refused.value, "exceptions", ""))
    result = result_of(served_with_login, "get_note", {"doc_id": "004-002", "number": 4},
                       auth=httpx.BasicAuth(USER, PASSWORD))
    assert result["number"] == 4


def test_the_window_api_still_answers_when_mcp_is_on(served):
    from gradio_client import Client

    client = Client(served.split("/gradio_api/")[0] + "/", verbose=False)
    result = client.predict(question=STOLBERG, api_name="/ask")
    assert result["citations"] and not result["refused"]

