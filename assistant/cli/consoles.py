"""Consoles of the command line: a table keeps its cells whole when the output is piped."""

from __future__ import annotations

from rich.console import Console

# A file or a CI log has no width: rich would assume 80 columns and cut the tables' cells
# ("22,6…"), so piped output gets room for the widest table (the evaluation's five columns).
PIPED_WIDTH = 140


def table_console(**options) -> Console:
    """A console for tables: the terminal's width, or PIPED_WIDTH when not a terminal."""
    console = Console(**options)
    return console if console.is_terminal else Console(width=PIPED_WIDTH, **options)
