"""One scoring run, whatever the engine: read the base chunk by chunk, check it against the
contract, score it, explain the customers that matter, count drift, and publish the outputs
all at once (nothing is published when the run fails).

Outputs, in one directory or S3 prefix:
  scores.csv    every scored customer, in input order
  top.csv       the riskiest customers, riskiest first (what the UI pages through)
  rejects.csv   line, customerID, field, reason of every refused row
  summary.json  counts per band, rejects, model version, input fingerprint, timings
  drift.json    population stability index per field and of the scores (DRIFT.md in words)
"""

from __future__ import annotations

import collections
import concurrent.futures
import csv
import io
import json
import os
import queue
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from churn import artifacts, bands, contract, storage
from churn.artifacts import DRIFT_JSON, DRIFT_MD, REJECTS, SCORES, SUMMARY, TOP
from churn.bundles import ServingBundle, load_bundle, read_optional
from churn.distributions import Reference, band_counts, bands_of
from churn.score import drift
from churn.score.local import DRIVERS, ChunkModel, Explain, explained_rows
from churn.score.reader import Chunk, CustomerBase, InputError
from churn.score.transform import Preparation, TransformSettings, assembled, run_job
from churn.score.validation import CheckedChunk, Reject, check_chunk, feature_matrix

REJECT_COLUMNS: Final = ("line", contract.ID_COLUMN, "field", "reason")
SCORE_SCHEMA: Final = pa.schema(
    [
        ("line", pa.int64()),
        (contract.ID_COLUMN, pa.string()),
        ("churn_probability", pa.float64()),
        ("churn", pa.bool_()),
        ("risk_band", pa.string()),
        *(
            pair
            for rank in range(1, DRIVERS + 1)
            for pair in ((f"driver_{rank}", pa.string()), (f"contribution_{rank}", pa.float64()))
        ),
    ]
)

Progress = Callable[[str], None]
T = TypeVar("T")
R = TypeVar("R")


class RejectsError(Exception):
    """More rows were refused than the run allows; nothing was published."""


@dataclass(frozen=True)
class ScoreOptions:
    explain: Explain = "churners"
    top: int = 1_000
    max_reject_share: float = 0.01
    threads: int = field(default_factory=lambda: os.cpu_count() or 1)
    block_bytes: int = 8 << 20
    report_dir: Path | None = None


@dataclass(frozen=True)
class _Scored:
    checked: CheckedChunk
    probabilities: npt.NDArray[np.float64]
    table: pa.Table
    explained: int
    seconds: dict[str, float]


@dataclass
class Tally:
    accepted: int = 0
    scored: int = 0
    blank: int = 0
    churners: int = 0
    explained: int = 0
    bands: Counter[str] = field(default_factory=Counter)
    rejected_fields: Counter[str] = field(default_factory=Counter)
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    first_reject: Reject | None = None

    @property
    def rejected(self) -> int:
        return sum(self.rejected_fields.values())


def score(
    source: str,
    output: str,
    bundle_location: str,
    options: ScoreOptions,
    progress: Progress,
    *,
    transform: TransformSettings | None = None,
) -> dict[str, Any]:
    """Score ``source`` into ``output``: with the local engine, or with SageMaker Batch
    Transform when ``transform`` says where and how. Returns the summary."""
    started = time.perf_counter()
    storage.check_writable(output)
    bundle = load_bundle(bundle_location)
    reference_document = read_optional(bundle, artifacts.REFERENCE)
    reference = Reference.model_validate_json(reference_document) if reference_document else None
    # One XGBoost thread per worker: chunks in parallel use the cores better than threads
    # inside one prediction.
    model = ChunkModel(bundle, threads=1)
    with storage.publication(output, last=SUMMARY, prefix="churn-score-") as publication:
        with (
            CustomerBase(source, options.block_bytes) as base,
            _Run(publication, bundle, model, reference, options) as run,
        ):
            if transform is None:
                _score_locally(run, base, progress)
            else:
                _score_with_batch_transform(run, base, transform, progress)
            run.close()
            summary = run.finish(base, source, time.perf_counter() - started)
        staging = publication.staging
        reported = {name: (staging / name).read_bytes() for name in (DRIFT_MD, DRIFT_JSON)}
        publication.publish()
    if options.report_dir is not None:
        _write_report(options.report_dir, summary, output, reported)
    return summary


