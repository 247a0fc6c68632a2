"""References for reference managers, on the real corpus: CSL-JSON rendered by citeproc-py (a
real CSL processor) in the shipped style, BibTeX read back by bibtexparser."""

from __future__ import annotations

import json

import bibtexparser
import pytest

from assistant.errors import AssistantError
from assistant.interop import references as R
from assistant.interop.edition import editions

FRANKEL = "004-002"  # [LA VENTE DES ARCHIVES], letter to Jan Frankel, 5 January 1938


@pytest.fixture(scope="module")
def edition_of(corpus):
    found = editions(corpus)
    return lambda document: found[document.file]


def test_the_volume_comes_from_the_front_matter(corpus, edition_of):
    edition = edition_of(corpus.get(FRANKEL))
    assert (edition.title, edition.volume, edition.editor) == ("Œuvres", "16", "Pierre Broué")
    assert edition.author == "L. Trotsky"
    # The front matter prints no publisher and no year: none is invented.
    assert edition.publisher is None and edition.year is None


def test_citeproc_renders_a_note_citation_with_volume_date_and_note(corpus, edition_of):
    document = corpus.get(FRANKEL)
    target = R.cited(document, edition_of(document), note=4)
    items = json.loads(R.render([target], "csl-json"))
    assert items[0]["locator"] == "4" and items[0]["label"] == "note"
    [text] = R.render_csl(items)
    assert "Œuvres, t. 16" in text
    assert "5 janvier 1938" in text
    assert "note 4" in text
    assert "L. Trotsky" in text and "Pierre Broué" in text
    assert f"p. {document.footnote(4).page}" in text


def test_a_document_reference_has_its_pages_and_no_note(corpus, edition_of):
    document = corpus.get(FRANKEL)
    [item] = json.loads(R.render([R.cited(document, edition_of(document))], "csl-json"))
    assert "locator" not in item and "note" not in item
    assert item["recipient"] == [{"family": "Frankel", "given": "Jan"}]
    assert item["issued"] == {"date-parts": [[1938, 1, 5]]}
    assert item["archive_location"] == document.archive_ref
    [text] = R.render_csl([item])
    assert "note" not in text.split("Œuvres")[1]


def test_bibtex_of_every_document_parses(corpus, edition_of):
    targets = [R.cited(d, edition_of(d)) for d in corpus.documents]
    targets += [R.cited(d, edition_of(d), note=f.n) for d in corpus.documents[:20]
                for f in d.footnotes]
    library = bibtexparser.parse_string(R.render(targets, "bibtex"))
    assert not library.failed_blocks
    assert len(library.entries) == len(targets)
    assert len({entry.key for entry in library.entries}) == len(targets)
    by_key = {entry.key: entry for entry in library.entries}
    entry = by_key[R.cited(corpus.get(FRANKEL), edition_of(corpus.get(FRANKEL)), note=4).key]
    fields = {name: field.value for name, field in entry.fields_dict.items()}
    assert entry.entry_type == "incollection"
    assert fields["booktitle"] == "Œuvres" and fields["volume"] == "16"
    assert fields["date"] == "1938-01-05" and fields["note"] == "note 4"
    assert fields["author"] == "Trotsky, L." and fields["editor"] == "Broué, Pierre"


def test_a_missing_note_is_a_clear_error(corpus, edition_of):
    document = corpus.get(FRANKEL)
    with pytest.raises(AssistantError, match="has no note 99"):
        R.cited(document, edition_of(document), note=99)


@pytest.mark.slow
def test_ask_cite_prints_the_references_of_the_citations(built_index):
    """`ask --cite`: the answer, then its citations as BibTeX (parsed) or CSL-JSON."""
    from typer.testing import CliRunner

    from assistant.cli import _register, app

    _register()
    runner = CliRunner()
    ask = ["--index-dir", str(built_index), "ask", "Qui était Benjamin Stolberg ?"]
    result = runner.invoke(app, [*ask, "--cite", "bibtex"])
    assert result.exit_code == 0, result.output
    entries = bibtexparser.parse_string(result.output[result.output.index("@"):]).entries
    assert entries and any(e.fields_dict.get("note") for e in entries)
    result = runner.invoke(app, [*ask, "--json", "--cite", "csl-json"])
    answer = json.loads(result.output)
    items = json.loads(answer["references"])
    assert len(items) == len(answer["citations"])
    assert items[0]["container-title"] == "Œuvres"
