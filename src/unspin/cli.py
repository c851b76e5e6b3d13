"""Command line: unspin restore | detect | spin | eval | serve | batch | verify.

Exit codes: 0 ok, 1 bad input (with a clear message), 2 usage (an unknown option, an
impossible setting), 3 serve cannot listen (port in use), 143 batch stopped by SIGTERM.
"""

from __future__ import annotations

import sys

import click

from unspin import __version__
from unspin.errors import UnspinError
from unspin.options import QUIET, THRESHOLD
from unspin.textio import read_text

MODEL = click.option("--model", type=click.Path(file_okay=False), default=None,
                     help="model folder (default: bundled, or $UNSPIN_DATA)")
ERRORS = click.option("--errors", type=click.Choice(["strict", "replace"]), default="strict",
                      help="invalid UTF-8: fail (strict) or substitute U+FFFD (replace)")


def _fail(error: UnspinError) -> None:
    click.echo(f"unspin: {error}", err=True)
    sys.exit(1)


def _settings(threshold):
    return {} if threshold is None else {"threshold": threshold}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="unspin")
def main() -> None:
    """Find and undo the word substitutions of automatic text spinners."""


@main.command()
@click.argument("path", default="-")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "diff"]), default="text")
@THRESHOLD
@MODEL
@ERRORS
@click.option("--verbose", "-v", is_flag=True, help="print the reproducibility signature to stderr")
@QUIET
def restore(path, output_format, threshold, model, errors, verbose, quiet):
    """Restore spun text from PATH (or - for standard input) and print it.

    A progress bar is drawn on stderr when it is a terminal and stdout is not (the restored
    text itself shows the progress on a terminal).
    """
    from unspin.progress import Bar, size_of, wanted
    from unspin.render import render_diff
    from unspin.restorer import Restorer
    from unspin.stream import JsonDocument

    try:
        restorer = Restorer(model, **_settings(threshold))
        out = sys.stdout
        document = JsonDocument() if output_format == "json" else None
        with Bar("restoring", size_of(path), wanted(quiet) and not out.isatty()) as bar:
            for text in read_text(path, errors=errors):
                result = restorer.restore(text)
                bar.advance(len(text.encode("utf-8", "replace")))
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
        if verbose:
            click.echo(restorer.signature, err=True)
    except UnspinError as error:
        _fail(error)


@main.command()
@click.argument("paths", nargs=-1)
@MODEL
@ERRORS
@QUIET
def detect(paths, model, errors, quiet):
    """Print each document's spun score (0..1): PATH<TAB>score.

    Each file is read in pieces (bounded memory); its score sums the edits and words of
    all its pieces.  A progress bar is drawn on stderr when it is a terminal.
    """
    from unspin.progress import Bar, size_of, wanted
    from unspin.restorer import Restorer
    from unspin.stream import Tally

    paths = paths or ("-",)
    sizes = [size_of(path) for path in paths]
    total = None if None in sizes else sum(sizes)
    try:
        restorer = Restorer(model)
        with Bar("scoring", total, wanted(quiet)) as bar:
            for path in paths:
                tally = Tally()  # the document is read in pieces; its score sums over them
                for text in read_text(path, errors=errors):
                    tally.add(restorer.restore(text))
                    bar.advance(len(text.encode("utf-8", "replace")))
                bar.echo(f"{path}\t{tally.score:.3f}")
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
    """Commands that live beside the code they drive (simulate, evaluate, server, batch)."""
    import importlib

    for module, command in (("simulate", "spin"), ("evaluate", "eval"), ("server", "serve"),
                            ("batch", "batch")):
        try:
            main.add_command(getattr(importlib.import_module(f"unspin.{module}"), f"{command}_command"),
                             command)
        except (ImportError, AttributeError):  # an optional extra is not installed
            pass


_add_optional_commands()


if __name__ == "__main__":
    main()
