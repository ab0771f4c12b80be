"""Scoring benchmark: the local engine of churn-score on synthetic bases of 1M and 10M
customers made from the real data, against the booster's own batch ``inplace_predict`` on
the same rows (the floor: what scoring would cost with no parsing, checking or writing);
then the batch-transform engine's own work (preparing the job's input, assembling its
output) on the smallest base, against a moto server and the Batch Transform stand-in.

Each run is a fresh `churn-score` process; its CPU time and peak memory come from the
kernel (wait4); a local-engine figure is the median of three runs. "Per core" is rows per
CPU-second: the engine uses both cores, the floor one. The cost plan at the end prices the
three ways of scoring a base from this run's figures.

usage: python bench/score.py [--bundle DIR] [--rows 1000000 10000000]    (make bench)
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import dataclasses
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np
import xgboost as xgb

from bench.prices import PRICES, PRICES_AS_OF
from churn import artifacts, contract
from churn.api.predictors import csv_payload
from churn.api.schemas import BatchRequest
from churn.api.service import PredictionService
from churn.artifacts import SUMMARY
from churn.bundles import load_bundle
from churn.score.local import ChunkModel
from churn.score.reader import CustomerBase
from churn.score.transform import TransformSettings, instance_count
from churn.score.validation import check_chunk, feature_matrix
from scripts import docs_tables
from tests.support.batch_transform import serve_sagemaker
from tests.support.moto import REGION, moto_admin, start_moto_server
from tests.support.synthetic import real_table, write_base

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared/data/telco-customer-churn.csv"
CACHE = ROOT / ".cache/bench/score"
DATA = ROOT / "docs/data"
FLOOR_REPEATS = 5
ENGINE_REPEATS = 3  # each local-engine figure is the run of median CPU time among these


@dataclass(frozen=True)
class Measured:
    rows: int
    wall: float
    cpu: float
    peak_mb: float
    stages: dict[str, float]
    stored: dict[str, int] = field(default_factory=dict)
    """Bytes on S3 under each top folder of a run's bucket, afterwards (batch-transform)."""

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


def cpu(measured: Measured) -> float:
    return measured.cpu


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

        measured = churn_score(command, environment, published_summary)
        stored: Counter[str] = Counter()
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket="bench"):
            for item in page.get("Contents", []):
                folder = "/".join(
                    item["Key"].split("/")[: 3 if item["Key"].startswith("scores-work") else 1]
                )
                stored[folder] += item["Size"]
        return dataclasses.replace(measured, stored=dict(stored))


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
    local: dict[tuple[int, str], Measured] = {}
    kept: list[dict[str, object]] = []
    for rows, base in bases.items():
        for explain in ("none", "churners") if rows == min(bases) else ("none",):
            runs = sorted(
                (run_engine(base, bundle, explain) for _ in range(ENGINE_REPEATS)), key=cpu
            )
            median = runs[len(runs) // 2]
            local[rows, explain] = report(median, explain, floor_rate, kept, "local")
    print(
        "\nfloor ÷ : how many times the floor's CPU per row the engine spends (target <= 2),"
        "\nparsing, contract checks, features, band and writing every output included."
    )
    print(
        f"\nbatch-transform engine on {smallest.name} (moto server; the job itself done by the"
        "\nstand-in while churn-score waits, so CPU s is churn-score preparing and assembling):"
    )
    transformed = {
        explain: report(
            run_batch_transform(smallest, bundle, explain),
            explain,
            floor_rate,
            kept,
            "batch-transform (churn-score's own work)",
        )
        for explain in ("none", "churners")
    }
    container = container_seconds_per_row(bundle, smallest)
    sizes = {explain: s3_bytes_per_row(measured) for explain, measured in transformed.items()}
    print(f"\nS3 bytes per customer: {sizes}")
    plans_of = (
        ("scores only (--explain none)", "none", local[max(bases), "none"], None),
        (
            "with drivers (engines: --explain churners; the API: drivers for every row)",
            "churners",
            local[min(bases), "churners"],
            3,
        ),
    )
    planned = []
    for title, explain, engine, drivers in plans_of:
        figures = Figures(
            container_seconds=container,
            prepare_assemble_cpu=transformed[explain].cpu / transformed[explain].rows,
            local_cpu=engine.cpu / engine.rows,
            api=api_batch(bundle, data, drivers),
            bytes_per_row=sizes[explain],
        )
        planned.append(cost_plan(title, figures))
    print_prices()
    write_results(
        {
            "measured": time.strftime("%Y-%m-%d"),
            "command": "make bench",
            "cores": os.cpu_count(),
            "floor_rows_per_second": round(floor_rate),
            "runs": kept,
            "bytes_per_customer": sizes,
            "plans": planned,
            "prices_as_of": PRICES_AS_OF,
            "prices": [
                {"unit": p.unit, "usd": p.usd, "page": p.page.removeprefix("https://")}
                for p in PRICES.values()
            ],
        }
    )


def write_results(results: dict[str, object]) -> None:
    """The figures, for docs/ (scripts/docs_tables.py makes its tables from them)."""
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "bench-score.json").write_text(json.dumps(results, indent=2) + "\n")
    for table in docs_tables.write("bench-score.json"):
        print(f"wrote {table}")


