"""Prompts live as Markdown files in ``prompts/`` and are loaded by name."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from assistant.config import PROJECT_ROOT
from assistant.errors import AssistantError

PROMPTS_DIR = PROJECT_ROOT / "prompts"


@lru_cache(maxsize=32)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip()


def load_prompt(name: str, directory: Path | None = None, **values: str) -> str:
    """The prompt ``<directory>/<name>.md`` with ``{placeholders}`` filled from ``values``."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"bad prompt name: {name!r}")
    path = (directory or PROMPTS_DIR) / f"{name}.md"
    if not path.is_file():
        raise AssistantError(f"Prompt file {path} is missing: restore it from the repository.")
    text = _read(path)
    return text.format(**values) if values else text
