"""``churn-bump-model``: propose a newly trained bundle as the model main serves.

It rewrites the one ``model_version = "..."`` line of ``terraform/platform/model.auto.tfvars``
(nothing else in the repository changes) and writes the pull request's body: a
champion/challenger table of the serving model's metrics beside the new one's, read from
each bundle's ``metrics.json``. Merging that pull request deploys the new model.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, Final

from churn import artifacts, cli, storage
from churn.errors import RefusedError

PROG: Final = "churn-bump-model"

MODEL_FILE: Final = Path("terraform") / "platform" / "model.auto.tfvars"
VERSION_LINE: Final = re.compile(r'^(model_version\s*=\s*")([^"]*)(")\s*$', re.MULTILINE)
# (label, path into metrics.json, format, whether higher is better)
ROWS: Final = (
    (
        "CV ROC-AUC (mean of 5x3 folds)",
        ("cross_validation", "model", "roc_auc", "mean"),
        "{:.4f}",
        True,
    ),
    ("CV ROC-AUC std", ("cross_validation", "model", "roc_auc", "std"), "{:.4f}", False),
    ("CV PR-AUC", ("cross_validation", "model", "pr_auc", "mean"), "{:.4f}", True),
    ("CV Brier score", ("cross_validation", "model", "brier", "mean"), "{:.4f}", False),
    ("Test ROC-AUC", ("test", "model", "roc_auc"), "{:.4f}", True),
    ("Test PR-AUC", ("test", "model", "pr_auc"), "{:.4f}", True),
    ("Test F1 at the threshold", ("test", "model", "f1"), "{:.3f}", True),
    ("Test precision", ("test", "model", "precision"), "{:.3f}", True),
    ("Test recall", ("test", "model", "recall"), "{:.3f}", True),
    ("Decision threshold", ("threshold",), "{:.3f}", None),
    (
        "Baseline CV ROC-AUC (same folds)",
        ("cross_validation", "baseline", "roc_auc", "mean"),
        "{:.4f}",
        None,
    ),
)


class BumpError(RefusedError):
    """Why the bump cannot be made; one line for the user."""


def current_version(repo: Path) -> str:
    match = VERSION_LINE.search(read_model_file(repo))
    if match is None:
        raise BumpError(f'{MODEL_FILE}: no model_version = "..." line')
    return match.group(2)


def read_model_file(repo: Path) -> str:
    try:
        return (repo / MODEL_FILE).read_text()
    except OSError as error:
        raise BumpError(f"{MODEL_FILE}: cannot read it ({error.strerror})") from None


def set_version(repo: Path, version: str) -> None:
    """Rewrite the version line only; every other byte of the file stays as it was."""
    if not artifacts.VERSION_PATTERN.match(version):
        raise BumpError(f"{version}: not a bundle version id (like 20261123T142501Z-3f9a1c)")
    text = read_model_file(repo)
    updated, count = VERSION_LINE.subn(lambda m: f"{m.group(1)}{version}{m.group(3)}", text)
    if count != 1:
        raise BumpError(f"{MODEL_FILE}: expected exactly one model_version line, found {count}")
    (repo / MODEL_FILE).write_text(updated)


def metrics_of(bundle: str) -> dict[str, Any]:
    uri = storage.child(bundle, artifacts.METRICS)
    try:
        document = json.loads(storage.read_bytes(uri))
    except storage.StorageError as error:
        raise BumpError(str(error)) from None
    except json.JSONDecodeError:
        raise BumpError(f"{uri}: not JSON") from None
    if not isinstance(document, dict):
        raise BumpError(f"{uri}: not a metrics document")
    return document


def lookup(metrics: dict[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = metrics
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return float(value) if isinstance(value, int | float) else None


def verdict(champion: float | None, challenger: float | None, higher_is_better: bool | None) -> str:
    if champion is None or challenger is None or higher_is_better is None:
        return ""
    if challenger == champion:
        return "="
    return "better" if (challenger > champion) == higher_is_better else "worse"


def comparison(champion: dict[str, Any], challenger: dict[str, Any]) -> str:
    """The champion/challenger table, as Markdown."""

    def cell(value: float | None, fmt: str) -> str:
        return "—" if value is None else fmt.format(value)

    lines = [
        f"| metric | serving `{champion.get('model_version', '?')}` | "
        f"new `{challenger.get('model_version', '?')}` | |",
        "|---|---:|---:|---|",
    ]
    for label, path, fmt, higher_is_better in ROWS:
        old, new = lookup(champion, path), lookup(challenger, path)
        lines.append(
            f"| {label} | {cell(old, fmt)} | {cell(new, fmt)} | "
            f"{verdict(old, new, higher_is_better)} |"
        )
    return "\n".join(lines)


def pull_request_body(champion: dict[str, Any], challenger: dict[str, Any], bundle: str) -> str:
    return "\n".join(
        [
            f"Serve model `{challenger.get('model_version', '?')}`, trained from "
            f"`{bundle}`, instead of `{champion.get('model_version', '?')}`.",
            "",
            comparison(champion, challenger),
            "",
            "Both columns come from each bundle's `metrics.json` (CV on the training split, "
            "test on the held-out split). Merging this pull request deploys the new model; "
            f"it changes only `{MODEL_FILE}`.",
        ]
    )


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        epilog=cli.EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Point the platform at a new bundle and write the pull request's body.",
    )
    parser.add_argument(
        "bundle", help="the new bundle: s3://<bucket>/models/<version> or a directory"
    )
    parser.add_argument(
        "--models",
        required=True,
        help="where the serving bundle lives: s3://<bucket>/models or a folder",
    )
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="the repository's root")
    parser.add_argument(
        "--body", type=Path, required=True, help="file to write the pull request's body to"
    )
    return parser.parse_args(argv)


def run(arguments: argparse.Namespace, say: Callable[[str], None]) -> None:
    new_version = PurePosixPath(arguments.bundle).name  # s3://b/models/<version>/ too
    serving = current_version(arguments.repo)
    if new_version == serving:
        raise BumpError(f"{new_version} is already the model main serves")
    challenger = metrics_of(arguments.bundle)
    try:
        champion = metrics_of(storage.child(arguments.models, serving))
    except BumpError as error:
        # A fork's first model: git names a version its bucket never had.
        say(f"no serving bundle to compare with ({error})")
        champion = {"model_version": serving}
    set_version(arguments.repo, new_version)
    arguments.body.write_text(pull_request_body(champion, challenger, arguments.bundle) + "\n")
    say(f"{serving} -> {new_version}; body written to {arguments.body}")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    return cli.run(PROG, lambda: run(arguments, cli.progress(PROG)))


if __name__ == "__main__":
    sys.exit(main())