def s3_bytes_per_row(measured: Measured) -> dict[str, float]:
    """What a batch-transform run kept on S3, per customer, by what it is."""
    folders = {
        "input": "customers",
        "features": "scores-work/run/features",
        "customers": "scores-work/run/customers",
        "predictions": "scores-work/run/predictions",
        "outputs": "scores",
    }
    return {
        name: round(measured.stored[folder] / measured.rows) for name, folder in folders.items()
    }


def report(
    measured: Measured, explain: str, floor_rate: float, runs: list[dict[str, object]], engine: str
) -> Measured:
    """Print one run's figures and keep them for the results file."""
    runs.append(
        {
            "engine": engine,
            "rows": measured.rows,
            "explain": explain,
            "wall_seconds": round(measured.wall, 2),
            "cpu_seconds": round(measured.cpu, 2),
            "peak_mb": round(measured.peak_mb),
        }
    )
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
    return measured


# ---------------------------------------------------------------------------- cost plan
# The three ways to score a base, priced from what this run measured (bench/prices.py).

# Assumptions: settings of this project or documented figures, except the start-up times,
# the network wait and the runner's figures, which nothing here can measure.
TRANSFORM_VCPUS: Final = 4  # ml.m5.xlarge, the engine's default instance type
TRANSFORM_STARTUP_SECONDS: Final = 300  # instances up and the image pulled (billed)
PAYLOAD_BYTES: Final = 6 << 20  # MaxPayloadInMB: one MultiRecord request to the container
API_BATCH: Final = 1_000  # POST /v1/predictions/batch's limit
LAMBDA_GB: Final = 1.0  # the lambda module's memory_size
LAMBDA_VCPUS: Final = 1024 / 1769  # Lambda gives one vCPU's worth at 1,769 MB (its docs)
SERVERLESS_GB: Final = 2.0  # platform's sagemaker_memory_size_in_mb
SERVERLESS_CONCURRENCY: Final = 5  # platform's sagemaker_max_concurrency
INVOKE_OVERHEAD_SECONDS: Final = 0.02  # the Lambda waiting on the network per invocation
HTTP_API_UNIT_BYTES: Final = 512 * 1024
TASK_VCPUS, TASK_GB = 4, 8.0  # one Fargate task for the local engine
TASK_STARTUP_SECONDS: Final = 60  # Fargate bills at least a minute
RUNNER_CORES: Final = 4  # a GitHub-hosted ubuntu runner of a public repository (free)
RUNNER_BYTES_PER_SECOND: Final = 100e6  # the runner to S3 across the internet (assumed)


