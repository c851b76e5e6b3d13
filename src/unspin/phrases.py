"""The phrase channel: tortured phrases back to the established terms they replaced.

Paper mills push technical terms through a thesaurus word by word ("random forest" ->
"irregular timberland", "deep learning" -> "profound learning", "neural network" -> "neural
organization").  For a run of spun words, the channel proposes the terms of the inventory
(``inventory.tsv.gz``, scripts/build_term_inventory.py: 2-4 word terms mined from the
corpus) whose words are each the spun word itself or one of its possible originals, read
backwards through every synonym source as one channel (the WordNet channel and the Moby
thesaurus, ``lexicon.merge``).  A piece of the run may be two spun words for one term word
("west financial institution" -> "west bank"); a plural head stays plural ("irregular
timberlands" -> "random forests").

A term is proposed only when it is far more established than the run: the run holds an
adjacent word pair that the language model never saw (tortured phrases are new word
pairs), the term is in the inventory MIN_TERM_COUNT times and at least 10**MIN_LOG10_RATIO
times as often as the run, and a fitted gate over the match's facts (phrases.json,
scripts/fit_phrases.py) finds it likely enough.  Its reading is an arc (relation
``phrase_term``) in the decoder's lattice (second pass only: the first pass, which estimates
the spin rate, reads words), so the language model weighs it against the word readings.  The
arc covers only the tokens the term changes ("profound learning" -> "deep learning" is the
arc "profound" -> "deep"; the kept words are the keep arcs'), and where the word channel
already reads those tokens as those words the lattice keeps one arc for both
(``candidates.with_reading``).  Its
prior follows the spinner's story with the document's own spin rate: each changed piece
costs log10(rate) + SHARE_WEIGHT x log10 q(piece | term word) + CHANGED_LOG10, each kept word
log10(1 - rate); GATE_WEIGHT x log10 P(right | facts) keeps doubtful terms from pushing the
word readings off the best path.  Phrase readings get their own confidence trees
(``PhraseCalibration``: phrases.json's trees over PHRASE_FEATURES; every other reading keeps
the word calibration).  ``report`` lists the suspected tortured phrases of a document.

The channel is off by default (``Settings.phrases``): it costs speed, and a little F0.5 on
wordnet-spun news until the word calibration is refit with it (bench/phrases_bench.py).
"""

from __future__ import annotations

import bisect
import dataclasses
import gzip
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspin.calibration import Calibration
from unspin.candidates import inflect, lemmas, tags
from unspin.errors import UnspinError
from unspin.evidence import Evidence
from unspin.evidence.features import logit
from unspin.lexicon import Lexicon, merge
from unspin.registry import channel_sources
from unspin.relations import PHRASE_TERM, THESAURUS
from unspin.tokenize import is_word, tokenize
from unspin.types import Arc, Candidate, Token

INVENTORY = "inventory.tsv.gz"
INVENTORY_FORMAT = "# unspin.inventory/1"
THESAURUS_TABLE = "thesaurus.tsv.gz"  # the ``thesaurus`` channel source's table (unspin.lexicon)
PHRASES_MODEL = "phrases.json"  # the gate and confidence trees (scripts/fit_phrases.py)
PHRASE_FORMAT = "unspin.phrases/1"
FILES = (INVENTORY, THESAURUS_TABLE, PHRASES_MODEL)  # what the channel reads (the signature names them)
# A phrase reading's features: what the phrase channel knows of the term and the match
# (Candidate.facts, ``static_facts``), then what the decoding says.
PHRASE_STATIC = ("log10_count", "pmi", "log10_ratio", "changed", "kept", "inflected", "wordnet",
                 "log10_share", "min_log10_share", "tokens")
PHRASE_CONTEXT = ("logit_posterior", "logit_keep", "log10_rate", "topic_gain", "topic_known",
                  "unigram_gap", "related", "capitalised")
PHRASE_FEATURES = PHRASE_STATIC + PHRASE_CONTEXT

