"""End-to-end behaviour with the shipped model on paragraphs written and spun here."""

import pytest

import unspin
from unspin.types import apply_edits

pytestmark = pytest.mark.model

SPUN_RYU = ("Ryu defected to South Korea successful 2019, moving crossed a minefield successful the "
            "demilitarized portion that separates the 2 Koreas.")
SPUN_SERGEANT = ("A erstwhile sergeant successful the North Korean subject says that fewer of Pyongyang's "
                 "soldiers person been captured warring against Ukraine due to the fact that they're told "
                 "their families volition beryllium executed if they are caught alive.")


def test_restorer_model_successful_becomes_in(real_restorer):
    result = real_restorer.restore(SPUN_RYU)
    assert "South Korea in 2019" in result.restored_text
    assert "separates the two Koreas" in result.restored_text
    assert result.spun_score > 0.5


def test_restorer_model_element_phrase_and_volition(real_restorer):
    result = real_restorer.restore(SPUN_SERGEANT)
    restored = result.restored_text
    assert "will be executed" in restored
    assert "because they're told" in restored
    assert "sergeant in the North Korean" in restored
    by_spun = {e.spun: e for e in result.edits}
    assert by_spun["beryllium"].relation == "element"
    assert "chemical element" in by_spun["beryllium"].reason
    assert all(0.0 <= e.confidence <= 1.0 for e in result.edits)
    assert all(len(e.alternatives) <= 3 for e in result.edits)
    assert apply_edits(SPUN_SERGEANT, result.edits) == restored


def test_restorer_model_clean_paragraph_untouched(real_restorer):
    text = ("The minister said on Tuesday that the new rules would come into force next year, "
            "after months of talks with unions and employers.\r\n\tPrices rose by 2% in March.")
    result = real_restorer.restore(text)
    assert result.restored_text == text
    assert result.spun_score < 0.5


@pytest.mark.parametrize("text", [
    "Der schnelle braune Fuchs springt über den faulen Hund, und die Katze schläft auf dem Sofa.",
    "Le gouvernement a annoncé mardi une nouvelle réforme des retraites, contestée par les syndicats.",
    "東京都は火曜日、新しい計画を発表した。",
])
def test_restorer_model_non_english_untouched(real_restorer, text):
    result = real_restorer.restore(text)
    assert result.restored_text == text and result.edits == ()


def test_restorer_model_facade_matches_class(real_restorer):
    assert unspin.restore(SPUN_RYU).restored_text == real_restorer.restore(SPUN_RYU).restored_text


def test_restorer_model_capitalised_spun_word_keeps_capital(real_restorer):
    result = real_restorer.restore("Successful 2019, the soldiers volition beryllium home. "
                                   "They were successful Seoul successful the spring.")
    assert ("Successful", "In") in [(e.spun, e.restored) for e in result.edits]
    for edit in result.edits:
        assert edit.restored[:1].isupper() == edit.spun[:1].isupper()


def test_restorer_model_a_wordnet_lemmas_capitals_are_not_the_originals(real_restorer):
    # a spinner that leaves capitalised words alone but writes WordNet's lemmas as WordNet spells them
    result = real_restorer.restore("Smith Department of State reporters that prices rose in Holocene epoch months.")
    assert [(e.spun, e.restored) for e in result.edits] == [("Department of State", "told"), ("Holocene epoch", "recent")]
    assert "capitals.tsv.gz+" in result.signature


def test_restorer_model_reads_an_elided_synonym(real_restorer):
    result = real_restorer.restore("The trade deficit 'tween what the US spends and what it earns grew again.")
    assert [(e.spun, e.restored) for e in result.edits] == [("'tween", "between")]
