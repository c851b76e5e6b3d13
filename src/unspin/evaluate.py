"""Scoring a restorer against gold spun text, ERRANT-style.

Restorer edits and gold edits are aligned by their offsets in the spun text.  A gold site is
FIXED when the restorer edits overlapping it turn that stretch of text back into the original
wording, WRONG when they touch it but write something else, MISSED when untouched.  A
restorer edit that touches no gold site is a FALSE edit.  When one restorer edit spans several
gold sites they are judged together (all fixed or all wrong).

precision = fixed / (fixed + wrong + false), recall = fixed / sites, F0.5 weights precision.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from typing import Iterable, Sequence

import click

from unspin.errors import UnspinError
from unspin.schema import restoration_from_dict
from unspin.simulate import GoldEdit, SpunText
from unspin.tokenize import is_word, tokenize
from unspin.types import Edit, Restoration, apply_edits, splice

KINDS = ("fixed", "wrong", "missed", "false")
CONTEXT_CHARS = 40


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict on one gold site or one false edit, in spun-text offsets.

    ``spun``, ``restored`` and ``original`` cover the judged stretch: the gold site, widened to
    the restorer edits that touch it (and to the other sites those edits touch).
    """

    kind: str
    start: int
    end: int
    spun: str
    restored: str  # what the restorer left there (== spun when missed)
    original: str  # the gold wording ("" for a false edit: the spun text was right)
    relation: str  # gold relation, or the restorer's for a false edit
    context: str


