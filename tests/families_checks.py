"""Checks shared by the tests of the independent spinner families (tests/test_families_*.py)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from types import ModuleType

from spinner_fixtures import check_edits

from unspin.simulate import SpunText, changed_word_share, render
from unspin.tokenize import tokenize
from unspin.types import Document


def spin_with(family: ModuleType, resources, text: str, seed: int, rate: float, **habits) -> SpunText:
    document = tokenize(text)
    spun, edits = render(document, family.plan(document, resources, seed, rate, **habits))
    return SpunText(text, spun, family.NAME, seed, rate, edits)


def assert_round_trip(result: SpunText) -> None:
    """Gold edits point at their text in both versions, in order; undoing them gives the
    original back byte for byte, and doing them gives the spun text (``check_edits``)."""
    check_edits(result)
    previous_end = 0
    for edit in result.edits:
        assert edit.orig_start >= previous_end
        previous_end = edit.orig_end
    tokenize(result.spun)  # the spun text tokenizes losslessly too


def edits_by_original(result: SpunText) -> dict[str, set[str]]:
    """Lowercase original -> the replacements it got (lowercased)."""
    found: dict[str, set[str]] = {}
    for edit in result.edits:
        found.setdefault(edit.original.lower(), set()).add(edit.spun.lower())
    return found


def all_tags(word: str) -> set[str]:
    """Every Penn tag lemminflect gives ``word`` as a form of any of its lemmas."""
    from lemminflect import getAllInflections, getAllLemmas

    return {tag for upos, lemmas in getAllLemmas(word).items() for lemma in lemmas
            for tag, forms in getAllInflections(lemma, upos=upos).items() if word in forms}


def realised_rate(family: ModuleType, resources, documents: list[Document], rate: float,
                  seeds=(0, 1), **habits) -> float:
    shares = [changed_word_share(spin_with(family, resources, d.text, seed, rate, **habits)
                                 for d in documents) for seed in seeds]
    return sum(shares) / len(shares)


def assert_family_interface(family: ModuleType) -> None:
    """What the families registry will read, and the independence rules."""
    assert isinstance(family.NAME, str) and family.DESCRIPTION
    assert 0.0 < family.COVERAGE < 1.0
    assert isinstance(family.INDEPENDENT, bool)
    assert list(inspect.signature(family.plan).parameters)[:4] == ["document", "resources", "seed",
                                                                   "rate"]
    assert list(inspect.signature(family.load).parameters) == ["folder"]
    assert_reads_no_channel(family)


def assert_reads_no_channel(family: ModuleType) -> None:
    """The module (and the shared helpers) never import the lexicon or name its weights or
    the channel table."""
    from unspin.families import shared

    for source_module in (family, shared):
        source = Path(source_module.__file__).read_text(encoding="utf-8")
        assert "RELATION_WEIGHTS" not in source and "channel.tsv" not in source
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "unspin.lexicon"
            if isinstance(node, ast.Import):
                assert all(alias.name != "unspin.lexicon" for alias in node.names)
