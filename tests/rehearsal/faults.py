"""Faults the rehearsal must catch, planted one at a time: ``python -m tests.rehearsal.faults
<fault> --data <csv>`` runs the rehearsal with the fault and prints the line it fails with
(workflow, job and step). Not part of `make test` (each takes minutes); it shows the
rehearsal can fail, and how.

- ``renamed-output``: reusable-train.yml renames its output ``bundle-uri`` while retrain.yml
  still reads the old name (act, unlike GitHub, does not reject the undeclared name).
- ``pipe``: the training command fails in the middle of its pipe (``churn-train | tee``):
  the data URI names no object.
- ``broken-bundle``: the API serves a bundle with main's version id but another model, so
  the smoke test gets a wrong probability.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from churn import artifacts, storage
from tests.rehearsal.rehearsal import (
    Rehearsal,
    RehearsalError,
    copy_working_tree,
    rehearsal_world,
)

FAULTS: Final = ("renamed-output", "pipe", "broken-bundle")


def copy_tree(source: Path, target: Path) -> Path:
    copy_working_tree(source, target)
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    return target


def rename_train_output(tree: Path) -> None:
    reusable = tree / ".github" / "workflows" / "reusable-train.yml"
    text = reusable.read_text()
    for old, new in (
        (
            "      bundle-uri:\n        description: s3:// URI",
            "      bundle:\n        description: s3:// URI",
        ),
        (
            "bundle-uri: ${{ steps.train.outputs.bundle-uri }}",
            "bundle: ${{ steps.train.outputs.bundle-uri }}",
        ),
    ):
        if old not in text:
            raise SystemExit(f"the fault no longer applies: {old!r} is not in {reusable}")
        text = text.replace(old, new)
    reusable.write_text(text)


def broken_bundle(rehearsal: Rehearsal, published: str, scratch: Path) -> Path:
    """The published bundle with another training's model (seed 7), manifest rewritten to
    match, so the loader accepts it: same version id, other probabilities."""
    version = published.rsplit("/", 1)[-1]
    bundle = scratch / version
    bundle.mkdir(parents=True)
    for name in artifacts.BUNDLE_FILES:
        (bundle / name).write_bytes(storage.read_bytes(f"{published}/{name}"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "churn.train",
            "--data",
            str(rehearsal.data),
            "--output",
            str(scratch / "other"),
            "--seed",
            "7",
        ],
        check=True,
        capture_output=True,
    )
    other = next((scratch / "other").iterdir())
    shutil.copy2(other / artifacts.MODEL_ARCHIVE, bundle / artifacts.MODEL_ARCHIVE)
    manifest = json.loads((bundle / artifacts.MANIFEST).read_text())
    manifest["sha256"][artifacts.MODEL_ARCHIVE] = hashlib.sha256(
        (bundle / artifacts.MODEL_ARCHIVE).read_bytes()
    ).hexdigest()
    (bundle / artifacts.MANIFEST).write_text(json.dumps(manifest))
    return bundle


def run(fault: str, source: Path, data: Path, scratch: Path) -> str:
    if fault == "renamed-output":
        source = copy_tree(source, scratch / "tree")
        rename_train_output(source)
    with rehearsal_world(source, scratch / "rehearsal", data) as rehearsal:
        rehearsal.publish_source()
        admin = rehearsal.admin_checkout()
        rehearsal.admin_apply(admin, "bootstrap")
        pipeline = rehearsal.admin_apply(admin, "pipeline")
        rehearsal.configure_github(pipeline)
        bucket = str(pipeline["bucket_name"])
        data_uri = rehearsal.upload_data(bucket)
        try:
            if fault == "pipe":
                rehearsal.retrain(data_uri.replace("telco-customer-churn.csv", "missing.csv"))
            pull = rehearsal.retrain(data_uri)
            if fault == "broken-bundle":
                version = str(pull["head"]["ref"]).removeprefix("retrain/")
                published = f"s3://{bucket}/models/{version}"
                rehearsal.gateway.bundle_override = str(
                    broken_bundle(rehearsal, published, scratch)
                )
                rehearsal.merge(pull)
                rehearsal.deploy()
        except RehearsalError as error:
            return str(error).splitlines()[0]
    return "NOT CAUGHT: the rehearsal passed with the fault planted"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.rehearsal.faults")
    parser.add_argument("fault", choices=FAULTS)
    parser.add_argument("--data", type=Path, required=True, help="the training data (CSV)")
    parser.add_argument("--keep", type=Path, help="keep the run's files (logs) in this folder")
    arguments = parser.parse_args(argv)
    if arguments.keep:
        shutil.rmtree(arguments.keep, ignore_errors=True)
        arguments.keep.mkdir(parents=True)
        line = run(arguments.fault, Path.cwd(), arguments.data.resolve(), arguments.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="rehearsal-fault-") as scratch:
            line = run(arguments.fault, Path.cwd(), arguments.data.resolve(), Path(scratch))
    print(f"{arguments.fault}: {line}")
    return 1 if line.startswith("NOT CAUGHT") else 0


if __name__ == "__main__":
    sys.exit(main())
