"""Restorations in worker processes that can be stopped: the server's request slots.

A restoration is pure computation on one thread; a thread cannot be stopped from outside,
so a request that ran past its time limit used to keep its CPU and its memory (RSS grew by
gigabytes) until it finished on its own.  Here each request slot is a worker process with
its own restorer.  A call that runs past the deadline gets 504 and its worker is killed
(SIGKILL: the CPU and the memory come back at once); a fresh worker takes the slot as soon
as it has loaded the model.  Workers die with their parent (:mod:`unspin.lifeline`).

The KenLM binary is memory-mapped, so workers on one machine share its pages.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import logging
import multiprocessing
import os
import signal
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from unspin.errors import HTTPProblem, UnspinError
from unspin.lifeline import tie_to_parent

DEFAULT_FACTORY = "unspin.restorer:Restorer"
START_SECONDS = 300.0  # a worker that has not loaded its model by then has failed
MAX_WAITING = 256  # requests queued beyond this are refused at once with 503
WARM_UP = "He was in the house."
log = logging.getLogger("unspin.server")


def make_restorer(factory: str, model: str | None, profiles: dict | None = None):
    """Import ``module:callable`` and call it with the model folder (and ``profiles``,
    name -> profile file, when there are any)."""
    module, _, name = factory.partition(":")
    build = getattr(importlib.import_module(module), name)
    return build(model, profiles=profiles) if profiles else build(model)


def face(restorer) -> dict:
    """What the server shows of a restorer: signature, info(), default settings and the
    spinner profiles a request may name."""
    settings = getattr(restorer, "settings", None)
    return {"signature": restorer.signature, "info": restorer.info(),
            "settings": dataclasses.asdict(settings) if dataclasses.is_dataclass(settings) else None,
            "profiles": profiles_of(restorer)}


def profiles_of(restorer) -> list[dict]:
    """The named profiles of a restorer as the server lists them (no path on its disk)."""
    found = []
    for name, profile in sorted((getattr(restorer, "profiles", None) or {}).items()):
        header = profile.header
        found.append({"name": name, "stamp": profile.stamp, "pages": header.get("pages", 0),
                      "words": header.get("words", 0), "readings": profile.statistics()["entries"]})
    return found


def _serve(connection, factory: str, model: str | None, parent: int, profiles: dict | None = None) -> None:
    """A worker: build the restorer, say ready, then answer calls until the pipe closes."""
    tie_to_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent stops us
    try:
        restorer = make_restorer(factory, model, profiles)
        for each in (getattr(restorer, "profiles", None) or {}).values():
            restorer.chosen_profile(each)  # a profile learned with another model: refuse to start (E023)
        restorer.restore(WARM_UP)  # load everything before taking requests
        connection.send(("ready", face(restorer)))
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which refuses to start
        connection.send(("failed", f"{type(error).__name__}: {error}"))
        return
    while True:
        try:
            function, args, kwargs = connection.recv()
        except (EOFError, OSError):
            return
        try:
            reply = ("ok", function(restorer, *args, **kwargs))
        except UnspinError as error:
            reply = ("unspin", error.code, error.detail)
        except Exception as error:  # noqa: BLE001 - one bad request must not end the worker
            reply = ("error", f"{type(error).__name__}: {error}")
        connection.send(reply)


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: object


class Supervisor:
    """``size`` worker processes built by ``factory(model)``; each call within ``timeout`` s.

    Presents the restorer's face to the server (``signature``, ``settings``, ``info()``,
    from the first worker) and ``run(function, *args)``, which calls
    ``function(restorer, *args)`` in a free worker.  ``function`` must be importable
    (a module-level function), as it is sent to the worker by name.
    """

    def __init__(self, factory: str, model: str | None, size: int, timeout: float,
                 profiles: dict | None = None) -> None:
        self.factory, self.model, self.size, self.timeout = factory, model, size, timeout
        self.profile_files = dict(profiles or {})  # name -> profile file, loaded by every worker
        self.context = multiprocessing.get_context("spawn")
        self.threads = ThreadPoolExecutor(2 * size + 1, thread_name_prefix="unspin-worker-io")
        self.workers: set[_Worker] = set()
        self.idle: asyncio.Queue | None = None
        self.description: dict = {}
        self.waiting = 0
        self.closed = False
        self._tasks: set = set()

    # ------------------------------------------------------------ the restorer's face

    @property
    def signature(self) -> str:
        return self.description["signature"]

    @property
    def settings(self):
        from unspin.restorer import Settings

        values = self.description.get("settings")
        return Settings(**values) if values else None

    def info(self) -> dict:
        return self.description["info"]

    @property
    def profile_list(self) -> list[dict]:
        """The named profiles the workers hold (see ``profiles_of``)."""
        return self.description.get("profiles", [])

    def pids(self) -> list[int]:
        return sorted(worker.process.pid for worker in self.workers)

    # ------------------------------------------------------------ workers

    def _spawn(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(target=_serve, name="unspin-restore", daemon=True,
                                       args=(theirs, self.factory, self.model, os.getpid(), self.profile_files))
        process.start()
        theirs.close()
        return _Worker(process, ours)

    @staticmethod
    def _wait_ready(worker: _Worker) -> dict:
        """Blocking: the worker's description once it has loaded its model."""
        try:
            if not worker.connection.poll(START_SECONDS):
                raise UnspinError("E042", f"a restore worker did not start within {START_SECONDS:g} s")
            message = worker.connection.recv()
        except (EOFError, OSError):
            raise UnspinError("E042", "a restore worker exited while loading the model") from None
        if message[0] != "ready":
            raise UnspinError("E042", f"a restore worker could not start: {message[1]}")
        return message[1]

    def _kill(self, worker: _Worker) -> None:
        """SIGKILL now (its CPU and memory come back at once); reap it in the background."""
        self.workers.discard(worker)
        if worker.process.is_alive():
            worker.process.kill()
        self.threads.submit(_reap, worker)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.idle = asyncio.Queue()
        workers = [self._spawn() for _ in range(self.size)]
        try:
            descriptions = await asyncio.gather(*(loop.run_in_executor(self.threads, self._wait_ready, worker)
                                                  for worker in workers))
        except BaseException:
            for worker in workers:
                self._kill(worker)
            raise
        self.description = descriptions[0]
        for worker in workers:
            self.workers.add(worker)
            self.idle.put_nowait(worker)

    async def close(self) -> None:
        self.closed = True
        for worker in list(self.workers):
            self._kill(worker)
        self.threads.shutdown(wait=False, cancel_futures=False)

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        if not self.closed:
            task = asyncio.get_running_loop().create_task(self._refill())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _refill(self) -> None:
        """Start a worker for a freed slot; retry (backing off) until one starts."""
        loop = asyncio.get_running_loop()
        delay = 1.0
        while not self.closed:
            worker = self._spawn()
            try:
                await loop.run_in_executor(self.threads, self._wait_ready, worker)
            except Exception as error:  # noqa: BLE001 - keep trying; the other slots still serve
                log.error("unspin: %s; retrying in %g s", error, delay)
                self._kill(worker)
                await asyncio.sleep(delay)
                delay = min(2 * delay, 60.0)
                continue
            if self.closed:
                self._kill(worker)
                return
            self.workers.add(worker)
            self.idle.put_nowait(worker)
            return

    # ------------------------------------------------------------ calls

    @staticmethod
    def _exchange(worker: _Worker, message) -> tuple:
        worker.connection.send(message)
        return worker.connection.recv()

    async def run(self, function, *args, **kwargs):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        if self.waiting >= MAX_WAITING:
            raise HTTPProblem(503, "E040", f"server busy ({self.waiting} requests waiting); retry later")
        self.waiting += 1
        try:
            worker = await asyncio.wait_for(self.idle.get(), self.timeout)
        except TimeoutError:
            raise HTTPProblem(503, "E040", f"server busy: no free worker within {self.timeout:g} s; "
                              "retry later") from None
        finally:
            self.waiting -= 1
        future = loop.run_in_executor(self.threads, self._exchange, worker, (function, args, kwargs))
        try:
            reply = await asyncio.wait_for(asyncio.shield(future), max(0.001, deadline - loop.time()))
        except TimeoutError:
            future.add_done_callback(_consume)
            self._replace(worker)  # stop the work now; a fresh worker takes the slot
            raise HTTPProblem(504, "E041", f"restoring took longer than this server's limit of "
                              f"{self.timeout:g} s; send a shorter text") from None
        except asyncio.CancelledError:  # the request was abandoned: so is its work
            future.add_done_callback(_consume)
            self._replace(worker)
            raise
        except (EOFError, OSError):
            self._replace(worker)
            raise HTTPProblem(503, "E042", "the restore worker stopped (out of memory?); retry later") from None
        self.idle.put_nowait(worker)
        if reply[0] == "ok":
            return reply[1]
        if reply[0] == "unspin":
            raise UnspinError(reply[1], reply[2])
        log.error("unspin: restore failed: %s", reply[1])
        raise HTTPProblem(500, "E043", "internal error while restoring; please report this input")


def _consume(future) -> None:
    """Mark an abandoned call's outcome as seen (its worker was killed)."""
    if not future.cancelled():
        future.exception()


def _reap(worker: _Worker) -> None:
    worker.process.join(10)
    worker.connection.close()
