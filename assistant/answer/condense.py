"""Follow-up questions made standalone, so that "and when did he leave?" finds the right letter.

Without an LLM the rewrite is deterministic: the follow-up, then the previous standalone
question, then the names and titles of what the previous answer cited. With an LLM, a prompt
asks for the rewritten question (falling back to the deterministic one if it writes nonsense).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.answer.prompts import load_prompt
from assistant.fusion import Prior
from assistant.text import content_terms, fold, proper_names, wordset
from assistant.types import Answer

# Words that point back to an earlier turn (folded): pronouns always do; possessives and
# demonstratives only in a question without names of its own ("sa femme" vs "Trotsky et ses
# archives").
_PRONOUNS = wordset(
    "il elle ils elles lui cela ca celui celle ceux he she they him them it"
)
_DETERMINERS = wordset(
    "son sa ses leur leurs ce cet cette ces his her its their that this these those there"
)
_CONTINUATIONS = ("et ", "and ", "mais ", "but ", "puis ", "then ", "also ", "aussi ")
_CONTEXT_CHARS = 300  # the previous question is repeated up to this length
_CITED_CONTEXT = 2  # citations of the previous answer whose names are added
_HISTORY_TURNS = 3  # turns shown to the LLM
_ANSWER_CHARS = 500


def needs_context(question: str) -> bool:
    """Does the question lean on earlier turns (pronouns, "et …", too few words of its own)?"""
    folded = fold(question).strip()
    if folded.startswith(_CONTINUATIONS):
        return True
    tokens = re.findall(r"[a-z0-9]+", folded)
    if any(token in _PRONOUNS for token in tokens):
        return True
    names = proper_names(question)
    if any(token in _DETERMINERS for token in tokens) and not names:
        return True
    return len(content_terms(question)) < 2 and not names


def prior_of(question: str, history: Sequence[Answer]) -> Prior:
    """The previous answer's documents and cited notes, when the question leans on it."""
    if not history or not needs_context(question):
        return Prior()
    previous = history[-1]
    cited = previous.citations or previous.see_also
    documents = [c.doc_id for c in cited] + [h.chunk.doc_id for h in previous.hits[:1]]
    notes = [(c.doc_id, c.footnote) for c in cited if c.footnote is not None]
    return Prior(tuple(dict.fromkeys(documents)), tuple(dict.fromkeys(notes)))


def cited_context(answer: Answer) -> list[str]:
    """Names and titles of what an answer cited (its correspondents and document titles)."""
    items: list[str] = []
    for citation in (answer.citations or answer.see_also)[:_CITED_CONTEXT]:
        for value in (citation.recipient, citation.title):
            if value:
                cleaned = re.sub(r"[\[\]]|\s\d+$", "", value).strip()
                if cleaned:
                    items.append(cleaned)
    return list(dict.fromkeys(items))


def condense_simple(question: str, history: Sequence[Answer]) -> str:
    """The deterministic rewrite (no LLM)."""
    if not history or not needs_context(question):
        return question
    previous = history[-1]
    context = previous.standalone_question or previous.question
    if len(context) > _CONTEXT_CHARS:
        context = context[:_CONTEXT_CHARS].rsplit(" ", 1)[0]
    folded_so_far = fold(f"{question} {context}")
    extra = [item for item in cited_context(previous) if fold(item) not in folded_so_far]
    return " ".join([question, context, *extra]).strip()


def condense_with_llm(
    question: str, history: Sequence[Answer], llm: Any, *, language: str,
    prompts_dir: Path | None = None,
) -> str:
    """Ask the chat model for a standalone question; the deterministic rewrite if it fails."""
    from langchain_core.messages import HumanMessage, SystemMessage

    if not history:
        return question
    turns = []
    for answer in history[-_HISTORY_TURNS:]:
        turns.append(f"Q: {answer.question}\nA: {answer.text[:_ANSWER_CHARS]}")
    messages = [
        SystemMessage(load_prompt(f"condense_{language}", prompts_dir)),
        HumanMessage(load_prompt("condense_user", prompts_dir, history="\n\n".join(turns),
                                 question=question)),
    ]
    try:
        reply = llm.invoke(messages)
    except Exception:  # a chat server down must not lose the question
        return condense_simple(question, history)
    content = reply.content if isinstance(reply.content, str) else str(reply.content)
    lines = [line.strip(" \"'«»") for line in content.strip().splitlines() if line.strip()]
    rewritten = lines[0] if lines else ""
    if not rewritten or len(rewritten) > 3 * len(question) + _CONTEXT_CHARS:
        return condense_simple(question, history)
    return rewritten


def condense(
    question: str, history: Sequence[Answer], *, llm: Any = None, language: str = "fr",
    prompts_dir: Path | None = None,
) -> str:
    if llm is None:
        return condense_simple(question, history)
    return condense_with_llm(question, history, llm, language=language, prompts_dir=prompts_dir)
