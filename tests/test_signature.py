"""The structured signature: every model file, the settings a call used, corpus mode."""

import dataclasses

from conftest import TINY
from unspin.restorer import Settings
from unspin.signature import Signature, Stamp

SIGNATURE = Signature("0.1.0", Stamp("channel.tsv.gz", "7e0bf4f7"), Stamp("lm.binary", "e1fe0473"), 5,
                      Stamp("calibration.json", "3ffc6629"), (Stamp("topics.npy", "4c9581ff"), Stamp("topics.vocab", "ab5404d6")),
                      4, 40, 0.6, None)


def test_signature_renders_the_key_value_string():
    assert str(SIGNATURE) == ("unspin:0.1.0|lexicon:channel.tsv.gz+7e0bf4f7|lm:lm.binary+e1fe0473+o5|"
                              "calibration:calibration.json+3ffc6629|topics:topics.npy+4c9581ff,topics.vocab+ab5404d6|"
                              "beam:4|cand:40|threshold:0.6|rate:auto")
    bare = dataclasses.replace(SIGNATURE, calibration=None, topics=(), spin_rate=0.2, corpus=True)
    assert str(bare).endswith("|calibration:none|topics:none|beam:4|cand:40|threshold:0.6|rate:0.2|corpus")


def test_signature_with_settings_reports_what_a_call_used():
    changed = SIGNATURE.with_settings(Settings(threshold=0.99, beam_size=2), corpus=True)
    assert "|beam:2|" in str(changed) and "|threshold:0.99|" in str(changed) and str(changed).endswith("|corpus")


def test_signature_issue13_names_the_phrase_files_when_phrases_are_on():
    stamps = (Stamp("inventory.tsv.gz", "835c334d"), Stamp("thesaurus.tsv.gz", "6ec35d23"),
              Stamp("phrases.json", "f990fbea"))
    on = dataclasses.replace(SIGNATURE, phrases=stamps, corpus=True)
    assert str(on).endswith("|rate:auto|phrases:inventory.tsv.gz+835c334d,thesaurus.tsv.gz+6ec35d23,"
                            "phrases.json+f990fbea|corpus")
    assert on.with_settings(Settings()).phrases == () and on.with_settings(Settings(phrases=True)).phrases == stamps
    assert SIGNATURE.with_phrases(TINY).phrases == (Stamp("inventory.tsv.gz", "unlisted"),
                                                    Stamp("thesaurus.tsv.gz", "unlisted"),
                                                    Stamp("phrases.json", "unlisted"))


def test_signature_of_a_restore_follows_per_call_overrides(tiny_restorer):
    text = "He was successful Seoul."
    assert "|threshold:0.6|" in tiny_restorer.restore(text).signature
    assert "|threshold:0.99|" in tiny_restorer.restore(text, threshold=0.99).signature  # issue 15 / 16: not 0.6
    assert tiny_restorer.signature == tiny_restorer.restore(text).signature
    assert "|calibration:none|topics:none|" in tiny_restorer.signature
    assert tiny_restorer.describe().lm == Stamp("lm.arpa", "4a2f640c")


def test_signature_names_an_injected_lexicon_as_unlisted():
    from unspin.lexicon import Lexicon, Link
    from unspin.lm import ArpaModel
    from unspin.restorer import Restorer

    restorer = Restorer(TINY, lm=ArpaModel(TINY / "lm.arpa"), lexicon=Lexicon([Link("in", "successful", "synonym", "")]))
    assert "|lexicon:custom+unlisted|" in restorer.signature