def container_seconds_per_row(bundle_location: str, base: Path) -> float:
    """What one CPU of the sagemaker-xgboost:1.7-1 container spends per feature row in a
    batch transform, on this machine: its text/csv decoding as the container's own code
    does it (encoder.csv_to_dmatrix: split every line in Python, NumPy strings cast to
    float), the prediction with one thread (serve_utils sets nthread 1), one str() per
    answer. Median over 6 MB requests of the base's rows."""
    bundle = load_bundle(bundle_location)
    booster = xgb.Booster()
    booster.load_model(bytearray(bundle.booster))
    booster.set_param({"nthread": 1})
    with CustomerBase(str(base)) as customers:
        chunk = next(customers.chunks())
    matrix = feature_matrix(bundle.spec, check_chunk(chunk))
    rows_per_request = PAYLOAD_BYTES // (len(csv_payload(matrix[:1000].tolist())) // 1000 + 1)
    requests = [
        csv_payload(matrix[start : start + rows_per_request].tolist()).decode()
        for start in range(0, len(matrix) - rows_per_request + 1, rows_per_request)
    ]
    rates = []
    for text in requests:
        started = time.process_time()
        values = np.array(
            [["nan" if v == "" else v for v in line.split(",")] for line in text.split("\n")]
        )
        predictions = booster.predict(xgb.DMatrix(values.astype(float)))
        "\n".join(str(p) for p in predictions.tolist())
        rates.append((time.process_time() - started) / len(predictions))
    return statistics.median(rates)


@dataclass(frozen=True)
class ApiBatch:
    lambda_seconds: float
    request_bytes: int
    payload_bytes: int
    answer_bytes: int
    """The endpoint's answer to the Lambda."""
    response_bytes: int
    """The API's answer to its caller."""


def api_batch(bundle_location: str, data: Path, drivers: int | None) -> ApiBatch:
    """One POST /v1/predictions/batch of 1,000 real customers as the Lambda handles it
    (validation, preprocessing, the endpoint's CSV, ``drivers`` for every row, the JSON
    answer), the endpoint's own time left out: median CPU seconds, and the sizes HTTP API
    and SageMaker bill by."""
    bundle = load_bundle(bundle_location)
    service = PredictionService(bundle, _Answered())
    with data.open(newline="") as handle:
        raw = [row for _, row in zip(range(API_BATCH), csv.DictReader(handle), strict=False)]
    rows = [{"customerID": r["customerID"], **contract.normalize_record(r)} for r in raw]
    body = json.dumps({"customers": rows})
    samples = []
    for _ in range(9):
        started = time.process_time()
        request = BatchRequest.model_validate_json(body)
        response = asyncio.run(service.predict_batch(request.customers, drivers)).model_dump_json()
        samples.append(time.process_time() - started)
    vectors = [service.vectorizer.vector(contract.normalize_record(row)) for row in raw]
    return ApiBatch(
        lambda_seconds=statistics.median(samples),
        request_bytes=len(body),
        payload_bytes=len(csv_payload(vectors)),
        answer_bytes=len("\n".join(str(0.123456789) for _ in rows)),  # a float's str a line
        response_bytes=len(response),
    )


class _Answered:
    """A predictor that answers at once: the Lambda's own work, without the endpoint's."""

    name = "sagemaker"
    blocking = False

    def predict(self, vectors: Sequence[Sequence[float]]) -> list[float]:
        return [0.5] * len(vectors)

    def ready(self) -> tuple[bool, str | None]:
        return True, None


@dataclass(frozen=True)
class Plan:
    way: str
    seconds: float
    usd: float
    note: str