MAX_TERM_WORDS = 4  # the inventory's longest terms
MAX_PIECE_WORDS = 2  # spun words read as one term word ("financial institution" -> bank)
MAX_RUN_TOKENS = 5
MAX_READINGS_PER_SPAN = 4
MAX_CACHED = 200_000
# Gates and prior: chosen on the fit part of the tortured list (bench/tortured_split.py) and,
# for GATE_WEIGHT, on wordnet-spun news_dev paragraphs (phrase arcs must not cost word edits).
MIN_TERM_COUNT = 5
MIN_LOG10_RATIO = 0.7
SHARE_WEIGHT = 0.5
CHANGED_LOG10 = 0.5
INFLECTED_LOG10 = -0.3
GATE_WEIGHT = 2.0  # the prior adds GATE_WEIGHT x log10 P(right | the term's facts)
MIN_OPTION_LOG10 = -3.0  # a term word q(piece | word) under 1/1000 stands for is not read
MAX_STATES = 150  # partial terms kept per step of the search (by their channel shares)
PLURAL = ("NNS",)
FUNCTION_WORDS = frozenset("""a an the of in on at to for by with from and or but as is are was were be
been this that these those it its their his her our your my we you they he she i not no so than
then there here if when which who what how""".split())


def static_facts(match: "Match") -> tuple[float, ...]:
    """What the channel knows of a reading before decoding (PHRASE_STATIC, in order): the
    phrase confidence model's first features."""
    return (math.log10(match.count), match.pmi, math.log10(match.count / (match.run_count + 1)),
            float(match.changed), float(match.kept), float(match.inflected), float(match.wordnet),
            match.log10_share, match.min_log10_share, float(match.length))


def phrase_features(e: Evidence) -> list[float]:
    """A phrase reading's features (PHRASE_FEATURES, in order): its term facts, then the decoding's."""
    return [*e.facts, logit(e.posterior), logit(e.keep), math.log10(max(e.rate, 1e-4)), e.topic_gain or 0.0,
            float(e.topic_gain is not None), e.restored_unigram - e.observed_unigram, float(e.related),
            float(e.capitalised)]


Gate = tuple[float, tuple[float, ...], float]  # (intercept, PHRASE_STATIC weights, least log-odds)


def gate_of(data: dict) -> Gate:
    """The gate from its JSON form (phrases.json's "gate", scripts/fit_phrases.py)."""
    return float(data["intercept"]), tuple(float(w) for w in data["weights"]), float(data["least"])


@dataclass(frozen=True, eq=False)
class PhraseModel:
    """phrases.json: the gate (a logistic regression over a match's facts alone, and the
    least log-odds a reading needs) and the confidence trees over PHRASE_FEATURES."""

    gate: Gate
    trees: Calibration

    @classmethod
    def load(cls, path: Path) -> "PhraseModel | None":
        """The model in ``path``; None if there is no such file.  Raises E020 when the file is
        not a phrase model of this format and these features."""
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        gate = data.get("gate")
        if (data.get("format") != PHRASE_FORMAT or list(data.get("features", ())) != list(PHRASE_FEATURES)
                or gate is None or list(gate["features"]) != list(PHRASE_STATIC)):
            raise UnspinError("E020", f"{path} is not a phrase model of this version; "
                              "refit it with scripts/fit_phrases.py")
        return cls(gate_of(gate), Calibration.of(data))


class PhraseCalibration:
    """Confidence with the phrase channel on: phrase readings (relation ``phrase_term``) by
    the phrase trees (or, without a phrase model, the decoder's posterior), every other
    reading by the word calibration (``unspin.calibration``, which never sees them)."""

    def __init__(self, words: Calibration, phrases: PhraseModel | None) -> None:
        self.words = words
        self.phrases = phrases

    def confidences(self, evidence: list[Evidence]) -> list[float]:
        chosen = [i for i, e in enumerate(evidence) if e.relation == PHRASE_TERM]
        if not chosen:
            return self.words.confidences(evidence)
        phrases = [evidence[i] for i in chosen]
        scores = (self.phrases.trees.walk(np.array([phrase_features(e) for e in phrases]), phrases)
                  if self.phrases is not None else [e.posterior for e in phrases])
        out = self.words.confidences([e for e in evidence if e.relation != PHRASE_TERM])
        for i, score in zip(chosen, scores):
            out.insert(i, score)
        return out

    def confidence(self, evidence: Evidence) -> float:
        return self.confidences([evidence])[0]


