"""Answering: extractive (default, no LLM) or with a chat model; shared citation post-processing.

language → condense → (retrieval, elsewhere) → extractive / llm → citations → render.
"""
