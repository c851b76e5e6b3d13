"""A progress bar on stderr for long commands (restore, detect, batch).

Shown only when stderr is a terminal and ``--quiet`` is not given; nothing is written
otherwise, so pipes, files and logs get the output alone.  The bar is transient: it is
erased when the work is done.
"""

from __future__ import annotations

import os
import sys


def wanted(quiet: bool = False) -> bool:
    """Whether to show a bar: stderr is a terminal (not a dumb one) and no --quiet."""
    stream = sys.stderr
    return (not quiet and hasattr(stream, "isatty") and stream.isatty()
            and os.environ.get("TERM", "") != "dumb")


class Bar:
    """``with Bar("restoring", total_bytes, enabled) as bar: bar.advance(n)``.

    ``total`` may be None (standard input: the size is unknown).  ``echo(line)`` prints a
    line of output to stdout; while the bar is live on the same terminal, it goes above it.
    """

    def __init__(self, label: str, total: int | None, enabled: bool, unit: str = "bytes") -> None:
        self.label, self.total, self.enabled, self.unit = label, total, enabled, unit
        self._progress = None
        self._task = None

    def __enter__(self) -> "Bar":
        if self.enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn, TransferSpeedColumn)

            amount = ([DownloadColumn(), TransferSpeedColumn()] if self.unit == "bytes"
                      else [MofNCompleteColumn(), TextColumn(self.unit)])
            self._progress = Progress(TextColumn(self.label), BarColumn(), *amount, TimeElapsedColumn(),
                                      TimeRemainingColumn(), console=Console(stderr=True), transient=True,
                                      redirect_stdout=False, redirect_stderr=False)
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=self.total)
        return self

    def advance(self, amount: int) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, amount)

    def echo(self, line: str) -> None:
        if self._progress is not None and sys.stdout.isatty():
            self._progress.console.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)
        else:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()


def size_of(path: str) -> int | None:
    """Bytes in a regular file; None for standard input or anything else."""
    if path == "-":
        return None
    try:
        return os.stat(path).st_size
    except OSError:
        return None
