"""Errors that reach the user as one clear line (the CLI turns them into a message, not a traceback)."""

from __future__ import annotations


class AssistantError(Exception):
    """A problem the user can act on; the message says what to do."""


class CorpusError(AssistantError):
    """The corpus folder or a file in it cannot be read."""


class IndexMissingError(AssistantError):
    """No index where one was expected."""


class IndexMismatchError(AssistantError):
    """The index was built from other settings, another embedder or another corpus, or is damaged."""


class FilterError(AssistantError):
    """A search filter is malformed (bad date, reversed range, unknown correspondent...)."""


class QuestionError(AssistantError):
    """The question cannot be answered as given (empty, only punctuation...)."""


REBUILD_HINT = "run `python -m assistant index build` to (re)build it"
