"""Wires the pipeline and holds the loaded resources: text -> Restoration."""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from unspin import __version__
from unspin.calibration import Calibration
from unspin.candidates import RANKED_READINGS, Habits, ReadingTable
from unspin.data import data_dir, read_manifest
from unspin.errors import UnspinError
from unspin.lexicon import Lexicon
from unspin.lm import LanguageModel
from unspin.registry import channel_sources, scorers
from unspin.signature import CALIBRATION_FILE, Signature, Stamp, describe
from unspin.surface import Capitals
from unspin.topics import Topics
from unspin.types import Restoration

if TYPE_CHECKING:
    from unspin.evidence import Agreement
    from unspin.evidence.agreement import CrawlCheck
    from unspin.phrases import PhraseChannel
    from unspin.profiles import Profile
    from unspin.profiles.confidence import ProfileModel
    from unspin.profiles.learning import Observations


@dataclass(frozen=True)
class Settings:
    """Decoder settings: one set of defaults for the function, the class, CLI and HTTP."""

    threshold: float = 0.6
    # Hypotheses kept per position: a reading whose LM gain comes from the words after it
    # ("posted" in "posted a loss", spun "announced") must outlive its own position;
    # beam 4 lost 0.02 F0.5 on thesaurus-b (bench/NOTES.md, 2026-12-07).
    beam_size: int = 12
    max_candidates: int = 40
    spin_rate: float | None = None  # None: estimate from the document itself
    alternatives: int = 3
    # Restore tortured terms through the phrase channel (unspin.phrases; the model folder needs
    # its term inventory).  Off by default until the word calibration is refit with it: it
    # costs speed and, on wordnet-spun news, a little F0.5 (bench/phrases_bench.py).
    phrases: bool = False
    # The neural scorer (unspin.scorers.neural, issue 12): "neural" reads its evidence beside the
    # n-gram model (the folder must have an encoder), "ngram" is the fastest path without it,
    # "auto" is "neural" where the folder has an encoder, else "ngram" (the signature says which).
    scorer: str = "auto"

    def __post_init__(self) -> None:
        """Refuse impossible values: the one check behind the function, the class, CLI and HTTP."""
        for name, (allowed, rule) in _RULES.items():
            value = getattr(self, name)
            if not allowed(value):
                raise UnspinError("E031", f"{name}={value!r}: must be {rule}")

    @classmethod
    def of(cls, base: "Settings | None" = None, **changes) -> "Settings":
        """``base`` (default: the defaults) with ``changes``; unknown names raise E031."""
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            known = ", ".join(f.name for f in dataclasses.fields(cls))
            raise UnspinError("E031", f"unknown setting {', '.join(unknown)} (known: {known})")
        return dataclasses.replace(base or cls(), **changes)


SCORERS = ("auto", "neural", "ngram")


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_RULES = {
    "threshold": (lambda v: _number(v) and 0 <= v <= 1, "a finite number from 0 to 1"),
    "beam_size": (lambda v: _count(v) and 1 <= v <= 1000, "a whole number from 1 to 1000"),
    "max_candidates": (lambda v: _count(v) and 1 <= v <= 1000, "a whole number from 1 to 1000"),
    "spin_rate": (lambda v: v is None or (_number(v) and 0 <= v <= 1),
                  "a finite number from 0 to 1, or None (estimate it from the document)"),
    "alternatives": (lambda v: _count(v) and 0 <= v <= 100, "a whole number from 0 to 100"),
    "phrases": (lambda v: isinstance(v, bool), "True or False"),
    "scorer": (lambda v: v in SCORERS, "one of " + ", ".join(SCORERS)),
}


