"""Fixtures shared by every test layer: the real data, one trained model and its bundle,
the API serving it, a moto server."""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from churn import contract
from churn.api.app import create_app
from churn.api.settings import Settings
from churn.train.bundle import new_version, write_bundle
from churn.train.dataset import Dataset, load_dataset
from churn.train.training import TrainingConfig, TrainingResult, train
from tests.support.customers import read_rows
from tests.support.live import serve
from tests.support.servers import MotoServer, start_moto_server

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data" / "telco-customer-churn.csv"


@pytest.fixture(scope="session")
def data_path() -> Path:
    """The real IBM Telco table, read from shared/ beside the repository, never copied in."""
    path = Path(os.environ.get("CHURN_DATA", SHARED_DATA)).resolve()
    if not path.is_file():
        pytest.fail(f"the real data set is missing at {path} (set CHURN_DATA)")
    return path


@pytest.fixture(scope="session")
def dataset(data_path: Path) -> Dataset:
    return load_dataset(str(data_path))


# Under mutation testing (scripts/mutation.py) every mutant's tests run in a new session:
# a mutant in a function training calls trains again; any other cannot change the model, and
# reuses the one trained once for that run.
def _training_reaches() -> tuple[str, ...]:
    """mutmut's names for the functions training calls (scripts/mutation.py records them)."""
    return tuple(json.loads(Path(os.environ["CHURN_MUTATION_REACHES"]).read_text()))


def _mutant_changes_training() -> bool:
    return os.environ.get("MUTANT_UNDER_TEST", "").startswith(_training_reaches())


# Fixtures that cost tens of seconds the first time a session asks (training, a moto server
# and what runs on it, such as terraform).
EXPENSIVE_FIXTURES = frozenset({"trained", "moto_server"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under mutation testing, a mutant's tests run cheapest first. mutmut runs them with -x
    in collection order, so a mutant that a unit test kills would otherwise wait for the
    training or the terraform plans of the tests before it; the order cannot change which
    mutants die, only how soon. The cost of each test is the one mutmut's clean run
    measured (mutmut-stats.json, in the folder the mutant's tests run from)."""
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    stats = Path("mutmut-stats.json")
    durations = json.loads(stats.read_text())["duration_by_test"] if stats.is_file() else {}

    def cost(item: pytest.Item) -> tuple[bool, float]:
        fixtures = set(getattr(item, "fixturenames", ()))
        return bool(fixtures & EXPENSIVE_FIXTURES), durations.get(item.nodeid, 0.0)

    items.sort(key=cost)


@pytest.fixture(autouse=True)
def _training_counts_as_called(request: pytest.FixtureRequest) -> None:
    """mutmut runs a mutant's function against the tests that called it in its first, clean
    run. There the model is unpickled, or trained once for the first test that asks: a test
    that reads the trained model is counted as calling every function training calls, or a
    mutant of training would be run against almost none of the tests that judge it."""
    if os.environ.get("MUTANT_UNDER_TEST") == "stats" and "trained" in request.fixturenames:
        from mutmut.stats import record_trampoline_hit  # noqa: PLC0415 - only under mutmut

        for prefix in _training_reaches():
            record_trampoline_hit(prefix.removesuffix("__mutmut_"))


@pytest.fixture(scope="session")
def trained(dataset: Dataset) -> TrainingResult:
    """The default training configuration, fitted once per session on the real data."""
    trained_once = os.environ.get("CHURN_MUTATION_TRAINED")
    if trained_once and not _mutant_changes_training():
        result: TrainingResult = pickle.loads(Path(trained_once).read_bytes())
        return result
    return train(dataset, TrainingConfig(), progress=lambda _: None)


@pytest.fixture(scope="session")
def bundle_dir(
    trained: TrainingResult, dataset: Dataset, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    output = tmp_path_factory.mktemp("bundles")
    return Path(write_bundle(trained, dataset, str(output), version=new_version(), min_roc_auc=0.5))


@pytest.fixture(scope="session")
def customers(data_path: Path) -> list[dict[str, Any]]:
    """Every real customer as the API takes it: the contract's canonical form plus its id."""
    _, rows = read_rows(data_path)
    return [
        {contract.ID_COLUMN: row[contract.ID_COLUMN], **contract.normalize_record(row)}
        for row in rows
    ]


@pytest.fixture(scope="session")
def api_url(bundle_dir: Path) -> Iterator[str]:
    with serve(create_app(Settings(bundle=str(bundle_dir)))) as url:
        yield url


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with start_moto_server(log) as server:
        yield server


@pytest.fixture
def aws_env(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point boto3 (in this process and in children) at the moto server."""
    env = moto_server.client_env()
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env
