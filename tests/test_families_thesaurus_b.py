"""thesaurus-b: its own thesaurus and phrase table, common words, re-inflection, capitals."""

from __future__ import annotations

import gzip

import pytest

from unspin.families import thesaurus_b
from unspin.families.shared import analyse
from unspin.families.thesaurus_b import PHRASES, POS_LETTER, Meaning, Thesaurus

from families_checks import (all_tags, assert_family_interface, assert_round_trip,
                             edits_by_original, realised_rate, spin_with)

ENTRIES = {
    "bank": (Meaning("n", ("depository financial institution",), ("financial institution",), (), ()),
             Meaning("v", ("deposit",), (), (), ())),
    "soldier": (Meaning("n", ("trooper", "warrior"), (), (), ()),),
    "supreme": (Meaning("a", ("sovereign",), (), (), ()),),
    "forest": (Meaning("n", ("timberland", "woodland"), (), (), ()),),
    "a lot": (Meaning("r", ("a great deal",), (), (), ()),),
}
FREQUENCIES = {"depository": 50, "financial": 900, "institution": 800, "trooper": 50,
               "warrior": 300, "sovereign": 100, "timberland": 2, "woodland": 400, "deposit": 500,
               "great": 1000, "deal": 900}
TINY = Thesaurus(ENTRIES, FREQUENCIES, 3)


def tiny(text: str, seed: int = 0, **habits) -> str:
    return spin_with(thesaurus_b, TINY, text, seed, 1.0, **habits).spun


def test_families_thesaurus_b_interface():
    assert_family_interface(thesaurus_b)
    assert len(PHRASES) >= 30


def test_families_thesaurus_b_multiword_and_reinflected():
    assert tiny("the banks") in ("the depository financial institutions", "the financial institutions")
    assert tiny("two soldiers") in ("two troopers", "two warriors")
    assert tiny("he banked it") == "he deposited it"  # a verb reading takes the verb meaning
    assert tiny("it was banked") == "it was deposited"
    assert tiny("we have a lot") == "we have a great deal"  # a multi-word headword, one site


def test_families_thesaurus_b_phrase_table():
    spun = spin_with(thesaurus_b, TINY, "according to people, it was said", 0, 1.0)
    kinds = {e.original: (e.spun, e.relation) for e in spun.edits}
    assert kinds["according to"][0] in PHRASES["according to"]
    assert kinds["people"][0] in PHRASES["people"] and kinds["said"][0] in PHRASES["said"]
    assert {relation for _, relation in kinds.values()} == {"phrase"}
    assert_round_trip(spun)
    assert tiny("according to people", phrases=False) == "according to people"


def test_families_thesaurus_b_capitals_sometimes():
    assert tiny("the West Bank and the Supreme Court", capitalised=1.0) in (
        "the West Depository financial institution and the Sovereign Court",
        "the West Financial institution and the Sovereign Court",
        "the West Deposit and the Sovereign Court")  # a base form: every meaning
    assert tiny("the West Bank and the Supreme Court", capitalised=0.0) == \
        "the West Bank and the Supreme Court"
    some = [tiny("Forest", seed) for seed in range(40)]
    assert 0 < sum(s != "Forest" for s in some) < 40  # default habit: sometimes


def test_families_thesaurus_b_prefers_common_words():
    picks = [tiny("a forest", seed) for seed in range(40)]
    assert picks.count("a woodland") > 3 * picks.count("a timberland")


def test_families_thesaurus_b_fixed_dictionary_and_per_occurrence():
    text = " ".join(["soldier"] * 30)
    for seed in range(6):
        assert len(set(tiny(text, seed).split())) == 1
    assert set(tiny(text, 0, per_occurrence=True).split()) == {"trooper", "warrior"}
    assert len({tiny("soldier", seed) for seed in range(20)}) == 2


def test_families_thesaurus_b_load_needs_no_channel(tmp_path):
    rows = ["# unspin.thesaurus_b/1\theadword\tpos\tsynonyms\tgeneric\tsimilar\trelated",
            "bank\tn\tdepository financial institution\tfinancial institution\t\t",
            "big\ta\tlarge\t\tgreat|huge\t"]
    with gzip.open(tmp_path / thesaurus_b.DATA, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(rows) + "\n")
    (tmp_path / "unigrams.tsv").write_text("# unspin.unigrams/1\tword\tcount\nlarge\t10\n")
    loaded = thesaurus_b.load(tmp_path)
    assert loaded.entries["big"][0].similar_to == ("great", "huge")
    assert loaded.frequencies == {"large": 10}
    assert spin_with(thesaurus_b, loaded, "big banks", 0, 1.0).spun.startswith(("large", "great",
                                                                               "huge"))


