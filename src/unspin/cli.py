"""Command line: unspin restore | detect | spin | eval | serve | batch | learn | profile | verify.

Exit codes: 0 ok, 1 bad input (with a clear message), 2 usage (an unknown option, an
impossible setting), 3 serve cannot listen (port in use), 143 batch stopped by SIGTERM.
"""

from __future__ import annotations

import sys

import click

from unspin import __version__
from unspin.errors import UnspinError
from unspin.options import PHRASES, PROFILE, QUIET, SCORER, THRESHOLD
from unspin.textio import read_text

MODEL = click.option("--model", type=click.Path(file_okay=False), default=None,
                     help="model folder (default: bundled, or $UNSPIN_DATA)")
ERRORS = click.option("--errors", type=click.Choice(["strict", "replace"]), default="strict",
                      help="invalid UTF-8: fail (strict) or substitute U+FFFD (replace)")


def _fail(error: UnspinError) -> None:
    click.echo(f"unspin: {error}", err=True)
    sys.exit(1)


def _settings(threshold=None, phrases=None, scorer=None):
    """The settings given on the command line (the others keep Settings' defaults)."""
    given = {"threshold": threshold, "phrases": phrases, "scorer": scorer}
    return {name: value for name, value in given.items() if value is not None}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="unspin")
def main() -> None:
    """Find and undo the word substitutions of automatic text spinners."""


@main.command()
@click.argument("path", default="-")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "diff"]), default="text")
@THRESHOLD
@MODEL
@PROFILE
@ERRORS
@click.option("--verbose", "-v", is_flag=True, help="print the reproducibility signature to stderr")
@PHRASES
@SCORER
@QUIET
def restore(path, output_format, threshold, model, profile, errors, verbose, phrases, scorer, quiet):
    """Restore spun text from PATH (or - for standard input) and print it.

    A progress bar is drawn on stderr when it is a terminal and stdout is not (the restored
    text itself shows the progress on a terminal).  With --profile, stderr says when the text
    (or a piece of a long one) does not fit the profile and was restored without it; with
    --verbose, whether each piece used it.
    """
    from unspin.progress import Bar, size_of, wanted
    from unspin.render import render_diff
    from unspin.restorer import Restorer
    from unspin.stream import JsonDocument

    try:
        restorer = Restorer(model, profile=profile, **_settings(threshold, phrases, scorer))
        restorer.chosen_profile()  # a profile learned with another model fails here, before any output
        out = sys.stdout
        document = JsonDocument() if output_format == "json" else None
        uses = []
        with Bar("restoring", size_of(path), wanted(quiet) and not out.isatty()) as bar:
            for text in read_text(path, errors=errors):
                result = restorer.restore(text)
                bar.advance(len(text.encode("utf-8", "replace")))
                if result.profile_use is not None:
                    uses.append(result.profile_use)
                if document is not None:  # one Restoration for the whole input, offsets from its start
                    document.add(result)
                    continue
                if output_format == "diff":
                    out.write(render_diff(result, color=out.isatty()))
                else:
                    out.write(result.restored_text)
                out.flush()
        if document is not None:
            document.write(out, restorer.signature)
            out.flush()
        for number, use in enumerate(uses):
            if verbose or not use.used:
                where = f"piece {number + 1} of {len(uses)}: " if len(uses) > 1 else ""
                click.echo(f"note: {where}{use.describe()}" + ("" if use.used else "; restored without it."),
                           err=True)
        if verbose:
            click.echo(restorer.signature, err=True)
    except UnspinError as error:
        _fail(error)


@main.command()
@click.argument("paths", nargs=-1)
@MODEL
@PROFILE
@click.option("--profiles", "folder", type=click.Path(exists=True, file_okay=False), default=None,
              help="a folder of profiles: also print the one each document fits best (or none) and its fit")
@ERRORS
@click.option("--phrases", is_flag=True,
              help="also list suspected tortured phrases: PATH<TAB>score[<TAB>profile<TAB>bits]<TAB>count, then "
                   "one line per phrase "
                   "(<TAB>start<TAB>end<TAB>spun<TAB>likely term<TAB>confidence; code-point offsets)")