class Inventory:
    """Terms with their corpus counts: the file's sorted lines, searched by bisection."""

    def __init__(self, lines: list[str], name: str = "inventory") -> None:
        self.lines = lines  # "term TAB count TAB ..." sorted by term ("\t" sorts before " ")
        self.name = name
        self._following: dict[str, frozenset[str]] = {}

    @classmethod
    def load(cls, path: str | Path) -> "Inventory":
        path = Path(path)
        if not path.exists():
            raise UnspinError("E001", f"term inventory {path} is missing (the phrase channel needs it)")
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            if not handle.readline().startswith(INVENTORY_FORMAT):
                raise UnspinError("E020", f"{path} is not an unspin term inventory")
            lines = handle.read().split("\n")
        if lines and not lines[-1]:
            lines.pop()
        return cls(lines, path.name)

    @classmethod
    def of(cls, counts: dict[str, int], name: str = "inventory") -> "Inventory":
        """An inventory from ``{term: count}`` (tests, tiny fixtures)."""
        return cls(sorted(f"{term}\t{count}\t0\t0" for term, count in counts.items()), name)

    def entry(self, term: str) -> tuple[int, float]:
        """(corpus count, PMI in bits per link) of ``term`` (space-joined words); (0, 0.0)
        if it is not in the inventory."""
        key = term + "\t"
        i = bisect.bisect_left(self.lines, key)
        if i < len(self.lines) and self.lines[i].startswith(key):
            fields = self.lines[i][len(key) :].split("\t", 2)
            return int(fields[0]), float(fields[1])
        return 0, 0.0

    def count(self, term: str) -> int:
        return self.entry(term)[0]

    def following(self, prefix: str) -> frozenset[str]:
        """The words that follow ``prefix`` (space-joined; "" for the first words) in terms."""
        hit = self._following.get(prefix)
        if hit is None:
            if len(self._following) > MAX_CACHED:
                self._following.clear()
            hit = self._following[prefix] = self._words_after(prefix)
        return hit

    def _words_after(self, prefix: str) -> frozenset[str]:
        lines = self.lines
        if not prefix:
            return frozenset(line.split(" ", 1)[0] for line in lines)
        low = bisect.bisect_left(lines, prefix + " ")
        high = bisect.bisect_left(lines, prefix + "!", low)  # "!" sorts right after " "
        start = len(prefix) + 1
        return frozenset(line[start:].split("\t", 1)[0].split(" ", 1)[0] for line in lines[low:high])


@dataclass(frozen=True, slots=True)
class Option:
    """A term word that a spun piece may stand for: the word to write (the piece's number
    kept), log10 q(piece | word) (0 for the piece itself) and whether it was re-inflected."""

    word: str
    log10_share: float
    same: bool
    inflected: bool = False
    wordnet: bool = False  # linked by the WordNet channel (not by the thesaurus alone)


@dataclass(frozen=True, slots=True)
class Match:
    """A term read into the first ``length`` tokens of a run."""

    length: int  # spun tokens
    words: tuple[str, ...]  # the term as restored (the run's number kept)
    term: str  # the inventory entry
    count: int
    pmi: float  # the term's association, bits per link
    run_count: int
    changed: int  # pieces that differ from the spun words
    kept: int  # term words left as they were
    log10_share: float  # sum of log10 q over the changed pieces
    min_log10_share: float  # the least likely changed piece
    inflected: int  # pieces read through a re-inflection
    wordnet: int  # changed pieces that the WordNet channel links (the others: Moby alone)
    pieces: tuple[int, ...] = ()  # spun tokens read as each term word
    same: tuple[bool, ...] = ()  # whether each term word is its piece as it stands

    def core(self) -> tuple[int, int]:
        """How many words the reading keeps as they stand at its head and at its tail (one
        token each): "current account shortage" -> "current account deficit" changes only
        "shortage", (2, 0).  At least one piece is left."""
        head = 0
        while head < len(self.pieces) - 1 and self.same[head] and self.pieces[head] == 1:
            head += 1
        tail = 0
        while tail < len(self.pieces) - head - 1 and self.same[-1 - tail] and self.pieces[-1 - tail] == 1:
            tail += 1
        return head, tail

    def log10_prior(self, log10_spin: float, log10_keep: float) -> float:
        """The reading's channel prior at a document's spin rate."""
        return (self.changed * (log10_spin + CHANGED_LOG10) + self.kept * log10_keep
                + SHARE_WEIGHT * self.log10_share + self.inflected * INFLECTED_LOG10)


