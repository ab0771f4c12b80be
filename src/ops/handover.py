"""How a deploy's saved plans travel from its plan jobs to its apply job: through
``plans/<run>/`` of the private, encrypted state bucket rather than a workflow artifact (a
saved plan embeds the prior state, secrets included, and artifacts of a public repository
are public), each taken over only if its SHA-256 is the one its plan job reported."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from churn import storage
from churn.errors import RefusedError

# bootstrap and staging-account keep local state: an administrator applies them, once per
# account (staging-account only for a staging in an account of its own).
ROOTS = ("bootstrap", "pipeline", "platform", "staging-account")


class StackError(RefusedError):
    """A plan could not be handed over or verified; one line for the user."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def state_bucket(repo: Path) -> str:
    """The state bucket the roots' own backend.tf names (a fork changes it there, once)."""
    backend = (repo / "terraform" / "pipeline" / "backend.tf").read_text()
    bucket = re.search(r'^\s*bucket\s*=\s*"([^"]+)"', backend, re.MULTILINE)
    if bucket is None:
        raise StackError("terraform/pipeline/backend.tf names no state bucket")
    return bucket.group(1)


def plan_store(repo: Path, run: str, environment: str) -> str:
    """Where a run's saved plans for one environment travel: plans/<run>/<environment>/ in
    the state bucket."""
    return f"s3://{state_bucket(repo)}/plans/{run}/{environment}"


def hand_over(plan_file: Path, store: str) -> str:
    """Put the saved plan in the store; its URI."""
    location = storage.S3Location.parse(store).child(plan_file.name)
    storage.s3_client().put_object(
        Bucket=location.bucket, Key=location.key, Body=plan_file.read_bytes()
    )
    return str(location)


def take_over(store: str, root: str, sha256: str, out_dir: Path) -> Path:
    """The saved plan from the store, refused unless its SHA-256 is the plan job's."""
    location = storage.S3Location.parse(store).child(f"{root}.tfplan")
    try:
        content = storage.read_bytes(str(location))
    except storage.StorageError as error:
        raise StackError(f"the saved plan is gone ({error}); re-run the deploy") from None
    if hashlib.sha256(content).hexdigest() != sha256:
        raise StackError(f"{location} is not the plan the plan job saved (SHA-256 differs)")
    out_dir.mkdir(parents=True, exist_ok=True)
    plan_file = (out_dir / f"{root}.tfplan").resolve()
    plan_file.write_bytes(content)
    return plan_file


def parse_plans(text: str) -> dict[str, str]:
    """root -> SHA-256, in apply order, from the deploy's JSON object."""
    try:
        plans = json.loads(text)
    except json.JSONDecodeError:
        raise StackError(f"--plans is not JSON: {text[:200]}") from None
    if not isinstance(plans, dict) or not plans:
        raise StackError("--plans must be a JSON object, root -> SHA-256")
    for root, sha256 in plans.items():
        if root not in ROOTS or not re.fullmatch(r"[0-9a-f]{64}", str(sha256)):
            raise StackError(f"--plans: {root!r} -> {sha256!r} is not a root and a SHA-256")
    return {str(root): str(sha256) for root, sha256 in plans.items()}
