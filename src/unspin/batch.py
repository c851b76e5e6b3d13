"""Restore many documents: ``unspin batch`` on a local process pool or a Ray cluster.

    unspin batch news.jsonl.gz restored.jsonl.gz --workers 8
    unspin batch crawl/ restored/ --only-spun 0.5 --resume
    unspin batch pages.parquet out.parquet --engine ray --address auto

Each worker (a process, or a Ray actor) loads the model once; the KenLM binary is
memory-mapped, so workers on one machine share its pages.  Output is written shard by
shard (see :mod:`unspin.batchio`), so a killed run loses at most the shards in flight and
``--resume`` picks up where it stopped.  Documents that fail go to an errors file with
the reason and the original record; the exit code is then 1.

Running on an existing Ray cluster (``pip install 'unspin[ray]'`` on every node; INPUT
and OUTPUT are read and written by the driver, so they only need to be local to it)::

    ray start --head                        # or use the cluster you have
    unspin batch in.jsonl out.jsonl --engine ray --address auto --workers 100
    # from outside the cluster: --address ray://HEAD:10001

``--workers`` is then the size of the actor pool (one CPU per actor).  The model folder
(``--model`` or $UNSPIN_DATA) must exist at the same path on every node, or leave both
unset to use the model bundled with the installed package.
"""

from __future__ import annotations

import atexit
import importlib
import logging
import os
import sys
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Iterator

import click

from unspin.batchio import Layout, Shard, State, count_documents, input_fingerprint, plan, shards
from unspin.errors import UnspinError
from unspin.lifeline import EXIT_TERMINATED, Terminated, terminate_gracefully, tie_to_parent
from unspin.options import PROFILE, QUIET, THRESHOLD, check_score
from unspin.progress import wanted
from unspin.schema import result_to_dict

FLAG_SCORE = 0.5  # spun_score from which the summary counts a document as spun
DEFAULT_FACTORY = "unspin.restorer:Restorer"
CHUNK = 16  # documents per task sent to a worker


# ---------------------------------------------------------------- workers

def make_restorer(factory: str, model: str | None, settings: dict):
    """Import ``module:callable`` and call it as ``Restorer(model, **settings)``."""
    module, _, name = factory.partition(":")
    return getattr(importlib.import_module(module), name)(model, **settings)


def restore_texts(restorer, texts: list[str], as_dict: bool = True) -> list:
    """Restore each text; a failure becomes its error message (a str), never an exception."""
    out = []
    for text in texts:
        try:
            restoration = restorer.restore(text)
            out.append(result_to_dict(restoration) if as_dict else restoration)
        except Exception as error:  # noqa: BLE001 - one bad document must not stop the run
            out.append(f"{type(error).__name__}: {error}")
    return out


_worker_restorer = None  # one per worker process, set by the pool initializer


def _init_worker(factory: str, model: str | None, settings: dict, corpus=None, parent: int | None = None,
                 profile=None, habits=None) -> None:
    global _worker_restorer
    if parent is not None:
        tie_to_parent(parent)  # a killed driver leaves no worker behind
    exit_without_freeing()
    _worker_restorer = make_restorer(factory, model, settings)
    if corpus is not None or habits is not None:
        _worker_restorer = _worker_restorer.with_corpus(corpus, habits)
    if profile is not None:
        _worker_restorer = _worker_restorer.with_profile(profile)


def exit_without_freeing() -> None:
    """End this worker process, once the pool lets it go, without freeing its tables one
    object at a time (seconds of CPU that the caller's next step, or its own exit, would wait
    for).  Its results have been sent by then: the pool's result queue writes as it is given
    them, and ``multiprocessing`` has run its exit functions before interpreter shutdown's."""
    atexit.register(os._exit, 0)


def _work(texts: list[str], as_dict: bool) -> list:
    return restore_texts(_worker_restorer, texts, as_dict)


