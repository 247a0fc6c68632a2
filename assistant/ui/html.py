"""Pure renderers for the chat window: answers, source cards and state banners.

Everything that comes from the corpus or from the user is escaped here, before it reaches the
page: OCR text holds ``<``, ``>`` and ``&``, and a question may hold ``<script>``. Chat messages
are Markdown (the Chatbot renders them), so their text is also Markdown-escaped; the only markup
we produce there are the ``[n]`` links, whose targets (``#cite-<turn>-<n>``) the page's script
turns into "open this citation" events. The document viewer and the browse table are in
``assistant/ui/viewer.py``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence

from assistant.answer.render import MARKER
from assistant.answer.render import reference as reference_of
from assistant.text import format_date, format_pages
from assistant.text.describe import correspondents
from assistant.types import Answer, Citation

CITE_LINK = re.compile(r"#cite-(\d+)-(s?)(\d+)")
# Characters Markdown (and the Chatbot's GFM) would read as markup; `<`, `>` and `&` are
# HTML-escaped instead, since a backslash before an entity would show the entity itself.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~=$:])")

VERIFIED_MARK = "✓ verified"
UNVERIFIED_MARK = "⚠ unverified"


def esc(text: object) -> str:
    """HTML-escape any value (quotes too, so that it is safe inside attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def md_text(text: str) -> str:
    """Text that the Chatbot's Markdown renders verbatim, with no HTML and no markup."""
    return html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", text), quote=False)


def cite_key(turn: int, n: int, *, see_also: bool = False) -> str:
    """The key of one citation of one answer, as carried by links and cards: '2-3', '2-s1'."""
    return f"{turn}-{'s' if see_also else ''}{n}"


def parse_cite_key(key: str) -> tuple[int, int, bool] | None:
    """'2-3' → (2, 3, False); '2-s1' → (2, 1, True); anything else → None."""
    match = re.fullmatch(r"(\d{1,4})-(s?)(\d{1,3})", (key or "").strip())
    if not match:
        return None
    return int(match.group(1)), int(match.group(3)), bool(match.group(2))


def turn_of_message(content: object) -> int | None:
    """The answer index a rendered chat message belongs to (from its citation links)."""
    match = CITE_LINK.search(content if isinstance(content, str) else str(content or ""))
    return int(match.group(1)) if match else None


def linked_text(text: str, turn: int, known: Sequence[int] | None = None,
                unverified: Sequence[int] = ()) -> str:
    """Answer text as Markdown: escaped, each ``[n]`` a link that opens citation n; a
    citation its source does not support reads ``[n ⚠]`` where it stands."""
    parts: list[str] = []
    last = 0
    for match in MARKER.finditer(text):
        n = int(match.group(1))
        if known is not None and n not in known:
            continue
        parts.append(md_text(text[last:match.start()]))
        mark = " ⚠" if n in unverified else ""
        parts.append(f"[\\[{n}{mark}\\]](#cite-{cite_key(turn, n)})")
        last = match.end()
    parts.append(md_text(text[last:]))
    return "".join(parts)


def user_markdown(question: str) -> str:
    return md_text(question)


def streaming_markdown(text: str, turn: int) -> str:
    """A partial answer while it streams (markers link as soon as they are complete)."""
    return linked_text(text, turn) + " ▍"


def error_markdown(message: str) -> str:
    return "⚠️ " + md_text(message)


def citation_label(citation: Citation, language: str = "fr") -> str:
    """'5 janvier 1938, p. 38, n. 2' — where the cited words stand."""
    parts = [format_date(citation.date, language), format_pages(citation.pages)]
    if citation.footnote is not None:
        parts.append(f"n. {citation.footnote}")
    return ", ".join(p for p in parts if p)


def answer_markdown(answer: Answer, turn: int) -> str:
    """The final answer in the chat: notices, the linked text, and 'see also' when refused."""
    lines: list[str] = []
    notices = list(answer.notices)
    lines.extend(f"*{md_text(notice)}*" for notice in notices)
    if notices:
        lines.append("")
    known = [c.n for c in answer.citations]
    unverified = [c.n for c in answer.citations if not c.verified]
    lines.append(linked_text(answer.text, turn, known, unverified))
    if answer.refused and answer.see_also:
        heading = "Voir aussi" if answer.language == "fr" else "See also"
        lines.append("")
        lines.append(f"**{heading}:**")
        for cited in answer.see_also:
            link = f"[{md_text(cited.title or cited.doc_id)}](#cite-{cite_key(turn, cited.n, see_also=True)})"
            lines.append(f"- {link}, {md_text(citation_label(cited, answer.language))}")
    elif answer.citations and not answer.verified:
        lines.append("")
        lines.append("*" + md_text(
            "Attention : aucune citation n'a pu être vérifiée dans le texte."
            if answer.language == "fr"
            else "Warning: no citation could be verified against the text."
        ) + "*")
    return "\n".join(lines)


def source_card(citation: Citation, key: str, *, selected: bool = False,
                language: str = "fr", formats: Mapping[str, str] | None = None) -> str:
    """One citation as a card: number, title, date, people, page, note, quote, verified mark;
    "Copy reference" copies the text reference, or with ``formats`` ({"csl-json", "bibtex"})
    the format chosen beside it."""
    classes = "src-card" + (" selected" if selected else "")
    mark = (
        f'<span class="src-ok" title="The quote was found in the text">{VERIFIED_MARK}</span>'
        if citation.verified
        else f'<span class="src-warn" title="The quote could not be matched with the text">'
        f"{UNVERIFIED_MARK}</span>"
    )
    meta = [format_date(citation.date, language), correspondents(citation.sender, citation.recipient),
            format_pages(citation.pages)]
    if citation.footnote is not None:
        meta.append(f"editor's note {citation.footnote}")
    meta_html = " · ".join(esc(m) for m in meta if m)
    reference = reference_of(citation, language)
    return (
        f'<div class="{classes}" data-cite="{esc(key)}" role="button" tabindex="0" '
        f'title="Open the document at this passage">'
        f'<div class="src-head"><span class="src-n">[{citation.n}]</span> '
        f'<span class="src-title">{esc(citation.title or citation.doc_id)}</span></div>'
        f'<div class="src-meta">{meta_html}</div>'
        f'<blockquote class="src-quote">{esc(citation.quote)}</blockquote>'
        f'<div class="src-foot">{mark}{_format_choice(formats)}'
        f'<button type="button" class="src-copy" data-ref="{esc(reference)}"'
        f'{_format_data(formats)} title="{esc(reference)}">Copy reference</button></div>'
        "</div>"
    )


_REFERENCE_FORMATS = {"csl-json": ("csl", "CSL-JSON (Zotero)"), "bibtex": ("bibtex", "BibTeX")}


def _format_choice(formats: Mapping[str, str] | None) -> str:
    if not formats:
        return ""
    options = "".join(f'<option value="{attribute}">{label}</option>'
                      for name, (attribute, label) in _REFERENCE_FORMATS.items()
                      if name in formats)
    return ('<select class="src-format" aria-label="Reference format" title="Reference format">'
            f'<option value="ref">Text</option>{options}</select>')


def _format_data(formats: Mapping[str, str] | None) -> str:
    return "".join(f' data-{attribute}="{esc(formats[name])}"'
                   for name, (attribute, _) in _REFERENCE_FORMATS.items()
                   if formats and name in formats)


def sources_html(answer: Answer | None, turn: int, *, selected: str | None = None,
                 references: Callable[[Citation], Mapping[str, str]] | None = None) -> str:
    """The sources panel for one answer (its citations, or its 'see also' when refused);
    ``references`` gives a citation's CSL-JSON and BibTeX for "Copy reference"."""
    if answer is None:
        return (
            '<div class="src-panel empty"><p>Sources of the answer appear here. '
            "Click a <b>[n]</b> in the answer or a card to open the letter at the cited "
            "passage.</p></div>"
        )
    question = esc(answer.question if len(answer.question) < 160 else answer.question[:157] + "…")
    parts = [f'<div class="src-panel" data-turn="{turn}">',
             f'<div class="src-question">Sources for: <q>{question}</q></div>']
    if answer.refused:
        parts.append(
            '<div class="state refused"><b>The corpus does not answer this question.</b> '
            "The closest passages are listed below, uncited.</div>"
        )
        cards = [(cite_key(turn, c.n, see_also=True), c) for c in answer.see_also]
    else:
        if answer.status == "uncertain":
            parts.append(
                '<div class="state uncertain"><b>The letters may not answer this exactly.</b> '
                "These are the closest passages, quoted and cited.</div>"
            )
        cards = [(cite_key(turn, c.n), c) for c in answer.citations]
        if not cards:
            parts.append('<div class="state">This answer cites no source.</div>')
    parts.extend(source_card(c, key, selected=key == selected, language=answer.language,
                             formats=references(c) if references else None)
                 for key, c in cards)
    parts.append("</div>")
    return "".join(parts)


def state_html(title: str, message: str, *, command: str | None = None,
               level: str = "warning") -> str:
    """A banner for a state the user must know about (index missing or stale...)."""
    command_html = f"<pre class=\"state-cmd\"><code>{esc(command)}</code></pre>" if command else ""
    return (
        f'<div class="state {esc(level)}" role="status"><b>{esc(title)}</b>'
        f"<p>{esc(message)}</p>{command_html}</div>"
    )
