"""One scoring run, whatever the engine: read the base chunk by chunk, check it against the
contract, score it, explain the customers that matter, count drift, and publish the outputs
all at once (nothing is published when the run fails).

Outputs, in one directory or S3 prefix:
  scores.csv    every scored customer, in input order
  top.csv       the riskiest customers, riskiest first (what the UI pages through)
  rejects.csv   line, customerID, field, reason of every refused row
  summary.json  counts per band, rejects, model version, input fingerprint, timings
  drift.json    population stability index per field and of the scores (DRIFT.md in words)

The steps live beside this orchestration: ``rows`` (what a chunk becomes), ``recorder``
(what is kept of it), ``top`` and ``report`` (the outputs made at the end), ``pipeline``
(reading ahead and working on every core).
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from churn import artifacts, storage
from churn.artifacts import DRIFT_JSON, DRIFT_MD, SUMMARY, TOP
from churn.bundles import ServingBundle, load_bundle, read_optional
from churn.cli import Progress
from churn.distributions import Reference
from churn.errors import RefusedError, context
from churn.score import drift, report
from churn.score.local import ChunkModel, Explain
from churn.score.pipeline import in_order, prefetched, stage
from churn.score.reader import Chunk, CustomerBase, InputError
from churn.score.recorder import Recorder, Tally
from churn.score.rows import ChunkScorer, scored_rows
from churn.score.transform import Preparation, TransformSettings, assembled, run_job
from churn.score.validation import CheckedChunk, check_chunk, feature_matrix


class RejectsError(RefusedError):
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
class _Run:
    bundle: ServingBundle
    model: ChunkModel
    options: ScoreOptions
    recorder: Recorder


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
    with context("cannot write the outputs"):
        storage.check_writable(output)
    with context("no model to score with"):
        bundle = load_bundle(bundle_location)
        reference_document = read_optional(bundle, artifacts.REFERENCE)
    reference = Reference.model_validate_json(reference_document) if reference_document else None
    # One XGBoost thread per worker: chunks in parallel use the cores better than threads
    # inside one prediction.
    model = ChunkModel(bundle, threads=1)
    with contextlib.ExitStack() as stack:
        with context("cannot write the outputs"):
            publication = stack.enter_context(
                storage.publication(output, last=SUMMARY, prefix="churn-score-")
            )
        with context("invalid input"):
            base = stack.enter_context(CustomerBase(source, options.block_bytes))
        recorder = stack.enter_context(Recorder(publication, bundle, reference, options.top))
        run = _Run(bundle, model, options, recorder)
        if transform is None:
            _score_locally(run, base, progress)
        else:
            _score_with_batch_transform(run, base, transform, progress)
        recorder.close()
        engine = "local" if transform is None else "batch-transform"
        staging = publication.staging
        seconds = time.perf_counter() - started
        with context("cannot read the runs published before"):
            previous = report.previous_run(output)
        summary = _finish(
            run, staging, base, source=source, engine=engine, seconds=seconds, previous=previous
        )
        reported = {name: (staging / name).read_bytes() for name in (DRIFT_MD, DRIFT_JSON)}
        with context("cannot write the outputs"):
            publication.publish()
    if options.report_dir is not None:
        report.write_report(options.report_dir, summary, output, reported)
    return summary


def _finish(
    run: _Run,
    staging: Path,
    base: CustomerBase,
    *,
    source: str,
    engine: str,
    seconds: float,
    previous: dict[str, str] | None,
) -> dict[str, Any]:
    """top.csv, the drift report and summary.json, written into the staging folder."""
    run.recorder.top.write(staging / TOP)
    drift_report = run.recorder.drift_report()
    report.write_json(staging / DRIFT_JSON, drift_report)
    now = datetime.now(UTC)
    line = report.previous_run_line(previous, now)
    (staging / DRIFT_MD).write_text(drift.markdown(drift_report, line), encoding="utf-8")
    options = run.options
    summary = report.summary(
        run.recorder.tally,
        engine=engine,
        bundle=run.bundle,
        base=base,
        source=source,
        seconds=seconds,
        drift_report=drift_report,
        created_at=now,
        previous=previous,
        options={
            "explain": options.explain,
            "top": options.top,
            "max_reject_share": options.max_reject_share,
            "threads": options.threads,
        },
    )
    report.write_json(staging / SUMMARY, summary)
    return summary


def _score_locally(run: _Run, base: CustomerBase, progress: Progress) -> None:
    tally = run.recorder.tally
    scorer = ChunkScorer(run.bundle, run.model, run.options.explain)
    chunks = prefetched(base.chunks(), tally.seconds)
    for scored in in_order(scorer.score, chunks, run.options.threads):
        run.recorder.record(scored)
        done = tally.scored
        if done // 1_000_000 != (done - len(scored.checked)) // 1_000_000:
            progress(f"{done:,} customers scored")
    _check_rejects(tally, run.options.max_reject_share)


def _score_with_batch_transform(
    run: _Run, base: CustomerBase, settings: TransformSettings, progress: Progress
) -> None:
    if not storage.is_s3(run.bundle.location):
        raise InputError("the batch-transform engine needs a bundle on S3 (--bundle s3://…)")
    tally = run.recorder.tally
    work = storage.S3Location.parse(settings.work)
    clock = time.perf_counter()
    parts = _prepare(run, base, Preparation(work))
    _check_rejects(tally, run.options.max_reject_share)  # before paying for instances
    progress(f"{tally.accepted:,} customers prepared in {len(parts)} part(s)")
    clock = stage(tally.seconds, "prepare", clock)
    with context("batch transform failed"):
        run_job(run.bundle, settings, tally.accepted, progress)
    clock = stage(tally.seconds, "transform", clock)
    _assemble(run, work, parts)
    stage(tally.seconds, "assemble", clock)


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
    chunks = enumerate(prefetched(base.chunks(), run.recorder.tally.seconds))
    for checked, name in in_order(prepare, chunks, run.options.threads):
        run.recorder.record_checked(checked)
        if name is not None:
            parts.append((name, len(checked)))
    return parts


def _assemble(run: _Run, work: storage.S3Location, parts: list[tuple[str, int]]) -> None:
    """The job's probabilities joined to the customers and explained, parts on every core,
    recorded in input order."""

    def assemble(part: tuple[str, int]) -> tuple[pa.Table, npt.NDArray[np.float64], int]:
        joined = assembled(work, *part)
        table, explained = scored_rows(
            run.model,
            run.bundle.threshold,
            run.options.explain,
            lines=joined.lines,
            ids=joined.ids,
            probabilities=joined.probabilities,
            features=joined.features,
        )
        return table, joined.probabilities, explained

    for table, probabilities, explained in in_order(assemble, iter(parts), run.options.threads):
        run.recorder.record_scores(table, probabilities, explained)


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
