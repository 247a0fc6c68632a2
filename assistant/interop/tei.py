"""The parsed edition as TEI P5: one ``teiCorpus`` per corpus file (a printed volume, or one
Boukharine letter), each document a ``TEI`` of its own.

Per document: a ``teiHeader`` (title; ``sourceDesc`` with the volume, pages, file and line span,
archive reference; ``correspDesc`` with ``correspAction`` sent/received, ``persName`` and
``date when=`` ISO; the kind as a ``term``), then ``text/body/div`` holding the title as
``head``, paragraphs as ``p``, page breaks as ``pb n=``, original line starts as ``lb n=`` (with
``break="no"`` inside a word) and each editor's note as ``note place="foot" n=`` where its
marker stands; a note whose call was not found closes its document, ``type="unlinked"``.

``read_volume`` parses a file back into ``corpus export``'s record shape (the round-trip test
compares them); ``validate`` checks a file against the RELAX NG schema of this subset, shipped
beside this module (``tei-letters.rng``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from assistant.cli.corpus import _in_title
from assistant.interop.edition import Edition, editions
from assistant.line_map import LineMapper, ParagraphLines, read_lines
from assistant.types import Corpus, Document, Footnote

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SCHEMA = Path(__file__).with_name("tei-letters.rng")
_T = f"{{{TEI_NS}}}"


def _el(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    element = etree.SubElement(parent, _T + tag, {k.replace("_", "-") if k != "xml_id" else
                                                  XML_ID: str(v) for k, v in attributes.items()
                                                  if v is not None})
    if text:
        element.text = text
    return element


def _xml_id(document: Document, suffix: str = "") -> str:
    return f"d{document.id}{suffix}"


# --- Writing -----------------------------------------------------------------------------


def export(corpus: Corpus, out_dir: Path, *, corpus_dir: Path | None = None) -> list[Path]:
    """Write one ``<file stem>.tei.xml`` per corpus file into ``out_dir``; their paths.
    ``corpus_dir`` (the corpus folder) lets line numbers be placed within paragraphs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, list[Document]] = {}
    for document in corpus.documents:
        by_file.setdefault(document.file, []).append(document)
    found = editions(corpus)
    written = []
    for file, documents in by_file.items():
        root = volume_tree(documents, found[file], read_lines(corpus_dir, file))
        path = out_dir / (Path(file).stem + ".tei.xml")
        etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="UTF-8",
                                      pretty_print=True)
        written.append(path)
    return written


def volume_tree(documents: list[Document], edition: Edition,
                lines: list[str] | None) -> etree._Element:
    """The ``teiCorpus`` of one file's documents."""
    root = etree.Element(_T + "teiCorpus", nsmap={None: TEI_NS})
    header = _el(root, "teiHeader")
    file_desc = _el(header, "fileDesc")
    title_stmt = _el(file_desc, "titleStmt")
    _el(title_stmt, "title", edition.label or edition.name)
    if edition.author:
        _el(title_stmt, "author", edition.author)
    if edition.editor:
        _el(title_stmt, "editor", edition.editor, role="editor")
    publication = _el(file_desc, "publicationStmt")
    _el(publication, "p", "Exported by letters-assistant from the OCR text of the edition "
        "(python -m assistant corpus export --format tei); not a publication.")
    source = _el(_el(file_desc, "sourceDesc"), "bibl")
    _volume_bibl(source, edition)
    _el(source, "idno", documents[0].file, type="file")
    for document in documents:
        _document_tree(root, document, edition, LineMapper(document, lines))
    return root


def _volume_bibl(bibl, edition: Edition) -> None:
    if edition.author:
        _el(bibl, "author", edition.author)
    _el(bibl, "title", edition.title or edition.name)
    if edition.volume:
        _el(bibl, "biblScope", edition.volume, unit="volume")
    if edition.editor:
        _el(bibl, "editor", edition.editor)
    for tag, value in (("pubPlace", edition.place), ("publisher", edition.publisher),
                       ("date", edition.year)):
        if value:
            _el(bibl, tag, value)