class Restorer:
    """Holds a language model and a channel table; restores many texts cheaply."""

    def __init__(self, model: str | Path | None = None, lm: LanguageModel | None = None,
                 lexicon: Lexicon | None = None, corpus: "Agreement | None" = None,
                 language_model: str = "ngram", channel: str = "wordnet",
                 profile: "Profile | str | Path | None" = None,
                 profiles: "dict[str, Profile | str | Path] | None" = None, habits: "Habits | None" = None,
                 **settings) -> None:
        self.settings = Settings.of(**settings)
        self.folder = data_dir(model)
        self.language_model = scorers.get(language_model)  # unless ``lm`` is given, loads the LM
        if not self.language_model.language_model:
            raise UnspinError("E030", f"the {language_model} scorer is evidence read beside the n-gram model, "
                              "not a language model the decoder runs on: use the setting scorer="
                              f"'{language_model}' for it, and language_model='ngram'")
        self.channel = channel_sources.get(channel)  # unless ``lexicon`` is given
        self._lm = lm
        self._lexicon = lexicon
        self._injected = (lm, lexicon)  # what was given rather than loaded from the folder
        self.corpus = corpus  # corpus mode: what the whole crawl says (see gather)
        self.habits = habits  # the priors of its spinner's habits a crawl lends each document (Agreement.habits)
        self._encoder = None  # the neural scorer, loaded by the first restore that reads it
        self.profile = _loaded(profile)  # a spinner profile every restore uses (unspin learn)
        # named profiles a restore may ask for (``restore(text, profile="site-a")``; the server's)
        self.profiles = {name: _loaded(given, name) for name, given in (profiles or {}).items()}

    @property
    def lm(self) -> LanguageModel:
        if self._lm is None:
            self._lm = self.language_model.load(self.folder)
        return self._lm

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = self.channel.load(self.folder)
        return self._lexicon

    @functools.cached_property
    def table(self) -> ReadingTable:
        """Cached readings of observed words (grows as texts are restored); with the phrase
        channel attached when the restorer's settings ask for phrases."""
        table = ReadingTable(self.lexicon, self.lm, max(RANKED_READINGS, self.settings.max_candidates))
        return self._with_phrases(table) if self.settings.phrases else table

    @functools.cached_property
    def phrase_channel(self) -> "PhraseChannel":
        """The phrase channel (unspin.phrases): the folder's term inventory and phrase model,
        the lexicon and the Moby thesaurus read as one.  E001 where the folder has no inventory."""
        from unspin.phrases import PhraseChannel

        return PhraseChannel.load(self.folder, self.lexicon, self.lm)

    def _with_phrases(self, table: ReadingTable) -> ReadingTable:
        """``table`` with the phrase channel attached (loaded by the first restore that asks for it)."""
        if table.phrases is None:
            table.phrases = self.phrase_channel
        return table

    def _confidence(self, settings: Settings, profile: "Profile | None" = None):
        """What gives each reading its confidence: the calibration, with phrases on the
        phrase trees for phrase readings, and with a profile the profile confidence model
        (unspin.profiles.confidence) over them where the folder has one."""
        words = self.phrase_channel.calibrated(self.calibration) if settings.phrases else self.calibration
        if profile is None or self.profile_model is None:
            return words
        from unspin.profiles.confidence import ProfileCalibration

        return ProfileCalibration(words, self.profile_model)

    @functools.cached_property
    def frequencies(self) -> dict[str, int]:
        """The corpus counts of the folder's unigrams.tsv (empty where it has none): what
        learning a profile compares the pages' words with (unspin.profiles.discovery)."""
        from unspin.families.base import read_frequencies

        return read_frequencies(self.folder / "unigrams.tsv")

    @functools.cached_property
    def profile_model(self) -> "ProfileModel | None":
        """The folder's profile confidence model (None where it has none)."""
        from unspin.profiles.confidence import ProfileModel

        return ProfileModel.load(self.folder)

    def encoder(self, settings: Settings | None = None):
        """The neural scorer a restore with ``settings`` reads (None for the n-gram alone),
        loaded once from the folder.  "auto" reads it where the folder has one and the
        calibration was fitted with it; "neural" insists (E001 without an encoder, E021 when the
        calibration was fitted without this one)."""
        from unspin.scorers.neural import MODEL_FILE

        wanted = (settings or self.settings).scorer
        if wanted == "ngram":
            return None
        fitted = (self.calibration.fitted_on or {}).get("encoder") if self.calibration.roots is not None else None
        if wanted == "auto" and (fitted is None or not (self.folder / MODEL_FILE).exists()):
            return None
        if self._encoder is None:
            encoder = scorers.get("neural").load(self.folder)
            shipped = read_manifest(self.folder)["files"].get(MODEL_FILE, {}).get("sha256")
            if self.calibration.roots is not None and (fitted is None or fitted.get("sha256") != shipped):
                raise UnspinError("E021", f"{self.folder / CALIBRATION_FILE} was not fitted with "
                                  f"{self.folder / MODEL_FILE} (refit it with scripts/calibrate.py)")
            self._encoder = encoder
        return self._encoder

    @functools.cached_property
    def calibration(self) -> Calibration:
        return Calibration.load(self.folder / CALIBRATION_FILE, lm_order=self.lm.order)

    @functools.cached_property
    def topics(self) -> Topics | None:
        return Topics.load(self.folder)

    @functools.cached_property
    def capitals(self) -> Capitals | None:
        """When a span's capitals are its spinner's (``surface.Capitals``); None where the
        folder has no capitals.tsv.gz (or the lexicon was given, not the folder's)."""
        return Capitals.load(self.folder) if self._injected[1] is None else None

    @functools.cached_property
    def _described(self) -> Signature:
        """The structured signature with this restorer's own settings (see ``describe``)."""
        lm_name = getattr(self.lm, "path", Path("lm")).name  # unlisted names get "unlisted"
        return describe(self.folder, self.lexicon.name, lm_name, self.lm.order,
                        self.calibration.roots is not None, self.topics is not None, self.settings,
                        capitals=self.capitals is not None)

    def describe(self, settings: Settings | None = None, corpus: bool = False,
                 profile: "Profile | None" = None, habits: "Habits | None" = None) -> Signature:
        """What a restore with ``settings`` (default: the restorer's), ``profile`` and a
        crawl's ``habits`` produces its result with."""
        settings = settings or self.settings
        described = self._described.with_settings(settings, corpus).with_habits(habits)
        described = described.with_encoder(self.folder if self.encoder(settings) is not None else None)
        described = described.with_phrases(self.folder) if settings.phrases else described
        if profile is None:
            return described
        from unspin.profiles.confidence import MODEL_FILE

        model = Stamp.of(self.folder, MODEL_FILE) if self.profile_model is not None else None
        return dataclasses.replace(described, profile=profile.stamp, profile_model=model)

    @functools.cached_property
    def signature(self) -> str:
        """The signature string of a restore with the restorer's own settings and profile."""
        return str(self.describe(profile=self.profile))

    def info(self) -> dict:
        """Version, model files with checksums, and the signature."""
        return {"version": __version__, "model_folder": str(self.folder),
                "files": read_manifest(self.folder)["files"], "signature": self.signature}

    def restore(self, text: str, profile: "Profile | str | None" = None, **overrides) -> Restoration:
        """Restore ``text``; ``profile``: a Profile, or the name of one of ``profiles``
        (default: the restorer's own ``profile``, if any)."""
        from unspin.edits import restore_text

        settings = Settings.of(self.settings, **overrides) if overrides else self.settings
        chosen = self.chosen_profile(profile)
        signature = str(self.describe(settings, corpus=self.corpus is not None, profile=chosen, habits=self.habits))
        table = self._with_phrases(self.table) if settings.phrases else self.table
        return restore_text(text, self.lm, table, settings, signature, self._confidence(settings, chosen), self.topics,
                            self.corpus, self.encoder(settings), chosen, self.habits, self.capitals)

    def chosen_profile(self, profile: "Profile | str | None" = None) -> "Profile | None":
        """The profile a restore uses: ``profile`` (a Profile or a name of ``profiles``), else
        the restorer's own; E050 for an unknown name, E023 for a profile learned with
        another model."""
        if profile is None:
            chosen = self.profile
        elif isinstance(profile, str):
            chosen = self.profiles.get(profile)
            if chosen is None:
                raise UnspinError("E050", f"unknown profile {profile!r}; known: "
                                  f"{', '.join(sorted(self.profiles)) or 'none'}")
        else:
            chosen = profile
        if chosen is not None and id(chosen) not in self._checked:
            self._check(chosen)
        return chosen

    @functools.cached_property
    def _checked(self) -> set:
        return set()

    def _check(self, profile: "Profile") -> None:
        """Refuse (E023) a profile learned with another lexicon or language model."""
        learned = profile.header.get("model")
        if learned:
            signature = self._described
            here = {"lexicon": str(signature.lexicon), "lm": str(signature.lm), "lm_order": signature.lm_order}
            different = [key for key in here if learned.get(key) != here[key]]
            if different:
                raise UnspinError("E023", f"profile {profile.name} was learned with "
                                  + ", ".join(f"{key} {learned.get(key)}" for key in different)
                                  + "; this restorer has " + ", ".join(f"{key} {here[key]}" for key in different))
        self._checked.add(id(profile))

    def with_corpus(self, corpus: "Agreement | None", habits: "Habits | None" = None) -> "Restorer":
        """This restorer (sharing its loaded model) restoring with ``corpus`` and with the
        priors of the spinner's habits a crawl lends (``habits``: ``Agreement.habits``, which a
        crawl lends even where corpus mode's premise fails)."""
        other = copy.copy(self)
        other.corpus, other.habits = corpus, habits
        return other

    def with_profile(self, profile: "Profile | str | Path | None") -> "Restorer":
        """This restorer (sharing its loaded model) restoring with ``profile``."""
        other = copy.copy(self)
        other.profile = _loaded(profile)
        other.__dict__.pop("signature", None)
        return other

    def observe(self, texts) -> "Observations":
        """What learning a profile reads from these texts (``profiles.learning.observe``),
        decoded with the restorer's profile, if any (the one being updated)."""
        from unspin.profiles.learning import observe
        from unspin.tokenize import tokenize

        if self.profile is not None:
            self.chosen_profile()
        return observe((tokenize(text) for text in texts), self.lm, self.table, self.settings, self.profile)

    def learn(self, texts, workers: int = 1, update: "Profile | str | Path | None" = None,
              name: str = "profile", rounds: int = 1, **options) -> "Profile":
        """Learn a profile of the spinner that wrote ``texts`` (``profiles.learning``);
        ``update``: a profile to add these texts to; ``rounds``: how many times the texts are
        decoded (each round with the profile of the one before).  ``options``:
        ``iterations``, ``tolerance``, ``report(iteration, change)``."""
        import time

        from unspin.profiles.learning import header, settle

        began = time.perf_counter()
        prior = _loaded(update)
        texts = list(texts)
        decoder = prior
        for _round in range(rounds):
            observer = self.with_profile(decoder)
            if workers <= 1 or len(texts) <= 1:
                observations = observer.observe(texts)
                profile, changes = settle(observations, prior, self.lm, self.frequencies, **options)
            else:  # the processes that observe the texts score discovery's fits too
                from unspin.batch import fits_helper, observe_parallel, spec_pool

                with spec_pool(workers, observer.spec()) as pool:
                    observations = observe_parallel(texts, workers, None, pool)
                    profile, changes = settle(observations, prior, self.lm, self.frequencies, workers=workers,
                                              helpers=fits_helper(pool), **options)
            decoder = profile
        profile.header = header(self, observations, changes, time.perf_counter() - began, prior, name)
        return profile

    def gather(self, texts) -> "Agreement":
        """Corpus mode, pass one: what these texts say about every word they change.

        A spinner that rewrote a whole crawl used one dictionary for all of it, so the
        readings of "produce" in one story are evidence in every other.  Set the result
        (merged over all parts of the crawl) as ``corpus`` to restore with it.
        """
        from unspin.passes import gather
        from unspin.tokenize import tokenize

        return gather((tokenize(text) for text in texts), self.lm, self.table, self.settings)

    def crawl(self, texts, assume_one_spinner: bool = False) -> tuple["Agreement | None", "CrawlCheck"]:
        """Corpus mode's evidence for ``texts`` (``gather``) and its check: without the claims of
        one original by two words where the crawl writes originals many ways, None where too
        little was restored to tell (``Agreement.for_corpus_mode``)."""
        return self.gather(texts).for_corpus_mode(assume_one_spinner)

    def detect(self, text: str) -> float:
        """How likely the document is spun, 0..1."""
        return self.restore(text).spun_score

    def spec(self, **overrides) -> "RestorerSpec":
        """What another process needs to build this same restorer (see ``RestorerSpec``).

        Raises E030 when an injected language model or lexicon cannot be sent there.
        """
        for what, given in zip(("language model", "lexicon"), self._injected):
            if given is not None:
                try:
                    pickle.dumps(given)
                except Exception as error:  # noqa: BLE001 - whatever pickle refuses, say so
                    raise UnspinError("E030", f"the injected {what} ({type(given).__name__}) cannot be sent to "
                                      f"worker processes ({error}); use workers=1, or inject one that pickles "
                                      "(KenLMModel and ArpaModel travel as their file path)") from None
        settings = Settings.of(self.settings, **overrides) if overrides else self.settings
        return RestorerSpec(str(self.folder), settings, self.language_model.name, self.channel.name, *self._injected,
                            self.corpus, self.profile, self.profiles, self.habits)

    def restore_many(self, texts, workers: int = 1, corpus: bool = False, assume_one_spinner: bool = False,
                     **overrides) -> list[Restoration]:
        """Restore many texts, in ``workers`` processes that each build this restorer once
        (with its injected LM or lexicon, settings and corpus evidence: ``spec``).

        ``corpus=True`` treats the texts as one crawl: a first pass gathers what every text
        says about each observed word (``passes.gather``), in this process, and each text is
        then restored with that evidence and with the habits the crawl lends.  It reads every
        text twice and holds only per-word sums between the passes.  Where the crawl writes an
        original many ways (``crawl``: several spinners, or one that chooses anew) the claims of
        one original by two words are dropped, unless ``assume_one_spinner``; where too little
        was restored to tell, each text is restored alone (the habits still lent).
        """
        texts = list(texts)
        if corpus:
            gathered = self.gather(texts)
            restorer = self.with_corpus(gathered.for_corpus_mode(assume_one_spinner)[0], gathered.habits())
        else:
            restorer = self
        if workers <= 1 or len(texts) <= 1:
            return [restorer.restore(text, **overrides) for text in texts]
        from unspin.batch import restore_parallel

        return restore_parallel(texts, workers, restorer.spec(**overrides))


