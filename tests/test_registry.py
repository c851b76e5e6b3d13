"""Registries: names -> entries, coded errors, and the shipped entries."""

import pytest

from conftest import TINY
from unspin.errors import UnspinError
from unspin.registry import Entry, Registry, channel_sources, families, scorers


def load_nothing(folder):
    return folder


def test_registry_register_get_names_and_iterate():
    registry = Registry("widget")
    registry.register("a", load=load_nothing, files=("a.bin",), description="first")

    @registry.register("b", files=(), description="second")
    def load_b(folder):
        return "b"

    assert registry.names() == ("a", "b") and "a" in registry and len(registry) == 2
    assert registry.get("b").load(TINY) == "b" and load_b(TINY) == "b"
    assert [entry.name for entry in registry] == ["a", "b"]
    assert isinstance(registry.get("a"), Entry)


def test_registry_unknown_name_lists_the_known_ones():
    registry = Registry("widget")
    registry.register("a", load=load_nothing, files=(), description="")
    with pytest.raises(UnspinError, match=r"E050.*unknown widget 'z'; known: a"):
        registry.get("z")


def test_registry_refuses_a_second_entry_of_one_name_and_missing_fields():
    registry = Registry("widget")
    registry.register("a", load=load_nothing, files=(), description="")
    registry.register("a", load=load_nothing, files=(), description="")  # the same loader again: fine
    with pytest.raises(UnspinError, match="E051.*registered twice"):
        registry.register("a", load=lambda folder: None, files=(), description="")
    with pytest.raises(UnspinError, match="E051"):
        registry.register("b", load=load_nothing)  # no files, no description


def test_registry_shipped_entries_load_the_tiny_model():
    assert scorers.names() == ("ngram", "neural") and channel_sources.names() == ("wordnet", "thesaurus")
    assert scorers.get("ngram").language_model and not scorers.get("neural").language_model
    assert scorers.get("ngram").load(TINY).order == 3
    assert len(channel_sources.get("wordnet").load(TINY)) == 10
    assert set(families.names()) >= {"wordnet", "thesaurus", "tortured"}


def test_registry_restorer_refuses_an_unknown_language_model():
    from unspin.restorer import Restorer

    with pytest.raises(UnspinError, match="E050.*scorer 'nosuch'.*known: ngram, neural"):
        Restorer(TINY, language_model="nosuch")


def test_registry_restorer_refuses_a_scorer_that_is_not_a_language_model():
    """issue 12: the neural encoder is evidence beside the n-gram (the setting scorer),
    not a language model the decoder runs on."""
    from unspin.restorer import Restorer

    with pytest.raises(UnspinError, match="E030.*neural scorer is evidence.*language_model='ngram'"):
        Restorer(TINY, language_model="neural")


def test_registry_restorer_scorer_setting_needs_an_encoder():
    from unspin.restorer import Restorer

    restorer = Restorer(TINY, scorer="neural")  # the tiny model has no encoder
    with pytest.raises(UnspinError, match="E001.*encoder"):
        restorer.restore("He was successful the house.")
    assert "encoder:" not in Restorer(TINY).restore("He was successful the house.").signature  # auto: none
