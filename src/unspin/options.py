"""Command-line options shared by several commands, checked where the settings are checked."""

from __future__ import annotations

import click


def check_setting(context, parameter, value):
    """click callback: refuse a value ``unspin.Settings`` refuses (exit code 2, the reason)."""
    if value is None:
        return value
    from unspin.errors import UnspinError
    from unspin.restorer import Settings

    try:
        Settings.of(**{parameter.name: value})
    except UnspinError as error:
        raise click.BadParameter(f"{value!r}: {error.detail.split(': ', 1)[-1]}") from None
    return value


def check_score(context, parameter, value):
    """click callback: a spun score to compare with, a finite number from 0 to 1."""
    if value is not None and not 0.0 <= value <= 1.0:  # NaN compares false
        raise click.BadParameter(f"{value!r}: must be a finite number from 0 to 1")
    return value


THRESHOLD = click.option("--threshold", type=float, default=None, callback=check_setting,
                         help="minimum confidence of an edit, 0 to 1; 0.2 less for an edit beside a "
                         "kept one (default from Settings)")

PHRASES = click.option("--phrases", is_flag=True, default=None,
                       help="restore tortured terms too: the phrase channel (unspin.phrases; default from Settings)")

SCORER = click.option("--scorer", type=click.Choice(["auto", "neural", "ngram"]), default=None,
                      help="neural: read the encoder's evidence beside the n-gram model; ngram: the n-gram "
                           "alone (fastest); auto (default): neural where the model has an encoder")

QUIET = click.option("--quiet", "-q", is_flag=True,
                     help="no progress bar (it is drawn on stderr only when stderr is a terminal)")

PROFILE = click.option("--profile", type=click.Path(exists=True, dir_okay=False), default=None,
                       help="a spinner profile (unspin learn): restore with what it learned of the spinner")