def _write_report(
    folder: Path, summary: dict[str, Any], output: str, reported: dict[str, bytes]
) -> None:
    """A published run's report for the machine that ran it (a workflow's job summary):
    SUMMARY.md in words, DRIFT.md and drift.json as published, and drift-status, one word
    (stable, watch, act or unavailable) for a shell to test."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in reported.items():
        (folder / name).write_bytes(content)
    (folder / "SUMMARY.md").write_text(summary_markdown(summary, output), encoding="utf-8")
    (folder / "drift-status").write_text(summary["drift"]["status"] + "\n", encoding="utf-8")


def summary_markdown(summary: dict[str, Any], output: str) -> str:
    rows = summary["rows"]
    seen = rows["scored"] + rows["rejected"]
    bands_table = "\n".join(
        f"| {band} | {count:,} | {count / rows['scored']:.1%} |" if rows["scored"] else ""
        for band, count in summary["bands"].items()
    )
    rejected = f"{rows['rejected']:,} rejected ({rows['rejected'] / seen:.2%})" if seen else ""
    return (
        f"## Scoring run: model {summary['model_version']} ({summary['engine']} engine)\n\n"
        f"{rows['scored']:,} customers scored, {rejected}, {rows['churners']:,} at or above "
        f"the threshold {summary['threshold']:g}; {summary['timings']['seconds']:,.0f} s. "
        f"Input `{summary['input']['source']}` (sha256 `{summary['input']['sha256'][:16]}…`); "
        f"outputs `{output}`.\n\n"
        f"| band | customers | share |\n|---|---:|---:|\n{bands_table}\n\n"
        f"Drift: **{summary['drift']['status']}**. {summary['drift']['advice']}\n"
    )


def _score_locally(run: _Run, base: CustomerBase, progress: Progress) -> None:
    chunks = _prefetched(base.chunks(), run.tally.seconds)
    for scored in _in_order(run.compute, chunks, run.options.threads):
        run.record(scored)
        done = run.tally.scored
        if done // 1_000_000 != (done - len(scored.checked)) // 1_000_000:
            progress(f"{done:,} customers scored")
    _check_rejects(run.tally, run.options.max_reject_share)


def _score_with_batch_transform(
    run: _Run, base: CustomerBase, settings: TransformSettings, progress: Progress
) -> None:
    if not storage.is_s3(run.bundle.location):
        raise InputError("the batch-transform engine needs a bundle on S3 (--bundle s3://…)")
    work = storage.S3Location.parse(settings.work)
    clock = time.perf_counter()
    parts = _prepare(run, base, Preparation(work))
    _check_rejects(run.tally, run.options.max_reject_share)  # before paying for instances
    progress(f"{run.tally.accepted:,} customers prepared in {len(parts)} part(s)")
    clock = _stage(run.tally.seconds, "prepare", clock)
    run_job(run.bundle, settings, run.tally.accepted, progress)
    clock = _stage(run.tally.seconds, "transform", clock)
    _assemble(run, work, parts)
    _stage(run.tally.seconds, "assemble", clock)
    run.engine = "batch-transform"


def _prepare(run: _Run, base: CustomerBase, preparation: Preparation) -> list[tuple[str, int]]:
    """The base checked and written as the job's input parts, chunks on every core; the
    parts' names and rows."""

    def prepare(numbered: tuple[int, Chunk]) -> tuple[CheckedChunk, str | None]:
        number, chunk = numbered
        checked = check_chunk(chunk)
        if not len(checked):
            return checked, None
        return checked, preparation.put(number, checked, feature_matrix(run.bundle.spec, checked))

    parts: list[tuple[str, int]] = []
    chunks = enumerate(_prefetched(base.chunks(), run.tally.seconds))
    for checked, name in _in_order(prepare, chunks, run.options.threads):
        run.record_checked(checked)
        if name is not None:
            parts.append((name, len(checked)))
    return parts


