"""Retrieval on the real corpus and the real index (built once per session by conftest)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import typer
from typer.testing import CliRunner

from assistant.errors import FilterError
from assistant.text import fold_case as fold
from assistant.types import Hit, SearchFilters

TROTSKY = "004_7eda2118eecd96f1.txt"


def _covers(hit: Hit, file: str, line: int) -> bool:
    return hit.chunk.file == file and hit.chunk.line_start <= line <= hit.chunk.line_end


def _is_stolberg_note(hit: Hit) -> bool:
    return hit.chunk.footnote == 4 and hit.chunk.date == "1938-01-02" and _covers(hit, TROTSKY, 659)


# (question, predicate on a hit): the answer must be among the top 5 hybrid hits.
KNOWN = [
    ("Qui était Benjamin Stolberg ?", _is_stolberg_note),
    ("who was Benjamin Stolberg?", _is_stolberg_note),
    ("la vente des archives",
     lambda h: h.chunk.file == TROTSKY and h.chunk.line_start >= 784 and h.chunk.line_end <= 825),
    ("Qui était Jean van Heijenoort ?",
     lambda h: h.chunk.footnote == 2 and _covers(h, TROTSKY, 606)),
    ("D'où vient le nom du mouvement stakhanoviste ?",
     lambda h: h.chunk.footnote == 2 and _covers(h, TROTSKY, 1832)),
    ("What suspicious incident made Trotsky leave his house in February 1938?",
     lambda h: _covers(h, TROTSKY, 6133)),
    ("Bukharin letter to Voroshilov", lambda h: h.chunk.file.startswith("000")),
]


def test_bm25_meets_names_spelt_another_way(retriever):
    """"Ordzhonikidze" is no term of the index; its French spelling Ordjonikidzé is."""
    hits = retriever.search("Bukharin's letter to Ordzhonikidze", k=3, mode="bm25")
    assert hits and hits[0].chunk.file.startswith("002"), [h.chunk.id for h in hits]
    assert all(h.bm25_rank for h in hits)


def test_bm25_brings_a_names_other_spellings_even_when_the_index_has_it(retriever):
    """Boukharine writes "Menjinski" (a term of the index), the volume's editor "Menjinsky":
    the editor's note on Menjinsky answers a question that spells him the letter's way."""
    hits = retriever.search("Menjinski", k=10, mode="bm25")
    assert any("Menjinski" in h.chunk.text for h in hits), [h.chunk.id for h in hits]
    assert any(h.chunk.footnote and "Menjinsky" in h.chunk.text for h in hits), [
        h.chunk.id for h in hits]


@pytest.mark.parametrize(("question", "expected"), KNOWN, ids=[q for q, _ in KNOWN])
def test_known_answers_are_in_the_top_5(retriever, question, expected):
    hits = retriever.search(question, k=5, mode="hybrid")
    assert any(expected(hit) for hit in hits), [
        (h.chunk.id, h.chunk.line_start, h.chunk.line_end) for h in hits
    ]


def test_modes_rank_and_diversify(retriever):
    for mode in ("bm25", "dense", "hybrid"):
        hits = retriever.search("procès de Moscou", k=8, mode=mode)
        assert [h.rank for h in hits] == list(range(1, 9))
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        per_doc = {}
        for hit in hits:
            per_doc[hit.chunk.doc_id] = per_doc.get(hit.chunk.doc_id, 0) + 1
        assert max(per_doc.values()) <= retriever.settings.retrieval.per_document
    hybrid = retriever.search("Stolberg", k=5)
    assert hybrid[0].bm25_rank is not None and hybrid[0].dense_rank is not None
    with pytest.raises(ValueError, match="unknown search mode"):
        retriever.search("Stolberg", mode="fuzzy")


def test_date_and_type_filters(retriever):
    january = SearchFilters(after="1938-01-10", before="1938-01-31")
    hits = retriever.search("Trotsky", k=10, filters=january)
    assert hits and all("1938-01-10" <= h.chunk.date <= "1938-01-31" for h in hits)
    # A document dated by month only ('1938-03') counts as its whole month.
    march = retriever.search("pétrolier Norvège Mexique", k=10, filters=SearchFilters(after="1938-03-20"))
    assert any(h.chunk.date == "1938-03" for h in march)
    notes = retriever.search("Stolberg", k=5, filters=SearchFilters(unit_type="footnote"))
    assert notes and all(h.chunk.type == "footnote" for h in notes) and _is_stolberg_note(notes[0])
    text = retriever.search("Stolberg", k=5, filters=SearchFilters(unit_type="text"))
    assert text and all(h.chunk.type == "text" for h in text)


def test_correspondent_kind_and_file_filters(retriever):
    hits = retriever.search("archives", k=8, filters=SearchFilters(correspondent="cannon"))
    assert hits and all(
        "cannon" in fold(f"{h.chunk.sender} {h.chunk.recipient}") for h in hits
    )
    letters = retriever.search("archives", k=8, filters=SearchFilters(kind="letter"))
    assert letters and all(h.chunk.doc_kind == "letter" for h in letters)
    # One small file: the filter is applied before ranking, so its units are still found
    # even though none of them would be among the unfiltered candidates.
    only = retriever.search("la révolution prolétarienne", k=5, filters=SearchFilters(file="002"))
    assert only and all(h.chunk.file.startswith("002_") for h in only)


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (SearchFilters(after="2 janvier 1938"), "after: '2 janvier 1938' is not a date"),
        (SearchFilters(before="1938-02-30"), "before: '1938-02-30' is not a valid date"),
        (SearchFilters(after="1938-03-01", before="1938-01-01"), "date range is reversed"),
        (SearchFilters(correspondent="Canon"), "no document was sent by or to 'Canon'.*Cannon"),
        (SearchFilters(kind="lettre"), "kind: unknown document kind 'lettre'"),
        (SearchFilters(file="999"), "file: no indexed corpus file"),
    ],
)
def test_invalid_filters_name_the_filter(retriever, filters, message):
    with pytest.raises(FilterError, match=message):
        retriever.search("Trotsky", filters=filters)


def test_concurrent_searches_match_sequential_ones(retriever):
    queries = ["Stolberg", "vente des archives", "Sedov clinique", "Dewey", "Cárdenas pétrole"] * 3
    expected = [[h.chunk.id for h in retriever.search(q)] for q in queries]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda q: [h.chunk.id for h in retriever.search(q)], queries))
    assert results == expected


def _cli(settings) -> typer.Typer:
    from assistant.cli import index

    root = typer.Typer()

    @root.callback()
    def _root(ctx: typer.Context) -> None:
        ctx.obj = settings

    root.add_typer(index.app, name="index")
    root.command("search")(index.search)
    return root


def test_cli_search_json_and_info(settings, retriever):
    runner = CliRunner()
    result = runner.invoke(
        _cli(settings), ["search", "Benjamin Stolberg", "--json", "-k", "3", "--footnotes-only"]
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)["hits"]
    assert len(hits) == 3
    assert {"file", "line_start", "line_end", "doc_id", "footnote", "score", "text"} <= set(hits[0])
    assert hits[0]["footnote"] == 4 and hits[0]["line_start"] <= 659 <= hits[0]["line_end"]
    text = runner.invoke(_cli(settings), ["search", "vente des archives", "-k", "2"])
    assert text.exit_code == 0 and "score" in text.stdout and TROTSKY in text.stdout
    info = runner.invoke(_cli(settings), ["index", "info"])
    assert info.exit_code == 0 and "Status:     current" in info.stdout
    ensure = runner.invoke(_cli(settings), ["index", "ensure"])
    assert ensure.exit_code == 0 and "Index is current" in ensure.stdout
