"""Helpers shared by test modules (imported as ``support``: pytest puts tests/ on the path)."""

from __future__ import annotations

# A TCP port on 127.0.0.1 that nothing listens on right now: the one the llama.cpp server
# manager picks its port with.
from assistant.answer.llm_server import free_port

__all__ = ["free_port"]
