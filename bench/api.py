"""Prediction API benchmark: one run, medians and p99, printed as figures and ratios.

usage: PYTHONPATH=. python bench/api.py [--bundle DIR] [--baseline REF]    (make bench)

Measures
- single-row latency in-process: contract validation + preprocessing + predict, beside the
  floor (the booster's own inplace_predict on a ready vector) and a naive pandas path;
- drivers: the pure-Python TreeSHAP of one customer beside xgboost's own pred_contribs on
  one row (the C++ floor), and the explainer's one-off build at bundle load;
- one customer through the service: plain, with its drivers (the default) and its levers;
- batch throughput of 1,000-row batches through the service;
- HTTP over loopback: requests/s and p99 with 16 concurrent clients against uvicorn;
- Lambda cold-start proxy: importing the handler from a clean install of the Lambda image's
  dependency set, beside the same import at the commit before drivers were served (--baseline),
  and that directory's size.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import xgboost as xgb

from churn import contract
from churn.api.drivers import TreeExplainer
from churn.api.predictors import LocalPredictor
from churn.api.schemas import DEFAULT_DRIVERS, Customer
from churn.api.service import PredictionService
from churn.bundles import load_bundle, resolve
from tests.support.environments import REPO_ROOT, replay_copies, target_directory
from tests.support.servers import free_port, wait_for_http

DATA = REPO_ROOT.parent / "shared/data/telco-customer-churn.csv"
CONCURRENCY = 16
# The last commit before the API served drivers and levers: the handler import's "before".
BEFORE_EXPLANATIONS = "5b4944a"


def percentile(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q))


def timed(action: Callable[[], object], repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter_ns()
        action()
        samples.append((time.perf_counter_ns() - started) / 1e3)  # microseconds
    return samples


def customers() -> list[dict[str, Any]]:
    with DATA.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [{"customerID": r["customerID"], **contract.normalize_record(r)} for r in rows]


def single_row(service: PredictionService, booster: xgb.Booster, sample: dict[str, Any]) -> None:
    predictor = service.predictor
    vector = np.asarray([service.vectorizer.vector(Customer.model_validate(sample).record())])
    columns = service.bundle.spec.feature_names

    def full_path() -> object:
        customer = Customer.model_validate(sample)
        return predictor.predict([service.vectorizer.vector(customer.record())])

    def floor() -> object:
        return booster.inplace_predict(vector, validate_features=False)

    def naive_pandas() -> object:
        frame = pd.DataFrame([{k: v for k, v in sample.items() if k != "customerID"}])
        encoded = pd.get_dummies(frame, prefix_sep="=").reindex(columns=columns, fill_value=0)
        return booster.inplace_predict(encoded.to_numpy(dtype=float), validate_features=False)

    paths = {"API path": full_path, "floor": floor, "naive pandas": naive_pandas}
    compare("single row, in-process (microseconds)", paths, "floor")


def compare(title: str, paths: Mapping[str, Callable[[], object]], reference: str) -> None:
    """Each path timed (after a warm-up), its median and p99 printed beside ``reference``'s."""
    for action in paths.values():
        timed(action, 200)  # warm up
    results = {name: timed(action, 3000) for name, action in paths.items()}
    reference_median = statistics.median(results[reference])
    print(title)
    for name, samples in results.items():
        median = statistics.median(samples)
        print(
            f"  {name:<13} median {median:8.1f}  p99 {percentile(samples, 99):8.1f}"
            f"  = {median / reference_median:4.2f}x {reference}"
        )


def drivers_cost(booster_document: bytes, booster: xgb.Booster, vector: list[float]) -> None:
    started = time.perf_counter()
    explainer = TreeExplainer(booster_document)
    built = time.perf_counter() - started
    matrix = xgb.DMatrix(np.asarray([vector], dtype=np.float32))
    paths = {
        "pure Python": lambda: explainer.explain(vector),
        "pred_contribs": lambda: booster.predict(matrix, pred_contribs=True),
    }
    title = (
        f"drivers of one customer (microseconds); explainer built at load in {built * 1e3:.0f} ms"
    )
    compare(title, paths, "pred_contribs")


def explained_cost(service: PredictionService, sample: dict[str, Any]) -> None:
    """One customer through the service as the routes call it: plain, with drivers (on by
    default), and its levers (every variant in one predictor call)."""
    customer = Customer.model_validate(sample)
    loop = asyncio.new_event_loop()
    paths = {
        "plain": lambda: loop.run_until_complete(service.predict_one(customer)),
        "with drivers": lambda: loop.run_until_complete(
            service.predict_one(customer, DEFAULT_DRIVERS)
        ),
        "levers": lambda: loop.run_until_complete(service.levers(customer, len(contract.LEVERS))),
    }
    compare("one customer through the service (microseconds)", paths, "plain")
    loop.close()


def batch_throughput(service: PredictionService, rows: list[dict[str, Any]]) -> None:
    batch = rows[:1000]
    samples = [
        sample / 1e6 for sample in timed(lambda: asyncio.run(service.predict_batch(batch)), 20)
    ]
    median = statistics.median(samples)
    print(
        f"batch of 1,000 in-process: median {median * 1e3:.1f} ms = {1000 / median:,.0f} rows/s"
        f" (p99 {percentile(samples, 99) * 1e3:.1f} ms)"
    )