def _document_tree(root, document: Document, edition: Edition, mapper: LineMapper) -> None:
    tei = _el(root, "TEI", xml_id=_xml_id(document), n=document.id)
    header = _el(tei, "teiHeader")
    file_desc = _el(header, "fileDesc")
    _el(_el(file_desc, "titleStmt"), "title", document.title)
    _el(_el(file_desc, "publicationStmt"), "p", "Part of the export of " + document.file + ".")
    bibl = _el(_el(file_desc, "sourceDesc"), "bibl")
    _volume_bibl(bibl, edition)
    if document.pages:
        _el(bibl, "biblScope", unit="page", **{"from": document.pages[0],
                                               "to": document.pages[1]})
    _el(bibl, "idno", document.file, type="file")
    _el(bibl, "citedRange", unit="line", **{"from": document.line_start,
                                            "to": document.line_end})
    if document.archive_ref:
        _el(bibl, "idno", document.archive_ref, type="archive")
    profile = _el(header, "profileDesc")
    _correspondence(profile, document)
    _el(_el(_el(profile, "textClass"), "keywords"), "term", document.kind, type="kind")
    div = _el(_el(_el(tei, "text"), "body"), "div", type=document.kind,
              xml_id=_xml_id(document, ".text"))
    _body(div, document, mapper)


def _correspondence(profile, document: Document) -> None:
    """Who sent it to whom, and when (nothing for the front and back matter, which have none)."""
    if not (document.sender or document.recipient or document.date or document.date_raw):
        return
    desc = _el(profile, "correspDesc")
    sent = _el(desc, "correspAction", type="sent")
    if document.sender:
        _el(sent, "persName", document.sender)
    if document.date or document.date_raw:
        _el(sent, "date", document.date_raw.strip() or None, when=document.date,
            cert="medium" if document.date_inferred else None)
    if document.recipient:
        _el(_el(desc, "correspAction", type="received"), "persName", document.recipient)


def _body(div, document: Document, mapper: LineMapper) -> None:
    page = [None]  # the page the text is on (a pb is written when it changes)
    head = _el(div, "head")
    _el(head, "lb", n=document.line_start).tail = document.title
    in_title = [note for note in document.footnotes
                if note.marker is not None and _in_title(document, note)]
    for note in in_title:
        _note(head, note, mapper.note(note), document)
    placed = {note.n for note in in_title}
    for index in range(len(document.paragraphs)):
        calls = [note for note in document.footnotes if note.marker is not None
                 and note.marker.paragraph == index and note.n not in placed]
        placed.update(note.n for note in calls)
        _paragraph(div, document, index, calls, mapper, page)
    for note in document.footnotes:
        if note.n not in placed:
            _note(div, note, mapper.note(note), document, unlinked=True)


def _events(text: str, anchors: ParagraphLines, calls: list[Footnote]) -> Iterator[tuple]:
    """(offset, order, kind, value) of what interrupts a paragraph's text, in text order."""
    for offset in anchors.page_breaks:
        yield offset, 0, "pb", anchors.page_at(offset)
    for offset, line in zip(anchors.offsets, anchors.lines, strict=True):
        yield offset, 1, "lb", line
    for note in calls:
        yield min(note.marker.offset, len(text)), 2, "note", note


def _paragraph(div, document: Document, index: int, calls: list[Footnote],
               mapper: LineMapper, page: list) -> None:
    text, anchors = document.paragraphs[index].text, mapper.paragraph(index)
    paragraph = _el(div, "p")
    if anchors.page is not None and anchors.page != page[0]:
        _el(paragraph, "pb", n=anchors.page)
        page[0] = anchors.page
    cursor = 0
    for offset, _, kind, value in sorted(_events(text, anchors, calls), key=lambda e: e[:2]):
        _append_text(paragraph, text[cursor:offset])
        cursor = offset
        if kind == "pb" and value != page[0]:
            _el(paragraph, "pb", n=value)
            page[0] = value
        elif kind == "lb":
            inside_word = 0 < offset < len(text) and not text[offset - 1].isspace() \
                and not text[offset].isspace()
            _el(paragraph, "lb", n=value, **({"break": "no"} if inside_word else {}))
        elif kind == "note":
            _note(paragraph, value, mapper.note(value), document)
    _append_text(paragraph, text[cursor:])