def _fits_work(jobs: list) -> dict:
    """Learning's discovery, scored on a worker that observed the pages (``LocalEngine.kept``)."""
    from unspin.profiles.discovery import fits_of

    return fits_of(jobs, _worker_restorer.lm)


def _collect_work(method: str, texts: list[str]):
    """``restorer.gather(texts)`` (corpus mode) or ``restorer.observe(texts)`` (learning)."""
    return getattr(_worker_restorer, method)(texts)


def pss_kb(pid: int) -> int | None:
    """Proportional set size of a process (shared pages divided among their users)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass
class _Pending:
    shard: Shard
    results: list
    waiting: int = 0


@dataclass
class Engine:
    """Sends documents to workers; yields each shard once all its documents are back."""

    workers: int
    factory: str = DEFAULT_FACTORY
    model: str | None = None
    settings: dict = field(default_factory=dict)
    memory: dict = field(default_factory=dict)  # worker pid -> peak PSS in kB
    corpus: object = None  # corpus mode: the evidence.Agreement gathered from every document
    habits: object = None  # corpus mode: the priors of the spinner's habits the crawl lends (candidates.Habits)
    profile: object = None  # a spinner profile every worker restores (or observes) with

    def gather(self, stream: Iterator[Shard]):
        """Corpus mode, pass one: what every document says, merged (passes.gather)."""
        return self.collect(stream, "gather")

    def observe(self, stream: Iterator[Shard], progress=None):
        """Learning a profile: what every document says (profiles.learning.observe), merged."""
        return self.collect(stream, "observe", progress)

    def kept(self):
        """A context in which the engine's workers outlive one call (``LocalEngine``); here,
        nothing to keep."""
        return nullcontext(self)

    def helpers(self):
        """``submit(jobs) -> Future`` that scores discovery's fits (``discovery.fits_of``) on
        a worker kept by ``kept``; None where there is none."""
        return None

    def collect(self, stream: Iterator[Shard], method: str, progress=None):
        """``restorer.<method>(texts)`` over every readable document, the parts merged in
        input order; ``progress(documents)`` is called as parts come back."""
        texts = ([item.text for item in shard.items if item.error is None] for shard in stream)
        merged = None
        for size, part in self._parts((part[i : i + CHUNK] for part in texts for i in range(0, len(part), CHUNK)),
                                      method):
            merged = part if merged is None else merged.merge(part)
            if progress is not None:
                progress(size)
        return merged


def _restorer_of(engine: Engine):
    restorer = make_restorer(engine.factory, engine.model, engine.settings)
    if engine.profile is not None:
        restorer = restorer.with_profile(engine.profile)
    return restorer


class LocalEngine(Engine):
    """A process pool (spawned, one model per process); ``workers == 1`` runs in-process."""

    _held: ProcessPoolExecutor | None = None  # the pool ``kept`` holds across calls

    @contextmanager
    def kept(self):
        """Keep one pool of workers across calls: learning observes the pages, then scores
        discovery's fits on the same workers (``helpers``) instead of starting new processes,
        each of which loads the model again."""
        if self.workers <= 1 or self._held is not None:
            yield self
            return
        self._held = self._executor()
        try:
            yield self
        except BaseException:
            _stop(self._held)
            self._held.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            executor, self._held = self._held, None
        executor.shutdown(wait=False)

    def helpers(self):
        return None if self._held is None else fits_helper(self._held)

    def _parts(self, chunks: Iterator[list[str]], method: str) -> Iterator[tuple[int, object]]:
        """(documents, ``restorer.<method>(chunk)``) for each chunk, in order."""
        if self.workers <= 1:
            restorer = _restorer_of(self)
            for chunk in chunks:
                yield len(chunk), getattr(restorer, method)(chunk)
            return
        held = self._held is not None
        executor = self._held if held else self._executor()
        try:
            pending: deque = deque()
            chunks = iter(chunks)
            while True:
                while len(pending) < self.workers * 4:
                    chunk = next(chunks, None)
                    if chunk is None:
                        break
                    pending.append((len(chunk), executor.submit(_collect_work, method, chunk)))
                if not pending:
                    break
                size, future = pending.popleft()
                yield size, future.result()
        except BaseException:
            if not held:  # a kept pool is stopped by ``kept``
                _stop(executor)
                executor.shutdown(wait=True, cancel_futures=True)
            raise
        if not held:  # every part is back: the workers exit while the caller goes on
            executor.shutdown(wait=False)

    def map_shards(self, stream: Iterator[Shard]) -> Iterator[tuple[Shard, list]]:
        if self.workers <= 1:
            restorer = _restorer_of(self)
            if self.corpus is not None or self.habits is not None:
                restorer = restorer.with_corpus(self.corpus, self.habits)
            for shard in stream:
                results = [None] * len(shard.items)
                todo = [i for i, item in enumerate(shard.items) if item.error is None]
                for i, result in zip(todo, restore_texts(restorer, [shard.items[i].text for i in todo])):
                    results[i] = result
                self._sample(os.getpid())
                yield shard, results
            return
        yield from self._pool(stream)

    def _executor(self) -> ProcessPoolExecutor:
        import multiprocessing

        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker,
                                   initargs=(self.factory, self.model, self.settings, self.corpus, os.getpid(),
                                             self.profile, self.habits))

    def _sample(self, pid: int) -> None:
        value = pss_kb(pid)
        if value is not None:
            self.memory[pid] = max(self.memory.get(pid, 0), value)

    def _pool(self, stream: Iterator[Shard]) -> Iterator[tuple[Shard, list]]:
        executor = self._executor()
        in_flight: dict = {}  # future -> (pending, indices)
        limit = self.workers * 4
        stream = iter(stream)
        ready: deque = deque()

        def submit(pending, indices):
            texts = [pending.shard.items[i].text for i in indices]
            in_flight[executor.submit(_work, texts, True)] = (pending, indices)
            pending.waiting += 1

        try:
            while True:
                while len(in_flight) < limit:
                    shard = next(stream, None)
                    if shard is None:
                        break
                    pending = _Pending(shard, [None] * len(shard.items))
                    todo = [i for i, item in enumerate(shard.items) if item.error is None]
                    for start in range(0, len(todo), CHUNK):
                        submit(pending, todo[start : start + CHUNK])
                    if not pending.waiting:
                        ready.append(pending)
                while ready:
                    done = ready.popleft()
                    yield done.shard, done.results
                if not in_flight:
                    return
                finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
                broken = []
                for future in finished:
                    pending, indices = in_flight.pop(future)
                    try:
                        results = future.result()
                    except BrokenProcessPool:
                        broken.append((pending, indices))
                        continue
                    pending.waiting -= 1
                    for i, result in zip(indices, results):
                        pending.results[i] = result
                    if not pending.waiting:
                        ready.append(pending)
                for pid in list(getattr(executor, "_processes", {}) or {}):
                    self._sample(pid)
                if broken:  # a worker died (crash, OOM kill): find the document that did it
                    broken += list(in_flight.values())
                    in_flight.clear()
                    executor.shutdown(wait=False, cancel_futures=True)
                    executor = self._isolate(broken)
                    for pending in {id(p): p for p, _ in broken}.values():
                        if not pending.waiting:
                            ready.append(pending)
        except BaseException:  # SIGTERM (lifeline.Terminated), Ctrl-C, an error, the caller stopping
            _stop(executor)
            raise
        finally:
            executor.shutdown(wait=True, cancel_futures=True)


    def _isolate(self, lost: list) -> ProcessPoolExecutor:
        """Rerun the documents of a broken pool one at a time; a crash fails that document only."""
        executor = self._executor()
        for pending, indices in lost:
            pending.waiting -= 1
            for i in indices:
                try:
                    pending.results[i] = executor.submit(_work, [pending.shard.items[i].text], True).result()[0]
                except BrokenProcessPool:
                    pending.results[i] = "BrokenProcessPool: the worker process died on this document"
                    executor.shutdown(wait=False, cancel_futures=True)
                    executor = self._executor()
        return executor


def _stop(executor: ProcessPoolExecutor) -> None:
    """Terminate the pool's workers now, without waiting for the documents they hold."""
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()