@dataclass(frozen=True, slots=True)
class Counts:
    sites: int = 0
    fixed: int = 0
    wrong: int = 0
    missed: int = 0
    false: int = 0

    @classmethod
    def of(cls, judgements: Iterable[Judgement]) -> "Counts":
        tally = Counter(j.kind for j in judgements)
        return cls(tally["fixed"] + tally["wrong"] + tally["missed"], tally["fixed"],
                   tally["wrong"], tally["missed"], tally["false"])

    @property
    def precision(self) -> float:
        proposed = self.fixed + self.wrong + self.false
        return self.fixed / proposed if proposed else 1.0

    @property
    def recall(self) -> float:
        return self.fixed / self.sites if self.sites else 1.0

    @property
    def f05(self) -> float:
        p, r = self.precision, self.recall
        return 1.25 * p * r / (0.25 * p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {**asdict(self), "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f05": round(self.f05, 4)}


# ---------------------------------------------------------------- alignment

def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Half-open overlap; an empty span (insertion) overlaps spans it touches."""
    if a_start == a_end or b_start == b_end:
        return max(a_start, b_start) <= min(a_end, b_end)
    return max(a_start, b_start) < min(a_end, b_end)


def judge(gold: SpunText, restoration: Restoration) -> list[Judgement]:
    """Verdicts for every gold site of one document and every false edit of the restorer."""
    text = gold.spun
    if restoration.text != text:
        raise UnspinError("E030", "restored document does not match its gold spun text; "
                                  "are --gold and --restored in the same order?")
    sites = sorted(gold.edits, key=lambda g: g.spun_start)
    edits = sorted(restoration.edits, key=lambda e: e.start)
    for edit in edits:
        if text[edit.start : edit.end] != edit.spun:
            raise UnspinError("E011", f"restorer edit {edit.spun!r} at {edit.start} does not match the spun text")
    touching = [[e for e in edits if overlaps(g.spun_start, g.spun_end, e.start, e.end)] for g in sites]
    judgements = [_judge_site(text, sites, index, touching) for index in range(len(sites))]
    for edit in edits:
        if not any(overlaps(g.spun_start, g.spun_end, edit.start, edit.end) for g in sites):
            judgements.append(Judgement("false", edit.start, edit.end, edit.spun, edit.restored, "",
                                        edit.relation, snippet(text, edit.start, edit.end)))
    return sorted(judgements, key=lambda j: (j.start, j.end))


def _judge_site(text: str, sites: list[GoldEdit], index: int, touching: list[list[Edit]]) -> Judgement:
    site = sites[index]
    context = snippet(text, site.spun_start, site.spun_end)
    edits = touching[index]
    if not edits:
        return Judgement("missed", site.spun_start, site.spun_end, site.spun, site.spun,
                         site.original, site.relation, context)
    group = _component(sites, index, touching)
    members = [sites[i] for i in group]
    group_edits = {(e.start, e.end, e.restored) for i in group for e in touching[i]}
    start = min([g.spun_start for g in members] + [e[0] for e in group_edits])
    end = max([g.spun_end for g in members] + [e[1] for e in group_edits])
    expected = splice(text, [(g.spun_start, g.spun_end, g.original) for g in members], start, end)
    produced = splice(text, group_edits, start, end)
    kind = "fixed" if produced == expected else "wrong"
    return Judgement(kind, site.spun_start, site.spun_end, text[start:end], produced, expected,
                     site.relation, context)


def _component(sites: list[GoldEdit], index: int, touching: list[list[Edit]]) -> list[int]:
    """Gold sites linked to site ``index`` through restorer edits that span several sites."""
    group, frontier = {index}, [index]
    while frontier:
        current = frontier.pop()
        for edit in touching[current]:
            for other, edits in enumerate(touching):
                if other not in group and edit in edits:
                    group.add(other)
                    frontier.append(other)
    return sorted(group)


def runs(gold: SpunText) -> list[list[GoldEdit]]:
    """The gold edits grouped into sites as a reader sees them: runs of adjacent edits with
    nothing but whitespace between them ("erstwhile sergeant successful" is one site when
    two of its words were spun)."""
    grouped: list[list[GoldEdit]] = []
    for edit in sorted(gold.edits, key=lambda g: g.spun_start):
        if grouped and not gold.spun[grouped[-1][-1].spun_end : edit.spun_start].strip():
            grouped[-1].append(edit)
        else:
            grouped.append([edit])
    return grouped


def judge_runs(gold: SpunText, restoration: Restoration) -> list[Judgement]:
    """Verdicts per site (``runs``): FIXED when every edit of the run is fixed, MISSED when
    none is touched, else WRONG (a half-repaired phrase is still broken); false edits as
    ``judge``."""
    per_edit = judge(gold, restoration)
    by_start = {j.start: j for j in per_edit if j.kind != "false"}
    judged = [j for j in per_edit if j.kind == "false"]
    for run in runs(gold):
        members = [by_start[edit.spun_start] for edit in run]
        kinds = {j.kind for j in members}
        kind = kinds.pop() if len(kinds) == 1 else "wrong"
        first, last = members[0], members[-1]
        judged.append(Judgement(kind, first.start, last.end, gold.spun[first.start : last.end],
                                " ".join(j.restored for j in members), " ".join(j.original for j in members),
                                "+".join(j.relation for j in members), first.context))
    return sorted(judged, key=lambda j: (j.start, j.end))


def unspun_words(gold: SpunText) -> int:
    """Word tokens of the spun text outside every gold edit (what a false edit there damages)."""
    spans = [(e.spun_start, e.spun_end) for e in gold.edits]
    return sum(1 for t in tokenize(gold.spun).tokens
               if is_word(t.text) and not any(s <= t.start < e for s, e in spans))


def snippet(text: str, start: int, end: int) -> str:
    left = text[max(0, start - CONTEXT_CHARS) : start]
    right = text[end : end + CONTEXT_CHARS]
    return f"{left}[{text[start:end]}]{right}".replace("\n", " ")


# ---------------------------------------------------------------- other measures

def words(text: str) -> list[str]:
    return [t.text for t in tokenize(text).tokens if is_word(t.text)]


def word_errors(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    """Word-level Levenshtein distance (common prefix and suffix trimmed first)."""
    begin = 0
    while begin < min(len(reference), len(hypothesis)) and reference[begin] == hypothesis[begin]:
        begin += 1
    r_end, h_end = len(reference), len(hypothesis)
    while r_end > begin and h_end > begin and reference[r_end - 1] == hypothesis[h_end - 1]:
        r_end, h_end = r_end - 1, h_end - 1
    ref, hyp = reference[begin:r_end], hypothesis[begin:h_end]
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]


def roc_auc(positives: Sequence[float], negatives: Sequence[float]) -> float | None:
    """P(score of a random positive > score of a random negative), ties counting half."""
    if not positives or not negatives:
        return None
    ranked = sorted([(s, 1) for s in positives] + [(s, 0) for s in negatives])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        average = (i + j + 1) / 2  # ranks are 1-based
        rank_sum += average * sum(label for _, label in ranked[i:j])
        i = j
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def worst(judgements: Iterable[Judgement], n: int) -> list[dict]:
    """The ``n`` most frequent wrong/missed (spun, restored, original) triples with an example."""
    tally: Counter = Counter()
    example: dict = {}
    for j in judgements:
        if j.kind in ("wrong", "missed"):
            key = (j.kind, j.spun, j.restored, j.original, j.relation)
            tally[key] += 1
            example.setdefault(key, j.context)
    return [{"count": count, "kind": key[0], "spun": key[1], "restored": key[2], "original": key[3],
             "relation": key[4], "context": example[key]} for key, count in tally.most_common(n)]


# ---------------------------------------------------------------- confidence intervals

RESAMPLES = 1000
BOOTSTRAP_SEED = 12345  # sacreBLEU's
CONFIDENCE = 0.95


def document_counts(golds: Sequence[SpunText], restorations: Sequence[Restoration]) -> list[Counts]:
    """The judgement counts of each document (what ``bootstrap`` resamples)."""
    return [Counts.of(judge(gold, restoration)) for gold, restoration in zip(golds, restorations)]


def bootstrap(system: Sequence[Counts], baseline: Sequence[Counts] | None = None, resamples: int = RESAMPLES,
              seed: int = BOOTSTRAP_SEED, confidence: float = CONFIDENCE) -> dict:
    """Paired bootstrap over documents (sacreBLEU's significance module): the interval of F0.5.

    ``system`` (and ``baseline``, the same documents restored by another system) hold each
    document's counts.  Each of ``resamples`` draws picks as many documents with replacement
    (the same draw for both systems) and sums their counts into an F0.5.  Returns F0.5 with
    the central ``confidence`` interval of the draws; with a baseline also its F0.5 and the
    difference system - baseline with its interval and a p-value: the share of draws whose
    difference, centred on the draws' mean difference (the null hypothesis of no difference),
    lies at least as far from zero as the observed difference, (count + 1) / (resamples + 1).
    """
    import numpy as np

    if baseline is not None and len(baseline) != len(system):
        raise UnspinError("E030", f"{len(system)} documents against a baseline of {len(baseline)}")
    tables = [np.array([[c.fixed, c.wrong, c.missed, c.false] for c in counts], dtype=np.int64).reshape(-1, 4)
              for counts in ([system] if baseline is None else [system, baseline])]
    size = len(system)
    rng = np.random.default_rng(seed)
    draws = np.empty((resamples, len(tables)))
    for i in range(resamples):
        weights = np.bincount(rng.integers(0, size, size), minlength=size) if size else np.zeros(0, dtype=np.int64)
        draws[i] = [f05_of(weights @ table) for table in tables]
    tail = 100 * (1 - confidence) / 2

    def interval(values: np.ndarray) -> list[float]:
        return [round(float(v), 4) for v in np.percentile(values, [tail, 100 - tail])] if size else [0.0, 0.0]

    observed = [f05_of(table.sum(axis=0)) for table in tables]
    report = {"resamples": resamples, "seed": seed, "confidence": confidence, "documents": size,
              "f05": round(observed[0], 4), "interval": interval(draws[:, 0])}
    if baseline is not None:
        differences = draws[:, 0] - draws[:, 1]
        difference = observed[0] - observed[1]
        extreme = np.abs(differences - differences.mean()) >= abs(difference)
        report["baseline"] = {"f05": round(observed[1], 4), "interval": interval(draws[:, 1])}
        report["difference"] = {"f05": round(difference, 4), "interval": interval(differences),
                                "p_value": round(float((extreme.sum() + 1) / (resamples + 1)), 4)}
    return report


def f05_of(sums) -> float:
    """F0.5 of summed (fixed, wrong, missed, false) counts, as ``Counts.f05``."""
    fixed, wrong, missed, false = (int(v) for v in sums)
    return Counts(fixed + wrong + missed, fixed, wrong, missed, false).f05


# ---------------------------------------------------------------- the report

def evaluate(golds: Sequence[SpunText], restorations: Sequence[Restoration],
             clean: Sequence[Restoration] = (), seconds: float | None = None,
             worst_n: int = 0, baseline: Sequence[Restoration] | None = None) -> dict:
    """The full report as plain data (see ``render_table`` for the layout).

    ``bootstrap`` gives F0.5's interval over documents; with ``baseline`` (another
    system's restorations of the same golds) also the interval of the difference.
    """
    if len(golds) != len(restorations):
        raise UnspinError("E030", f"{len(golds)} gold documents but {len(restorations)} restorations")
    judgements = []
    per_document = []
    by_profile: dict[str, list[Judgement]] = defaultdict(list)
    errors = {"words": 0, "spun": 0, "restored": 0}
    for gold, restoration in zip(golds, restorations):
        found = judge(gold, restoration)
        judgements += found
        per_document.append(Counts.of(found))
        by_profile[gold.profile] += found
        reference = words(gold.original)
        errors["words"] += len(reference)
        errors["spun"] += word_errors(reference, words(gold.spun))
        errors["restored"] += word_errors(reference, words(restoration.restored_text))
    by_relation: dict[str, list[Judgement]] = defaultdict(list)
    for j in judgements:
        if j.kind != "false":
            by_relation[j.relation].append(j)
    spun_words = sum(len(words(g.spun)) for g in golds)
    report = {
        "documents": len(golds),
        "words": errors["words"],
        **Counts.of(judgements).to_dict(),
        "wer_spun": round(errors["spun"] / max(1, errors["words"]), 4),
        "wer_restored": round(errors["restored"] / max(1, errors["words"]), 4),
        "per_profile": {name: Counts.of(found).to_dict() for name, found in sorted(by_profile.items())},
        "per_relation": {name: Counts.of(found).to_dict() for name, found in sorted(by_relation.items())},
        "words_per_second": round(spun_words / seconds, 1) if seconds else None,
        "bootstrap": bootstrap(per_document, None if baseline is None else document_counts(golds, baseline)),
    }
    if clean:
        clean_words = sum(len(words(r.text)) for r in clean)
        report["clean_words"] = clean_words
        report["clean_false_edits"] = sum(len(r.edits) for r in clean)
        report["clean_false_per_1000"] = round(1000 * report["clean_false_edits"] / max(1, clean_words), 3)
        positives = [r.spun_score for g, r in zip(golds, restorations) if g.edits]
        auc = roc_auc(positives, [r.spun_score for r in clean])
        report["spun_score_auc"] = None if auc is None else round(auc, 4)
    if worst_n:
        report["worst"] = worst(judgements, worst_n)
    return report


def render_table(report: dict) -> str:
    """A plain-text report for people."""
    lines = [f"documents {report['documents']}  words {report['words']}"
             + (f"  words/s {report['words_per_second']}" if report.get("words_per_second") else "")]
    header = f"{'':<18}{'sites':>7}{'fixed':>7}{'wrong':>7}{'missed':>7}{'false':>7}{'P':>8}{'R':>8}{'F0.5':>8}"

    def row(name: str, c: dict) -> str:
        return (f"{name:<18}{c['sites']:>7}{c['fixed']:>7}{c['wrong']:>7}{c['missed']:>7}{c['false']:>7}"
                f"{c['precision']:>8.3f}{c['recall']:>8.3f}{c['f05']:>8.3f}")

    lines += [header, row("all", report)]
    if "bootstrap" in report:
        lines += render_bootstrap(report["bootstrap"])
    lines += [row(f"profile {name}", c) for name, c in report["per_profile"].items()]
    lines += [row(f"  {name}", c) for name, c in report["per_relation"].items()]
    lines.append(f"WER spun {report['wer_spun']:.4f}  restored {report['wer_restored']:.4f}")
    if "clean_false_per_1000" in report:
        lines.append(f"clean text: {report['clean_false_edits']} false edits in {report['clean_words']} "
                     f"words = {report['clean_false_per_1000']:.3f} per 1,000 words; "
                     f"spun-score ROC AUC {report['spun_score_auc']}")
    for item in report.get("worst", []):
        lines.append(f"{item['count']:>5} {item['kind']:<6} {item['spun']!r} -> {item['restored']!r} "
                     f"(gold {item['original']!r}, {item['relation']})  {item['context']}")
    return "\n".join(lines)


def render_bootstrap(found: dict) -> list[str]:
    """F0.5's interval (and the comparison with a baseline) as lines of text."""
    share = f"{found['confidence']:.0%}"
    how = (f"paired bootstrap over {found['documents']} documents, {found['resamples']:,} resamples, "
           f"seed {found['seed']}")
    low, high = found["interval"]
    lines = [f"F0.5 {found['f05']:.3f}, {share} interval [{low:.3f}, {high:.3f}] ({how})"]
    if "baseline" in found:
        base, difference = found["baseline"], found["difference"]
        lines.append(f"baseline F0.5 {base['f05']:.3f} [{base['interval'][0]:.3f}, {base['interval'][1]:.3f}]; "
                     f"difference {difference['f05']:+.3f} [{difference['interval'][0]:+.3f}, "
                     f"{difference['interval'][1]:+.3f}], p = {difference['p_value']:.3f}")
    return lines


# ---------------------------------------------------------------- input and the command

def read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def read_golds(path: str) -> list[SpunText]:
    """Gold spun texts, as ``unspin spin --format jsonl`` writes them."""
    return [SpunText.from_dict(item) for item in read_jsonl(path)]


def read_restorations(path: str) -> list[Restoration]:
    """Restorations, as ``unspin restore --format json`` writes them (unspin.schema)."""
    return [restoration_from_dict(item) for item in read_jsonl(path)]


def per_document(golds: Sequence[SpunText], restorations: Sequence[Restoration]) -> list[Restoration]:
    """Restorations cut to match the gold documents one to one.

    ``unspin restore --format json`` on a file of one paragraph per line may return fewer,
    longer restorations; when their texts joined equal the gold spun texts joined by newlines,
    their edits are shared out by offset (each piece keeps its restoration's spun score).
    """
    if len(golds) == len(restorations):
        return list(restorations)
    expected = "".join(g.spun + "\n" for g in golds)
    joined = "".join(r.text for r in restorations)
    if joined not in (expected, expected[:-1]):
        raise UnspinError("E030", f"{len(golds)} gold documents but {len(restorations)} restorations "
                                  "whose texts do not join up to the gold spun texts")
    located, offset = [], 0
    for restoration in restorations:
        located += [(offset + e.start, offset + e.end, e) for e in restoration.edits]
        offset += len(restoration.text)
    pieces, begin = [], 0
    for gold in golds:
        end = begin + len(gold.spun)
        edits = tuple(dataclasses.replace(e, start=start - begin, end=stop - begin)
                      for start, stop, e in located if begin <= start and stop <= end)
        score = _score_at(restorations, begin)
        pieces.append(Restoration(gold.spun, apply_edits(gold.spun, edits), edits, score, ""))
        begin = end + 1
    if sum(len(p.edits) for p in pieces) != len(located):
        raise UnspinError("E030", "a restorer edit crosses a line break between gold documents")
    return pieces


def _score_at(restorations: Sequence[Restoration], position: int) -> float:
    offset = 0
    for restoration in restorations:
        if position < offset + len(restoration.text):
            return restoration.spun_score
        offset += len(restoration.text)
    return restorations[-1].spun_score if restorations else 0.0


def run_restorer(restorer, texts: Sequence[str],
                 failures: list | None = None) -> tuple[list[Restoration], float]:
    """Restore every text; return the results and the seconds spent.

    With a ``failures`` list, a text the restorer raises on is scored as left unchanged and
    ``(text, error message)`` is appended to the list; without one the error propagates.
    """
    begin = time.perf_counter()
    results = []
    for text in texts:
        try:
            results.append(restorer.restore(text))
        except UnspinError as error:
            if failures is None:
                raise
            failures.append((text, str(error)))
            results.append(Restoration(text, text, (), 0.0, "failed"))
    return results, time.perf_counter() - begin


@click.command("eval")
@click.option("--gold", "gold_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="gold JSONL from `unspin spin --format jsonl`")
@click.option("--restored", "restored_path", type=click.Path(exists=True, dir_okay=False),
              help="restorations as JSONL (`unspin restore --format json`), in gold order")
@click.option("--restorer", "restorer_name", type=click.Choice(["default"]), default=None,
              help="run the bundled restorer instead of reading --restored")
@click.option("--baseline", "baseline_path", type=click.Path(exists=True, dir_okay=False),
              help="another system's restorations of the same gold (JSONL): compare the two, paired bootstrap")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
@click.option("--worst", "worst_n", type=int, default=0, help="list the N most frequent misses")
@click.option("--clean", "clean_path", type=click.Path(exists=True, dir_okay=False),
              help="clean text, one paragraph per line, for false edits on clean text "
                   "(default with --restorer: the gold originals)")
def eval_command(gold_path, restored_path, restorer_name, baseline_path, output_format, worst_n, clean_path):
    """Score restorations of spun text against gold edits."""
    try:
        golds = read_golds(gold_path)
        if (restored_path is None) == (restorer_name is None):
            raise UnspinError("E030", "give exactly one of --restored and --restorer default")
        restorer, seconds, clean = None, None, []
        if restorer_name or clean_path:
            from unspin.restorer import Restorer

            restorer = Restorer()
        if restored_path:
            restorations = per_document(golds, read_restorations(restored_path))
        else:
            restorations, seconds = run_restorer(restorer, [g.spun for g in golds])
        if clean_path:
            with open(clean_path, encoding="utf-8") as handle:
                clean, _ = run_restorer(restorer, [line.rstrip("\r\n") for line in handle if line.strip()])
        elif restorer_name:
            clean, _ = run_restorer(restorer, [g.original for g in golds])
        baseline = per_document(golds, read_restorations(baseline_path)) if baseline_path else None
        report = evaluate(golds, restorations, clean, seconds, worst_n, baseline)
        if restorer is not None:
            report["signature"] = restorer.signature
    except (UnspinError, OSError, KeyError, ValueError) as error:
        click.echo(f"unspin: {error}", err=True)
        sys.exit(1)
    if output_format == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo(render_table(report))
