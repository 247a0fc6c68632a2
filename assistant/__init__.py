"""A conversational research assistant over historical letters (Boukharine, Trotsky 1938).

The flow, one module per step: ``corpus`` (parse) → ``chunking`` → ``embedding`` / ``index_store``
→ ``retrieve`` → ``answer`` (extractive or LLM) → ``answer.citations`` (cite and verify) →
``answer.render``; ``chain`` knows the order. ``config`` holds every setting.
"""

__version__ = "0.1.0"