def _init_spec_worker(spec, parent: int | None = None) -> None:
    global _worker_restorer
    if parent is not None:
        tie_to_parent(parent)  # a killed caller leaves no worker behind
    exit_without_freeing()
    _worker_restorer = spec.build()


@contextmanager
def spec_pool(workers: int, spec):
    """``workers`` spawned processes, each building its restorer once from ``spec``, for
    several calls: ``Restorer.learn`` observes the texts in them (``observe_parallel``), then
    scores discovery's fits there (``fits_helper``)."""
    import multiprocessing

    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_spec_worker, initargs=(spec, os.getpid()))
    try:
        yield executor
    except BaseException:
        _stop(executor)
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=False)  # as LocalEngine._parts: the caller need not wait for the workers' exit


def observe_parallel(texts: list[str], workers: int, spec, executor: ProcessPoolExecutor | None = None):
    """``spec.build().observe(texts)`` in ``workers`` processes (``executor``, one of
    ``spec_pool``, or a pool started for this call), the parts merged in order
    (``Restorer.learn(texts, workers=N)``)."""
    if executor is None:
        with spec_pool(workers, spec) as started:
            return observe_parallel(texts, workers, spec, started)
    size = max(1, min(CHUNK, len(texts) // (workers * 4) or 1))
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    merged = None
    for part in executor.map(_collect_work, ["observe"] * len(chunks), chunks):
        merged = part if merged is None else merged.merge(part)
    return merged


def fits_helper(executor: ProcessPoolExecutor):
    """``submit(jobs) -> Future``: discovery's fits (``discovery.fits_of``) scored by one of the
    pool's workers, with its own restorer's LM (``discovery.scored_fits``'s ``helpers``)."""
    return lambda jobs: executor.submit(_fits_work, jobs)


def restore_parallel(texts: list[str], workers: int, spec) -> list:
    """Restore ``texts`` in ``workers`` processes, each building its restorer once from
    ``spec`` (a ``restorer.RestorerSpec``: injected LM, lexicon and corpus evidence travel
    with it); keeps order.

    Used by ``Restorer.restore_many(texts, workers=N)``.  Raises the first failure as an
    UnspinError (E030) naming the document.
    """
    import multiprocessing

    texts = list(texts)
    if workers <= 1 or len(texts) <= 1:
        results = restore_texts(spec.build(), texts, as_dict=False)
    else:
        size = max(1, min(CHUNK, len(texts) // (workers * 4) or 1))
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_init_spec_worker, initargs=(spec, os.getpid())) as executor:
            chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
            results = [r for part in executor.map(_work, chunks, [False] * len(chunks)) for r in part]
    for number, result in enumerate(results):
        if isinstance(result, str):
            raise UnspinError("E030", f"document {number} failed: {result}")
    return results


# ---------------------------------------------------------------- Ray

class RayRestoreBatch:
    """Ray Data callable class: each actor of the pool builds one restorer."""

    def __init__(self, factory: str, model: str | None, settings: dict, profile=None) -> None:
        self.restorer = make_restorer(factory, model, settings)
        if profile is not None:
            self.restorer = self.restorer.with_profile(profile)

    def __call__(self, batch: dict) -> dict:
        import json

        results = restore_texts(self.restorer, list(batch["text"]))
        pid = os.getpid()
        return {"shard": batch["shard"], "index": batch["index"],
                "result": [json.dumps(r, ensure_ascii=False) for r in results],
                "pid": [pid] * len(results), "pss_kb": [pss_kb(pid) or 0] * len(results)}


class RayCollector:
    """A Ray actor holding one restorer: ``collect(method, texts)`` for learning a profile."""

    def __init__(self, factory: str, model: str | None, settings: dict, profile=None) -> None:
        self.restorer = make_restorer(factory, model, settings)
        if profile is not None:
            self.restorer = self.restorer.with_profile(profile)

    def collect(self, method: str, texts: list[str]) -> tuple[int, object]:
        return len(texts), getattr(self.restorer, method)(texts)


class RayEngine(Engine):
    """Ray Data: ``from_items`` + ``map_batches`` over an actor pool of ``workers`` actors.

    Shards are sent in waves of at most ``wave`` documents (the driver holds a wave).
    """

    address: str | None = None
    wave: int = 200_000

    def _start(self) -> bool:
        """Connect to the cluster (``address``) or start Ray here; True if this call started it."""
        import ray

        started = not ray.is_initialized()
        if started:
            kwargs = {"address": self.address} if self.address else {"num_cpus": max(self.workers, os.cpu_count() or 1)}
            ray.init(include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING,
                     ignore_reinit_error=True, **kwargs)
        return started

    def _parts(self, chunks: Iterator[list[str]], method: str) -> Iterator[tuple[int, object]]:
        """(documents, ``restorer.<method>(chunk)``) for each chunk, in order, from a pool of
        ``workers`` actors (``ray.util.ActorPool``)."""
        import ray
        from ray.util import ActorPool

        started = self._start()
        try:
            collector = ray.remote(num_cpus=1)(RayCollector)
            pool = ActorPool([collector.remote(self.factory, self.model, self.settings, self.profile)
                              for _ in range(self.workers)])
            yield from pool.map(lambda actor, chunk: actor.collect.remote(method, chunk), chunks)
        finally:
            if started:
                ray.shutdown()

    def map_shards(self, stream: Iterator[Shard]) -> Iterator[tuple[Shard, list]]:
        import json

        import ray

        started = self._start()
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        try:
            stream = iter(stream)
            while True:
                wave, rows = [], []
                for shard in stream:
                    pending = _Pending(shard, [None] * len(shard.items))
                    for i, item in enumerate(shard.items):
                        if item.error is None:
                            rows.append({"shard": len(wave), "index": i, "text": item.text})
                            pending.waiting += 1
                    wave.append(pending)
                    if len(rows) >= self.wave:
                        break
                if not wave:
                    return
                for pending in wave:
                    if not pending.waiting:
                        yield pending.shard, pending.results
                if not rows:
                    continue
                dataset = ray.data.from_items(rows).map_batches(
                    RayRestoreBatch, fn_constructor_args=(self.factory, self.model, self.settings, self.profile),
                    compute=ray.data.ActorPoolStrategy(size=self.workers), batch_size=CHUNK,
                    batch_format="numpy")
                for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
                    for shard_no, index, result, pid, pss in zip(batch["shard"], batch["index"], batch["result"],
                                                                 batch["pid"], batch["pss_kb"]):
                        pending = wave[int(shard_no)]
                        pending.results[int(index)] = json.loads(result)
                        pending.waiting -= 1
                        self.memory[int(pid)] = max(self.memory.get(int(pid), 0), int(pss))
                        if not pending.waiting:
                            yield pending.shard, pending.results
        finally:
            if started:
                ray.shutdown()


# ---------------------------------------------------------------- the run

def run_batch(input_path, output_path, engine: str = "local", workers: int | None = None,
              text_field: str = "text", only_spun: float | None = None, resume: bool = False,
              address: str | None = None, model: str | None = None, settings: dict | None = None,
              shard_size: int = 1000, factory: str = DEFAULT_FACTORY, progress: bool = True,
              corpus: bool = False, profile: str | None = None, save_profile: str | None = None,
              assume_one_spinner: bool = False) -> dict:
    """Restore every document of ``input_path`` into ``output_path``; return the summary.

    ``corpus``: the documents are one crawl spun by one spinner; a first pass reads them
    all and every document is then restored with what the others say (local engine), where
    the crawl reads as one spinner's (``Agreement.check``) or ``assume_one_spinner``.
    ``profile``: a spinner profile file every document is restored with.  ``save_profile``
    (corpus mode): keep what the first pass gathered as a profile file, for later runs.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    workers = workers or os.cpu_count() or 1
    settings = dict(settings or {})
    layout: Layout = plan(input_path, output_path)
    if corpus and engine == "ray":
        raise UnspinError("E030", "corpus mode (--corpus) runs on the local engine only")
    if assume_one_spinner and not corpus:
        raise UnspinError("E030", "--assume-one-spinner is a setting of corpus mode: add --corpus")
    if save_profile is not None and not corpus:
        raise UnspinError("E030", "--save-profile keeps what corpus mode gathers: add --corpus "
                          "(or learn a profile with `unspin learn`)")
    if engine == "ray":
        check_ray()  # before the state folder is made
    learned = None
    if profile is not None:
        from unspin.profiles import read

        learned = read(profile)
        make_restorer(factory, model, settings).chosen_profile(learned)  # E023 before any work
    fingerprint = {"text_field": text_field, "only_spun": only_spun, "shard_size": shard_size,
                   "model": model, "settings": settings, "factory": factory, "corpus": corpus,
                   "inputs": input_fingerprint(layout)}
    if assume_one_spinner:
        fingerprint["assume_one_spinner"] = True
    if learned is not None:
        fingerprint["profile"] = learned.stamp
    state = State(layout, fingerprint, resume)
    cls = RayEngine if engine == "ray" else LocalEngine
    runner = cls(workers, factory, model, settings)
    runner.profile = learned
    if engine == "ray":
        runner.address = address
    crawl = None
    if corpus:
        gathered = runner.gather(shards(layout, shard_size, text_field))
        if gathered is not None:  # corpus mode's premise: one spinner; else each document is read alone
            runner.corpus, crawl = gathered.for_corpus_mode(assume_one_spinner)
            runner.habits = gathered.habits()  # lent to every document, read alone or not
        if save_profile is not None and gathered is not None:
            save_gathered(gathered, save_profile, make_restorer(factory, model, settings), layout)
    totals = {"documents": 0, "words": 0, "spun": 0, "errors": 0, "written": 0, "resumed_shards": 0}
    keys: list[str] = []
    started = time.monotonic()
    done_words = done_docs = 0
    first = None  # (seconds, documents, words) when the first shard came back: start-up ends

    def todo() -> Iterator[Shard]:
        nonlocal done_docs
        for shard in shards(layout, shard_size, text_field):
            keys.append(shard.key)
            stats = state.done(shard.key)
            if stats is None:
                yield shard
            else:
                totals["resumed_shards"] += 1
                for name in ("documents", "words", "spun", "errors", "written"):
                    totals[name] += stats[name]
                done_docs += stats["documents"]
                bar.update(task, completed=totals["documents"])

    console = Console(stderr=True)
    columns = [TextColumn("restoring"), BarColumn(), MofNCompleteColumn(), TextColumn("docs"),
               TextColumn("{task.fields[rate]}"), TimeRemainingColumn()]
    with Progress(*columns, console=console, disable=not progress, transient=False) as bar:
        task = bar.add_task("restore", total=count_documents(layout), rate="")
        for shard, results in runner.map_shards(todo()):
            stats = state.write_shard(shard, results, only_spun, FLAG_SCORE)
            for name in ("documents", "words", "spun", "errors", "written"):
                totals[name] += stats[name]
            done_words += stats["words"]
            elapsed = max(time.monotonic() - started, 1e-9)
            first = first or (elapsed, totals["documents"] - done_docs, done_words)
            rate = f"{(totals['documents'] - done_docs) / elapsed:,.1f} docs/s {done_words / elapsed:,.0f} words/s"
            bar.update(task, completed=totals["documents"], rate=rate)
    state.finish(keys)
    elapsed = time.monotonic() - started
    restored = totals["documents"] - done_docs
    return {**totals, "seconds": round(elapsed, 3), "engine": engine, "workers": workers,
            "docs_per_second": round(restored / elapsed, 2) if elapsed else None,
            "words_per_second": round(done_words / elapsed, 1) if elapsed else None,
            "errors_file": str(layout.errors) if totals["errors"] else None,
            "first_shard": first,
            "corpus": None if crawl is None else {**crawl.to_dict(), "used": runner.corpus is not None,
                                                  "verdict": crawl.describe(), "habits": lent_habits(runner.habits)},
            "note": seasoned_note(learned) if runner.corpus is not None else None,
            "worker_pss_kb": dict(sorted(runner.memory.items()))}


def lent_habits(habits) -> dict | None:
    """The habit priors a crawl lent its documents (``Agreement.habits``) as the summary keeps them."""
    if habits is None:
        return None
    per_occurrence, capitalised = habits.rounded()
    return {"per_occurrence": per_occurrence, "capitalised": capitalised}


def save_gathered(corpus, path: str, restorer, layout) -> None:
    """Write corpus mode's gathered evidence as a profile (``Profile.from_agreement``)."""
    from pathlib import Path

    from unspin import __version__
    from unspin.profiles import Profile, write
    from unspin.profiles.fileformat import default_name
    from unspin.profiles.learning import model_of, settings_of

    pages, words = count_documents(layout), sum(corpus.counts.values())
    write(Profile.from_agreement(corpus, {
        "name": default_name(Path(path)), "unspin": __version__, "model": model_of(restorer),
        "settings": settings_of(restorer), "pages": pages, "words": words,
        "learned": [{"from": "unspin batch --corpus (summed posteriors, no EM)", "pages": pages, "words": words,
                     "iterations": 0, "changes": [], "unspin": __version__}]}), path)


RAY_MISSING = "the ray engine needs the ray extra: pip install 'unspin[ray]'"


def check_ray() -> None:
    """Raise E030 with how to install Ray when it cannot be imported."""
    try:
        import ray  # noqa: F401
    except ImportError as error:
        raise UnspinError("E030", f"{RAY_MISSING} ({error})") from None


def seasoned_note(profile) -> str | None:
    """What the summary says of corpus mode with a profile: a seasoned one (``Profile.seasoned``)
    reads the documents it fits alone, a young one with the batch's agreement."""
    if profile is None:
        return None
    how = "with it alone, the others with corpus mode" if profile.seasoned else "with it and corpus mode together"
    return f"profile: learned from {profile.header.get('pages', 0):,} pages: the documents it fits were restored {how}"


def summary_line(summary: dict) -> str:
    ok = summary["documents"] - summary["errors"]
    share = summary["spun"] / ok if ok else 0.0
    line = (f"unspin batch: {summary['documents']:,} documents, {summary['words']:,} words, "
            f"{share:.1%} flagged as spun (score >= {FLAG_SCORE}), {summary['errors']:,} errors")
    if summary["errors_file"]:
        line += f" (see {summary['errors_file']})"
    line += f"; {summary['docs_per_second'] or 0:,.1f} docs/s, {summary['words_per_second'] or 0:,.0f} words/s"
    if summary["resumed_shards"]:
        line += f"; {summary['resumed_shards']} shards from the earlier run"
    crawl = summary.get("corpus")
    if crawl is not None:
        line += f"\ncorpus mode: {crawl['verdict']}"
        if not crawl["used"]:
            line += "; each document was restored alone"
        elif not crawl["one_spinner"]:
            line += "; read with what the crawl says of each word, not of each original"
        if crawl.get("habits"):
            line += (f"; lent to every document, its spinner's habits: chooses anew at each occurrence "
                     f"{crawl['habits']['per_occurrence']:.2f}, spins capitalised words {crawl['habits']['capitalised']:.2f}")
    if summary.get("note"):
        line += "\n" + summary["note"]
    return line


@click.command("batch")
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True))
@click.argument("output_path", metavar="OUTPUT", type=click.Path())
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local",
              help="local: a process pool on this machine; ray: Ray Data (pip install 'unspin[ray]')")
