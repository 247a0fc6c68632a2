"""Chat models (llama.cpp or any OpenAI-compatible server) and the LLM answerer.

``load_chat_model("llamacpp:<path.gguf | smollm2 | qwen>", settings)`` starts llama.cpp's own
OpenAI-compatible server in a child process (``llm_server``: a native crash there cannot end
the caller) and talks to it like ``load_chat_model("openai:<model>", settings)`` talks to
Ollama, LM Studio or vLLM: through ``langchain-openai``. The answerer numbers the sources and
delimits them as data (``<source n="1">…</source>``); its text then goes through the same
citation post-processing as the extractive answer.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.answer.extractive import Draft
from assistant.answer.llm_server import LlamaServer, LLMServerError
from assistant.answer.model_files import ModelFileError, resolve_model
from assistant.answer.phrases import REFUSAL
from assistant.answer.prompts import load_prompt
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.text import reference
from assistant.types import Hit

__all__ = ["LLMError", "ServedChatModel", "build_messages", "format_sources",
           "load_chat_model", "source_budget", "stream_answer"]

_CHARS_PER_TOKEN = 3  # French OCR text in a small-vocabulary tokenizer: a safe estimate
_PROMPT_TOKENS = 450  # system prompt, question and tags around the sources


class LLMError(AssistantError):
    """The chat model cannot be loaded or reached."""


def load_chat_model(spec: str, settings: Settings) -> Any:
    """A chat model from ``llamacpp:<path.gguf>`` (``llamacpp:smollm2``: the bundled test
    model; ``llamacpp:qwen``: the model ``make setup-llm-model`` joined) or ``openai:<model>``
    (with ``answer.base_url`` / ``answer.api_key``)."""
    backend, _, target = spec.partition(":")
    answer = settings.answer
    if backend == "llamacpp" and target:
        return _llamacpp(target, settings)
    if backend == "openai" and target:
        key = answer.api_key.get_secret_value() if answer.api_key else None
        return _openai_client(target, answer.base_url, key, settings)
    raise LLMError(f"Unknown LLM {spec!r}: use 'llamacpp:<path to .gguf>' or 'openai:<model>'.")


def _openai_client(model: str, base_url: str | None, key: str | None, settings: Settings) -> Any:
    from langchain_openai import ChatOpenAI

    answer = settings.answer
    if key is None and base_url:
        key = "not-needed"  # local servers (Ollama, vLLM, llama.cpp) take any key
    try:
        return ChatOpenAI(model=model, base_url=base_url, api_key=key,
                          temperature=answer.temperature, max_tokens=answer.max_new_tokens,
                          timeout=answer.llm_timeout, max_retries=1, seed=0)
    except Exception as error:  # the client validates its key on construction
        raise LLMError(
            f"Cannot set up the OpenAI-compatible model {model!r}: {error}. "
            "Set ASSISTANT_ANSWER__BASE_URL and ASSISTANT_ANSWER__API_KEY."
        ) from error


def _llamacpp(target: str, settings: Settings) -> ServedChatModel:
    answer = settings.answer
    try:
        path = resolve_model(target, answer.model_dir)
    except ModelFileError as error:
        raise LLMError(str(error)) from None
    if importlib.util.find_spec("llama_cpp") is None or \
            importlib.util.find_spec("llama_cpp.server") is None:
        raise LLMError("llama.cpp's server is not installed: run `make setup-llm` "
                       "(llama-cpp-python[server], built for this CPU).")
    threads = answer.llm_threads or os.cpu_count() or 1
    server = LlamaServer(path, context=answer.llm_context, threads=threads,
                         threads_batch=answer.llm_threads_batch or threads,
                         start_timeout=answer.llm_timeout)
    return ServedChatModel(server, settings)


class ServedChatModel:
    """A chat model behind a llama.cpp server of our own: started on first use, its client
    rebuilt when the server restarts, and a dead server reported in one line with its signal.

    It offers the two LangChain calls the assistant makes, ``stream`` and ``invoke``."""

    def __init__(self, server: LlamaServer, settings: Settings) -> None:
        self.server = server
        self._settings = settings
        self._client: Any = None
        self._url = ""

    def _chat(self) -> Any:
        try:
            url = self.server.ensure_running()
        except LLMServerError as error:
            raise LLMError(str(error)) from None
        if url != self._url:
            self._client = _openai_client(self.server.alias, url, None, self._settings)
            self._url = url
        return self._client

    def _failure(self, error: Exception) -> LLMError:
        if not self.server.running:
            return LLMError(f"The llama.cpp server {self.server.exit_status()}; "
                            "the next question starts it again.")
        return LLMError(f"The chat model failed: {error}")

    def stream(self, messages: list) -> Iterator[Any]:
        chat = self._chat()
        try:
            yield from chat.stream(messages)
        except Exception as error:
            raise self._failure(error) from error

    def invoke(self, messages: list) -> Any:
        chat = self._chat()
        try:
            return chat.invoke(messages)
        except Exception as error:
            raise self._failure(error) from error

    def close(self) -> None:
        self.server.stop()


# --- The LLM answerer -------------------------------------------------------------------

def _escape(text: str) -> str:
    # A source must not close its own tag: "</source>" inside the text stays data.
    return text.replace("<source", "‹source").replace("</source", "‹/source").replace(
        "</sources", "‹/sources")


def describe(hit: Hit, language: str) -> str:
    """The source's label for the model: the one document description (assistant.text)."""
    chunk = hit.chunk
    return reference(kind=chunk.doc_kind, title=chunk.title, date=chunk.date, sender=chunk.sender,
                     recipient=chunk.recipient, footnote=chunk.footnote, language=language,
                     spelled_note=True)


