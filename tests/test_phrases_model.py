"""Issue 13: tortured terms restored with the shipped model (inventory, Moby table, phrases.json)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from unspin.types import apply_edits

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def phrase_restorer(real_restorer):
    from unspin.restorer import Restorer

    return Restorer(phrases=True, lm=real_restorer.lm, lexicon=real_restorer.lexicon)


@pytest.mark.parametrize("spun, restored", [
    ("Global warming is caused by nursery gas emissions.", "greenhouse gas emissions"),
    ("The model relies on man-made intelligence.", "artificial intelligence"),
    ("The earth's attractive field protects us.", "magnetic field"),
    ("He was elected prime priest in 2010.", "prime minister"),
])
def test_phrases_model_restores_tortured_terms(phrase_restorer, spun, restored):
    result = phrase_restorer.restore(spun)
    assert restored in result.restored_text
    assert any(e.relation == "phrase_term" for e in result.edits)
    assert apply_edits(result.text, result.edits) == result.restored_text


def test_phrases_model_reason_names_the_term(phrase_restorer):
    edit = next(e for e in phrase_restorer.restore("The model relies on man-made intelligence.").edits
                if e.relation == "phrase_term")
    assert (edit.spun, edit.restored) == ("man-made", "artificial")
    assert edit.reason == 'man-made: established term, its words spun one by one (the term ' \
                          '"artificial intelligence") -> artificial'


def test_phrases_model_keeps_case_and_number(phrase_restorer):
    result = phrase_restorer.restore("Man-made intelligence is everywhere. Nursery gases trap heat.")
    assert result.restored_text.startswith("Artificial intelligence is everywhere.")


@pytest.mark.parametrize("text", [
    "Deep learning and random forests are used in artificial intelligence.",
    "The greenhouse effect warms the planet, and the magnetic field protects it.",
])
def test_phrases_model_leaves_clean_terms(phrase_restorer, real_restorer, text):
    # the phrase channel adds nothing to clean terms (the word channel's own edits aside:
    # "greenhouse effect" -> "greenhouse" is a pertainym reading of the widened WordNet channel)
    result = phrase_restorer.restore(text)
    assert not any(e.relation == "phrase_term" for e in result.edits)
    assert result.edits == real_restorer.restore(text).edits


def test_phrases_model_off_by_default(real_restorer):
    assert not real_restorer.settings.phrases
    assert "phrases:" not in real_restorer.signature
    on = real_restorer.restore("The model relies on man-made intelligence.", phrases=True)
    assert "phrases:" in on.signature and "artificial intelligence" in on.restored_text


def test_phrases_model_report_lists_suspected_phrases(real_restorer):
    from unspin.phrases import report

    found = report("Global warming is caused by nursery gas emissions. He was elected prime priest.", real_restorer)
    assert found.count == 2 and found.words == 13
    first = found.phrases[0]
    assert first.term == "greenhouse gas emissions" and 0.5 <= first.confidence <= 1.0
    assert found.to_dict()["phrases"][0]["spun"] == "nursery gas emissions"
def test_phrases_model_cli_detect_phrases(tmp_path):
    path = tmp_path / "paper.txt"
    path.write_text("The model relies on man-made intelligence.\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "unspin.cli", "detect", "--phrases", str(path)],
                         capture_output=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().splitlines()
    assert lines[0].startswith(f"{path}\t") and lines[0].endswith("\t1")
    assert lines[1].split("\t")[3:5] == ["man-made intelligence", "artificial intelligence"]


def test_phrases_model_cli_detect_phrases_counts_offsets_from_the_document_start(tmp_path, monkeypatch):
    import functools

    from click.testing import CliRunner

    import unspin.cli
    from unspin.textio import read_text

    path = tmp_path / "paper.txt"
    path.write_text("The model relies on man-made intelligence.\n\n"
                    "Global warming is caused by nursery gas emissions.\n", encoding="utf-8")
    monkeypatch.setattr(unspin.cli, "read_text", functools.partial(read_text, chunk_bytes=60))  # two pieces
    plain = CliRunner().invoke(unspin.cli.main, ["detect", str(path)])
    result = CliRunner().invoke(unspin.cli.main, ["detect", "--phrases", str(path)])
    assert result.exit_code == 0, result.output
    head, *lines = result.output.splitlines()
    assert head == plain.output.strip() + "\t2"  # the same score as without --phrases, then the count
    text = path.read_text(encoding="utf-8")
    found = [line.split("\t") for line in lines]
    assert [text[int(start) : int(end)] for _, start, end, _spun, _term, _c in found] == \
        ["man-made intelligence", "nursery gas emissions"]
    assert [term for *_, term, _c in found] == ["artificial intelligence", "greenhouse gas emissions"]


def test_phrases_model_cli_restore_phrases(tmp_path):
    from click.testing import CliRunner

    from unspin.cli import main

    result = CliRunner().invoke(main, ["restore", "--phrases", "-v", "-"],
                                input="The model relies on man-made intelligence.\n")
    assert result.exit_code == 0, result.output
    assert "artificial intelligence" in result.output and "|phrases:inventory.tsv.gz+" in result.output