def _note(parent, note: Footnote, anchors: ParagraphLines, document: Document, *,
          unlinked: bool = False) -> None:
    element = _el(parent, "note", place="foot", n=note.n, xml_id=_xml_id(document, f".n{note.n}"),
                  type="unlinked" if unlinked else None)
    cursor = 0
    for offset, line in zip(anchors.offsets, anchors.lines, strict=True):
        _append_text(element, note.text[cursor:offset])
        cursor = offset
        _el(element, "lb", n=line)
    _append_text(element, note.text[cursor:])


def _append_text(element, text: str) -> None:
    if not text:
        return
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


# --- Reading back ------------------------------------------------------------------------


def _text(element, *, skip_notes: bool) -> str:
    """The text of an element, its notes' text left out (their tails kept) when asked."""
    parts = [element.text or ""]
    for child in element:
        if not (skip_notes and child.tag == _T + "note"):
            parts.append(_text(child, skip_notes=skip_notes))
        parts.append(child.tail or "")
    return "".join(parts)


def _first_line(element) -> int | None:
    lb = element.find(_T + "lb")
    return int(lb.get("n")) if lb is not None else None


def read_volume(path: Path) -> list[dict]:
    """The documents of an exported file, as ``corpus export`` records (the fields TEI holds)."""
    root = etree.parse(str(path)).getroot()
    return [_read_document(tei) for tei in root.iter(_T + "TEI")]


def _read_document(tei) -> dict:
    ns = {"t": TEI_NS}
    header = tei.find(_T + "teiHeader")
    sent_date = header.find(".//t:correspAction[@type='sent']/t:date", ns)
    pages = header.find(".//t:sourceDesc/t:bibl/t:biblScope[@unit='page']", ns)
    lines = header.find(".//t:sourceDesc/t:bibl/t:citedRange[@unit='line']", ns)
    div = tei.find(f"{_T}text/{_T}body/{_T}div")
    paragraphs = div.findall(_T + "p")
    footnotes = []
    for note in div.iter(_T + "note"):
        parent = note.getparent()
        footnotes.append({
            "n": int(note.get("n")),
            "text": _text(note, skip_notes=False),
            "line_start": _first_line(note),
            "linked": note.get("type") != "unlinked",
            "marker_paragraph": paragraphs.index(parent) if parent in paragraphs
            else (0 if parent.tag == _T + "head" else None),
        })
    footnotes.sort(key=lambda note: note["n"])

    def person(kind: str) -> str | None:
        name = header.find(f".//t:correspAction[@type='{kind}']/t:persName", ns)
        return name.text if name is not None else None

    return {
        "id": tei.get("n"),
        "file": header.find(".//t:sourceDesc/t:bibl/t:idno[@type='file']", ns).text,
        "kind": header.find(".//t:term[@type='kind']", ns).text,
        "title": header.find("t:fileDesc/t:titleStmt/t:title", ns).text or "",
        "date": sent_date.get("when") if sent_date is not None else None,
        "date_raw": (sent_date.text or "") if sent_date is not None else "",
        "date_inferred": sent_date is not None and sent_date.get("cert") == "medium",
        "sender": person("sent"),
        "recipient": person("received"),
        "line_start": int(lines.get("from")),
        "line_end": int(lines.get("to")),
        "pages": [int(pages.get("from")), int(pages.get("to"))] if pages is not None else None,
        "paragraphs": [{"text": _text(p, skip_notes=True), "line_start": _first_line(p)}
                       for p in paragraphs],
        "footnotes": footnotes,
    }


def validate(path: Path, schema: Path = SCHEMA) -> list[str]:
    """Problems of ``path`` against the RELAX NG schema (empty when it validates)."""
    relaxng = etree.RelaxNG(etree.parse(str(schema)))
    if relaxng.validate(etree.parse(str(path))):
        return []
    return [f"{error.line}: {error.message}" for error in relaxng.error_log]
