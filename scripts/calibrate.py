#!/usr/bin/env python3
"""Fit the confidence model (src/unspin/data/calibration.json), and the leave-one-family-out
models that the family benchmark (bench/families_bench.py) reports with.

Held-in data that the LM never saw: the last 2,000 lines of bbc_news (left out of the
LM by scripts/build_lm.py; never eval/).  They are spun by every registered spinner family
(the first at several rates, every other at 0.25, each also in corpus mode and restored with
a spinner profile: its own, and another family's) and left clean, decoded, and every reading
the decoder proposes is marked right or wrong against the gold edits.  Gradient-boosted trees over the evidence (evidence.features) map it to
P(edit is right).  The decoding model (``--model``) must not have seen the held-out lines:
it is the calibration LM of scripts/build_lm.py; the shipped LM, which has, is applied with
the same trees.

Two steps, so that every set is decoded once and many fits are cheap:

    # 1. decode every set into DUMPS/<family>-<rate>-<mode>.jsonl.gz (skips sets already
    #    dumped; --families splits the work between processes)
    python scripts/calibrate.py dump --model build/calibration-model --dumps build/dumps
    # 2. fit on every dump (the shipped trees), or without one family (for the benchmark)
    python scripts/calibrate.py fit --model build/calibration-model --dumps build/dumps
    python scripts/calibrate.py fit --model build/calibration-model --dumps build/dumps \
        --exclude wordnet-walk --out build/lofo/wordnet-walk
    # 3. the profile confidence model (unspin.profiles.confidence) on the profile sets, over
    #    the first confidences of each set's family's leave-one-out trees (--lofo)
    python scripts/calibrate.py fit-profile --model build/calibration-model --dumps build/dumps \
        --lofo build/lofo [--exclude wordnet-walk --out build/lofo/wordnet-walk]

Profile sets: "profile" restores the held-out lines of a family with a profile learned
(``unspin learn``) from PROFILE_PAGES other pages (training news, abc_news) spun by the
same spinner; "mismatched" with the profile of another family (the next one in the
registry); the clean lines are restored with the first family's profile.  The profiles are
learned once per family and kept in DUMPS/profiles/.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import random
import lzma
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from common import CORPUS, DATA, pages  # noqa: E402  (also puts src/ on the path)
from unspin.calibration import FORMAT, fit_trees  # noqa: E402
from unspin.data import CALIBRATION_HOLDOUT as HOLDOUT  # noqa: E402
from unspin.data import read_manifest, sha256, update_manifest  # noqa: E402
from unspin.edits import document_proposals  # noqa: E402
from unspin.evidence import FEATURES, Evidence, features  # noqa: E402
from unspin.passes import gather  # noqa: E402
from unspin.registry import families  # noqa: E402
from unspin.restorer import Restorer  # noqa: E402
from unspin.simulate import spin  # noqa: E402
from unspin.textio import atomic_path, write_atomic  # noqa: E402
from unspin.tokenize import tokenize  # noqa: E402

LINES_PER_DOCUMENT = 6
FIRST_RATES = (0.1, 0.25, 0.4)  # the first family (the news spinner) is fit at several rates
RATE = 0.25  # every other family, corpus mode and profiles
ENCODER_DROPOUT = 0.3  # share of readings fitted as if the encoder were off
CLEAN = "clean"  # the name of the clean set (no family: never left out)
PROFILE_PAGES = 300  # pages a profile of the profile sets is learned from
PROFILE_SOURCE = ("abc_news.txt.xz",)  # training news the profiles are learned from
MODES = ("document", "corpus", "profile", "mismatched")


def fitting_sets(names: tuple[str, ...]) -> list[tuple[str, float, str]]:
    """(family, rate, mode) sets to fit on, documents of 6 lines: the first family at several
    rates, every other family at 0.25, clean text (rate 0), then every family in corpus mode,
    with its own profile and with another's.  "document": a spinner seed per document, each
    restored alone; "corpus": one seed for all of them (one spinner, one dictionary), restored
    in corpus mode (``gather`` first); "profile": one seed, restored with a profile learned
    from other pages of that spinner; "mismatched": with the profile of another family
    (``partner``).  The clean lines are also restored with a profile ("profile")."""
    first, others = names[0], names[1:]
    return ([(first, rate, "document") for rate in FIRST_RATES] + [(name, RATE, "document") for name in others]
            + [(CLEAN, 0.0, "document")] + [(name, RATE, "corpus") for name in names]
            + [(name, RATE, "profile") for name in names] + [(name, RATE, "mismatched") for name in names]
            + [(CLEAN, 0.0, "profile")])


# every registered family that calibration fits read (the benchmark leaves one out at a time;
# a family registered with fitted=False is held out of every fit)
FAMILIES = tuple(name for name in families.names() if families.get(name).fitted)
PROFILES = fitting_sets(FAMILIES)


def partner(family: str, mode: str) -> str | None:
    """The family whose profile a set is restored with (None: no profile)."""
    if mode == "profile":
        return FAMILIES[0] if family == CLEAN else family
    if mode == "mismatched":
        return FAMILIES[(FAMILIES.index(family) + 1) % len(FAMILIES)]
    return None


def learned_profile(restorer: Restorer, family: str, dumps: Path, count: int = PROFILE_PAGES):
    """The profile of ``family``'s spinner (seed 0, rate 0.25) learned from ``count`` pages
    of training news; kept in DUMPS/profiles/FAMILY.tsv.gz once learned."""
    from unspin.profiles import read, write

    path = dumps / "profiles" / f"{family}-{count}.tsv.gz"
    if path.exists():
        return read(path)
    spun = [spin(page, profile=family, seed=0, rate=RATE).spun for page in pages(count, PROFILE_SOURCE)]
    profile = restorer.learn(spun, name=family)
    write(profile, path)
    print(f"learned the {family} profile from {count} pages: {profile.statistics()}", flush=True)
    return profile


def dump_name(family: str, rate: float, mode: str) -> str:
    return f"{family}-{rate:g}-{mode}.jsonl.gz"


def held_out_lines(corpus: Path, count: int) -> list[str]:
    with lzma.open(corpus / "bbc_news.txt.xz", "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()[-HOLDOUT:]
    return lines[:count]


def labelled_readings(restorer: Restorer, lines: list[str], profile: str, rate: float, mode: str,
                      dumps: Path | None = None, profile_pages: int = PROFILE_PAGES):
    """(evidence, right?) for every reading of every span the decoder changes."""
    starts = range(0, len(lines), LINES_PER_DOCUMENT)
    learned = partner(profile, mode)
    learned = learned_profile(restorer, learned, dumps, profile_pages) if learned is not None else None
    family = FAMILIES[0] if profile == CLEAN else profile
    golds = [spin("\n".join(lines[start : start + LINES_PER_DOCUMENT]), profile=family,
                  seed=seed if mode == "document" else 0, rate=rate) for seed, start in enumerate(starts)]
    corpus = habits = None
    if mode == "corpus":  # as Restorer.restore_many(corpus=True): the crawl's check decides, its habits lent
        gathered = gather((tokenize(gold.spun) for gold in golds), restorer.lm, restorer.table, restorer.settings)
        (corpus, _check), habits = gathered.for_corpus_mode(), gathered.habits()
    for gold in golds:
        wanted = {(g.spun_start, g.spun_end): g.original.lower() for g in gold.edits}
        found, _use, _alone = document_proposals(tokenize(gold.spun), restorer.lm, restorer.table, restorer.settings,
                                                 restorer.topics, corpus, restorer.encoder(), learned, habits)
        for proposal in found:
            span = (proposal.tokens[proposal.begin].start, proposal.tokens[proposal.end - 1].end)
            for candidate, evidence in proposal.readings:
                if evidence is not None:
                    yield evidence, wanted.get(span) == " ".join(candidate.words)


def fitted_on(restorer: Restorer, out: Path, lines: int, sets: list[tuple[str, float, str]]) -> dict:
    """What the trees are fitted on (calibration.json's ``fitted_on``, also in the manifest):
    the families and sets, the decoder settings, the LM that decoded them and the shipped LM
    (in ``out``) they will be applied with.  Loading checks the LM order against it."""
    lm_name = restorer.lm.path.name
    decoded = read_manifest(restorer.folder)["files"].get(lm_name, {})
    shipped = read_manifest(out)["files"].get("lm.binary", {})
    settings = restorer.settings
    encoder = restorer.encoder()
    return {"encoder": None if encoder is None else {
                "file": "encoder.onnx", "sha256": sha256(encoder.folder / "encoder.onnx"),
                "families": list(encoder.families)},
            "families": sorted({family for family, _rate, _mode in sets if family != CLEAN}),
            "sets": [list(item) for item in sets],
            "data": f"the last {HOLDOUT} lines of bbc_news (the first {lines} of them), "
                    f"documents of {LINES_PER_DOCUMENT} lines",
            "settings": {"beam_size": settings.beam_size, "max_candidates": settings.max_candidates,
                         "spin_rate": settings.spin_rate},
            "lm": {"order": restorer.lm.order, "prune": decoded.get("prune"),
                   "decoded_with": {"file": f"calibration LM {lm_name} (scripts/build_lm.py --holdout {HOLDOUT})",
                                    "sha256": decoded.get("sha256")},
                   "meant_for": {"file": "lm.binary", "sha256": shipped.get("sha256"), "order": shipped.get("order"),
                                 "prune": shipped.get("prune")}}}


def dump(restorer: Restorer, lines: list[str], dumps: Path, names: tuple[str, ...],
         modes: tuple[str, ...] = MODES, profile_pages: int = PROFILE_PAGES) -> None:
    """Decode every set of ``names`` (and the clean set) in ``modes`` that has no dump yet."""
    dumps.mkdir(parents=True, exist_ok=True)
    for profile, rate, mode in PROFILES:
        path = dumps / dump_name(profile, rate, mode)
        if profile not in names or mode not in modes or path.exists():
            continue
        found = list(labelled_readings(restorer, lines, profile, rate, mode, dumps, profile_pages))
        print(f"{profile} {rate} ({mode}): {len(found)} readings, {sum(r for _, r in found)} right", flush=True)
        with atomic_path(path) as partial, gzip.open(partial, "wt", encoding="utf-8") as handle:
            for evidence, right in found:
                handle.write(json.dumps({"evidence": dataclasses.asdict(evidence), "right": right}) + "\n")


def read_dumps(dumps: Path, exclude: tuple[str, ...], modes: tuple[str, ...] = MODES, with_family: bool = False):
    """(evidence, right) of every dumped set whose family is not excluded and whose mode is
    one of ``modes``, and those sets (and with ``with_family`` each sample's family)."""
    samples, sets, families_of = [], [], []
    for profile, rate, mode in PROFILES:
        if profile in exclude or partner(profile, mode) in exclude or mode not in modes:
            continue
        path = dumps / dump_name(profile, rate, mode)
        if not path.exists():
            raise SystemExit(f"{path} is missing: run `calibrate.py dump` first")
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                samples.append((Evidence(**record["evidence"]), record["right"]))
                families_of.append(profile)
        sets.append((profile, rate, mode))
    return (samples, sets, families_of) if with_family else (samples, sets)


def without_encoder(samples: list, share: float = ENCODER_DROPOUT, seed: int = 0) -> list:
    """The samples with the encoder's evidence removed from a random ``share`` of them, so
    that the trees also serve restores with the n-gram alone (the setting scorer="ngram")."""
    rng = random.Random(seed)
    return [(dataclasses.replace(e, neural=None, neural_keep=None, detect=None, detect_document=None)
             if e.neural is not None and rng.random() < share else e, right) for e, right in samples]


def neutral_features(patterns: str) -> frozenset[str]:
    """The features named by comma-separated names or prefixes ending in "*"
    ("relation_*,log10_share"); E: an unknown name or a prefix that matches none."""
    chosen = set()
    for pattern in (p.strip() for p in patterns.split(",") if p.strip()):
        found = [name for name in FEATURES if name == pattern or (pattern.endswith("*") and name.startswith(pattern[:-1]))]
        if not found:
            raise SystemExit(f"--neutral: no feature matches {pattern!r}")
        chosen.update(found)
    return frozenset(chosen)


def balanced_weights(families_of: list[str]) -> list[float]:
    """A weight per sample such that every family's samples weigh the same in all (their mean
    weight is 1): the wordnet family's three rates do not outweigh the others."""
    counts = Counter(families_of)
    return [len(families_of) / (len(counts) * counts[family]) for family in families_of]


def fit(restorer: Restorer, samples: list, sets: list, out: Path, lines: int,
        neutral: frozenset[str] = frozenset(), families_of: list[str] | None = None, **tree_options) -> None:
    """Fit the trees; ``neutral`` features are held at 0 (the trees never split on them, and
    the feature list stays the runtime's); with ``families_of``, every family weighs the same;
    ``tree_options`` go to ``fit_trees`` (min_samples_leaf, l2_regularization)."""
    samples = without_encoder(samples)
    rows = [[0.0 if name in neutral else values[name] for name in FEATURES]
            for values in (features(e) for e, _ in samples)]
    labels = [right for _, right in samples]
    record = fitted_on(restorer, out, lines, sets)
    if neutral:
        record["neutral_features"] = sorted(neutral)
    weights = balanced_weights(families_of) if families_of is not None else None
    if weights is not None or tree_options:
        record["fit_options"] = {"balanced_families": weights is not None, **tree_options}
    model = {**fit_trees(rows, labels, sample_weight=weights, **tree_options), "samples": len(samples),
             "right": int(sum(labels)), "fitted_on": record}
    print(f"{len(samples)} readings, {sum(labels)} right, {len(model['trees']['roots'])} trees, "
          f"families {', '.join(record['families'])}")
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "calibration.json", json.dumps(model, indent=2) + "\n")
    update_manifest(out, "calibration.json", {
        "format": FORMAT, "built_by": "scripts/calibrate.py",
        "fitted_on": {key: value for key, value in record.items() if key != "sets"},
        "source": f"last {HOLDOUT} lines of bbc_news, first {lines}, spun with {sets}, decoded "
                  "with the calibration LM (scripts/build_lm.py --holdout 2000), which never saw them",
        "model": "scikit-learn HistGradientBoostingClassifier (300 trees, 31 leaves, depth 8) as flat arrays"})


def first_confidences(samples: list, sets: list[str], lofo: Path | None, shipped: Path) -> list[float]:
    """Each sample's confidence from the calibration trees as a restore would give it before
    the profile model: a family's set through the trees fitted without that family
    (``lofo``/FAMILY/calibration.json, so that the confidences are held out, as when the
    family benchmark reports that family), the clean set through the shipped trees."""
    from unspin.calibration import Calibration

    out = [0.0] * len(samples)
    for family in dict.fromkeys(sets):  # each family's trees walk all of its samples at once
        path = lofo / family / "calibration.json" if lofo is not None and family != CLEAN else None
        if path is not None and not path.exists():
            raise SystemExit(f"{path} is missing: fit the leave-one-out trees first")
        chosen = [i for i, other in enumerate(sets) if other == family]
        found = Calibration.load(path or shipped / "calibration.json").confidences([samples[i][0] for i in chosen])
        for i, confidence in zip(chosen, found):
            out[i] = confidence
    return out


def fit_profile(samples: list, families_of: list[str], sets: list, out: Path, lofo: Path | None,
                shipped: Path) -> None:
    """Fit the profile confidence model on the readings restored with a profile."""
    from unspin.profiles.confidence import FEATURES as PROFILE_FEATURES
    from unspin.profiles.confidence import FORMAT as PROFILE_FORMAT
    from unspin.profiles.confidence import MODEL_FILE as PROFILE_FILE
    from unspin.profiles.confidence import features as profile_features
    from unspin.profiles.confidence import with_profile

    chosen = [(sample, family) for sample, family in zip(samples, families_of) if with_profile(sample[0])]
    samples, families_of = [s for s, _f in chosen], [f for _s, f in chosen]
    first = first_confidences(samples, families_of, lofo, shipped)
    rows = [profile_features(e, p) for (e, _right), p in zip(samples, first)]
    labels = [right for _e, right in samples]
    record = {"families": sorted({family for family, _rate, _mode in sets if family != CLEAN}),
              "sets": [list(item) for item in sets],
              "first_confidence": "each family's leave-one-out trees (" + (str(lofo) if lofo else "none") +
                                  "/FAMILY/calibration.json); the clean set's: the shipped trees",
              "data": f"the last {HOLDOUT} lines of bbc_news, documents of {LINES_PER_DOCUMENT} lines, "
                      "restored with a profile (the profile and mismatched sets)"}
    model = {**fit_trees(rows, labels, iterations=100, max_leaf_nodes=15, max_depth=6,
                         format=PROFILE_FORMAT, names=PROFILE_FEATURES),
             "samples": len(samples), "right": int(sum(labels)), "fitted_on": record}
    print(f"profile model: {len(samples)} readings, {sum(labels)} right, families {', '.join(record['families'])}")
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / PROFILE_FILE, json.dumps(model, indent=1) + "\n")
    update_manifest(out, PROFILE_FILE, {
        "format": PROFILE_FORMAT, "built_by": "scripts/calibrate.py fit-profile",
        "fitted_on": {key: value for key, value in record.items() if key != "sets"},
        "source": f"last {HOLDOUT} lines of bbc_news spun with {sets}, decoded with the calibration LM "
                  "(scripts/build_lm.py --holdout 2000), restored with spinner profiles learned from abc_news",
        "model": "scikit-learn HistGradientBoostingClassifier (100 trees, 15 leaves, depth 6) as flat arrays"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=("dump", "fit", "fit-profile"))
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--lines", type=int, default=HOLDOUT)
    parser.add_argument("--out", type=Path, default=DATA, help="folder for calibration.json (fit)")
    parser.add_argument("--model", type=Path, required=True,
                        help="model folder that decodes; its LM must not have seen the held-out lines")
    parser.add_argument("--dumps", type=Path, required=True, help="folder of the labelled evidence")
    parser.add_argument("--families", default=",".join(FAMILIES + (CLEAN,)),
                        help="families (and the clean set) to dump, comma-separated")
    parser.add_argument("--exclude", default="", help="families to leave out of the fit (comma-separated)")
    parser.add_argument("--balance", action="store_true", help="fit: every family's readings weigh the same")
    parser.add_argument("--min-leaf", type=int, help="fit: fewest readings in a leaf (default 20)")
    parser.add_argument("--l2", type=float, help="fit: L2 regularisation of the leaves (default 0)")
    parser.add_argument("--neutral", default="", help="fit: features held at 0, names or prefixes* "
                        "(comma-separated), e.g. relation_* for trees that do not read the relation's name")
    parser.add_argument("--modes", default=",".join(MODES), help="modes to dump or fit on (comma-separated: "
                        + ", ".join(MODES) + "; fit with document,corpus where the profile sets were not "
                        "dumped: profile evidence then reads as a document's own, evidence.features.SOURCE_VALUES)")
    parser.add_argument("--lofo", type=Path, default=None,
                        help="fit-profile: folder of the leave-one-out trees (FAMILY/calibration.json)")
    parser.add_argument("--profile-pages", type=int, default=PROFILE_PAGES,
                        help="pages each profile of the profile sets is learned from")
    args = parser.parse_args()

    # the encoder's evidence goes into the dumps (and the trees) where the folder has an encoder
    from unspin.scorers.neural import MODEL_FILE
    restorer = Restorer(args.model, scorer="neural" if (args.model / MODEL_FILE).exists() else "ngram")
    modes = tuple(mode for mode in args.modes.split(",") if mode)
    unknown = [mode for mode in modes if mode not in MODES]
    if unknown:
        raise SystemExit(f"unknown modes: {', '.join(unknown)}")
    if args.step == "dump":
        names = tuple(name for name in args.families.split(",") if name)
        dump(restorer, held_out_lines(args.corpus, args.lines), args.dumps, names, modes, args.profile_pages)
    else:
        exclude = tuple(name for name in args.exclude.split(",") if name)
        unknown = [name for name in exclude if name not in FAMILIES]
        if unknown:
            raise SystemExit(f"unknown families: {', '.join(unknown)}")
        if args.step == "fit-profile":
            modes = tuple(mode for mode in modes if mode in ("profile", "mismatched"))
            samples, sets, families_of = read_dumps(args.dumps, exclude, modes, with_family=True)
            fit_profile(samples, families_of, sets, args.out, args.lofo, DATA)
        else:
            samples, sets, families_of = read_dumps(args.dumps, exclude, modes, with_family=True)
            options = {key: value for key, value in (("min_samples_leaf", args.min_leaf),
                                                     ("l2_regularization", args.l2)) if value is not None}
            fit(restorer, samples, sets, args.out, args.lines, neutral_features(args.neutral),
                families_of if args.balance else None, **options)


if __name__ == "__main__":
    main()
