"""Event functions of the chat window: thin calls to the services, rendered by html/viewer.

The conversation's Answers live in a ``gr.State`` (a list, index = turn), so follow-up
questions get the previous Answers as history, and a citation key ``<turn>-<n>`` finds its
Citation. When the services could not be loaded (index missing or stale), the window still
opens: questions answer with the repair command, and "Reload" tries again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.config import Settings
from assistant.errors import AssistantError, rebuild_command
from assistant.text import describe_filters
from assistant.types import Answer, Citation, Corpus
from assistant.ui import html as H
from assistant.ui import viewer as V
from assistant.ui.filters import filters_from_mapping, form_filters

log = logging.getLogger(__name__)
MAX_API_HISTORY = 6  # previous questions replayed for an API follow-up


@dataclass
class Backend:
    """The services, or the error that kept them from loading (the window opens either way)."""

    services: Any | None
    settings: Settings
    problem: AssistantError | None = None
    loader: Callable[[], Any] | None = None
    fallback_corpus: Corpus | None = None
    _listeners: list[Callable[[], None]] = field(default_factory=list)

    @property
    def corpus(self) -> Corpus | None:
        return self.services.corpus if self.services is not None else self.fallback_corpus

    def require(self) -> Any:
        if self.services is None:
            raise self.problem or AssistantError(
                f"The index is not loaded: run `{rebuild_command(self.settings.index.dir)}`.")
        return self.services

    def retry(self) -> bool:
        """Load the services again (after `index build`); True when they are now available."""
        if self.services is not None or self.loader is None:
            return self.services is not None
        try:
            self.services = self.loader()
        except AssistantError as error:
            self.problem = error
            return False
        self.problem = None
        return True


def status_html(backend: Backend) -> str:
    """The banner above the chat: empty when all is well, the repair command when not."""
    if backend.services is not None:
        return ""
    return H.state_html(
        "The search index is not ready",
        str(backend.problem or "The index could not be loaded."),
        command=f"{rebuild_command(backend.settings.index.dir)}    # or: make run",
        level="error",
    ) + '<p class="state-after">Then press “Reload the index” (no restart needed).</p>'


def example_questions(path: Path, count: int) -> list[str]:
    """The first ``count`` questions of the window's examples file (``ui.examples_file``, one
    per line, # for comments); an empty list when it is missing: the window works without."""
    if count <= 0:
        return []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    questions = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return questions[:count]


def _chat(chat: list | None) -> list[dict]:
    return [dict(m) for m in (chat or [])]


