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
    assert scorers.names() == ("ngram",) and channel_sources.names() == ("wordnet",)
    assert scorers.get("ngram").load(TINY).order == 3
    assert len(channel_sources.get("wordnet").load(TINY)) == 10
    assert set(families.names()) >= {"wordnet", "thesaurus", "tortured"}


def test_registry_restorer_refuses_an_unknown_scorer():
    from unspin.restorer import Restorer

    with pytest.raises(UnspinError, match="E050.*scorer 'neural'"):
        Restorer(TINY, scorer="neural")