class PhraseChannel:
    """Proposes established terms for runs of spun words (see the module docstring)."""

    def __init__(self, inventory: Inventory, lexicon: Lexicon, lm, model: PhraseModel | None = None) -> None:
        self.inventory = inventory
        self.lexicon = lexicon  # every synonym source as one channel (lexicon.merge)
        self.lm = lm
        self.model = model  # phrases.json: the gate and the confidence trees; None: no gate, posteriors
        self.gate = model.gate if model is not None else None  # over static_facts
        self.name = f"{inventory.name}+{lexicon.name}"
        self._options: dict[tuple[str, bool], dict[str, Option]] = {}
        self._matches: dict[tuple[str, ...], tuple[Match, ...]] = {}
        self._known: dict[tuple[str, str], bool] = {}

    @classmethod
    def load(cls, folder: Path, lexicon: Lexicon, lm) -> "PhraseChannel":
        """The folder's inventory and phrase model, reading ``lexicon`` (the WordNet channel)
        and the Moby thesaurus (the ``thesaurus`` channel source) backwards as one channel.
        E001 when the folder has no term inventory (the tiny test model has none)."""
        folder = Path(folder)
        inventory = Inventory.load(folder / INVENTORY)
        thesaurus = channel_sources.get(THESAURUS).load(folder)
        return cls(inventory, merge(lexicon, thesaurus), lm, PhraseModel.load(folder / PHRASES_MODEL))

    def use_gate(self, gate: Gate | None) -> None:
        """Read with ``gate`` (None: no gate) from now on; the cached matches passed the old one."""
        self.gate = gate
        self._matches = {}

    def calibrated(self, words: Calibration) -> PhraseCalibration:
        """The confidence of a restore with this channel: ``words`` for word readings, the
        phrase trees for phrase readings."""
        return PhraseCalibration(words, self.model)

    def gate_logit(self, match: "Match") -> float:
        """The log-odds that the reading is right from the term's facts alone (the gate's
        logistic regression; 0 without a gate)."""
        if self.gate is None:
            return 0.0
        intercept, weights, _least = self.gate
        return intercept + sum(w * x for w, x in zip(weights, static_facts(match)))

    def passes(self, match: "Match") -> bool:
        """Whether the term's facts alone make the reading worth decoding (the fitted gate
        keeps most right readings of its fit data and drops most wrong ones)."""
        return self.gate is None or self.gate_logit(match) >= self.gate[2]

    # ------------------------------------------------------------ what a piece may stand for

    def options(self, piece: str, head: bool = False) -> dict[str, Option]:
        """Possible term words for one spun piece (a word, or a multi-word replacement),
        keyed by the form the inventory holds.  ``head``: the piece ends the term, so a
        plural piece may match a singular term word, written back in the plural."""
        key = (piece, head)
        hit = self._options.get(key)
        if hit is None:
            if len(self._options) > MAX_CACHED:
                self._options.clear()
            hit = self._options[key] = self._build_options(piece, head)
        return hit

    def _build_options(self, piece: str, head: bool) -> dict[str, Option]:
        found: dict[str, Option] = {}

        def add(key: str, option: Option) -> None:
            if option.log10_share < MIN_OPTION_LOG10:
                return
            held = found.get(key)
            if held is None or (held.log10_share, held.same) < (option.log10_share, option.same):
                found[key] = option

        if " " not in piece:
            add(piece, Option(piece, 0.0, True))
        family = set(lemmas(piece)) | {piece} if " " not in piece else {piece}
        for link in self.lexicon.backward(piece):
            # the WordNet channel also lists other forms of the word ("algorithms" ->
            # "algorithm"); the run's number and form are kept, so they are not readings
            if " " not in link.original and not (link.original[:3] == piece[:3]
                                                  and family & ({link.original} | set(lemmas(link.original)))):
                add(link.original, Option(link.original, math.log10(link.share), False,
                                          wordnet=link.relation != THESAURUS))
        if " " in piece or "NNS" not in tags(piece):
            return found if " " in piece else _singular(found)
        # a plural noun: its lemma's originals, in the plural (irregular timberlands -> random
        # forests), keyed by the plural, or at the head by the singular the inventory may hold
        for lemma in lemmas(piece):
            if inflect(lemma, PLURAL)[:1] != (piece,):
                continue
            if head:
                add(lemma, Option(piece, 0.0, True))
            for link in self.lexicon.backward(lemma):
                if " " not in link.original:
                    for form in inflect(link.original, PLURAL)[:1]:
                        option = Option(form, math.log10(link.share), False, True, link.relation != THESAURUS)
                        add(form, option)
                        if head:
                            add(link.original, option)
        return found

    # ------------------------------------------------------------ terms for a run

    def matches(self, words: tuple[str, ...]) -> tuple[Match, ...]:
        """Every term read into a prefix of ``words`` (lowercase tokens), best first."""
        hit = self._matches.get(words)
        if hit is None:
            if len(self._matches) > MAX_CACHED:
                self._matches.clear()
            hit = self._matches[words] = self._find(words)
        return hit

    def _find(self, words: tuple[str, ...]) -> tuple[Match, ...]:
        inventory = self.inventory
        best: dict[tuple[int, tuple[str, ...]], Match] = {}
        pieces: dict[tuple[int, int, bool], dict[str, Option]] = {}

        def options(position: int, size: int, head: bool) -> dict[str, Option]:
            key = (position, size, head)
            if key not in pieces:
                piece = " ".join(words[position : position + size])
                pieces[key] = self.options(piece, head) if size == 1 or self.lexicon.is_replacement(piece) else {}
            return pieces[key]

        run_counts: dict[int, int] = {}
        # states: (tokens read, term so far, words written, options used, their summed log10 q)
        frontier: list[tuple] = [(0, "", (), (), 0.0)]
        while frontier:
            grown = []
            for position, prefix, written, used, share in frontier:
                allowed = inventory.following(prefix)
                for size in range(1, MAX_PIECE_WORDS + 1):
                    if position + size > len(words):
                        break
                    for head in (False, True) if used else (False,):
                        chosen = options(position, size, head)
                        keys = [k for k in allowed if k in chosen] if len(allowed) < len(chosen) \
                            else [k for k in chosen if k in allowed]
                        for key in keys:
                            option = chosen[key]
                            state = (position + size, f"{prefix} {key}" if prefix else key,
                                     written + (option.word,), used + ((option, size),),
                                     share + option.log10_share)
                            if head:
                                self._emit(state, words, best, run_counts)
                            elif len(used) + 1 < MAX_TERM_WORDS:
                                grown.append(state)
            if len(grown) > MAX_STATES:
                grown.sort(key=lambda state: (-state[4], state[1]))  # ties by the term: not by set order
                del grown[MAX_STATES:]
            frontier = grown
        return tuple(sorted(best.values(),
                            key=lambda m: (-(SHARE_WEIGHT * m.log10_share + math.log10(m.count)), m.term, m.words)))

    def _emit(self, state, words: tuple[str, ...], best: dict, run_counts: dict[int, int]) -> None:
        end, term, written, pieces, share = state
        used = tuple(option for option, _size in pieces)
        if written == words[:end]:
            return
        changed = [option for option in used if not option.same]
        if not changed:
            return
        count, pmi = self.inventory.entry(term)
        if end not in run_counts:
            run_counts[end] = self.inventory.count(" ".join(words[:end]))
        run_count = run_counts[end]
        if count < MIN_TERM_COUNT or math.log10(count / (run_count + 1)) < MIN_LOG10_RATIO:
            return
        held = best.get((end, written))
        if held is not None and (held.log10_share, term) >= (share, held.term):  # ties: the first term A-Z
            return
        match = Match(end, written, term, count, pmi, run_count, len(changed), len(used) - len(changed), share,
                      min(option.log10_share for option in changed), sum(option.inflected for option in used),
                      sum(option.wordnet for option in changed), tuple(size for _option, size in pieces),
                      tuple(option.same and option.word == words[at] for (option, _size), at
                            in zip(pieces, _starts(pieces))))
        if self.passes(match):
            best[(end, written)] = match

    # ------------------------------------------------------------ lattice arcs

    def _new_pair(self, first: str, second: str) -> bool:
        """Whether the language model never saw ``first second`` (a tortured pair is new)."""
        key = (first, second)
        hit = self._known.get(key)
        if hit is None:
            if len(self._known) > MAX_CACHED:
                self._known.clear()
            hit = self._known[key] = self.lm.bigram_known(first, second)
        return not hit

    def _run(self, tokens: tuple[Token, ...], begin: int) -> tuple[tuple[str, ...], int | None]:
        """The words of the run that starts at token ``begin`` (up to MAX_RUN_TOKENS, up to
        punctuation or an acronym), and how many tokens reach its first new word pair (None:
        no new pair, or a run that starts with a function word)."""
        if tokens[begin].norm in FUNCTION_WORDS:
            return (), None  # terms begin with a content word
        words: list[str] = []
        first_new = None
        for token in tokens[begin : begin + MAX_RUN_TOKENS]:
            if not is_word(token.text) or (len(token.text) > 1 and token.text.isupper()):
                break
            if words and first_new is None and self._new_pair(words[-1], token.norm):
                first_new = len(words) + 1
            words.append(token.norm)
        return tuple(words), first_new

    def arcs(self, tokens: tuple[Token, ...], begin: int, params) -> list[Arc]:
        """Phrase arcs for the terms read into the run that starts at token ``begin``
        (relation ``phrase_term``); ``params`` are the document's channel settings (its spin
        rate).  An arc covers only the tokens its term changes (``Match.core``): the words the
        term keeps at its ends are left to the keep arcs, so that a restored word is one
        reading however it was found and the edit is as small as the change.  An arc may
        therefore start after ``begin``."""
        words, first_new = self._run(tokens, begin)
        if first_new is None:
            return []
        log10_spin, log10_keep = params.log10_spin(False), params.log10_keep(False)
        best: dict[tuple[int, int, tuple[str, ...]], Arc] = {}
        per_span: dict[int, int] = {}
        for match in self.matches(words):
            if match.length < first_new or per_span.get(match.length, 0) >= MAX_READINGS_PER_SPAN:
                continue
            per_span[match.length] = per_span.get(match.length, 0) + 1
            arc = self._arc(match, begin, log10_spin, log10_keep)
            key = (arc.begin, arc.end, arc.candidate.words)
            if key not in best or best[key].candidate.log10_prior < arc.candidate.log10_prior:
                best[key] = arc
        return list(best.values())

    def _arc(self, match: Match, begin: int, log10_spin: float, log10_keep: float) -> Arc:
        """The arc of a term read into the run at token ``begin``: the words it changes, with
        the reading's prior at the document's rate."""
        prior = match.log10_prior(log10_spin, log10_keep)
        if self.gate is not None:
            # the prior also says how likely the gate finds the reading, so that a doubtful
            # term does not push the word readings of the run off the best path
            prior -= GATE_WEIGHT * math.log10(1.0 + math.exp(-self.gate_logit(match)))
        head, tail = match.core()
        prior -= (head + tail) * log10_keep  # the keep arcs of the words left as they stand count it
        words = match.words[head : len(match.words) - tail]
        candidate = Candidate(words, PHRASE_TERM, prior, match.term, match.log10_share, static_facts(match))
        return Arc(begin + head, begin + match.length - tail, candidate)

    def term_around(self, tokens: tuple[Token, ...], begin: int, end: int,
                    words: tuple[str, ...]) -> tuple[int, int, tuple[str, ...]] | None:
        """The whole term behind a phrase reading of tokens [begin, end) as ``words``: (its
        first token, its end token, the term as restored), the likeliest (by the prior at
        REPORT_RATE) where several terms give that reading; None if none does."""
        log10_spin, log10_keep = math.log10(REPORT_RATE), math.log10(1.0 - REPORT_RATE)
        best, found = -math.inf, None
        for start in range(max(0, begin - MAX_RUN_TOKENS + 1), begin + 1):
            run, first_new = self._run(tokens, start)
            if first_new is None:
                continue
            for match in self.matches(run):
                if match.length < first_new:
                    continue  # not a reading ``arcs`` makes: it holds no new word pair
                arc = self._arc(match, start, log10_spin, log10_keep)
                if ((arc.begin, arc.end, arc.candidate.words) == (begin, end, words)
                        and arc.candidate.log10_prior > best):
                    best, found = arc.candidate.log10_prior, (start, start + match.length, match.words)
        return found


