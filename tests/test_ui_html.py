"""The chat window's pure renderers: escaping, citation links, source cards, the document
viewer (highlighted passage and note), the browse table and the filter wording."""

from __future__ import annotations

import re

import pytest

from assistant.config import Settings
from assistant.errors import FilterError
from assistant.text import describe_filters
from assistant.types import Answer, Citation, Document, Footnote, Marker, Paragraph, SearchFilters
from assistant.ui import html as H
from assistant.ui import viewer as V
from assistant.ui.filters import filters_from_mapping, form_filters
from assistant.ui.handlers import example_questions

SCRIPT = "<script>alert('x')</script>"


def citation(n: int = 1, **fields) -> Citation:
    base = dict(n=n, unit_id="004-001:t1", doc_id="004-001", file="004_x.txt", line_start=13,
                line_end=16, title="[LA VENTE DES ARCHIVES]", date="1938-01-05",
                sender="Léon Trotsky", recipient="Jan Frankel", pages=(38,),
                quote="Stolberg était un journaliste", verified=True,
                reference="L. Trotsky, lettre à J. Frankel, 5 janvier 1938, Œuvres t. 16, p. 38")
    return Citation(**(base | fields))


def answer(text: str = "« Stolberg était un journaliste » [1].", **fields) -> Answer:
    base = dict(question="Qui était Stolberg ?", standalone_question="Qui était Stolberg ?",
                language="fr", text=text, citations=(citation(),))
    return Answer(**(base | fields))


@pytest.fixture(scope="module")
def tiny_doc() -> Document:
    """A document whose text holds markup-like OCR characters and one linked note."""
    return Document(
        id="004-001", file="004_x.txt", line_start=1, line_end=40, kind="letter",
        title="[A <b>bold</b> TITLE] & co", date="1938-01-05", sender="Léon Trotsky",
        recipient="Jan Frankel", archive_ref="8156", language="anglais", volume="Œuvres t. 16",
        pages=(38, 39),
        paragraphs=(
            Paragraph(text="Il dit que a < b & c > d, puis " + SCRIPT, line_start=10,
                      line_end=12, page=38),
            Paragraph(text="Stolberg était un journaliste américain.", line_start=13,
                      line_end=16, page=38),
            Paragraph(text="Fin de la lettre.", line_start=17, line_end=18, page=39),
        ),
        footnotes=(
            Footnote(n=1, text="Lettre à Jan Frankel (8156).", line_start=30, line_end=30),
            Footnote(n=2, text="Benjamin Stolberg (1891-1951) <journaliste>.", line_start=31,
                     line_end=32, marker=Marker(paragraph=1, offset=8, line=13)),
        ),
    )


# --- Chat messages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "absent", "present"),
    [
        (SCRIPT, "<script", "&lt;script&gt;"),
        ("a < b & c", "a < b", "a &lt; b &amp; c"),
        ("*gras* et _it_ [lien](http://x)", "](http", r"\*gras\*"),
        ("# titre", "\n#", r"\# titre"),
        ("1938. Début", "1938.", r"1938\."),
        ("$$x$$", "$$", r"\$\$x\$\$"),
    ],
)
def test_md_text_leaves_no_markup(text, absent, present):
    rendered = H.md_text(text)
    assert absent not in rendered
    assert present in rendered


def test_linked_text_links_only_known_citations_and_escapes_the_rest():
    text = "« a <b> » [1] et « c » [2] puis [7]."
    rendered = H.linked_text(text, turn=3, known=[1, 2])
    assert "[\\[1\\]](#cite-3-1)" in rendered and "[\\[2\\]](#cite-3-2)" in rendered
    assert "#cite-3-7" not in rendered and "\\[7\\]" in rendered
    assert "&lt;b&gt;" in rendered and "<b>" not in rendered


def test_answer_markdown_shows_the_notices_first():
    a = answer(notices=("Recherche limitée aux lettres de février 1938", "Question tronquée."))
    rendered = H.answer_markdown(a, 0)
    assert rendered.startswith("*Recherche limitée aux lettres de février 1938*")
    assert "Question tronquée" in rendered and "(#cite-0-1)" in rendered