def _assemble(run: _Run, work: storage.S3Location, parts: list[tuple[str, int]]) -> None:
    """The job's probabilities joined to the customers and explained, parts on every core,
    recorded in input order."""

    def assemble(part: tuple[str, int]) -> tuple[pa.Table, npt.NDArray[np.float64], int]:
        joined = assembled(work, *part)
        threshold = run.bundle.threshold
        churn = joined.probabilities >= threshold
        explained = explained_rows(run.options.explain, churn)
        ranked, contributions = run.model.drivers(joined.features[explained])
        table = _scored_table(joined.lines, joined.ids, joined.probabilities, churn, threshold)
        return (
            _with_drivers(table, explained, ranked, contributions),
            joined.probabilities,
            len(explained),
        )

    for table, probabilities, explained in _in_order(assemble, iter(parts), run.options.threads):
        run.record_scores(table, probabilities, explained)


def _stage(seconds: defaultdict[str, float], name: str, since: float) -> float:
    """Count the time since ``since`` as stage ``name``; the clock for the next stage."""
    now = time.perf_counter()
    seconds[name] += now - since
    return now


class _Run:
    def __init__(
        self,
        publication: storage.Publication,
        bundle: ServingBundle,
        model: ChunkModel,
        reference: Reference | None,
        options: ScoreOptions,
    ) -> None:
        self.staging = publication.staging
        self.bundle = bundle
        self.model = model
        self.options = options
        self.tally = Tally()
        self.engine = "local"
        self.drift = drift.DriftCounter(reference, bundle.threshold) if reference else None
        self.top = _TopRows(options.top)
        self.width = len(bundle.spec.features)
        self._buffers = threading.local()  # each worker's feature matrix, reused per chunk
        # The two files that grow with the base are streamed: no disk for them on S3.
        self.scores = pcsv.CSVWriter(publication.stream(SCORES), SCORE_SCHEMA)
        self._rejects_file = io.TextIOWrapper(
            publication.stream(REJECTS), encoding="utf-8", newline=""
        )
        self.rejects = csv.writer(self._rejects_file)
        self.rejects.writerow(REJECT_COLUMNS)

    def compute(self, chunk: Chunk) -> _Scored:
        """Everything one chunk needs that no other chunk does: safe on any worker thread
        (XGBoost's predictions are thread-safe for tree models)."""
        clock = time.perf_counter()
        checked = check_chunk(chunk)
        buffer = getattr(self._buffers, "matrix", None)
        if buffer is None or len(buffer) < len(checked):
            buffer = self._buffers.matrix = np.empty((len(checked), self.width))
        matrix = feature_matrix(self.bundle.spec, checked, buffer)
        probabilities = self.model.probabilities(matrix)
        churn = probabilities >= self.bundle.threshold
        explained = explained_rows(self.options.explain, churn)
        predicted = time.perf_counter()
        ranked, contributions = self.model.drivers(matrix[explained])
        table = _scored_table(
            checked.lines, checked.ids, probabilities, churn, self.bundle.threshold
        )
        table = _with_drivers(table, explained, ranked, contributions)
        seconds = {"predict": predicted - clock, "explain": time.perf_counter() - predicted}
        return _Scored(checked, probabilities, table, len(explained), seconds)

    def record(self, scored: _Scored) -> None:
        """Write one computed chunk and count it: on one thread, in input order."""
        clock = time.perf_counter()
        self.record_checked(scored.checked)
        self.record_scores(scored.table, scored.probabilities, scored.explained)
        for stage, seconds in scored.seconds.items():
            self.tally.seconds[stage] += seconds
        self.tally.seconds["write"] += time.perf_counter() - clock

    def record_checked(self, checked: CheckedChunk) -> None:
        """What the contract check of a chunk tells: its rejects and its fields' drift."""
        self._write_rejects(checked.rejects)
        self.tally.accepted += len(checked)
        self.tally.blank += checked.blank
        if self.drift:
            self.drift.add_fields(checked)

    def record_scores(
        self, table: pa.Table, probabilities: npt.NDArray[np.float64], explained: int
    ) -> None:
        """What scoring a chunk tells: its rows, the riskiest of them, the scores' drift."""
        self.scores.write_table(table)
        self.top.add(table)
        if self.drift:
            self.drift.add_scores(probabilities)
        churn = probabilities >= self.bundle.threshold
        self.tally.scored += len(probabilities)
        self.tally.churners += int(churn.sum())
        self.tally.explained += explained
        counts = band_counts(probabilities, self.bundle.threshold)
        self.tally.bands.update(dict(zip(bands.BANDS, counts.tolist(), strict=True)))

    def _write_rejects(self, rejects: list[Reject]) -> None:
        for reject in sorted(rejects, key=lambda reject: reject.line):
            self.rejects.writerow((reject.line, reject.customer_id, reject.field, reject.reason))
            self.tally.rejected_fields[reject.field or "(row)"] += 1
            if self.tally.first_reject is None:
                self.tally.first_reject = reject

    def close(self) -> None:
        """Flush and close the files written chunk by chunk (again: a no-op)."""
        if not self._rejects_file.closed:
            self.scores.close()
            self._rejects_file.close()

    def __enter__(self) -> _Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def finish(self, base: CustomerBase, source: str, seconds: float) -> dict[str, Any]:
        self.top.write(self.staging / TOP)
        version = self.bundle.version
        report = self.drift.report(version) if self.drift else drift.unavailable(version)
        _write_json(self.staging / DRIFT_JSON, report)
        (self.staging / DRIFT_MD).write_text(drift.markdown(report), encoding="utf-8")
        summary = _summary(self, base, source, seconds, report)
        _write_json(self.staging / SUMMARY, summary)
        return summary


