"""The pytest plug-in `make mutation` runs every mutant's tests with (``-p
scripts.mutation_plugin``, scripts/mutation.py): what mutation testing needs of a test
session, kept out of the tests' own conftest.

- A mutant's tests run cheapest first: mutmut runs them with -x in collection order, so a
  mutant a unit test kills would otherwise wait for the training or the Terraform plans of
  the tests before it. The order cannot change which mutants die, only how soon. The cost
  of each test is the one mutmut's clean run measured (mutmut-stats.json, in the folder the
  mutant's tests run from); tests that need an expensive fixture go last.
- The model is trained once per run: a mutant that training does not reach reuses it
  (``pytest_churn_trained_model``, the hook tests/conftest.py's ``trained`` asks); one that it
  reaches trains again in its own session.
- In mutmut's first, clean run a test that reads the trained model counts as calling every
  function training calls, or a mutant of training would run against almost none of the
  tests that judge it.
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from typing import Any

import pytest

# Fixtures that cost tens of seconds the first time a session asks (training, a moto server
# and what runs on it, such as terraform).
EXPENSIVE_FIXTURES = frozenset({"trained", "moto_server"})


def _training_reaches() -> tuple[str, ...]:
    """mutmut's names for the functions training calls (scripts/mutation.py records them)."""
    return tuple(json.loads(Path(os.environ["CHURN_MUTATION_REACHES"]).read_text()))


def _mutant_changes_training() -> bool:
    return os.environ.get("MUTANT_UNDER_TEST", "").startswith(_training_reaches())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    stats = Path("mutmut-stats.json")
    durations = json.loads(stats.read_text())["duration_by_test"] if stats.is_file() else {}

    def cost(item: pytest.Item) -> tuple[bool, float]:
        fixtures = set(getattr(item, "fixturenames", ()))
        return bool(fixtures & EXPENSIVE_FIXTURES), durations.get(item.nodeid, 0.0)

    items.sort(key=cost)


def pytest_churn_trained_model() -> Any:
    """The model trained once for this run, unless the mutant under test is in training."""
    trained_once = os.environ.get("CHURN_MUTATION_TRAINED")
    if not trained_once or _mutant_changes_training():
        return None
    return pickle.loads(Path(trained_once).read_bytes())  # noqa: S301 - written by this run


@pytest.fixture(autouse=True)
def _training_counts_as_called(request: pytest.FixtureRequest) -> None:
    if os.environ.get("MUTANT_UNDER_TEST") == "stats" and "trained" in request.fixturenames:
        from mutmut.stats import record_trampoline_hit  # noqa: PLC0415 - only under mutmut

        for prefix in _training_reaches():
            record_trampoline_hit(prefix.removesuffix("__mutmut_"))