async def hammer(url: str, bodies: list[dict[str, Any]], total: int) -> list[float]:
    latencies: list[float] = []
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def worker() -> None:
            for number in counter:
                started = time.perf_counter()
                answer = await client.post("/v1/predictions", json=bodies[number % len(bodies)])
                answer.raise_for_status()
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return latencies


def wrk(url: str, body: str, seconds: int) -> tuple[float, float]:
    """requests/s and p99 (ms) from wrk, a C load generator (Debian package `wrk`)."""
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "post.lua"
        script.write_text(
            'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = [[{body}]]\n"
        )
        output = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{CONCURRENCY}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                str(script),
                f"{url}/v1/predictions",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    rate = float(output.split("Requests/sec:")[1].split()[0])
    p99 = output.split("99%")[1].split()[0]
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}
    unit = next(u for u in ("us", "ms", "s") if p99.endswith(u))
    return rate, float(p99.removesuffix(unit)) * scale[unit]


def http_loopback(bundle: str, rows: list[dict[str, Any]]) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("churn-api")), "--bundle", bundle, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/v1/health")
        asyncio.run(hammer(url, rows, 500))  # warm up
        print(f"HTTP over loopback, uvicorn (1 process), {CONCURRENCY} concurrent clients:")
        if shutil.which("wrk"):
            rate, p99 = wrk(url, json.dumps(rows[0]), 10)
            print(f"  wrk: {rate:,.0f} requests/s, p99 {p99:.2f} ms")
        started = time.perf_counter()
        latencies = asyncio.run(hammer(url, rows, 4000))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    median, p99 = statistics.median(latencies) * 1e3, percentile(latencies, 99) * 1e3
    print(
        f"  python httpx client (shares the cores with the server): "
        f"{len(latencies) / elapsed:,.0f} requests/s, median {median:.2f} ms, p99 {p99:.2f} ms"
    )


def _handler_import_ms(python: str, root: Path) -> float:
    probe = (
        "import time; t = time.perf_counter(); import churn.api.handler; "
        "print(time.perf_counter() - t)"
    )
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(root),
        "CHURN_BUNDLE": "unused",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    finished = subprocess.run(
        [python, "-S", "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    return float(finished.stdout) * 1e3


def _task_root(installed: Path, root: Path, source_root: Path) -> Path:
    """/var/task as the Lambda image's Dockerfile (in ``source_root``) builds it."""
    shutil.copytree(installed, root)
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts/prune_botocore.py"), str(root)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    dockerfile = source_root / "src/api/Dockerfile"
    replay_copies(dockerfile, root, under="/var/task", source_root=source_root)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "churn")], check=True)
    return root


def lambda_cold_start(baseline: str) -> None:
    """The handler's import in fresh processes, this checkout's code beside ``baseline``'s
    (alternating, so both see the same machine), on the same dependency dir."""
    installed = target_directory(
        "lambda-image", REPO_ROOT / "src/api/requirements.txt", REPO_ROOT / "constraints.txt"
    )
    with tempfile.TemporaryDirectory() as scratch:
        before_tree = Path(scratch) / "baseline"
        before_tree.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "archive", baseline, "src"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(before_tree)], input=archive, check=True)
        now = _task_root(installed, Path(scratch) / "now", REPO_ROOT)
        before = _task_root(installed, Path(scratch) / "before", before_tree)
        size = sum(f.stat().st_size for f in now.rglob("*") if f.is_file()) / 1e6
        python = getattr(sys, "_base_executable", sys.executable)
        runs: dict[str, list[float]] = {"now": [], "before": []}
        for _ in range(9):
            runs["before"].append(_handler_import_ms(python, before))
            runs["now"].append(_handler_import_ms(python, now))
    now_ms, before_ms = statistics.median(runs["now"]), statistics.median(runs["before"])
    print(
        f"Lambda proxy: handler import from the clean dir, median of 9 fresh processes "
        f"{now_ms:.0f} ms (min {min(runs['now']):.0f}, max {max(runs['now']):.0f}); "
        f"at {baseline} {before_ms:.0f} ms: {now_ms / before_ms:.2f}x; "
        f"dependency dir {size:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", default="artifacts")
    parser.add_argument(
        "--baseline",
        default=BEFORE_EXPLANATIONS,
        help="the commit whose handler import time this one's is set beside",
    )
    arguments = parser.parse_args()
    location = resolve(arguments.bundle)
    bundle = load_bundle(location)
    assert bundle.booster is not None
    service = PredictionService(bundle, LocalPredictor(bundle.booster))
    booster = xgb.Booster()
    booster.load_model(bytearray(bundle.booster))
    booster.set_param({"nthread": 1})
    rows = customers()

    print(f"bundle {bundle.version}; {os.cpu_count()} cores\n")
    single_row(service, booster, rows[0])
    vector = service.vectorizer.vector(Customer.model_validate(rows[0]).record())
    drivers_cost(bundle.booster, booster, vector)
    explained_cost(service, rows[0])
    batch_throughput(service, rows)
    http_loopback(location, rows)
    lambda_cold_start(arguments.baseline)


if __name__ == "__main__":
    main()
