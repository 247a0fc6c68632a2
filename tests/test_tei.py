"""The TEI P5 export of the real corpus: well-formed, valid against the shipped RELAX NG schema
of its subset, and read back into the same documents, dates, correspondents and notes as
``corpus export`` JSON. Also ``corpus cite`` on the command line."""

from __future__ import annotations

import json
import re

import bibtexparser
import pytest
from lxml import etree
from typer.testing import CliRunner

from assistant.cli import _register, app
from assistant.interop import tei

runner = CliRunner()
_register()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """(TEI files, records read back from them, `corpus export` JSON records)."""
    folder = tmp_path_factory.mktemp("tei")
    result = runner.invoke(app, ["corpus", "export", "--format", "tei", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    json_out = folder / "corpus.jsonl"
    result = runner.invoke(app, ["corpus", "export", "--out", str(json_out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in json_out.read_text(encoding="utf-8").splitlines()]
    paths = sorted(folder.glob("*.tei.xml"))
    return paths, [r for path in paths for r in tei.read_volume(path)], records


def test_one_well_formed_valid_file_per_corpus_file(exported):
    paths, _, records = exported
    assert len(paths) == len({r["file"] for r in records}) == 5
    for path in paths:
        root = etree.parse(str(path)).getroot()  # well-formed, or lxml raises
        assert root.tag == f"{{{tei.TEI_NS}}}teiCorpus"
        assert tei.validate(path) == [], path.name


def test_the_schema_rejects_what_the_subset_does_not_allow(exported, tmp_path):
    text = exported[0][-1].read_text(encoding="utf-8")
    broken = tmp_path / "broken.tei.xml"
    broken.write_text(text.replace('place="foot"', 'place="margin"', 1), encoding="utf-8")
    assert tei.validate(broken)
    broken.write_text(text.replace('<date when="1938-01-05"', '<date when="5 janvier"', 1),
                      encoding="utf-8")
    assert tei.validate(broken)


def test_round_trip_keeps_documents_dates_correspondents_and_notes(exported):
    _, back, records = exported
    assert [r["id"] for r in back] == [r["id"] for r in records]
    volume = [r for r in back if re.fullmatch(r"004-\d{3}", r["id"])]
    assert len(volume) == 98
    assert abs(sum(len(r["footnotes"]) for r in volume) - 511) <= 1
    for mine, theirs in zip(back, records, strict=True):
        for key in ("file", "kind", "title", "date", "date_inferred", "sender", "recipient",
                    "line_start", "line_end", "pages"):
            assert mine[key] == theirs[key], (theirs["id"], key)
        assert mine["date_raw"] == theirs["date_raw"].strip(), theirs["id"]
        assert [p["text"] for p in mine["paragraphs"]] == [p["text"] for p in theirs["paragraphs"]]
        assert [p["line_start"] for p in mine["paragraphs"]] == [
            p["line_start"] for p in theirs["paragraphs"]]
        notes = [(f["n"], f["text"], f["line_start"]) for f in theirs["footnotes"]]
        assert [(f["n"], f["text"], f["line_start"]) for f in mine["footnotes"]] == notes
        # Each note sits in the paragraph of its marker; a note without one is flagged.
        for note, source in zip(mine["footnotes"], theirs["footnotes"], strict=True):
            assert note["linked"] == (source["marker_line"] is not None), (theirs["id"], note)
            if note["linked"]:
                assert note["marker_paragraph"] == source["marker_paragraph"]


def test_a_letter_in_tei(exported):
    path = next(p for p in exported[0] if p.name.startswith("004"))
    root = etree.parse(str(path)).getroot()
    ns = {"t": tei.TEI_NS}
    [letter] = root.xpath("t:TEI[@n='004-002']", namespaces=ns)
    sent = letter.xpath(".//t:correspAction[@type='sent']", namespaces=ns)[0]
    assert sent.xpath("t:persName/text()", namespaces=ns) == ["L. Trotsky"]
    assert sent.xpath("t:date/@when", namespaces=ns) == ["1938-01-05"]
    assert letter.xpath(".//t:correspAction[@type='received']/t:persName/text()",
                        namespaces=ns) == ["Jan Frankel"]
    assert letter.xpath(".//t:div/t:p[1]/t:pb/@n", namespaces=ns) == ["38"]
    assert letter.xpath(".//t:note[@n='4']/parent::t:p", namespaces=ns)
    header = root.find(f"{{{tei.TEI_NS}}}teiHeader")
    assert header.xpath(".//t:titleStmt/t:editor/text()", namespaces=ns) == ["Pierre Broué"]


def test_corpus_cite_formats():
    result = runner.invoke(app, ["corpus", "cite", "004-002", "--note", "4", "-f", "text"])
    assert result.exit_code == 0, result.output
    assert "Œuvres, t. 16" in result.output and "note 4" in result.output
    result = runner.invoke(app, ["corpus", "cite", "004-002", "--format", "bibtex"])
    [entry] = bibtexparser.parse_string(result.output).entries
    assert entry.key == "Trotsky1938-004-002"
    result = runner.invoke(app, ["corpus", "cite", "004-002"])
    [item] = json.loads(result.output)
    assert item["container-title"] == "Œuvres" and item["volume"] == "16"


@pytest.mark.parametrize("arguments,message", [
    (["corpus", "cite", "004-002", "--note", "44"], "has no note 44"),
    (["corpus", "cite", "004-002", "-f", "ris"], "unknown reference format"),
    (["corpus", "export", "--format", "tei"], "give the folder"),
])
def test_interop_errors_are_one_line(arguments, message):
    result = runner.invoke(app, arguments)
    assert result.exit_code != 0
    assert message in str(result.exception) or message in result.output
