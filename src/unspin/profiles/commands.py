"""``unspin learn`` (learn a spinner's profile from its pages) and ``unspin profile show``.

    unspin learn site-a/ --output site-a.tsv.gz --workers 2
    unspin learn more-pages.jsonl.gz --update site-a.tsv.gz --output site-a.tsv.gz
    unspin profile show site-a.tsv.gz
    unspin restore --profile site-a.tsv.gz page.txt

Inputs are read as ``unspin batch`` reads them (.txt files or folders of them, .jsonl,
.jsonl.gz, .parquet; ``--text-field``); unreadable records are skipped and counted.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

import click

from unspin.errors import UnspinError
from unspin.options import QUIET

ENTRIES = 25  # `profile show` prints this many entries unless told
SKIPPED_SHOWN = 5  # `learn` names this many unreadable documents


def _engine(engine: str, workers: int, model: str | None, settings: dict, address: str | None, profile):
    from unspin.batch import DEFAULT_FACTORY, LocalEngine, RayEngine, check_ray

    if engine == "ray":
        check_ray()
        runner = RayEngine(workers, DEFAULT_FACTORY, model, settings)
        runner.address = address
    else:
        runner = LocalEngine(workers, DEFAULT_FACTORY, model, settings)
    runner.profile = profile
    return runner


def learn_pages(inputs, restorer, engine: str = "local", workers: int = 1, model: str | None = None,
                address: str | None = None, text_field: str = "text", update=None, rounds: int = 1,
                iterations: int | None = None, tolerance: float | None = None, name: str = "profile",
                progress: bool = False, report=None, skipped: list | None = None):
    """Learn a profile from every document of ``inputs`` (paths, as ``unspin batch`` reads
    them): ``rounds`` decodes of the pages (the first with ``update``, if given, each next
    one with the profile before it), each followed by EM (``profiles.learning``).
    ``skipped``: a list that gets "where: why" for each document that could not be read."""
    from unspin.batchio import count_documents, reading, shards
    from unspin.profiles.learning import ITERATIONS, TOLERANCE, header, settle
    from unspin.progress import Bar

    layouts = [reading(path) for path in inputs]
    total = sum(count_documents(layout) for layout in layouts) if progress else None
    began = time.perf_counter()
    decoder = update
    settings = {}
    for number in range(rounds):
        stream = (shard for layout in layouts for shard in shards(layout, 1000, text_field))
        if number == 0 and skipped is not None:
            stream = _noting_unreadable(stream, skipped)
        label = "learning" if rounds == 1 else f"learning, round {number + 1} of {rounds}"
        here = workers <= 1 and engine == "local"  # in this process, with the restorer loaded here
        runner = None if here else _engine(engine, workers, model, settings, address, decoder)
        # the pool that observed the pages scores discovery's fits too (LocalEngine.kept)
        with runner.kept() if runner is not None else contextlib.nullcontext():
            with Bar(label, total, progress, unit="pages") as bar:
                observations = (_observed_here(restorer.with_profile(decoder), stream, bar.advance) if runner is None
                                else runner.observe(stream, bar.advance))
            if observations is None:
                raise UnspinError("E030", "no readable documents in " + ", ".join(map(str, inputs)))
            profile, changes = settle(observations, update, restorer.lm, restorer.frequencies,
                                      iterations or ITERATIONS, TOLERANCE if tolerance is None else tolerance, report,
                                      workers if engine == "local" else 1,
                                      runner.helpers() if runner is not None else None)
        decoder = profile
    profile.header = header(restorer, observations, changes, time.perf_counter() - began, update, name)
    return profile


def _observed_here(observer, stream, advance):
    """``observer.observe`` over every readable document of ``stream``, in this process, the
    parts merged (None where there is none)."""
    observations = None
    for texts in _chunks(item.text for shard in stream for item in shard.items if item.error is None):
        part = observer.observe(texts)
        observations = part if observations is None else observations.merge(part)
        advance(len(texts))
    return observations


def _noting_unreadable(stream, skipped: list):
    """The shards of ``stream``, appending "where: why" to ``skipped`` for each document
    that could not be read (learning reads the others)."""
    from unspin.batchio import error_record

    for shard in stream:
        for item in shard.items:
            if item.error is not None:
                found = error_record(item, item.error)  # where, as `unspin batch`'s errors file says it
                at = found.get("line", found.get("row"))
                skipped.append(f"{found['source'] or shard.key}{f' (record {at})' if at is not None else ''}: "
                               f"{item.error}")
        yield shard


def _chunks(texts, size: int = 16):
    chunk = []
    for text in texts:
        chunk.append(text)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@click.command("learn")
@click.argument("inputs", metavar="INPUT...", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              help="the profile file to write (.tsv, or .tsv.gz for gzip)")
@click.option("--update", type=click.Path(exists=True, dir_okay=False), default=None,
              help="a profile to add these pages to (its pages are not read again)")
@click.option("--name", default=None, help="the profile's name (default: the output file's name)")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local",
              help="local: a process pool on this machine; ray: Ray actors (pip install 'unspin[ray]')")
@click.option("--workers", type=click.IntRange(1), default=None, help="worker processes / Ray actors (default: CPUs)")
@click.option("--address", default=None, help="Ray cluster address (auto, ray://host:10001); default: start Ray locally")
@click.option("--text-field", default="text", show_default=True, help="the text of a .jsonl / .parquet record")
@click.option("--iterations", type=click.IntRange(1), default=None, help="most EM iterations (default 30)")
@click.option("--tolerance", type=click.FloatRange(0.0), default=None,
              help="stop when the dictionary changes less than this (relative; default 0.001)")
@click.option("--rounds", type=click.IntRange(1, 5), default=1, show_default=True,
              help="times the pages are decoded, each with the profile of the round before")
@click.option("--model", type=click.Path(file_okay=False), default=None,
              help="model folder (default: bundled, or $UNSPIN_DATA)")
@click.option("--progress/--no-progress", default=None,
              help="a progress bar on stderr (default: when stderr is a terminal)")
@QUIET
def learn_command(inputs, output, update, name, engine, workers, address, text_field, iterations, tolerance,
                  rounds, model, progress, quiet):
    """Learn the dictionary of the spinner that wrote INPUT... into a profile (OUTPUT).

    Every page is decoded once (more with --rounds), then EM iterations re-estimate what
    each word the spinner wrote stands for until the dictionary settles; each iteration's
    change is printed on stderr.  Use the profile with --profile on restore, detect, batch
    and serve.  Exit code 1 if the input cannot be read or holds no document, 2 for a usage
    error (--engine ray without Ray), 143 on SIGTERM.
    """
    import os

    from unspin.batch import check_ray
    from unspin.lifeline import EXIT_TERMINATED, Terminated, terminate_gracefully
    from unspin.profiles import read, write
    from unspin.profiles.fileformat import default_name
    from unspin.progress import wanted
    from unspin.restorer import Restorer

    progress = wanted(quiet) if progress is None else progress and not quiet
    workers = workers or os.cpu_count() or 1
    if engine == "ray":
        try:
            check_ray()
        except UnspinError as error:
            click.echo(f"unspin learn: {error.detail}", err=True)
            sys.exit(2)

    def report(iteration: int, change: float) -> None:
        if not quiet:
            click.echo(f"unspin learn: iteration {iteration}: the dictionary changed by {change:.2%}", err=True)

    try:
        with terminate_gracefully():
            restorer = Restorer(model)
            prior = read(update) if update else None
            began = time.perf_counter()
            skipped: list[str] = []
            profile = learn_pages(inputs, restorer, engine, workers, model, address, text_field, prior, rounds,
                                  iterations, tolerance, name or default_name(Path(output)), progress, report,
                                  skipped)
            seconds = time.perf_counter() - began
            if name:
                profile.header["name"] = name
            write(profile, output)
    except Terminated:
        click.echo("unspin learn: stopped by SIGTERM; nothing was written", err=True)
        sys.exit(EXIT_TERMINATED)
    except UnspinError as error:
        click.echo(f"unspin: {error}", err=True)
        sys.exit(1)
    if skipped:
        click.echo(f"unspin learn: {len(skipped):,} document{'s' * (len(skipped) > 1)} could not be read and "
                   "were left out:", err=True)
        for line in skipped[:SKIPPED_SHOWN]:
            click.echo(f"  {line}", err=True)
        if len(skipped) > SKIPPED_SHOWN:
            click.echo(f"  ... and {len(skipped) - SKIPPED_SHOWN:,} more", err=True)
    run = profile.header["learned"][-1]
    stats = profile.statistics()
    click.echo(f"unspin learn: {output}: {run['pages']:,} pages, {run['words']:,} words, "
               f"{stats['entries']:,} readings of {stats['words']:,} words, {run['iterations']} EM iterations "
               f"(last change {run['changes'][-1] if run['changes'] else 0:.2%}); "
               f"{run['words'] / max(seconds, 1e-9):,.0f} words/s with {workers} worker{'s' * (workers > 1)}")
    check = profile.check()
    click.echo(f"unspin learn: {check.describe('its text')}"
               + ("; the profile blends their dictionaries (restoring with it and naming it are weaker)"
                  if check.several_spinners else ""))


@click.group("profile")
def profile_group() -> None:
    """Read spinner profiles (learned with `unspin learn`)."""


@profile_group.command("show")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--entries", "-n", "count", type=click.IntRange(0), default=ENTRIES, show_default=True,
              help="how many of the strongest readings to print")
@click.option("--learned", is_flag=True,
              help="also list the strongest readings no channel holds (what learning discovered)")
@click.option("--model", default=None, help="model folder whose channel --learned compares with (default: bundled)")
def show_command(path, count, learned, model):
    """Print a profile's header, statistics and strongest readings."""
    from unspin.profiles import read

    try:
        profile = read(path)
        table = None
        if learned:
            from unspin.restorer import Restorer

            table = Restorer(model).table
    except UnspinError as error:
        click.echo(f"unspin: {error}", err=True)
        sys.exit(1)
    for line in describe(profile, count, table):
        click.echo(line)