@SCORER
@QUIET
def detect(paths, model, profile, folder, errors, phrases, scorer, quiet):
    """Print each document's spun score (0..1; 0.5: as likely spun as not): PATH<TAB>score.

    With --profiles DIR each line goes on with the name of the profile the document fits
    best, or "none" when none fits, and that fit in bits (PATH<TAB>score<TAB>name<TAB>bits).
    With --phrases it then goes on with the count of suspected tortured phrases, followed by
    one line per phrase.  Each file is read in pieces (bounded memory); its score sums the
    evidence and words of all its pieces, and so does its fit.  A progress bar is drawn on
    stderr when it is a terminal.  The score is the same with --phrases (restored without
    the phrase channel, as by default); the phrases come from a second restore of each piece
    with it (unspin.phrases.report).
    """
    from collections import Counter

    from unspin.phrases import report
    from unspin.progress import Bar, size_of, wanted
    from unspin.restorer import Restorer
    from unspin.stream import Tally
    from unspin.tokenize import tokenize

    paths = paths or ("-",)
    sizes = [size_of(path) for path in paths]
    total = None if None in sizes else sum(sizes)
    try:
        restorer = Restorer(model, profile=profile, **_settings(scorer=scorer))
        restorer.chosen_profile()
        profiles = None
        if folder is not None:
            from unspin.profiles.attribution import attribute, fits, load_folder

            profiles = load_folder(folder)
            for each in profiles.values():
                restorer.chosen_profile(each)  # refuses one learned with another model (E023)
        with Bar("scoring", total, wanted(quiet)) as bar:
            for path in paths:
                tally = Tally()  # the document is read in pieces; its score sums over them
                fitted: Counter = Counter()
                found = []  # suspected tortured phrases, offsets from the start of the document
                for text in read_text(path, errors=errors):
                    offset = tally.add(restorer.restore(text))
                    if profiles is not None:
                        fitted.update(fits(tokenize(text), profiles))
                    if phrases:
                        found += report(text, restorer).shifted(offset).phrases
                    bar.advance(len(text.encode("utf-8", "replace")))
                line = f"{path}\t{tally.score:.3f}"
                if profiles is not None:
                    best = attribute({name: fitted.get(name, 0.0) for name in profiles})
                    line += f"\t{best.profile or 'none'}\t{best.fit:.1f}"
                if not phrases:
                    bar.echo(line)
                    continue
                bar.echo(f"{line}\t{len(found)}")
                for phrase in found:
                    bar.echo(f"\t{phrase.start}\t{phrase.end}\t{phrase.spun}\t{phrase.term}\t{phrase.confidence:.2f}")
    except UnspinError as error:
        _fail(error)


@main.command()
@MODEL
def verify(model):
    """Check the model files against their manifest."""
    from unspin.data import data_dir, verify as verify_folder

    try:
        folder = data_dir(model)
    except UnspinError as error:
        _fail(error)
    bad = verify_folder(folder)
    if bad:
        click.echo(f"unspin: checksum mismatch in {folder}: {', '.join(bad)}", err=True)
        sys.exit(1)
    click.echo(f"{folder}: all files match MANIFEST.json")


def _add_optional_commands() -> None:
    """Commands that live beside the code they drive (simulate, evaluate, server, batch, profiles)."""
    import importlib

    for module, command, attribute in (("simulate", "spin", "spin_command"), ("evaluate", "eval", "eval_command"),
                                       ("server", "serve", "serve_command"), ("batch", "batch", "batch_command"),
                                       ("profiles.commands", "learn", "learn_command"),
                                       ("profiles.commands", "profile", "profile_group")):
        try:
            main.add_command(getattr(importlib.import_module(f"unspin.{module}"), attribute), command)
        except (ImportError, AttributeError):  # an optional extra is not installed
            pass


_add_optional_commands()


if __name__ == "__main__":
    main()
