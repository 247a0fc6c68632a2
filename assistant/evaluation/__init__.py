"""Evaluation: the question set, the metrics, the naive peer, the harness and its report.

questions.py (schema, validate) → harness.py (run questions through a retriever and the answer
chain, score with metrics.py; naive.py is the LangChain peer) → report.py (Markdown + chart).
"""