def beyond_channel(profile, table) -> list:
    """The profile's entries (``Profile.entries``) whose original the channel does not
    propose for the observed words: the readings learning discovered
    (``profiles.discovery``), a spinner's own dictionary beyond WordNet's."""
    from unspin.casing import untitled

    found = []
    for entry in profile.entries():
        observed, original = entry[0].lower(), untitled(entry[1])
        if not any(reading.words == original for reading in table.readings(observed)):
            found.append(entry)
    return found


def entry_lines(entries) -> list[str]:
    """A table of entries, its first two columns as wide as their longest text (24 at least)."""
    first = max([24] + [len(observed) for observed, *_rest in entries])
    second = max([24] + [len(" ".join(original)) for _observed, original, *_rest in entries])
    lines = [f"{'observed':<{first}} {'original':<{second}} {'times':>9} {'share':>6} {'phi':>6}"]
    for observed, original, mass, share, phi in entries:
        lines.append(f"{observed:<{first}} {' '.join(original):<{second}} {mass:>9.1f} {share:>6.2f} {phi:>6.2f}")
    return lines


def describe(profile, count: int = ENTRIES, table=None) -> list[str]:
    """The lines `unspin profile show` prints; with a reading ``table`` (the channel's), also
    the strongest readings it does not hold (``beyond_channel``)."""
    from unspin.profiles.fileformat import FORMAT

    header = profile.header
    stats = profile.statistics()
    model = header.get("model", {})
    lines = [f"profile {profile.name} ({FORMAT}, learned by unspin {header.get('unspin', '?')}, "
             f"checksum {header.get('checksum', '?')[:8]})",
             f"model: lexicon {model.get('lexicon', '?')}, lm {model.get('lm', '?')} (order {model.get('lm_order', '?')})",
             f"learned from {header.get('pages', 0):,} pages, {header.get('words', 0):,} words "
             f"in {len(header.get('learned', []))} run{'s' * (len(header.get('learned', [])) != 1)}"]
    for number, run in enumerate(header.get("learned", []), 1):
        changes = ", ".join(f"{change:.2%}" for change in run.get("changes", []))
        lines.append(f"  run {number}: {run.get('pages', 0):,} pages, {run.get('words', 0):,} words, "
                     f"{run.get('iterations', 0)} iterations (changes {changes or 'none'})")
    if header.get("habit_evidence"):  # kept since profiles lend their spinner's habits
        from unspin.candidates import Habits

        per_occurrence, capitalised = (profile.habits or Habits()).rounded()
        lines.append(f"its spinner's habits (lent to each document it fits): chooses anew at each occurrence "
                     f"{per_occurrence:.2f}, spins capitalised words {capitalised:.2f}")
    lines.append(f"{stats['words']:,} words and phrases, {stats['entries']:,} readings; "
                 f"{stats['spun_mass']:,.1f} of {stats['occurrences']:,.0f} occurrences read as spun")
    lines.append(profile.check().describe("its text"))
    entries = profile.entries()[:count]
    if entries:
        lines += [""] + entry_lines(entries)
    if table is not None:
        learned = beyond_channel(profile, table)
        lines += ["", f"{len(learned):,} readings no channel holds (learned from the pages)"]
        if learned[:count]:
            lines += entry_lines(learned[:count])
    return lines