def test_families_thesaurus_b_load_refuses_another_format(tmp_path):
    with gzip.open(tmp_path / thesaurus_b.DATA, "wt", encoding="utf-8") as handle:
        handle.write("# unspin.channel/2\n")
    with pytest.raises(Exception, match="E020"):
        thesaurus_b.load(tmp_path)


def test_families_thesaurus_b_real_data(family_data):
    thesaurus = family_data["thesaurus-b"]
    big = [t for m in thesaurus.entries["big"] for kind in ("synonym", "similar_to", "hypernym",
                                                          "related") for t in getattr(m, kind)]
    assert "large" in big and "small" not in big and "little" not in big  # no antonyms
    assert "financial institution" in thesaurus.entries["bank"][0].hypernym
    assert "subject" in thesaurus.entries["military"][0].synonym  # military -> subject


def test_families_thesaurus_b_round_trip_determinism_dictionaries(family_data, news_sample):
    thesaurus = family_data["thesaurus-b"]
    text = " ".join(d.text for d in news_sample[:20])
    results = [spin_with(thesaurus_b, thesaurus, text, seed, 0.5) for seed in (0, 1)]
    for result in results:
        assert_round_trip(result)
        assert all(len(spuns) == 1 for spuns in edits_by_original(result).values())
    assert results[0] == spin_with(thesaurus_b, thesaurus, text, 0, 0.5)
    first, second = (edits_by_original(r) for r in results)
    shared = [w for w in first if w in second]
    assert shared and sum(first[w] != second[w] for w in shared) > len(shared) / 4
    odd = "He said:\r\n\tthe banks  were\u00a0fighting 👍 nearly… according to \"people\"."
    assert_round_trip(spin_with(thesaurus_b, thesaurus, odd, 0, 1.0, capitalised=1.0))


def test_families_thesaurus_b_inflected_originals_stay_inflected(family_data, news_sample):
    thesaurus = family_data["thesaurus-b"]
    checked = 0
    for document in news_sample[:60]:
        for edit in spin_with(thesaurus_b, thesaurus, document.text, 5, 1.0).edits:
            word = edit.original.lower()
            readings = [r for r in analyse(word) if r[0] != word and any(
                m.pos == POS_LETTER.get(r[1]) for m in thesaurus.entries.get(r[0], ()))]
            if edit.relation == "phrase" or " " in edit.original or not readings:
                continue
            words = edit.spun.lower().split(" ")
            heads = {words[0], words[-1]} | {words[k - 1] for k, w in enumerate(words)
                                            if k and w in ("of", "in", "for", "on", "to")}
            tags = {tag for head in heads for tag in all_tags(head)}
            assert tags & {tag for *_, tag in readings} or "more" in words or "most" in words, edit
            checked += 1
    assert checked > 50


def test_families_thesaurus_b_rate_on_training_news(family_data, news_sample):
    share = realised_rate(thesaurus_b, family_data["thesaurus-b"], news_sample, 0.25)
    assert 0.25 * 0.7 <= share <= 0.25 * 1.3


def test_families_thesaurus_b_never_touches_articles(family_data, news_sample):
    for document in news_sample[:40]:
        result = spin_with(thesaurus_b, family_data["thesaurus-b"], document.text, 0, 1.0)
        assert not any(e.original.lower() in ("a", "an") for e in result.edits)


def test_families_thesaurus_b_data_is_listed_and_small():
    from unspin.data import BUNDLED, read_manifest, sha256

    path = BUNDLED / thesaurus_b.DATA
    entry = read_manifest(BUNDLED)["files"][thesaurus_b.DATA]
    assert path.stat().st_size == entry["size"] <= 5_000_000
    assert sha256(path) == entry["sha256"] and entry["format"] == "unspin.thesaurus_b/1"
    assert "Kevin Atkinson" in entry["licence"] and "WordNet 2" in entry["source"]


def test_families_thesaurus_b_habits_through_simulate_spin():
    """``simulate.spin(habits=...)`` hands a family its habits; a family without them says so."""
    from unspin.errors import UnspinError
    from unspin.simulate import spin

    text = " ".join(["soldier"] * 30)
    assert set(spin(text, "thesaurus-b", 0, 1.0, resources=TINY, habits={"per_occurrence": True}).spun.split()) \
        == {"trooper", "warrior"}
    assert len(set(spin(text, "thesaurus-b", 0, 1.0, resources=TINY).spun.split())) == 1
    with pytest.raises(UnspinError, match="takes no habit per_occurrence"):
        spin(text, "thesaurus", 0, 1.0, resources=TINY, habits={"per_occurrence": True})
