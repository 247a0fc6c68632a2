"""The window as an MCP server: the four ``LetterTools`` registered as API endpoints (Gradio
lists public endpoints as MCP tools, at /gradio_api/mcp/), and the credentials check that
Gradio's login does not make on that path.

Gradio's ``auth`` guards the window and its API with a login cookie, but its MCP routes are
mounted beside them unguarded; ``RequireCredentials`` refuses any request under the MCP path
that lacks the window's username and password (HTTP Basic), so ``ASSISTANT_UI__USERNAME`` /
``ASSISTANT_UI__PASSWORD`` protect the tools as they protect the window.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import json
from collections.abc import Callable
from typing import Any

import gradio as gr
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse

from assistant.errors import AssistantError
from assistant.interop.mcp_tools import TOOL_NAMES, LetterTools

MCP_PATH = "/gradio_api/mcp"


def _reported(tool: Callable) -> Callable:
    """The tool as the client sees it: its result as JSON text (Gradio would hand a dict over
    as Python's repr), our errors as one clear message."""

    @functools.wraps(tool)
    def call(*args, **kwargs) -> str:
        try:
            return json.dumps(tool(*args, **kwargs), ensure_ascii=False)
        except AssistantError as error:
            raise gr.Error(str(error), print_exception=False) from None

    call.__annotations__ = {**tool.__annotations__, "return": "str"}
    return call


def add_tools(services: Callable[[], Any]) -> None:
    """Register the tools in the Blocks being built (call inside ``with gr.Blocks()``).
    Not queued: Gradio then runs an MCP call in-process instead of through an HTTP client of
    its own, which the window's login would turn away."""
    tools = LetterTools(services)
    for name in TOOL_NAMES:
        gr.api(_reported(getattr(tools, name)), api_name=name, queue=False)


def only_the_letter_tools(app: gr.Blocks) -> None:
    """List (and accept) only the four tools: Gradio makes every public API endpoint a tool,
    and the window's own ``/ask`` (for gradio_client) would duplicate ask_letters."""
    server = getattr(app, "mcp_server_obj", None)
    if server is None:
        raise AssistantError(f"the MCP server did not start: {getattr(app, 'mcp_error', '')}")
    server.tool_to_endpoint = {name: endpoint for name, endpoint in
                               server.tool_to_endpoint.items() if name in TOOL_NAMES}


class RequireCredentials:
    """ASGI middleware: requests under ``MCP_PATH`` need ``Authorization: Basic`` with the
    window's credentials (401 otherwise); every other request passes untouched."""

    def __init__(self, app, *, username: str, password: str) -> None:
        self.app = app
        self.expected = f"{username}:{password}".encode()

    def _authorised(self, scope) -> bool:
        header = dict(scope.get("headers") or []).get(b"authorization", b"")
        scheme, _, value = header.partition(b" ")
        if scheme.lower() != b"basic":
            return False
        try:
            given = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        return hmac.compare_digest(given, self.expected)

    async def __call__(self, scope, receive, send) -> None:
        if (scope["type"] == "http" and scope.get("path", "").startswith(MCP_PATH)
                and not self._authorised(scope)):
            response = PlainTextResponse(
                "The letters' MCP server requires the window's username and password "
                "(HTTP Basic authorization).", status_code=401,
                headers={"WWW-Authenticate": 'Basic realm="letters-assistant MCP"'})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def credentials_middleware(auth: tuple[str, str] | None) -> list[Middleware]:
    """The middleware list for the FastAPI app (empty without credentials)."""
    if auth is None:
        return []
    username, password = auth
    return [Middleware(RequireCredentials, username=username, password=password)]