def _singular(found: dict[str, "Option"]) -> dict[str, "Option"]:
    """A singular piece's options without the plural of a term word whose singular is an option
    too: the WordNet channel lists both forms ("rock" <- stone, stones), and a paper mill keeps
    the number it read ("kidney rock" is "kidney stone", not "kidney stones").  Only plurals in
    -s: "data" stays an option beside "datum" ("crude information" is "raw data")."""
    plurals = [key for key in found if key.endswith("s") and "NNS" in tags(key)  # not "data" (datum)
               and any(lemma in found and inflect(lemma, PLURAL)[:1] == (key,) for lemma in lemmas(key))]
    return {key: option for key, option in found.items() if key not in plurals} if plurals else found


def _starts(pieces) -> list[int]:
    """The first spun token of each piece, counted from the run's start."""
    starts, at = [], 0
    for _option, size in pieces:
        starts.append(at)
        at += size
    return starts


# ---------------------------------------------------------------- research-integrity report

REPORT_THRESHOLD = 0.5  # a phrase reading at least this confident is reported as suspected
REPORT_RATE = 0.1  # the spin rate at which the report weighs the terms that give one reading


@dataclass(frozen=True, slots=True)
class SuspectedPhrase:
    """A run that looks like a tortured term: code-point offsets, the text, the likely term."""

    start: int
    end: int
    spun: str
    term: str
    confidence: float


