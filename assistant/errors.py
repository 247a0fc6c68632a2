"""Errors that reach the user as one clear line (the CLI turns them into a message, not a traceback)."""

from __future__ import annotations

from pathlib import Path


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


class SettingsError(AssistantError):
    """A setting (an ASSISTANT_* variable) has a value that cannot be used."""


def rebuild_command(index_dir: Path | None = None) -> str:
    """The command that builds the index: in ``index_dir`` when one was chosen (--index-dir
    or ASSISTANT_INDEX__DIR), so that following it repairs that index and not the default."""
    if index_dir is None:
        return "python -m assistant index build"
    return f"python -m assistant --index-dir {index_dir} index build"


def rebuild_hint(index_dir: Path | None = None) -> str:
    return f"run `{rebuild_command(index_dir)}` to (re)build it"
