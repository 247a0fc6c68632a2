"""The Gradio chat window: ``create_app(services)`` builds it, ``launch`` serves it."""

from assistant.ui.app import create_app
from assistant.ui.serve import launch

__all__ = ["create_app", "launch"]
