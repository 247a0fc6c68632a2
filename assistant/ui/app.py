"""The chat window's layout: components and their wiring, nothing else.

Left: the conversation (chat, examples, filters, settings) and the Browse tab. Right: the
sources of the selected answer and the document viewer. Event functions are in handlers.py,
rendering in html.py / viewer.py, scripts and styles in assets.py.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import gradio as gr

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.types import Corpus
from assistant.ui import assets
from assistant.ui import html as H
from assistant.ui import viewer as V
from assistant.ui.handlers import Backend, Handlers, example_questions, status_html

TITLE = "Letters — research assistant"
INTRO = (
    "Ask about the letters of **L. Trotsky** (*Œuvres* t. 16, January–March 1938) and "
    "**N. Bukharin** (1925–1937), in French or English. Every claim is quoted and cited "
    "**[n]**; click a citation to read it in its letter, with the editor's notes."
)
ANSWER_GROUP = "answer"  # one concurrency group for every event that answers a question


def _choices(corpus: Corpus | None) -> tuple[list[str], list[str], list[str]]:
    """(correspondents, kinds, months) present in the corpus, for the dropdowns."""
    documents = corpus.documents if corpus is not None else ()
    people = sorted({p for d in documents for p in (d.sender, d.recipient) if p}, key=str.casefold)
    kinds = sorted({d.kind for d in documents})
    months = sorted({m for d in documents if (m := V.month_of(d))})
    return people, kinds, months


def _chat_tab(settings: Settings, examples: list[str], people: list[str], kinds: list[str],
              llm: bool) -> SimpleNamespace:
    """The conversation: chat, question box, examples, filters and settings."""
    chatbot = gr.Chatbot(
        elem_id="chat", height=470, latex_delimiters=[], buttons=[],
        sanitize_html=True, feedback_options=None, show_label=False,
        placeholder="Ask a question about the letters below.",
    )
    with gr.Row():
        question = gr.Textbox(
            elem_id="question", show_label=False, scale=6, lines=1, max_lines=4, autofocus=True,
            placeholder="e.g. Qui était Benjamin Stolberg ? — then ask a follow-up",
        )
        ask_button = gr.Button("Ask", variant="primary", scale=1, elem_id="ask", min_width=80)
    new_button = gr.Button("New conversation", size="sm", elem_id="new")
    if examples:
        gr.Examples(examples, inputs=[question], label="Example questions")
    with gr.Accordion("Filters — apply to the next question", open=False):
        with gr.Row():
            after = gr.Textbox(label="From (date)", placeholder="1938-02-01", elem_id="f-after")
            before = gr.Textbox(label="To (date)", placeholder="1938-02-28", elem_id="f-before")
        with gr.Row():
            correspondent = gr.Dropdown([""] + people, value="", label="Correspondent",
                                        allow_custom_value=True, elem_id="f-person")
            kind = gr.Dropdown([""] + kinds, value="", label="Document kind", elem_id="f-kind")
    with gr.Accordion("Settings", open=False):
        mode = gr.Radio(
            ["extractive", "llm"] if llm else ["extractive"],
            value=settings.answer.mode if llm else "extractive", label="Answer mode",
            info="extractive quotes the letters, with no language model"
            + ("" if llm else " (no LLM configured: set ASSISTANT_ANSWER__LLM)"),
        )
        k = gr.Slider(1, 20, value=settings.retrieval.k, step=1,
                      label="Number of sources searched")
    return SimpleNamespace(chatbot=chatbot, question=question, ask_button=ask_button,
                           new_button=new_button, after=after, before=before,
                           correspondent=correspondent, kind=kind, mode=mode, k=k)


def _browse_tab(handlers: Handlers, people: list[str], kinds: list[str],
                months: list[str]) -> SimpleNamespace:
    """The documents as a filterable table; a row opens in the viewer."""
    with gr.Row():
        text = gr.Textbox(label="Title or name", elem_id="b-text")
        kind = gr.Dropdown([""] + kinds, value="", label="Kind", elem_id="b-kind")
    with gr.Row():
        person = gr.Dropdown([""] + people, value="", label="Correspondent", elem_id="b-person")
        month = gr.Dropdown([""] + months, value="", label="Month", elem_id="b-month")
    table = gr.HTML(handlers.browse("", None, None, None), css_template=assets.BROWSE_CSS,
                    js_on_load=assets.BROWSE_JS, elem_id="browse")
    return SimpleNamespace(filters=[text, kind, person, month], table=table)


def _wire(handlers: Handlers, backend: Backend, c, b, *, answers, sources, viewer, status,
          reload_button) -> None:
    """The window's events: asking, new conversation, citations, browsing, reloading."""
    chatbot, question = c.chatbot, c.question

    ask_inputs = [question, chatbot, answers, c.after, c.before, c.correspondent, c.kind,
                  c.mode, c.k]
    ask_outputs = [chatbot, answers, sources, question]
    for trigger in (question.submit, c.ask_button.click):
        trigger(handlers.submit, ask_inputs, ask_outputs, api_visibility="private",
                concurrency_id=ANSWER_GROUP)
    fresh = [chatbot, answers, sources, viewer, question]
    c.new_button.click(handlers.new_conversation, None, fresh, api_visibility="private")
    chatbot.clear(handlers.new_conversation, None, fresh, api_visibility="private")
    chatbot.select(handlers.select_message, [answers], [sources], api_visibility="private")
    viewer.click(handlers.open_citation, [answers], [viewer, sources],
                 api_visibility="private")
    sources.click(handlers.open_citation, [answers], [viewer, sources],
                  api_visibility="private")
    for control in b.filters:
        control.change(handlers.browse, b.filters, [b.table], api_visibility="private")
    b.table.click(handlers.open_document, None, [viewer], api_visibility="private")
    reload_button.click(handlers.reload_index, None, [status, b.table],
                        api_visibility="private").then(
        lambda: gr.update(visible=backend.services is None), None, [reload_button],
        api_visibility="private")