@click.option("--workers", type=click.IntRange(1), default=None, help="worker processes / Ray actors (default: CPUs)")
@click.option("--text-field", default="text", show_default=True, help="the text of a .jsonl / .parquet record")
@click.option("--only-spun", "only_spun", type=float, default=None, metavar="MIN_SCORE", callback=check_score,
              help="write only documents whose spun_score is at least MIN_SCORE")
@click.option("--resume", is_flag=True, help="skip shards an interrupted run already finished")
@click.option("--address", default=None, help="Ray cluster address (auto, ray://host:10001); default: start Ray locally")
@click.option("--model", type=click.Path(file_okay=False), default=None,
              help="model folder (default: bundled, or $UNSPIN_DATA)")
@THRESHOLD
@click.option("--shard-size", type=click.IntRange(1), default=1000, show_default=True,
              help="documents per output shard (the unit of --resume)")
@click.option("--progress/--no-progress", default=None,
              help="a progress bar on stderr (default: when stderr is a terminal)")
@QUIET
@click.option("--corpus", is_flag=True, help="the documents come from one crawl: read them all first and "
              "restore each with what the others say of its words (local engine; reads the input twice); "
              "where the crawl writes an original many ways (several spinners), not what they say of its "
              "originals; where too little is restored to tell, each document alone (the summary says which)")
