"""Answer → plain text (the terminal), and a reference string per citation (the window
renders its own Markdown, in ``assistant/ui/html.py``).

Pure functions.
"""

from __future__ import annotations

import re

from assistant.answer.phrases import (
    NO_CITATION,
    NOTHING_VERIFIED,
    SEE_ALSO,
    SOURCES,
    UNVERIFIED,
    VERIFIED,
)
from assistant.text import reference as describe_reference
from assistant.types import Answer, Citation

_QUOTE_CHARS = 300
# An answer's renumbered citation marker, "[2]" (one home: the window's links read it too).
MARKER = re.compile(r"\[(\d{1,3})\]")


def reference(citation: Citation, language: str = "fr") -> str:
    """The citation's bibliographic reference (built when it was made, or rebuilt here)."""
    if citation.reference:
        return citation.reference
    return describe_reference(kind="other", title=citation.title, date=citation.date,
                              sender=citation.sender, recipient=citation.recipient,
                              pages=citation.pages, footnote=citation.footnote, language=language)


def location(citation: Citation) -> str:
    """Where to look in the corpus file: '004_….txt:807-815'."""
    return f"{citation.file}:{citation.line_start}-{citation.line_end}"


def short_quote(quote: str, limit: int = _QUOTE_CHARS) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= limit else quote[: limit - 1].rsplit(" ", 1)[0] + " …"


def _status(citation: Citation, language: str) -> str:
    return (VERIFIED if citation.verified else UNVERIFIED)[language]


def warning(answer: Answer) -> str | None:
    """What a reader must know before trusting the answer, if anything."""
    if answer.refused:
        return None
    if not answer.citations:
        return NO_CITATION[answer.language]
    return None if answer.verified else NOTHING_VERIFIED[answer.language]


def marked_text(answer: Answer) -> str:
    """The answer's text with ``[n ⚠]`` where citation n is not supported by its source
    (a model's claim its source does not hold is never shown like a verified one)."""
    unverified = {c.n for c in answer.citations if not c.verified}
    if not unverified:
        return answer.text.strip()
    return MARKER.sub(lambda m: f"[{m.group(1)} ⚠]" if int(m.group(1)) in unverified
                       else m.group(0), answer.text.strip())


def to_text(answer: Answer, *, quotes: bool = True) -> str:
    lang = answer.language
    lines = [marked_text(answer)]
    if warning(answer):
        lines += ["", warning(answer)]
    if answer.citations:
        lines += ["", f"{SOURCES[lang]}:"]
        lines += citations_text(answer.citations, lang, quotes=quotes)
    if answer.see_also:
        lines += ["", SEE_ALSO[lang]]
        for c in answer.see_also:
            lines.append(f"  - {reference(c, lang)} ({location(c)})")
            if quotes and c.quote:
                lines.append(f"      « {short_quote(c.quote)} »")
    if answer.notices:
        lines += [""] + [f"({notice})" for notice in answer.notices]
    return "\n".join(lines).rstrip() + "\n"


def citations_text(citations: tuple[Citation, ...], language: str, *, quotes: bool = True
                   ) -> list[str]:
    lines = []
    for c in citations:
        lines.append(f"  [{c.n}] {reference(c, language)} ({location(c)}) — "
                     f"{_status(c, language)}")
        if quotes and c.quote:
            lines.append(f"      « {short_quote(c.quote)} »")
    return lines