class Handlers:
    """The event functions; ``create_app`` wires them to components."""

    def __init__(self, backend: Backend):
        self.backend = backend

    # --- Chat ----------------------------------------------------------------------------

    def submit(self, question: str, chat: list | None, answers: list | None, after: str,
               before: str, correspondent: str, kind: str, mode: str, k: float,
               ) -> Iterator[tuple[list, list, str, str]]:
        """Ask (streaming): yields (chat, answers, sources panel, question box)."""
        chat, answers = _chat(chat), list(answers or [])
        turn = len(answers)
        sources = (H.sources_html(answers[-1], turn - 1, references=self.references) if answers
                   else H.sources_html(None, 0))
        if not (question or "").strip():
            yield chat, answers, sources, ""
            return
        chat.append({"role": "user", "content": H.user_markdown(question)})
        chat.append({"role": "assistant", "content": "…"})
        yield chat, answers, sources, ""
        try:
            services = self.backend.require()
            filters = form_filters(after, before, correspondent, kind)
            final = None
            for item in services.stream(question, tuple(answers), filters=filters,
                                        mode=mode or None, k=int(k) if k else None):
                if isinstance(item, Answer):
                    final = item
                else:
                    chat[-1] = {"role": "assistant", "content": H.streaming_markdown(item, turn)}
                    yield chat, answers, sources, ""
            if final is None:
                raise AssistantError("The answerer returned no answer; please ask again.")
        except AssistantError as error:  # FilterError, QuestionError, index errors...
            chat[-1] = {"role": "assistant", "content": H.error_markdown(str(error))}
            yield chat, answers, sources, question
            return
        except Exception as error:  # never a traceback in the window
            log.exception("answering failed")
            chat[-1] = {"role": "assistant", "content": H.error_markdown(
                f"Internal error while answering ({type(error).__name__}); see the server log.")}
            yield chat, answers, sources, question
            return
        answers.append(final)
        chat[-1] = {"role": "assistant", "content": H.answer_markdown(final, turn)}
        yield chat, answers, H.sources_html(final, turn, references=self.references), ""

    def new_conversation(self) -> tuple[list, list, str, str, str]:
        """(chat, answers, sources panel, viewer, question box) for a fresh conversation."""
        return [], [], H.sources_html(None, 0), V.document_html(None), ""

    def select_message(self, answers: list | None, evt: gr.SelectData) -> str:
        """Clicking an answer in the chat shows its sources."""
        answers = list(answers or [])
        value = evt.value.get("content", evt.value) if isinstance(evt.value, dict) else evt.value
        turn = H.turn_of_message(json.dumps(value) if not isinstance(value, str) else value)
        if turn is None or not 0 <= turn < len(answers):
            return gr.skip()
        return H.sources_html(answers[turn], turn, references=self.references)

    def open_citation(self, answers: list | None, evt: gr.EventData) -> tuple[str, str]:
        """A [n] link or a source card was clicked: (viewer, sources panel of that answer)."""
        answers = list(answers or [])
        key = str(getattr(evt, "_data", {}).get("cite", "")) if evt else ""
        parsed = H.parse_cite_key(key)
        if parsed is None or not 0 <= parsed[0] < len(answers):
            return gr.skip(), gr.skip()
        turn, n, see_also = parsed
        answer: Answer = answers[turn]
        pool = answer.see_also if see_also else answer.citations
        citation: Citation | None = next((c for c in pool if c.n == n), None)
        if citation is None:
            return gr.skip(), gr.skip()
        doc = self._document(citation.doc_id)
        return V.document_html(doc, citation), H.sources_html(answer, turn, selected=key,
                                                              references=self.references)

    def _document(self, doc_id: str):
        if self.backend.services is not None:
            return self.backend.services.document(doc_id)
        corpus = self.backend.corpus
        return corpus.get(doc_id) if corpus is not None else None

    def references(self, citation: Citation) -> dict[str, str]:
        """The citation's CSL-JSON and BibTeX, for the sources panel's "Copy reference"."""
        from assistant.interop.references import citation_formats

        return citation_formats(citation, self._document(citation.doc_id), self.backend.corpus)

    def open_document(self, evt: gr.EventData) -> str:
        """A row of the browse table was clicked: the whole document, nothing highlighted."""
        doc_id = str(getattr(evt, "_data", {}).get("doc", "")) if evt else ""
        doc = self._document(doc_id) if doc_id else None
        return V.document_html(doc) if doc is not None else gr.skip()

    # --- Browse and state ----------------------------------------------------------------

    def browse(self, text: str, kind: str | None, correspondent: str | None,
               month: str | None) -> str:
        corpus = self.backend.corpus
        documents = corpus.documents if corpus is not None else ()
        kept = V.filter_documents(documents, text=text or "", kind=kind or None,
                                  correspondent=correspondent or None, month=month or None)
        return V.browse_html(kept, total=len(documents))

    def reload_index(self) -> tuple[str, str]:
        """(status banner, browse table) after trying to load the index again."""
        self.backend.retry()
        return status_html(self.backend), self.browse("", None, None, None)

    # --- API -----------------------------------------------------------------------------

    def api_ask(self, question: str, history: list[str] | None = None,
                filters: dict | None = None) -> dict:
        """Answer a question from the letters, with its citations as JSON.

        history: the previous questions of the conversation (oldest first), for follow-ups.
        filters: optional {"after", "before", "correspondent", "kind"} (ISO dates).
        """
        try:
            services = self.backend.require()
            search = filters_from_mapping(filters)
            previous: list[Answer] = []
            for earlier in [q for q in (history or []) if str(q).strip()][-MAX_API_HISTORY:]:
                previous.append(services.ask(str(earlier), tuple(previous)))
            answer = services.ask(question or "", tuple(previous), filters=search)
        except AssistantError as error:
            raise gr.Error(str(error), print_exception=False) from None
        return answer_json(answer, describe_filters(search, answer.language))


def answer_json(answer: Answer, filters_note: str | None = None) -> dict:
    """The API's answer: text, refusal flag, citations and see-also, as plain JSON."""
    fields = ("n", "doc_id", "file", "line_start", "line_end", "footnote", "title", "date",
              "sender", "recipient", "pages", "quote", "verified", "reference")
    return {
        "question": answer.question,
        "standalone_question": answer.standalone_question,
        "language": answer.language,
        "answer": answer.text,
        "status": answer.status,
        "refused": answer.refused,
        "mode": answer.mode,
        "filters": filters_note,
        "notices": list(answer.notices),
        "citations": [c.model_dump(mode="json", include=set(fields)) for c in answer.citations],
        "see_also": [c.model_dump(mode="json", include=set(fields)) for c in answer.see_also],
    }
