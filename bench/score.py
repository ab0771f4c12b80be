"""Scoring benchmark: the local engine of churn-score on synthetic bases of 1M and 10M
customers made from the real data, against the booster's own batch ``inplace_predict`` on
the same rows (the floor: what scoring would cost with no parsing, checking or writing);
then the batch-transform engine's own work (preparing the job's input, assembling its
output) on the smallest base, against a moto server and the Batch Transform stand-in.

Each run is a fresh `churn-score` process; its CPU time and peak memory come from the
kernel (wait4). "Per core" is rows per CPU-second: the engine uses both cores, the floor one.

usage: python bench/score.py [--bundle DIR] [--rows 1000000 10000000]    (make bench)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from churn import artifacts
from churn.bundles import load_bundle
from churn.score.local import ChunkModel
from churn.score.reader import CustomerBase
from churn.score.run import SUMMARY
from churn.score.validation import check_chunk, feature_matrix
from tests.support.batch_transform import serve_sagemaker
from tests.support.moto import REGION, moto_admin, start_moto_server
from tests.support.synthetic import real_table, write_base

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared/data/telco-customer-churn.csv"
CACHE = ROOT / ".cache/bench/score"
FLOOR_REPEATS = 5


@dataclass(frozen=True)
class Measured:
    rows: int
    wall: float
    cpu: float
    peak_mb: float
    stages: dict[str, float]

    @property
    def per_core(self) -> float:
        return self.rows / self.cpu


def base_file(data: Path, rows: int) -> Path:
    """The synthetic base of ``rows`` customers, written once and kept in .cache/bench."""
    path = CACHE / f"base-{rows}.csv"
    if not path.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        partial = write_base(real_table(data), path.with_suffix(".partial"), rows, seed=1)
        partial.rename(path)
        print(
            f"  wrote {path.name} ({path.stat().st_size / 1e6:,.0f} MB) in "
            f"{time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    return path


def run_engine(base: Path, bundle: str, explain: str) -> Measured:
    with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
        output = Path(scratch) / "run"
        command = ["--input", str(base), "--output", str(output), "--bundle", bundle]
        return churn_score(
            [*command, "--explain", explain], os.environ, (output / SUMMARY).read_bytes
        )


def run_batch_transform(base: Path, bundle: str, explain: str) -> Measured:
    """The batch-transform engine end to end against a moto server, the job done by the
    stand-in (in this process, while churn-score waits: its CPU is preparing and assembling)."""
    with (
        tempfile.TemporaryDirectory(dir=CACHE) as scratch,
        start_moto_server(Path(scratch) / "moto.log") as moto,
        serve_sagemaker(moto.endpoint) as front,
    ):
        s3 = moto_admin().client("s3", endpoint_url=moto.endpoint)
        s3.create_bucket(Bucket="bench", CreateBucketConfiguration={"LocationConstraint": REGION})
        version = Path(bundle).name
        for name in artifacts.BUNDLE_FILES:
            s3.upload_file(f"{bundle}/{name}", "bench", f"models/{version}/{name}")
        s3.upload_file(str(base), "bench", "customers/base.csv")
        command = [
            "--input", "s3://bench/customers/base.csv", "--output", "s3://bench/scores/run",
            "--bundle", f"s3://bench/models/{version}", "--explain", explain,
            "--engine", "batch-transform", "--work", "s3://bench/scores-work/run",
            "--role-arn", "arn:aws:iam::123456789012:role/bench",
            "--image", "492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-xgboost:1.7-1",
        ]  # fmt: skip
        environment = os.environ | moto.client_env() | {"AWS_ENDPOINT_URL_SAGEMAKER": front}

        def published_summary() -> bytes:
            return s3.get_object(Bucket="bench", Key=f"scores/run/{SUMMARY}")["Body"].read()

        return churn_score(command, environment, published_summary)


def churn_score(
    arguments: list[str], environment: Mapping[str, str], summary: Callable[[], bytes]
) -> Measured:
    """One churn-score process, measured; ``summary`` reads the run's summary.json."""
    command = [sys.executable, "-m", "churn.score", *arguments]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"churn-score failed: {' '.join(arguments)}")
    document = json.loads(summary())
    return Measured(
        rows=document["rows"]["scored"],
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,
        stages={k: v for k, v in document["timings"].items() if k.endswith("_seconds")},
    )


def floor(base: Path, bundle_location: str) -> float:
    """inplace_predict alone, one thread, on the base's rows: median rows per second."""
    bundle = load_bundle(bundle_location)
    model = ChunkModel(bundle, threads=1)
    matrices = []
    with CustomerBase(str(base)) as customers:
        for chunk in customers.chunks():
            matrices.append(feature_matrix(bundle.spec, check_chunk(chunk)))
    rows = sum(len(matrix) for matrix in matrices)
    rates = []
    for _ in range(FLOOR_REPEATS):
        started = time.perf_counter()
        for matrix in matrices:
            model.probabilities(matrix)
        rates.append(rows / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--bundle", default=str(ROOT / "artifacts"))
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    arguments = parser.parse_args()
    bundle = load_bundle(arguments.bundle).location
    data = Path(arguments.data)

    bases = {rows: base_file(data, rows) for rows in arguments.rows}
    smallest = bases[min(bases)]
    floor_rate = floor(smallest, bundle)
    print(f"cores: {os.cpu_count()}; bundle {Path(bundle).name}")
    print(
        f"floor: booster inplace_predict, 1 thread, float64 rows of {smallest.name}: "
        f"{floor_rate:,.0f} rows/s per core (median of {FLOOR_REPEATS})"
    )
    print(
        f"\n{'rows':>11} {'explain':>9} {'wall s':>8} {'rows/s':>10} {'CPU s':>7} "
        f"{'rows/CPU-s':>11} {'floor ÷':>8} {'peak MB':>8}  stages (s)"
    )
    for rows, base in bases.items():
        for explain in ("none", "churners") if rows == min(bases) else ("none",):
            report(run_engine(base, bundle, explain), explain, floor_rate)
    print(
        "\nfloor ÷ : how many times the floor's CPU per row the engine spends (target <= 2),"
        "\nparsing, contract checks, features, band and writing every output included."
    )
    print(
        f"\nbatch-transform engine on {smallest.name} (moto server; the job itself done by the"
        "\nstand-in while churn-score waits, so CPU s is churn-score preparing and assembling):"
    )
    for explain in ("none", "churners"):
        report(run_batch_transform(smallest, bundle, explain), explain, floor_rate)


def report(measured: Measured, explain: str, floor_rate: float) -> None:
    stages = ", ".join(
        f"{k.removesuffix('_seconds')} {v:.1f}"
        for k, v in measured.stages.items()
        if k != "seconds"
    )
    print(
        f"{measured.rows:>11,} {explain:>9} {measured.wall:>8.1f} "
        f"{measured.rows / measured.wall:>10,.0f} {measured.cpu:>7.1f} "
        f"{measured.per_core:>11,.0f} {floor_rate / measured.per_core:>7.2f}x "
        f"{measured.peak_mb:>8,.0f}  {stages}"
    )


if __name__ == "__main__":
    main()
