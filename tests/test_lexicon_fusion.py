"""The English→French lexicon (FreeDict, dictd format) and the fusion features. Fast: no model.

The lexicon tests read Debian's dict-freedict-eng-fra (installed by `make setup`) and a small
dictd pair written here; the fusion tests use a handful of chunks.
"""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from assistant.config import Settings
from assistant.fusion import FEATURES, FusionWeights, Prior, UnitMetadata, features, fuse
from assistant.lexicon import Lexicon, decode_number, parse_entry
from assistant.question import analyse
from assistant.types import Chunk

FREEDICT = Settings().retrieval.lexicon


def test_dictd_numbers_and_entries():
    assert decode_number("B") == 1 and decode_number("BA") == 64 and decode_number("LOB") == 11 * 4096 + 14 * 64 + 1
    entry = "abandon /əbændən/\n1. abdiquer\n2. abandonner, délaisser\n3. abandonner\n"
    assert parse_entry(entry) == ["abdiquer", "abandonner", "délaisser"]


def test_a_small_dictd_pair_is_read(tmp_path):
    entries = "sell /sel/\nvendre\nwife /waif/\népouse, femme\n".encode()
    (tmp_path / "tiny.dict.dz").write_bytes(gzip.compress(entries))
    sell, wife = entries.index(b"sell"), entries.index(b"wife")
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    (tmp_path / "tiny.index").write_text(
        f"sell\t{b64[sell]}\t{b64[wife - sell]}\nwife\t{b64[wife]}\t{b64[len(entries) - wife]}\n")
    lexicon = Lexicon(tmp_path / "tiny")
    assert lexicon.available and len(lexicon) == 2
    assert lexicon.translations("sell") == ("vendre",)
    assert lexicon.translations("wives") == ()  # irregular plural: not guessed
    assert lexicon.translations("wifes") == ("épouse", "femme")
    assert Lexicon(tmp_path / "missing").translations("sell") == ()


@pytest.mark.skipif(not (FREEDICT and FREEDICT.with_suffix(".index").is_file()),
                    reason="dict-freedict-eng-fra is not installed (make setup installs it)")
def test_freedict_gives_french_words_for_inflected_english():
    lexicon = Lexicon(FREEDICT)
    assert len(lexicon) > 8000
    assert "vendre" in lexicon.translations("sell")
    assert "tuer" in lexicon.translations("killed")
    assert "femme" in lexicon.translations("wife")
    assert "Espagne" in lexicon.translations("spain")


def chunk(n: int, *, date: str | None, recipient: str | None, kind: str = "letter",
          footnote: int | None = None) -> Chunk:
    return Chunk(id=f"00{n}-001:{'n1' if footnote else 't1'}", doc_id=f"00{n}-001",
                 file=f"00{n}.txt", type="footnote" if footnote else "text", text="x", header="",
                 embed_text="x", line_start=1, line_end=2, footnote=footnote, date=date,
                 sender="L. Trotsky", recipient=recipient, doc_kind=kind)


UNITS = [chunk(0, date="1936-09-03", recipient="K. Vorochilov"),
         chunk(1, date="1938-02", recipient="J. P. Cannon"),
         chunk(2, date="1938-02-24", recipient=None, kind="article"),
         chunk(3, date="1938-02-24", recipient=None, kind="article", footnote=2)]


def rows_for(question: str, prior: Prior | None = None) -> dict[str, np.ndarray]:
    meta = UnitMetadata.of(UNITS)
    units = np.arange(len(UNITS))
    ranks = {u: (u + 1, 10.0 - u) for u in range(len(UNITS))}
    rows = features(units, analyse(question, meta.correspondents), meta, bm25=ranks,
                    dense=ranks, rrf_k=10, prior=prior or Prior())
    return {name: rows[:, i] for i, name in enumerate(FEATURES)}


def test_metadata_features_match_dates_people_kinds_and_the_note():
    rows = rows_for("What did the editor's note to the article of 24 February 1938 say?")
    assert rows["date_day"].tolist() == [0, 1, 1, 1]  # a document dated by its month may hold the day
    assert rows["kind"].tolist() == [0, 0, 1, 1]
    assert rows["note_asked"].tolist() == [0, 0, 0, 1]
    rows = rows_for("Que dit Trotsky à Cannon en février 1938 ?")
    assert rows["date_month"].tolist() == [0, 1, 1, 1]
    assert rows["correspondent"][1] > 0.5 and rows["correspondent"][0] < 0.1
    rows = rows_for("And the note?", Prior(("002-001",), (("003-001", 2),)))
    assert rows["prior_document"].tolist() == [0, 0, 1, 0]
    assert rows["prior_note"].tolist() == [0, 0, 0, 1]


def test_boosts_reorder_but_never_remove():
    meta = UnitMetadata.of(UNITS)
    units = np.arange(len(UNITS))
    ranks = {u: (u + 1, 10.0 - u) for u in range(len(UNITS))}
    question = analyse("Trotsky's letter to Cannon of February 1938", meta.correspondents)
    rows = features(units, question, meta, bm25=ranks, dense=ranks, rrf_k=10)
    plain = fuse(units, rows, FusionWeights.default(1.5, 1.0, 0.0))
    boosted = fuse(units, rows, FusionWeights.default(1.5, 1.0, 0.05))
    assert [u for u, _ in plain] == [0, 1, 2, 3]
    assert [u for u, _ in boosted][0] == 1 and sorted(u for u, _ in boosted) == [0, 1, 2, 3]


def test_weights_file_is_checked(tmp_path):
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"version": 1, "weights": {"bm25_rrf": 1.0}}))
    assert FusionWeights.load(path).vector()[0] == 1.0
    path.write_text(json.dumps({"version": 1, "weights": {"unknown": 1.0}}))
    with pytest.raises(Exception, match="train-fusion"):
        FusionWeights.load(path)
