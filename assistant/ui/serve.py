"""Serving the window: bound to 127.0.0.1 by default, optional login, no public link unless
asked, a deliberate queue concurrency, and no file served from outside the app."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.config import Settings, UISettings
from assistant.errors import AssistantError
from assistant.interop.mcp_server import credentials_middleware, only_the_letter_tools


def auth_of(ui: UISettings) -> tuple[str, str] | None:
    """The (username, password) pair when both are set."""
    if ui.username and ui.password is not None and ui.password.get_secret_value():
        return ui.username, ui.password.get_secret_value()
    return None


def launch(
    services: Any | None,
    settings: Settings,
    *,
    app: gr.Blocks | None = None,
    block: bool = True,
    quiet: bool = False,
) -> tuple[gr.Blocks, str]:
    """Serve the window (built by ``create_app`` unless given) and return (app, local URL).

    ``block=False`` returns at once with the server running in a thread (tests, benchmarks).
    """
    if app is None:
        from assistant.ui.app import create_app

        app = create_app(services, settings=settings)
    ui = settings.ui
    # Retrieval and answering are guarded by the services, so several questions may run at
    # once; the limit keeps a burst of users from queueing up more work than 2 cores can do.
    app.queue(default_concurrency_limit=ui.concurrency, max_size=ui.concurrency * 64)
    auth = auth_of(ui)
    try:
        _, local_url, _ = app.launch(
            server_name=ui.host,
            server_port=ui.port or None,
            share=ui.share,
            auth=auth,
            prevent_thread_lock=True,
            quiet=quiet,
            show_error=False,
            allowed_paths=[],
            # Documents are served as rendered text by id, never as files.
            blocked_paths=[str(settings.corpus.dir), str(settings.index.path)],
            run_history=False,
            footer_links=["api"],
            ssr_mode=False,
            mcp_server=ui.mcp,
            # Gradio's login does not cover its MCP routes: they get the same check here.
            app_kwargs={"middleware": credentials_middleware(auth)} if ui.mcp else None,
        )
    except OSError:  # raised by gradio when it cannot bind
        raise AssistantError(
            f"cannot serve on {ui.host}:{ui.port} (the port is taken, or the host is not an "
            "address of this machine): choose another --port, or --port 0 for a free one"
        ) from None
    if ui.mcp:
        only_the_letter_tools(app)
    if block:
        app.block_thread()
    return app, local_url
