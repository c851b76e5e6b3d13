"""Worker processes that never outlive the process that started them.

A worker calls :func:`tie_to_parent` first thing.  On Linux the kernel then sends it
SIGKILL the moment its parent dies, SIGKILL of the parent included (``PR_SET_PDEATHSIG``);
everywhere, a daemon thread also checks twice a second that the parent is still the one it
started with and ends the process when it is not.  So a killed batch driver or server
leaves no orphaned workers (each holding a model in memory) behind.

:func:`terminate_gracefully` turns SIGTERM into ``SystemExit(143)`` in the main thread, so
that ``finally`` blocks run and a driver shuts its workers down before it exits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_SECONDS = 0.5
EXIT_TERMINATED = 128 + signal.SIGTERM


def tie_to_parent(parent: int) -> None:
    """Call in a child process: end it as soon as process ``parent`` is gone."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watchdog below still works
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="unspin-lifeline", daemon=True).start()


class Terminated(SystemExit):
    """SIGTERM arrived: unwind (running ``finally`` blocks) and exit with 143."""


@contextlib.contextmanager
def terminate_gracefully():
    """Within the block, SIGTERM raises :class:`Terminated` in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Terminated(EXIT_TERMINATED)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