def _scored_table(
    lines: npt.NDArray[np.int64],
    ids: pa.StringArray,
    probabilities: npt.NDArray[np.float64],
    churn: npt.NDArray[np.bool_],
    threshold: float,
) -> pa.Table:
    band_index = bands_of(probabilities, threshold)
    return pa.table(
        {
            "line": pa.array(lines),
            contract.ID_COLUMN: ids,
            "churn_probability": pa.array(probabilities),
            "churn": pa.array(churn),
            "risk_band": pc.take(pa.array(bands.BANDS), pa.array(np.asarray(band_index))),
        }
    )


def _with_drivers(
    table: pa.Table,
    explained: npt.NDArray[np.intp],
    ranked: npt.NDArray[np.int64],
    contributions: npt.NDArray[np.float64],
) -> pa.Table:
    rows = table.num_rows
    missing = np.ones(rows, dtype=bool)
    missing[explained] = False
    names = pa.array(contract.FIELD_NAMES)
    for rank in range(DRIVERS):
        fields = np.zeros(rows, dtype=np.int64)
        fields[explained] = ranked[:, rank]
        values = np.zeros(rows, dtype=np.float64)
        values[explained] = contributions[:, rank]
        table = table.append_column(
            f"driver_{rank + 1}", pc.take(names, pa.array(fields, mask=missing))
        )
        table = table.append_column(f"contribution_{rank + 1}", pa.array(values, mask=missing))
    return table


