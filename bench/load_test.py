"""Load test: many concurrent HTTP clients against ``unspin serve`` on loopback.

    python bench/load_test.py --clients 100 --duration 60 --workers 2

Starts the server itself (``python -m unspin.cli serve``) unless ``--url`` points at one, runs
the clients for ``--duration`` seconds, samples the server's resident memory (all its processes)
and prints one JSON line: requests/s, p50/p99 latency, errors, peak RSS, the model signature.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

SRC = Path(__file__).resolve().parents[1] / "src"
TEXTS = [
    "He was successful the abode when the telephone rang, and he picked it up.",
    "The organization defected to South Korea successful 2019 after a long dispute about wages.",
    "I will beryllium there soon, she said, and the room fell silent for a long time.",
    "Scientists have found that regular exercise can help reduce the danger of heart illness "
    "and improve overall wellbeing, according to a new investigation published this week. "
    "The study followed thousands of adults over ten years and measured their activity levels.",
    "The council voted to approve the new budget, which includes funding for schools, roads and "
    "a brand new library successful the town centre. Critics said the plan would beryllium too "
    "expensive, but supporters argued it was long overdue.",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] if ordered else 0.0


def tree_rss(process: psutil.Process) -> tuple[int, int]:
    """(total, largest single process) resident bytes of a process and its children."""
    sizes = []
    for member in [process, *process.children(recursive=True)]:
        try:
            sizes.append(member.memory_info().rss)
        except psutil.Error:
            pass
    return sum(sizes), max(sizes, default=0)


async def sample_memory(process: psutil.Process | None, peaks: dict, stop: asyncio.Event) -> None:
    while process is not None and not stop.is_set():
        total, single = tree_rss(process)
        peaks["total"] = max(peaks["total"], total)
        peaks["process"] = max(peaks["process"], single)
        await asyncio.sleep(0.25)


async def client(http: httpx.AsyncClient, number: int, deadline: float, endpoint: str,
                 latencies: list[float], statuses: dict) -> None:
    index = number
    while time.monotonic() < deadline:
        text = TEXTS[index % len(TEXTS)]
        index += 1
        started = time.monotonic()
        try:
            if endpoint == "/v2/check":
                response = await http.post(endpoint, data={"text": text, "language": "en-US"})
            else:
                response = await http.post(endpoint, json={"text": text})
            key = str(response.status_code)
        except httpx.HTTPError as error:
            key = type(error).__name__
        statuses[key] = statuses.get(key, 0) + 1
        if key == "200":
            latencies.append(time.monotonic() - started)


async def load(url: str, clients: int, duration: float, endpoint: str,
               process: psutil.Process | None) -> dict:
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    peaks = {"total": 0, "process": 0}
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as http:
        info = (await http.get("/v1/info")).json()
        sampler = asyncio.create_task(sample_memory(process, peaks, stop))
        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(*(client(http, n, deadline, endpoint, latencies, statuses)
                               for n in range(clients)))
        elapsed = time.monotonic() - started
        stop.set()
        await sampler
    ok = statuses.get("200", 0)
    return {
        "benchmark": "server_load", "endpoint": endpoint, "clients": clients,
        "duration_s": round(elapsed, 1), "requests": sum(statuses.values()),
        "requests_per_s": round(ok / elapsed, 1),
        "latency_ms": {"p50": round(1000 * percentile(latencies, 0.5), 1),
                       "p99": round(1000 * percentile(latencies, 0.99), 1),
                       "mean": round(1000 * statistics.fmean(latencies), 1) if latencies else 0.0},
        "errors": sum(count for key, count in statuses.items() if key != "200"),
        "status_counts": statuses,
        "server_peak_rss_mb": round(peaks["total"] / 2**20, 1) if process else None,
        "server_peak_rss_mb_largest_process": round(peaks["process"] / 2**20, 1) if process else None,
        "signature": info.get("signature"), "cpu_count": os.cpu_count(),
    }


def start_server(workers: int, model: str | None, extra: list[str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "unspin.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), *(["--model", model] if model else []), *extra]
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(SRC), os.environ.get("PYTHONPATH")])))
    server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited: {server.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                # every worker warms its model before serving; give the others a moment
                time.sleep(1.0)
                return server, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("server did not become healthy within 300 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--endpoint", choices=["/v1/restore", "/v2/check"], default="/v1/restore")
    parser.add_argument("--url", help="use this running server instead of starting one")
    parser.add_argument("--model", help="model folder for the server")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="extra argument for `unspin serve` (repeatable)")
    args = parser.parse_args()
    server = None
    url = args.url
    if url is None:
        server, url = start_server(args.workers, args.model, args.server_arg)
    try:
        result = asyncio.run(load(url, args.clients, args.duration, args.endpoint,
                                  psutil.Process(server.pid) if server else None))
        result["workers"] = args.workers if server else None
        print(json.dumps(result))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
