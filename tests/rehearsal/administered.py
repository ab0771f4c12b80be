"""The account the README's administrator sets up once (bootstrap, then the pipeline),
applied once per test run and loaded by every story: moto's whole state and bootstrap's
local state file, kept in one folder (tests/support/moto_state.py).

``make test`` starts it before the lint, with ``python -m tests.rehearsal.administered DIR
--data CSV``, and tells the stories where (``REHEARSAL_ADMINISTERED``): the setup's two
minutes, mostly the provider's fixed waits, then pass while mypy runs instead of while
every story waits. Without that, the first story to begin applies it (the same function)
while the others wait. Either way the folder's lock decides: whoever holds it builds, and a
failed build leaves no marker, so the next one builds it again.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from tests.rehearsal.rehearsal import STATE_BUCKET, Rehearsal, RehearsalError, rehearsal_world
from tests.support.environments import REPO_ROOT, built_once

# Where `make test` builds the account; unset, the stories use their run's own folder.
SHARED_ENV: Final = "REHEARSAL_ADMINISTERED"
BOOTSTRAP_STATE: Final = Path("terraform") / "bootstrap" / "terraform.tfstate"
MOTO_STATE: Final = "moto.state"


def build(rehearsal: Rehearsal, shared: Path) -> None:
    """Apply the administrator's stacks in ``rehearsal``'s account and keep them in ``shared``."""
    admin = rehearsal.admin_checkout()
    bootstrap, _ = rehearsal.admin_set_up(admin)
    if bootstrap["state_bucket"] != STATE_BUCKET:
        raise RehearsalError(f"bootstrap made {bootstrap['state_bucket']}, not {STATE_BUCKET}")
    shared.mkdir()
    shutil.copy(admin / BOOTSTRAP_STATE, shared)
    rehearsal.moto.save_state(shared / MOTO_STATE)


def load(rehearsal: Rehearsal, shared: Path, admin: Path) -> None:
    """The account ``build`` kept, as ``rehearsal``'s, and bootstrap's state in ``admin``."""
    rehearsal.moto.load_state(shared / MOTO_STATE)
    shutil.copy(shared / BOOTSTRAP_STATE.name, admin / BOOTSTRAP_STATE)


def set_up(rehearsal: Rehearsal, shared: Path) -> tuple[Path, dict[str, Any]]:
    """The account, built here if nobody has yet; the administrator's checkout and the
    pipeline's outputs."""
    admin = rehearsal.admin_checkout()
    asked = time.monotonic()
    with built_once(shared) as cold:
        if cold:
            build(rehearsal, shared)
        else:
            waited = time.monotonic() - asked  # the story's idle start: a slow run's post-mortem
            load(rehearsal, shared, admin)
            rehearsal.say(
                "rehearsal: bootstrap and pipeline as applied once for this run "
                f"(waited {waited:.0f} s for them)"
            )
    return admin, rehearsal.admin_outputs(admin, "pipeline")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.rehearsal.administered")
    parser.add_argument("shared", type=Path, help="where the account is kept")
    parser.add_argument("--data", type=Path, required=True, help="the training data (CSV)")
    arguments = parser.parse_args(argv)
    shared = arguments.shared.resolve()
    workdir = shared.with_name(f"{shared.name}-world")
    try:
        with built_once(shared) as cold:
            if cold:
                with rehearsal_world(REPO_ROOT, workdir, arguments.data.resolve()) as world:
                    world.publish_source()
                    build(world, shared)
    except Exception as error:  # noqa: BLE001 (whatever it was, a story builds it again)
        print(f"administered: {error} (the first story will apply it)", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
