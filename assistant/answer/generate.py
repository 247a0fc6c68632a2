"""The answer step's LLM branch: the model writes the answer from the numbered sources.

Runs only after the extractive evidence found the sources sufficient. The model is told to
write the fixed refusal phrase when the sources do not answer; that phrase becomes the draft's
``not_in_corpus`` status here, so the chain reads a status, never the text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from assistant.answer import llm as llm_answerer
from assistant.answer.citations import is_refusal
from assistant.config import AnswerSettings
from assistant.types import Draft, Hit


def write(llm: Any, question: str, sources: Sequence[Hit], *, language: str,
          options: AnswerSettings, evidence: float,
          on_text: Callable[[str], None] | None = None) -> Draft:
    """The model's draft from ``sources``; ``evidence`` is the extractive evidence score."""
    budget = llm_answerer.source_budget(len(sources), options.llm_context, options.max_new_tokens)
    messages = llm_answerer.build_messages(question, sources, language=language,
                                           prompts_dir=options.prompts_dir, max_chars=budget)
    draft = llm_answerer.answer(llm, messages, on_text=on_text)
    status = "not_in_corpus" if is_refusal(draft.text) else "answered"
    return Draft(text=draft.text, status=status, evidence=evidence, quotes=draft.quotes)