class _TopRows:
    """The riskiest ``size`` rows seen so far (ties: the earlier line first)."""

    ORDER: Final = [("churn_probability", "descending"), ("line", "ascending")]

    def __init__(self, size: int) -> None:
        self.size = size
        self.table = SCORE_SCHEMA.empty_table()

    def add(self, table: pa.Table) -> None:
        if self.size == 0:
            return
        if self.table.num_rows == self.size:
            floor = self.table["churn_probability"][-1]
            table = table.filter(pc.greater(table["churn_probability"], floor))
        merged = pa.concat_tables([self.table, table])
        self.table = merged.sort_by(self.ORDER).slice(0, self.size)

    def write(self, path: Path) -> None:
        pcsv.write_csv(self.table, str(path))


def _check_rejects(tally: Tally, max_share: float) -> None:
    seen = tally.accepted + tally.rejected
    if seen == 0:
        raise InputError("the file has a header but no customers; nothing was published")
    if tally.rejected <= max_share * seen:
        return
    first = tally.first_reject
    assert first is not None
    worst, count = tally.rejected_fields.most_common(1)[0]
    raise RejectsError(
        f"{tally.rejected:,} of {seen:,} rows refused ({tally.rejected / seen:.1%}), above "
        f"--max-reject-share {max_share:.1%}; most often {worst} ({count:,}); first: line "
        f"{first.line}: {first.field or 'row'}: {first.reason}; nothing was published"
    )


def _summary(
    run: _Run, base: CustomerBase, source: str, seconds: float, report: dict[str, Any]
) -> dict[str, Any]:
    tally = run.tally
    return {
        "schema_version": 1,
        "engine": run.engine,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model_version": run.bundle.version,
        "bundle": run.bundle.location,
        "threshold": run.bundle.threshold,
        "risk_bands": bands.band_rules(run.bundle.threshold),
        "input": {
            "source": source,
            "sha256": base.stats.sha256,
            "bytes": base.stats.bytes_read,
            "gzip": base.compressed,
            "ignored_columns": base.ignored_columns,
        },
        "rows": {
            "scored": tally.scored,
            "rejected": tally.rejected,
            "blank": tally.blank,
            "churners": tally.churners,
            "explained": tally.explained,
        },
        "bands": {band: tally.bands[band] for band in bands.BANDS},
        "rejects_by_field": dict(tally.rejected_fields.most_common()),
        "options": {
            "explain": run.options.explain,
            "top": run.options.top,
            "max_reject_share": run.options.max_reject_share,
            "threads": run.options.threads,
        },
        "timings": {
            "seconds": round(seconds, 3),
            "rows_per_second": round(tally.scored / seconds) if seconds else None,
            **{f"{stage}_seconds": round(value, 3) for stage, value in tally.seconds.items()},
        },
        "drift": {"status": report["status"], "advice": report["advice"]},
        "outputs": [SCORES, TOP, REJECTS, DRIFT_JSON, DRIFT_MD, SUMMARY],
    }


def _write_json(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def _in_order(work: Callable[[T], R], items: Iterator[T], workers: int) -> Iterator[R]:
    """``work`` over ``items`` on ``workers`` threads, results in the items' order, with at
    most one item per worker waiting beyond those being worked on (memory stays bounded)."""
    with concurrent.futures.ThreadPoolExecutor(workers, "churn-score") as pool:
        pending: collections.deque[concurrent.futures.Future[R]] = collections.deque()
        for item in items:
            pending.append(pool.submit(work, item))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_DONE: Final = object()


def _prefetched(
    items: Iterator[T], seconds: defaultdict[str, float], depth: int = 2
) -> Iterator[T]:
    """``items`` produced on a second thread (Arrow parses without the GIL), so reading the
    next chunk overlaps scoring this one; at most ``depth`` chunks wait in memory."""
    waiting: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                waiting.put(item)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, raised there
            waiting.put(error)
            return
        waiting.put(_DONE)

    worker = threading.Thread(target=produce, name="churn-score-reader", daemon=True)
    worker.start()
    try:
        while True:
            clock = time.perf_counter()
            item = waiting.get()
            seconds["read"] += time.perf_counter() - clock
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            try:
                waiting.get_nowait()
            except queue.Empty:
                worker.join(timeout=0.05)
