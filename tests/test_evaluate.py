"""The scorer on hand-made cases: perfect, identity, clean-breaking and multi-word restorers."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings, strategies as st
from click.testing import CliRunner

from unspin.evaluate import (Counts, eval_command, evaluate, judge, overlaps, roc_auc, word_errors,
                             words)
from unspin.simulate import GoldEdit, SpunText
from unspin.types import Edit, Restoration, apply_edits

ORIGINAL = "He was in the house because it rained."
SPUN = "He was successful the home due to the fact that it rained."


def gold_for(original: str, spun: str, pairs: list[tuple[str, str, str]], profile="wordnet") -> SpunText:
    """Gold edits from (original, spun, relation) pairs found left to right in both texts."""
    edits, o_from, s_from = [], 0, 0
    for before, after, relation in pairs:
        o = original.index(before, o_from)
        s = spun.index(after, s_from)
        edits.append(GoldEdit(o, o + len(before), s, s + len(after), before, after, relation))
        o_from, s_from = o + len(before), s + len(after)
    return SpunText(original, spun, profile, 0, 0.25, tuple(edits))


GOLD = gold_for(ORIGINAL, SPUN, [("in", "successful", "similar_to"), ("house", "home", "synonym"),
                                 ("because", "due to the fact that", "phrase")])


def restoration(text: str, changes: list[tuple[str, str]], score: float = 0.9) -> Restoration:
    """Edits replacing the first occurrence (left to right) of each spun string."""
    edits, position = [], 0
    for before, after in changes:
        start = text.index(before, position)
        edits.append(Edit(start, start + len(before), before, after, 0.9, "synonym"))
        position = start + len(before)
    return Restoration(text, apply_edits(text, edits), tuple(edits), score, "test")


def perfect(gold: SpunText) -> Restoration:
    edits = tuple(Edit(e.spun_start, e.spun_end, e.spun, e.original, 1.0, e.relation) for e in gold.edits)
    return Restoration(gold.spun, apply_edits(gold.spun, edits), edits, 1.0, "test")


def test_evaluate_perfect_restorer_scores_one():
    counts = Counts.of(judge(GOLD, perfect(GOLD)))
    assert (counts.sites, counts.fixed, counts.wrong, counts.missed, counts.false) == (3, 3, 0, 0, 0)
    assert counts.precision == counts.recall == counts.f05 == 1.0
    report = evaluate([GOLD], [perfect(GOLD)])
    assert report["f05"] == 1.0 and report["wer_restored"] == 0.0 and report["wer_spun"] > 0


def test_evaluate_identity_restorer_has_recall_zero():
    identity = Restoration(SPUN, SPUN, (), 0.0, "test")
    counts = Counts.of(judge(GOLD, identity))
    assert counts.missed == 3 and counts.recall == 0.0 and counts.f05 == 0.0


def test_evaluate_wrong_restoration_is_wrong_not_fixed():
    result = restoration(SPUN, [("successful", "in"), ("home", "building")])
    kinds = [j.kind for j in judge(GOLD, result)]
    assert kinds == ["fixed", "wrong", "missed"]
    counts = Counts.of(judge(GOLD, result))
    assert counts.precision == 0.5 and counts.recall == pytest.approx(1 / 3)


def test_evaluate_breaking_clean_words_is_charged_false_edits():
    result = restoration(SPUN, [("successful", "in"), ("rained", "poured")])
    judgements = judge(GOLD, result)
    assert [j.kind for j in judgements if j.kind == "false"] == ["false"]
    assert Counts.of(judgements).precision == 0.5
    clean = restoration(ORIGINAL, [("house", "home"), ("rained", "poured")], score=0.1)
    report = evaluate([GOLD], [perfect(GOLD)], clean=[clean])
    assert report["clean_false_edits"] == 2
    assert report["clean_false_per_1000"] == pytest.approx(1000 * 2 / len(words(ORIGINAL)), abs=1e-3)
    assert report["spun_score_auc"] == 1.0


def test_evaluate_multi_word_sites_align():
    # the restorer rewrites "due to the fact that" as one edit -> fixed
    one = restoration(SPUN, [("due to the fact that", "because")])
    assert [j.kind for j in judge(GOLD, one)] == ["missed", "missed", "fixed"]
    # a partial edit inside the phrase site leaves it wrong
    part = restoration(SPUN, [("the fact that", "")])
    assert [j.kind for j in judge(GOLD, part)][-1] == "wrong"
    # an edit that spans two adjacent gold sites fixes both when it writes both originals
    gold = gold_for("in the house", "successful the home", [("in", "successful", "x"),
                                                             ("house", "home", "y")])
    span = restoration(gold.spun, [("successful the home", "in the house")])
    assert [j.kind for j in judge(gold, span)] == ["fixed", "fixed"]
    bad = restoration(gold.spun, [("successful the home", "in the building")])
    assert [j.kind for j in judge(gold, bad)] == ["wrong", "wrong"]


def test_evaluate_wider_edit_covering_a_site_and_clean_word():
    # writing the original for the site and leaving the neighbour as it was is still fixed
    wide = restoration(SPUN, [("successful the", "in the")])
    assert [j.kind for j in judge(GOLD, wide)][0] == "fixed"
    wide_bad = restoration(SPUN, [("successful the", "in a")])
    assert [j.kind for j in judge(GOLD, wide_bad)][0] == "wrong"


def test_evaluate_per_relation_and_profile_breakdowns():
    report = evaluate([GOLD], [restoration(SPUN, [("successful", "in")])], worst_n=5)
    assert report["per_relation"]["similar_to"]["fixed"] == 1
    assert report["per_relation"]["phrase"]["missed"] == 1
    assert report["per_profile"]["wordnet"]["sites"] == 3
    assert {item["spun"] for item in report["worst"]} == {"home", "due to the fact that"}


def test_evaluate_mismatched_documents_raise():
    with pytest.raises(Exception, match="E030"):
        judge(GOLD, Restoration("other text", "other text", (), 0.0, ""))


@pytest.mark.parametrize("reference,hypothesis,distance", [
    ("a b c", "a b c", 0), ("a b c", "a x c", 1), ("a b c", "a c", 1), ("a b", "a b c d", 2),
    ("", "a b", 2), ("because it", "due to the fact that it", 5),
])
def test_evaluate_word_errors(reference, hypothesis, distance):
    assert word_errors(reference.split(), hypothesis.split()) == distance


def test_evaluate_roc_auc():
    assert roc_auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert roc_auc([0.1], [0.9]) == 0.0
    assert roc_auc([0.5, 0.5], [0.5]) == 0.5
    assert roc_auc([], [0.1]) is None


def test_evaluate_overlaps():
    assert overlaps(0, 5, 4, 8) and not overlaps(0, 5, 5, 8)
    assert overlaps(5, 5, 0, 5)  # an insertion touching a site


def test_evaluate_eval_command_reads_jsonl(tmp_path):
    gold_path, restored_path = tmp_path / "gold.jsonl", tmp_path / "restored.jsonl"
    gold_path.write_text(json.dumps(GOLD.to_dict()) + "\n")
    restored_path.write_text(json.dumps(perfect(GOLD).to_dict()) + "\n")
    runner = CliRunner()
    out = runner.invoke(eval_command, ["--gold", str(gold_path), "--restored", str(restored_path),
                                       "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["f05"] == 1.0
    table = runner.invoke(eval_command, ["--gold", str(gold_path), "--restored", str(restored_path)])
    assert "F0.5" in table.output and table.exit_code == 0
    neither = runner.invoke(eval_command, ["--gold", str(gold_path)])
    assert neither.exit_code == 1


@pytest.mark.model
def test_evaluate_eval_command_runs_the_default_restorer(tmp_path):
    from unspin.data import data_dir

    if not all((data_dir() / name).exists() for name in ("lm.binary", "channel.tsv.gz")):
        pytest.skip("the shipped model is not built")
    gold = gold_for("He defected to South Korea in 2019.", "He defected to South Korea successful 2019.",
                    [("in", "successful", "similar_to")])
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text(json.dumps(gold.to_dict()) + "\n")
    out = CliRunner().invoke(eval_command, ["--gold", str(gold_path), "--restorer", "default",
                                            "--format", "json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["fixed"] == 1 and report["signature"].startswith("unspin:")
    assert report["clean_words"] == 7 and report["words_per_second"] > 0


def test_evaluate_run_restorer_scores_a_failing_document_as_unchanged():
    from unspin.errors import UnspinError
    from unspin.evaluate import run_restorer

    class Failing:
        def restore(self, text):
            if "bad" in text:
                raise UnspinError("E011", "broken edit")
            return Restoration(text, text, (), 0.0, "test")

    failures: list = []
    results, seconds = run_restorer(Failing(), ["good text", "bad text"], failures)
    assert [r.restored_text for r in results] == ["good text", "bad text"]
    assert failures == [("bad text", failures[0][1])] and "E011" in failures[0][1]
    with pytest.raises(UnspinError):
        run_restorer(Failing(), ["bad text"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["house", "in", "two", "is", "a", "because", "the", "Bank"]),
                          st.sampled_from([" ", "  ", ", ", "\n", ". "])), max_size=20),
       st.integers(0, 3), st.sampled_from([0.3, 1.0]))
def test_evaluate_perfect_and_identity_restorers_on_random_spins(pieces, seed, rate):
    from unspin.lexicon import Lexicon, Link
    from unspin.simulate import spin

    lexicon = Lexicon([Link("house", "home", "synonym", ""), Link("in", "successful", "similar_to", ""),
                       Link("two", "2", "number", ""), Link("is a", "is simply a", "phrase", ""),
                       Link("because", "due to the fact that", "phrase", ""),
                       Link("a", "angstrom", "synonym", "")], name="test")
    text = "".join(word + separator for word, separator in pieces)
    gold = spin(text, "wordnet", seed, rate, lexicon=lexicon)
    best = Counts.of(judge(gold, perfect(gold)))
    assert best.fixed == best.sites == len(gold.edits) and best.false == 0
    assert perfect(gold).restored_text == text
    none = Counts.of(judge(gold, Restoration(gold.spun, gold.spun, (), 0.0, "")))
    assert none.missed == none.sites and none.fixed == 0


def test_evaluate_per_document_shares_out_one_long_restoration():
    from unspin.evaluate import per_document

    second = gold_for("in the house", "successful the home", [("in", "successful", "x"),
                                                             ("house", "home", "y")])
    joined = SPUN + "\n" + second.spun + "\n"
    whole = restoration(joined, [("successful", "in"), ("successful", "in"), ("home", "house")])
    pieces = per_document([GOLD, second], [whole])
    assert [p.text for p in pieces] == [SPUN, second.spun]
    assert [len(p.edits) for p in pieces] == [1, 2]
    assert pieces[1].restored_text == "in the house"
    assert [j.kind for j in judge(second, pieces[1])] == ["fixed", "fixed"]
    with pytest.raises(Exception, match="E030"):
        per_document([GOLD, second], [restoration(SPUN, [])])
    crossing = restoration(joined, [("rained.\nsuccessful", "rained. in")])
    with pytest.raises(Exception, match="crosses"):
        per_document([GOLD, second], [crossing])


def test_evaluate_issue15_restorations_read_back_keep_reasons_and_alternatives(tmp_path):
    from unspin.evaluate import per_document, read_restorations
    from unspin.types import Alternative

    second = gold_for("in the house", "successful the home", [("in", "successful", "x"), ("house", "home", "y")])
    joined = SPUN + "\n" + second.spun + "\n"
    start = len(SPUN) + 1
    edit = Edit(start, start + 10, "successful", "in", 0.9, "similar_to", "a reason", (Alternative("at", 0.1, "synonym"),))
    whole = Restoration(joined, apply_edits(joined, [edit]), (edit,), 0.8, "sig")
    path = tmp_path / "restored.jsonl"
    path.write_text(json.dumps(whole.to_dict()) + "\n")
    (read,) = read_restorations(str(path))
    assert read == whole
    first, piece = per_document([GOLD, second], [read])
    assert first.edits == () and piece.edits == (dataclasses.replace(edit, start=0, end=10),)
    assert piece.edits[0].reason == "a reason" and piece.edits[0].alternatives == edit.alternatives


def test_evaluate_bootstrap_interval_is_reproducible_and_holds_the_score():
    from unspin.evaluate import bootstrap

    documents = [Counts(4, 3, 1, 0, 0), Counts(5, 2, 1, 2, 1), Counts(3, 3, 0, 0, 0), Counts(6, 1, 2, 3, 2)] * 10
    found = bootstrap(documents)
    assert found == bootstrap(documents) and found["resamples"] == 1000 and found["documents"] == 40
    low, high = found["interval"]
    assert low < found["f05"] < high and found["f05"] == round(Counts(*map(sum, zip(*[
        (c.sites, c.fixed, c.wrong, c.missed, c.false) for c in documents]))).f05, 4)
    assert bootstrap([Counts(2, 2, 0, 0, 0)] * 5)["interval"] == [1.0, 1.0]
    assert bootstrap([])["interval"] == [0.0, 0.0]


def test_evaluate_paired_bootstrap_against_a_baseline():
    from unspin.evaluate import bootstrap

    system = [Counts(4, 3, 1, 0, 0), Counts(5, 4, 0, 1, 0), Counts(3, 2, 0, 1, 1)] * 20
    worse = [Counts(c.sites, c.fixed - 1, c.wrong + 1, c.missed, c.false) for c in system]
    found = bootstrap(system, worse)
    assert found["difference"]["f05"] > 0 and found["difference"]["interval"][0] > 0
    assert found["difference"]["p_value"] < 0.01
    same = bootstrap(system, system)["difference"]
    assert same["f05"] == 0.0 and same["p_value"] == 1.0
    with pytest.raises(Exception, match="E030"):
        bootstrap(system, worse[:-1])


def test_evaluate_eval_command_compares_with_a_baseline(tmp_path):
    gold_path, restored_path, baseline_path = (tmp_path / name for name in ("g.jsonl", "r.jsonl", "b.jsonl"))
    gold_path.write_text(json.dumps(GOLD.to_dict()) + "\n")
    restored_path.write_text(json.dumps(perfect(GOLD).to_dict()) + "\n")
    baseline_path.write_text(json.dumps(restoration(SPUN, [("successful", "in")]).to_dict()) + "\n")
    runner = CliRunner()
    args = ["--gold", str(gold_path), "--restored", str(restored_path), "--baseline", str(baseline_path)]
    report = json.loads(runner.invoke(eval_command, args + ["--format", "json"]).output)
    assert report["bootstrap"]["f05"] == 1.0 and report["bootstrap"]["difference"]["f05"] > 0
    table = runner.invoke(eval_command, args)
    assert table.exit_code == 0 and "95% interval [1.000, 1.000]" in table.output and "p = " in table.output