@dataclass(frozen=True, slots=True)
class PhraseReport:
    """The suspected tortured phrases of one document (as the Problematic Paper Screener
    lists its fingerprints, but for phrases no list holds)."""

    phrases: tuple[SuspectedPhrase, ...]
    words: int
    signature: str

    @property
    def count(self) -> int:
        return len(self.phrases)

    def shifted(self, offset: int) -> "PhraseReport":
        """The same report for a piece that starts ``offset`` code points into a document."""
        return PhraseReport(tuple(dataclasses.replace(p, start=p.start + offset, end=p.end + offset)
                                  for p in self.phrases), self.words, self.signature)

    def to_dict(self) -> dict:
        return {"format": "unspin.phrase_report/1", "count": self.count, "words": self.words,
                "phrases": [{"start": p.start, "end": p.end, "spun": p.spun, "term": p.term,
                             "confidence": p.confidence} for p in self.phrases],
                "signature": self.signature}


def report(text: str, restorer=None, threshold: float = REPORT_THRESHOLD) -> PhraseReport:
    """Each suspected tortured phrase of ``text`` with its likely term and confidence.  A
    restore edits only the words a term changes ("profound" -> "deep"); the report names the
    whole run and term ("profound learning" -> "deep learning").  A word edit counts too where
    a term of the phrase channel gives the same reading there (the word channel and the term
    found one reading: the lattice keeps one arc, under the likelier derivation's relation).

        unspin.phrases.report("The model relies on man-made intelligence.").phrases[0].term  # 'artificial intelligence'
    """
    from unspin.restorer import default_restorer

    restorer = restorer or default_restorer()
    result = restorer.restore(text, threshold=min(threshold, restorer.settings.threshold), phrases=True)
    tokens = tokenize(text).tokens
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i + 1 for i, t in enumerate(tokens)}
    found = (_suspected(text, tokens, starts.get(edit.start), ends.get(edit.end), edit, restorer.phrase_channel)
             for edit in result.edits if edit.confidence >= threshold and edit.relation != "article")
    phrases = tuple(phrase for phrase in found if phrase is not None)
    return PhraseReport(phrases, sum(1 for t in tokens if is_word(t.text)), result.signature)


def _suspected(text: str, tokens: tuple[Token, ...], begin: int | None, end: int | None, edit,
               channel: PhraseChannel) -> SuspectedPhrase | None:
    """The report's entry for one edit (tokens [begin, end); None where its ends are not token
    ends): the whole run of the term it restores; a phrase edit whose term is not found again
    stands for itself; None for a word edit that no term gives."""
    found = None
    if begin is not None and end is not None:
        found = channel.term_around(tokens, begin, end, tuple(edit.restored.lower().split()))
    if found is None:
        if edit.relation != PHRASE_TERM:
            return None
        return SuspectedPhrase(edit.start, edit.end, edit.spun, edit.restored, edit.confidence)
    first, last, _words = found
    start, stop = tokens[first].start, tokens[last - 1].end
    term = text[start : edit.start] + edit.restored + text[edit.end : stop]
    return SuspectedPhrase(start, stop, text[start:stop], term, edit.confidence)