def format_sources(sources: Sequence[Hit], language: str, *, max_chars: int | None = None) -> str:
    """Numbered, delimited sources; each text cut to ``max_chars`` when the context is small."""
    blocks = []
    for n, hit in enumerate(sources, start=1):
        text = " ".join(hit.chunk.text.split())
        if max_chars is not None and len(text) > max_chars:
            text = text[:max_chars].rsplit(" ", 1)[0] + " …"
        blocks.append(f'<source n="{n}" about="{_escape(describe(hit, language))}">\n'
                      f"{_escape(text)}\n</source>")
    return "\n".join(blocks)


def source_budget(n_sources: int, context_tokens: int, answer_tokens: int) -> int | None:
    """Characters each source may take so that prompt + answer fit the model's context."""
    if n_sources == 0:
        return None
    tokens = max(context_tokens - answer_tokens - _PROMPT_TOKENS, 64)
    return max(tokens * _CHARS_PER_TOKEN // n_sources, 120)


def build_messages(question: str, sources: Sequence[Hit], *, language: str,
                   prompts_dir: Path | None = None, max_chars: int | None = None) -> list:
    from langchain_core.messages import HumanMessage, SystemMessage

    system = load_prompt(f"answer_{language}", prompts_dir, refusal=REFUSAL[language])
    user = load_prompt("answer_user", prompts_dir,
                       sources=format_sources(sources, language, max_chars=max_chars),
                       question=question)
    return [SystemMessage(system), HumanMessage(user)]


def _content(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content)


def stream_answer(llm: Any, messages: list) -> Iterator[str]:
    """The model's answer, piece by piece."""
    try:
        for chunk in llm.stream(messages):
            piece = _content(chunk)
            if piece:
                yield piece
    except AssistantError:
        raise
    except Exception as error:
        raise LLMError(f"The chat model failed: {error}") from error


def answer(llm: Any, messages: list, *, on_text=None) -> Draft:
    """Run the model (streaming, so ``on_text`` sees the text grow) into a draft."""
    text = ""
    for piece in stream_answer(llm, messages):
        text += piece
        if on_text is not None:
            on_text(text)
    return Draft(text.strip())