@dataclass(frozen=True)
class RestorerSpec:
    """A picklable recipe for a Restorer: its folder, settings, registry names, and what was
    injected (a language model, a lexicon) or gathered (corpus evidence) rather than loaded
    from the folder.  Worker processes build their restorer from it (``build``)."""

    folder: str
    settings: Settings
    language_model: str
    channel: str
    lm: LanguageModel | None = None
    lexicon: Lexicon | None = None
    corpus: "Agreement | None" = None
    profile: "Profile | None" = None
    profiles: dict | None = None
    habits: "Habits | None" = None

    def build(self) -> Restorer:
        return Restorer(self.folder, lm=self.lm, lexicon=self.lexicon, corpus=self.corpus,
                        language_model=self.language_model, channel=self.channel, profile=self.profile,
                        profiles=self.profiles, habits=self.habits, **dataclasses.asdict(self.settings))


def _loaded(profile, name: str | None = None) -> "Profile | None":
    """A Profile as given, or read from a path (named ``name``)."""
    if profile is None or not isinstance(profile, (str, Path)):
        return profile
    from unspin.profiles import read

    return read(profile, name)


@functools.lru_cache(maxsize=4)
def default_restorer(model: str | None = None) -> Restorer:
    return Restorer(model)


def restore(text: str, model: str | None = None, **settings) -> Restoration:
    """Restore spun text with the bundled model (loaded once, cached)."""
    return default_restorer(model).restore(text, **settings)