def test_refused_answer_says_so_and_links_see_also():
    a = answer("Le corpus ne contient pas de réponse à cette question.", refused=True,
               citations=(), see_also=(citation(1, title="Lettre <à> X"),))
    rendered = H.answer_markdown(a, 2)
    assert "Voir aussi" in rendered and "(#cite-2-s1)" in rendered
    assert "&lt;à&gt;" in rendered
    panel = H.sources_html(a, 2)
    assert "does not answer" in panel and 'data-cite="2-s1"' in panel


def test_unverified_answer_is_flagged():
    a = answer(citations=(citation(verified=False),), language="en")
    assert "no citation could be verified" in H.answer_markdown(a, 0)
    assert H.UNVERIFIED_MARK in H.sources_html(a, 0)


@pytest.mark.parametrize(
    ("key", "parsed"),
    [("0-1", (0, 1, False)), ("12-3", (12, 3, False)),
     ("2-s1", (2, 1, True)), ("", None), ("../etc", None), ("1-1; drop", None), ("a-1", None)],
)
def test_parse_cite_key(key, parsed):
    assert H.parse_cite_key(key) == parsed


def test_turn_of_message_reads_the_links():
    assert H.turn_of_message(H.answer_markdown(answer(), 4)) == 4
    assert H.turn_of_message("Qui était Stolberg ?") is None


# --- Sources panel ------------------------------------------------------------------------


def test_source_card_shows_everything_escaped():
    c = citation(2, footnote=4, quote='a < b "quoted" ' + SCRIPT, title="T <i>x</i>",
                 reference='Ref "with" <quotes>')
    card = H.source_card(c, "0-2", selected=True)
    assert "[2]" in card and "5 janvier 1938" in card and "Léon Trotsky → Jan Frankel" in card
    assert "p. 38" in card and "editor&#x27;s note 4" in card and H.VERIFIED_MARK in card
    assert "<script" not in card and "<i>" not in card
    assert 'data-ref="Ref &quot;with&quot; &lt;quotes&gt;"' in card
    assert 'class="src-card selected"' in card


def test_sources_panel_without_answer_explains_itself():
    assert "Click a <b>[n]</b>" in H.sources_html(None, 0)


def test_question_in_panel_is_escaped():
    panel = H.sources_html(answer(question=SCRIPT), 0)
    assert "<script" not in panel and "&lt;script&gt;" in panel


# --- Document viewer ----------------------------------------------------------------------


def test_viewer_highlights_the_cited_passage_and_escapes_text(tiny_doc):
    page = V.document_html(tiny_doc, citation(1, line_start=13, line_end=14))
    assert "<script" not in page and "<b>bold" not in page
    assert "a &lt; b &amp; c &gt; d" in page and "[A &lt;b&gt;bold&lt;/b&gt; TITLE] &amp; co" in page
    cited = re.findall(r'<p class="[^"]*para cited"', page)
    assert len(cited) == 1
    # The quote is marked (around the note marker inside it), and is where the page scrolls.
    assert re.search(r'<mark class="scroll-target quote">Stolberg<sup class="marker">.*?</sup>'
                     r" était un journaliste</mark>", page)
    assert "8156" in page and "anglais" in page and "Léon Trotsky → Jan Frankel" in page


def test_viewer_highlights_a_cited_note_and_its_marker(tiny_doc):
    page = V.document_html(tiny_doc, citation(1, footnote=2, line_start=31, line_end=32))
    assert '<li class="scroll-target note cited" id="dv-note-2"' in page
    assert '<sup class="marker cited"><a href="#dv-note-2" data-note="2"' in page
    assert "para cited" not in page
    # The marker stands right after "Stolberg"; its preview is escaped for the attribute.
    assert 'Stolberg<sup class="marker cited">' in page
    assert 'title="Benjamin Stolberg (1891-1951) &lt;journaliste&gt;."' in page


def test_viewer_without_citation_or_document(tiny_doc):
    assert "scroll-target" not in V.document_html(tiny_doc)
    assert "Choose a citation" in V.document_html(None)


