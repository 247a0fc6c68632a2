"""``corpus stats|export|show`` and bad input: empty, non-UTF-8 and unrecognised files."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.corpus import app
from assistant.config import PROJECT_ROOT, CorpusSettings, Settings
from assistant.corpus import load_corpus, parse_file
from assistant.errors import CorpusError

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
EXPORT_KEYS = {
    "id",
    "file",
    "line_start",
    "line_end",
    "kind",
    "title",
    "date",
    "date_raw",
    "sender",
    "recipient",
    "archive_ref",
    "pages",
    "paragraphs",
    "footnotes",
}
runner = CliRunner()
WIDE = {"COLUMNS": "160"}


def _settings(folder: Path, *, strict: bool = False) -> Settings:
    return Settings().model_copy(update={"corpus": CorpusSettings(dir=folder, strict=strict)})


@pytest.fixture()
def messy_corpus(tmp_path: Path) -> Path:
    """A real letter next to an empty file, a Latin-1 file and a text of unknown layout."""
    shutil.copy(FIXTURES / "003_boukharine_kouibychev.txt", tmp_path / "003_letter.txt")
    (tmp_path / "010_empty.txt").write_bytes(b"")
    (tmp_path / "011_latin1.txt").write_bytes(
        "Lettre de Boukharine\nà Staline, été 1937\n".encode("latin-1")
    )
    (tmp_path / "012_recipe.txt").write_text(
        "\nTarte aux pommes\n\n Éplucher quatre pommes (2 heures).\n1. Cuire 30 minutes.\n",
        encoding="utf-8",
    )
    return tmp_path


def test_bad_files_become_problems_and_the_others_are_parsed(messy_corpus: Path) -> None:
    corpus = load_corpus(CorpusSettings(dir=messy_corpus))
    assert [d.id for d in corpus.documents] == ["003-001"]
    problems = {p.file: p for p in corpus.problems}
    assert set(problems) == {"010_empty.txt", "011_latin1.txt", "012_recipe.txt"}
    assert "empty" in problems["010_empty.txt"].message
    assert "UTF-8" in problems["011_latin1.txt"].message and problems["011_latin1.txt"].line == 2
    assert (
        "unrecognised" in problems["012_recipe.txt"].message
        and problems["012_recipe.txt"].line == 2
    )
    assert corpus.files == ("003_letter.txt", "010_empty.txt", "011_latin1.txt", "012_recipe.txt")


def test_parse_file_reports_instead_of_raising(tmp_path: Path) -> None:
    binary = tmp_path / "noise.txt"
    binary.write_bytes(bytes(range(256)))
    documents, problems = parse_file(binary)
    assert documents == [] and problems[0].file == "noise.txt"


def test_missing_corpus_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="ASSISTANT_CORPUS__DIR"):
        load_corpus(CorpusSettings(dir=tmp_path / "nowhere"))


def test_stats_table_on_the_real_corpus() -> None:
    result = runner.invoke(app, ["stats"], obj=_settings(PROJECT_ROOT / "corpus"), env=WIDE)
    assert result.exit_code == 0, result.output
    assert "004_7eda2118eecd96f1.txt" in result.output
    for column in ("documents", "paragraphs", "footnotes", "linked markers", "words"):
        assert column in result.output
    total = next(line for line in result.output.splitlines() if "total" in line)
    assert "107" in total  # 4 letters + 4 front matter + 98 documents + back matter


def test_piped_stats_keep_every_cell_whole() -> None:
    """Redirected to a file or a CI log, the table is not cut to 80 columns ("22,6…")."""
    env = {name: value for name, value in os.environ.items() if name != "COLUMNS"}
    done = subprocess.run([sys.executable, "-m", "assistant", "corpus", "stats"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout
    header = next(line for line in done.stdout.splitlines() if "file" in line)
    assert "linked markers" in header and "note words" in header
    total = next(line for line in done.stdout.splitlines() if "total" in line)
    assert re.search(r"\(9\d\.\d%\)", total), total


def test_stats_reports_skipped_files_and_strict_fails(messy_corpus: Path) -> None:
    result = runner.invoke(app, ["stats"], obj=_settings(messy_corpus), env=WIDE)
    assert result.exit_code == 0
    assert "010_empty.txt (skipped)" in result.output
    assert "012_recipe.txt:2: unrecognised layout" in result.output
    strict = runner.invoke(app, ["stats", "--strict"], obj=_settings(messy_corpus))
    assert strict.exit_code == 1
    by_setting = runner.invoke(app, ["stats"], obj=_settings(messy_corpus, strict=True))
    assert by_setting.exit_code == 1
    clean = runner.invoke(app, ["stats", "--strict"], obj=_settings(FIXTURES))
    assert clean.exit_code == 0


def test_export_json_lines(tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    result = runner.invoke(app, ["export", "--out", str(out)], obj=_settings(FIXTURES))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [
        "000-001",
        "003-001",
        "004-001",
        *[f"004-{n:03d}" for n in range(1, 9)],
    ]
    for record in records:
        assert set(record) >= EXPORT_KEYS
        assert {"text", "line_start", "line_end", "page"} <= set(record["paragraphs"][0])
    note = records[2]["footnotes"][6]
    assert (note["n"], note["line_start"], note["line_end"], note["marker_line"]) == (
        7,
        86,
        129,
        73,
    )
    assert records[2]["title"] == "[SUR LE DÉFAITISME]" and records[2]["date"] == "1938-01-02"


def test_export_to_stdout() -> None:
    result = runner.invoke(app, ["export"], obj=_settings(FIXTURES))
    assert result.exit_code == 0
    assert json.loads(result.output.splitlines()[0])["id"] == "000-001"


def test_show_puts_calls_in_the_text_then_the_notes() -> None:
    result = runner.invoke(app, ["show", "004-001"], obj=_settings(PROJECT_ROOT / "corpus"))
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("[SUR LE DÉFAITISME] [1]\n")
    assert "Cher Camarade Van[2]," in text
    assert "Case of Leon Trostsy[3]." in text
    assert text.index("Notes") > text.index("pour le bureau de Londres.")
    assert "[13] Les« bordiguistes »" in text or "[13] Les « bordiguistes »" in text


@pytest.mark.parametrize("doc_id", ["004-999", "../../etc/passwd", "4-1"])
def test_show_unknown_id_is_a_clear_error(doc_id: str) -> None:
    result = runner.invoke(app, ["show", doc_id], obj=_settings(PROJECT_ROOT / "corpus"))
    assert result.exit_code != 0
    assert isinstance(result.exception, CorpusError)
    assert "004-017" in str(result.exception) or "export" in str(result.exception)


@pytest.mark.skipif(
    any(
        importlib.util.find_spec(f"assistant.cli.{m}") is None
        for m in ("index", "answer", "evaluate", "serve")
    ),
    reason="the root CLI imports every verb module",
)
def test_python_m_assistant_corpus_show() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "corpus", "show", "004-999"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "no document '004-999'" in done.stderr
