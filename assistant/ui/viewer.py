"""Pure renderers for the document viewer and the browse table (all text HTML-escaped).

The viewer shows a whole document: its heading, its paragraphs with the editor's note markers
as clickable superscripts, and its notes below. A citation highlights what it points at — the
paragraphs overlapping its line span (and the quoted words inside them), or the note it cites —
and marks the first highlighted element ``scroll-target`` for the page's script.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assistant.text import fold_case, format_date, kind_label
from assistant.text.describe import correspondents as people
from assistant.types import Citation, Document, Footnote, Paragraph
from assistant.ui.html import esc


def _fold(text: str) -> str:
    return fold_case(text)


def document_date(doc: Document) -> str:
    """The date as a reader expects it: '5 janvier 1938', '[novembre 1933]', 's. d.'."""
    text = format_date(doc.date)
    return f"[{text}]" if doc.date and doc.date_inferred else text


def correspondents(doc: Document) -> str:
    return people(doc.sender, doc.recipient)


def _overlaps(start: int, end: int, citation: Citation) -> bool:
    return start <= citation.line_end and citation.line_start <= end


def _find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where the quote (or its longest leading part, at least 20 chars) stands in the text."""
    quote = " ".join(quote.replace("…", " ").split()).strip(" «»\"“”")
    if len(quote) < 8:
        return None
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    # The quote may run on into the next paragraph, or hold an ellipsis: try its head.
    words = quote.split()
    while len(words) > 3:
        words = words[: len(words) * 2 // 3]
        head = " ".join(words)
        if len(head) < 20:
            break
        at = text.find(head)
        if at >= 0:
            return at, at + len(head)
    return None


def _paragraph_html(
    index: int, paragraph: Paragraph, notes: Sequence[Footnote], *, cited: bool,
    quote: str | None, cited_note: int | None, page_shown: bool,
) -> str:
    """One paragraph, with its note markers as links and the quoted words marked."""
    text = paragraph.text
    inserts: list[tuple[int, int, str]] = []  # (offset, order, html) inserted into the text
    for note in notes:
        if note.marker is None or note.marker.paragraph != index:
            continue
        cls = "marker cited" if note.n == cited_note else "marker"
        preview = note.text if len(note.text) <= 300 else note.text[:297] + "…"
        inserts.append((
            min(note.marker.offset, len(text)), 1,
            f'<sup class="{cls}"><a href="#dv-note-{note.n}" data-note="{note.n}" '
            f'id="dv-ref-{note.n}" title="{esc(preview)}">{note.n}</a></sup>',
        ))
    span = _find_quote(text, quote) if cited and quote else None
    if span:
        inserts.append((span[0], 2, '<mark class="quote">'))
        inserts.append((span[1], 0, "</mark>"))
    inserts.sort(key=lambda item: (item[0], item[1]))
    body, last = [], 0
    for offset, _order, fragment in inserts:
        body.append(esc(text[last:offset]))
        body.append(fragment)
        last = offset
    body.append(esc(text[last:]))
    classes = "para cited" if cited else "para"
    page = (
        f'<span class="page-no" title="Printed page">p. {paragraph.page}</span>'
        if page_shown and paragraph.page is not None else ""
    )
    return (
        f'<p class="{classes}" data-lines="{paragraph.line_start}-{paragraph.line_end}">'
        f"{page}{''.join(body)}</p>"
    )


def _note_html(note: Footnote, *, cited: bool) -> str:
    back = (
        f' <a class="note-back" href="#dv-ref-{note.n}" data-ref="{note.n}" '
        f'title="Back to the text">↑</a>' if note.marker else ""
    )
    classes = "note cited" if cited else "note"
    page = f' <span class="note-page">p. {note.page}</span>' if note.page is not None else ""
    return (
        f'<li class="{classes}" id="dv-note-{note.n}" value="{note.n}" '
        f'data-lines="{note.line_start}-{note.line_end}">'
        f'<span class="note-n">{note.n}.</span> <span class="note-text">{esc(note.text)}</span>'
        f"{page}{back}</li>"
    )


def document_heading(doc: Document) -> str:
    rows = [
        ("Date", document_date(doc) + (f" — printed “{doc.date_raw}”" if doc.date_raw else "")),
        ("Correspondents", correspondents(doc)),
        ("Kind", kind_label(doc.kind, "en")),
        ("Archive reference", doc.archive_ref or ""),
        ("Original language", doc.language or ""),
        ("Edition", ", ".join(p for p in (
            doc.volume, f"pp. {doc.pages[0]}-{doc.pages[1]}" if doc.pages else "") if p)),
        ("Source", f"{doc.file}, lines {doc.line_start}-{doc.line_end} (document {doc.id})"),
    ]
    meta = "".join(f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>" for label, value in rows if value)
    title = esc(doc.title or "(untitled)") + (
        ' <span class="editorial" title="Title supplied by the editor">[editor\'s title]</span>'
        if doc.title_editorial else ""
    )
    return f'<header class="doc-head"><h2>{title}</h2><dl>{meta}</dl></header>'


def document_html(doc: Document | None, citation: Citation | None = None) -> str:
    """The whole document, the cited passage or note highlighted and marked to scroll to."""
    if doc is None:
        return (
            '<div class="doc-viewer empty"><p>The document viewer shows a whole letter. '
            "Choose a citation, or a document in the Browse tab.</p></div>"
        )
    cited_note = citation.footnote if citation is not None else None
    quote = citation.quote if citation is not None and cited_note is None else None
    where = ""
    if citation is not None:
        where = f"editor's note {cited_note}" if cited_note is not None else (
            f"lines {citation.line_start}-{citation.line_end}")
        where = f" · citation [{citation.n}]: {where}"
    # A bar that stays on top while the reader scrolls the letter.
    bar = (f'<div class="doc-bar">{esc(doc.title or "(untitled)")} · {esc(document_date(doc))}'
           f"{esc(where)}</div>")
    parts = [f'<article class="doc-viewer" data-doc="{esc(doc.id)}">', bar, document_heading(doc)]
    parts.append('<div class="doc-body">')
    last_page = None
    for index, paragraph in enumerate(doc.paragraphs):
        cited = cited_note is None and citation is not None and _overlaps(
            paragraph.line_start, paragraph.line_end, citation)
        parts.append(_paragraph_html(
            index, paragraph, doc.footnotes, cited=cited, quote=quote, cited_note=cited_note,
            page_shown=paragraph.page != last_page,
        ))
        last_page = paragraph.page
    parts.append("</div>")
    if doc.footnotes:
        parts.append('<section class="doc-notes"><h3>Editor\'s notes</h3><ol>')
        parts.extend(_note_html(note, cited=note.n == cited_note) for note in doc.footnotes)
        parts.append("</ol></section>")
    parts.append("</article>")
    html_text = "".join(parts)
    # The first highlighted element is where the page scrolls to.
    for anchor in ('<mark class="quote">', '<p class="para cited"', '<li class="note cited"'):
        if anchor in html_text:
            tagged = anchor.replace('class="', 'class="scroll-target ', 1)
            return html_text.replace(anchor, tagged, 1)
    return html_text


# --- Browse ------------------------------------------------------------------------------


def month_of(doc: Document) -> str | None:
    return doc.date[:7] if doc.date and len(doc.date) >= 7 else None


def filter_documents(
    documents: Iterable[Document], *, text: str = "", kind: str | None = None,
    correspondent: str | None = None, month: str | None = None,
) -> list[Document]:
    """Documents matching every given criterion (accent- and case-insensitive text)."""
    needle = _fold(text.strip())
    person = _fold(correspondent.strip()) if correspondent else ""
    kept = []
    for doc in documents:
        if kind and doc.kind != kind:
            continue
        if month and month_of(doc) != month:
            continue
        if person and person not in _fold(f"{doc.sender or ''} | {doc.recipient or ''}"):
            continue
        if needle and needle not in _fold(f"{doc.title} {doc.sender or ''} {doc.recipient or ''}"):
            continue
        kept.append(doc)
    return kept


def browse_html(documents: Sequence[Document], total: int | None = None) -> str:
    """The documents as a table; clicking a row opens the document in the viewer."""
    count = f"{len(documents)} document{'s' if len(documents) != 1 else ''}" + (
        f" of {total}" if total is not None and total != len(documents) else "")
    rows = "".join(
        f'<tr class="doc-row" data-doc="{esc(doc.id)}" tabindex="0" title="Open {esc(doc.id)}">'
        f"<td class=\"nowrap\">{esc(document_date(doc))}</td><td>{esc(doc.title or '(untitled)')}</td>"
        f"<td>{esc(kind_label(doc.kind, 'en'))}</td><td>{esc(correspondents(doc))}</td>"
        f'<td class="num">{len(doc.footnotes)}</td></tr>'
        for doc in documents
    )
    empty = '<tr><td colspan="5">No document matches these filters.</td></tr>' if not rows else ""
    return (
        f'<div class="browse"><div class="browse-count">{count}</div>'
        '<table class="browse-table"><thead><tr><th>Date</th><th>Title</th><th>Kind</th>'
        f"<th>Correspondents</th><th>Notes</th></tr></thead><tbody>{rows}{empty}</tbody>"
        "</table></div>"
    )