@click.option("--assume-one-spinner", is_flag=True, help="with --corpus: read the crawl as one spinner's whatever "
              "its check says (what the others say of each original too)")
@PROFILE
@click.option("--save-profile", type=click.Path(dir_okay=False), default=None,
              help="with --corpus: also keep what the first pass gathered as a profile file (see unspin learn)")
@click.option("--phrases", is_flag=True, help="restore tortured terms too (the phrase channel, for science "
              "text; slower); the edits it makes have relation phrase_term")
@click.option("--restorer", "factory", default=DEFAULT_FACTORY, hidden=True,
              help="module:callable building the restorer (for tests and custom models)")
def batch_command(input_path, output_path, engine, workers, text_field, only_spun, resume, address,
                  model, threshold, shard_size, progress, quiet, corpus, assume_one_spinner, profile, save_profile,
                  phrases, factory):
    """Restore every document in INPUT (file or folder of .txt, .jsonl[.gz], .parquet) into OUTPUT.

    Records gain restored_text, edits, spun_score and signature.  Exit code 1 if any
    document failed (see the errors file) or the input cannot be read, 2 for a usage error
    (--engine ray without Ray included), 143 when stopped by SIGTERM (rerun with --resume),
    0 otherwise.
    """
    settings = {} if threshold is None else {"threshold": threshold}
    if phrases:
        settings["phrases"] = True
    progress = wanted(quiet) if progress is None else progress and not quiet
    if engine == "ray":
        try:
            check_ray()
        except UnspinError as error:
            click.echo(f"unspin batch: {error.detail}", err=True)
            sys.exit(2)  # a usage error: nothing was read or written
    try:
        with terminate_gracefully():
            summary = run_batch(input_path, output_path, engine, workers, text_field, only_spun, resume,
                                address, model, settings, shard_size, factory, progress, corpus, profile,
                                save_profile, assume_one_spinner)
    except Terminated:
        click.echo("unspin batch: stopped by SIGTERM; the finished shards are kept: rerun with --resume "
                   "to go on", err=True)
        sys.exit(EXIT_TERMINATED)
    except UnspinError as error:
        click.echo(f"unspin: {error}", err=True)
        sys.exit(1)
    click.echo(summary_line(summary))
    sys.exit(1 if summary["errors"] else 0)


if __name__ == "__main__":
    batch_command()