def create_app(
    services: Any | None,
    *,
    settings: Settings | None = None,
    problem: AssistantError | None = None,
    loader: Callable[[], Any] | None = None,
    corpus: Corpus | None = None,
) -> gr.Blocks:
    """Build (not launch) the window. Without services (index missing or stale), pass the
    settings, the ``problem`` and a ``loader`` that retries: the window shows the fix."""
    settings = settings or services.settings
    backend = Backend(services, settings, problem=problem, loader=loader, fallback_corpus=corpus)
    handlers = Handlers(backend)
    people, kinds, months = _choices(backend.corpus)
    llm = bool(getattr(services, "llm_available", False))
    examples = example_questions(settings.ui.examples_file, settings.ui.examples)

    with gr.Blocks(title=TITLE, fill_width=True, analytics_enabled=False) as app:
        answers = gr.State([])
        gr.Markdown(f"## {TITLE}\n{INTRO}")
        status = gr.HTML(status_html(backend), css_template=assets.STATUS_CSS, js_on_load=None,
                         elem_id="status")
        reload_button = gr.Button("Reload the index", size="sm", visible=services is None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=380), gr.Tabs():
                with gr.Tab("Chat", id="chat"):
                    c = _chat_tab(settings, examples, people, kinds, llm)
                with gr.Tab("Browse", id="browse"):
                    b = _browse_tab(handlers, people, kinds, months)
            with gr.Column(scale=6, min_width=420):
                sources = gr.HTML(H.sources_html(None, 0), css_template=assets.SOURCES_CSS,
                                  js_on_load=assets.SOURCES_JS, max_height=330, elem_id="sources",
                                  label="Sources")
                viewer = gr.HTML(V.document_html(None), css_template=assets.VIEWER_CSS,
                                 js_on_load=assets.VIEWER_JS, max_height=700, elem_id="viewer",
                                 label="Document")
        _wire(handlers, backend, c, b, answers=answers, sources=sources, viewer=viewer,
              status=status, reload_button=reload_button)
        gr.api(handlers.api_ask, api_name="ask", concurrency_id=ANSWER_GROUP)
        if settings.ui.mcp:
            from assistant.interop.mcp_server import add_tools

            add_tools(backend.require)
    return app