def test_viewer_on_real_letters_marks_every_linked_note(corpus):
    doc = max(corpus.documents, key=lambda d: sum(n.marker is not None for n in d.footnotes))
    linked = [n for n in doc.footnotes if n.marker is not None]
    note = linked[len(linked) // 2]
    page = V.document_html(doc, citation(1, doc_id=doc.id, footnote=note.n,
                                         line_start=note.line_start, line_end=note.line_end))
    assert page.count('<sup class="marker') == len(linked)
    assert page.count('<li class="') == len(doc.footnotes)
    assert f'class="scroll-target note cited" id="dv-note-{note.n}"' in page
    paragraph = doc.paragraphs[0]
    page = V.document_html(doc, citation(1, doc_id=doc.id, line_start=paragraph.line_start,
                                         line_end=paragraph.line_end,
                                         quote=paragraph.text[:60]))
    assert 'class="scroll-target quote"' in page


# --- Browse -------------------------------------------------------------------------------


def test_browse_table_lists_the_real_documents_with_the_chronology(corpus):
    table = V.browse_html(corpus.documents)
    assert table.count('<tr class="doc-row"') == len(corpus.documents)
    assert any(d.kind == "chronology" for d in corpus.documents)
    assert "chronology" in table
    letters = V.filter_documents(corpus.documents, kind="letter")
    assert letters and all(d.kind == "letter" for d in letters)
    february = V.filter_documents(corpus.documents, month="1938-02")
    assert february and all(d.date.startswith("1938-02") for d in february)


def test_browse_filters_fold_accents_and_case(tiny_doc):
    assert V.filter_documents([tiny_doc], correspondent="leon trotsky") == [tiny_doc]
    assert V.filter_documents([tiny_doc], text="FRANKEL") == [tiny_doc]
    assert V.filter_documents([tiny_doc], correspondent="Cannon") == []
    assert "No document matches" in V.browse_html([])


# --- Filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "en", "fr"),
    [
        (SearchFilters(after="1938-02-01", before="1938-02-28", kind="letter"),
         "searched letters of February 1938 only", "recherche limitée aux lettres de février 1938"),
        (SearchFilters(after="1938-03", before="1938-03"),
         "searched documents of March 1938 only", "recherche limitée aux documents de mars 1938"),
        (SearchFilters(correspondent="Cannon", before="1938-01-15"),
         "searched documents to or from Cannon up to 15 January 1938 only",
         "recherche limitée aux documents de ou à Cannon jusqu'au 15 janvier 1938"),
        (SearchFilters(after="1938-01-01", before="1938-03-15", kind="article"),
         "searched articles from 1 January 1938 to 15 March 1938 only",
         "recherche limitée aux articles du 1er janvier 1938 au 15 mars 1938"),
        (SearchFilters(), None, None),
    ],
)
def test_describe_filters(filters, en, fr):
    assert describe_filters(filters, "en") == en
    assert describe_filters(filters, "fr") == fr


def test_form_and_api_filters():
    assert form_filters("", " ", None, "") is None
    assert form_filters(" 1938-02-01 ", "", "Cannon", "letter") == SearchFilters(
        after="1938-02-01", correspondent="Cannon", kind="letter")
    assert filters_from_mapping({"after": "1938-02"}) == SearchFilters(after="1938-02")
    assert filters_from_mapping({}) is None
    with pytest.raises(FilterError, match="nope"):
        filters_from_mapping({"nope": "x"})


# --- Examples -----------------------------------------------------------------------------


def test_example_questions_come_from_their_own_file_not_an_evaluation_set(tmp_path):
    import json

    settings = Settings()
    examples = example_questions(settings.ui.examples_file, 4)
    assert len(examples) == 4 and len(set(examples)) == 4
    assert not any(line.startswith("#") for line in examples)
    evaluation = set()
    for path in (settings.eval.questions, settings.eval.heldout):
        for line in path.read_text(encoding="utf-8").splitlines():
            question = json.loads(line)["question"]
            evaluation.update(question if isinstance(question, list) else [question])
    assert not evaluation & set(example_questions(settings.ui.examples_file, 100))
    assert example_questions(tmp_path / "missing.txt", 4) == []
    assert example_questions(settings.ui.examples_file, 0) == []