def plans(rows: int, figures: Figures) -> list[Plan]:
    """What scoring ``rows`` customers costs each way: wall time and dollars."""
    cost = {name: price.usd for name, price in PRICES.items()}
    settings = TransformSettings(role_arn="", image_uri="", work="", name_prefix="")
    instances = instance_count(rows, settings)
    per_instance = TRANSFORM_VCPUS / figures.container_seconds
    transform = TRANSFORM_STARTUP_SECONDS + rows / (instances * per_instance)
    batch = figures.api
    requests = math.ceil(rows / API_BATCH)
    container = API_BATCH * figures.container_seconds
    lambda_seconds = batch.lambda_seconds / LAMBDA_VCPUS + INVOKE_OVERHEAD_SECONDS + container
    per_request = (
        math.ceil(batch.request_bytes / HTTP_API_UNIT_BYTES) * cost["http_api_request"]
        + lambda_seconds * LAMBDA_GB * cost["lambda_gb_second"]
        + cost["lambda_request"]
        + container * SERVERLESS_GB * cost["serverless_gb_second"]
        + (batch.payload_bytes + batch.answer_bytes) / 1e9 * cost["serverless_data_gb"]
    )
    task = TASK_STARTUP_SECONDS + rows * figures.local_cpu / TASK_VCPUS
    task_hour = TASK_VCPUS * cost["fargate_vcpu_hour"] + TASK_GB * cost["fargate_gb_hour"]
    sizes = figures.bytes_per_row
    downloaded = sizes["input"] + sizes["features"] + sizes["customers"] + sizes["predictions"]
    runner_out = rows * downloaded / 1e9 * cost["transfer_out_gb"]
    moved = rows * (downloaded + sizes["features"] + sizes["customers"] + sizes["outputs"])
    runner = rows * figures.prepare_assemble_cpu / RUNNER_CORES + moved / RUNNER_BYTES_PER_SECOND
    api_out = rows * (sizes["input"] + batch.response_bytes / API_BATCH) / 1e9
    return [
        Plan(
            "Batch Transform",
            transform + runner,
            instances * transform / 3600 * cost["transform_hour"] + runner_out,
            f"{instances} x ml.m5.xlarge for {transform / 60:.1f} min; the runner prepares and "
            f"assembles for {runner / 60:.1f} min, downloading {rows * downloaded / 1e9:,.0f} GB "
            f"(${runner_out:,.2f})",
        ),
        Plan(
            "serverless endpoint via the API",
            requests * lambda_seconds / SERVERLESS_CONCURRENCY,
            requests * per_request + api_out * cost["transfer_out_gb"],
            f"{requests:,} batch requests, {SERVERLESS_CONCURRENCY} at a time, from a runner "
            f"that reads the base and the answers ({api_out:,.0f} GB, "
            f"${api_out * cost['transfer_out_gb']:,.2f})",
        ),
        Plan(
            "local engine, one Fargate task",
            task,
            task / 3600 * task_hour,
            f"{TASK_VCPUS} vCPU, {TASK_GB:g} GB; S3 through the VPC's gateway endpoint (free)",
        ),
    ]


@dataclass(frozen=True)
class Figures:
    container_seconds: float
    """CPU seconds the container spends per row."""
    prepare_assemble_cpu: float
    """churn-score's CPU seconds per row around a transform job."""
    local_cpu: float
    """The local engine's CPU seconds per row."""
    api: ApiBatch
    bytes_per_row: dict[str, float]
    """On S3 per customer: input, features, customers, predictions (the job's parts), outputs."""


def cost_plan(title: str, figures: Figures) -> dict[str, object]:
    """Print the plan, and return it for the results file."""
    print(
        f"\ncost plan, {title}; prices us-east-1 as of {PRICES_AS_OF}:"
        f"\n  container: {1 / figures.container_seconds:,.0f} rows/s per vCPU; Lambda: "
        f"{figures.api.lambda_seconds * 1e3:.0f} ms CPU per batch of {API_BATCH:,}; local engine "
        f"{1 / figures.local_cpu:,.0f} rows per CPU-s; prepare + assemble "
        f"{1 / figures.prepare_assemble_cpu:,.0f} rows per CPU-s"
    )
    print(
        "\n| way | customers | time | cost | $ per million | how |\n|---|---:|---:|---:|---:|---|"
    )
    ways = []
    for rows in (10_000_000, 100_000_000):
        for plan in plans(rows, figures):
            print(
                f"| {plan.way} | {rows / 1e6:,.0f}M | {plan.seconds / 60:,.1f} min | "
                f"${plan.usd:,.2f} | ${plan.usd / rows * 1e6:,.4f} | {plan.note} |"
            )
            ways.append(
                {"way": plan.way, "customers": rows, "minutes": round(plan.seconds / 60, 2),
                 "usd": round(plan.usd, 4), "how": plan.note}
            )  # fmt: skip
    return {"title": title, "ways": ways}


def print_prices() -> None:
    print(f"\n| price (us-east-1, on demand, as of {PRICES_AS_OF}) | USD | page |\n|---|---:|---|")
    for price in PRICES.values():
        print(f"| {price.unit} | {price.usd:g} | {price.page} |")


if __name__ == "__main__":
    main()
