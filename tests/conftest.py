"""Fixtures shared by every test layer: the real data, one trained model and its bundle,
the API serving it, a moto server."""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from churn import contract
from churn.api.app import create_app
from churn.api.settings import Settings
from churn.ops.terraform import Terraform, terraform_env
from churn.train.bundle import new_version, write_bundle
from churn.train.dataset import Dataset, load_dataset
from churn.train.training import TrainingConfig, TrainingResult, train
from tests.support import hooks
from tests.support.customers import read_rows
from tests.support.environments import Installer, built_once
from tests.support.live import serve
from tests.support.servers import MotoServer, start_moto_server

pytest_plugins = ["tests.support.tiers"]

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


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hooks)


@pytest.fixture(scope="session")
def trained(
    dataset: Dataset, pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> TrainingResult:
    """The default training configuration, fitted once per session on the real data: by
    the first pytest-xdist worker that asks, the others loading what it pickled (or handed
    over by a plug-in that trained it before: tests/support/hooks.py)."""
    earlier: TrainingResult | None = pytestconfig.hook.pytest_churn_trained_model()
    if earlier is not None:
        return earlier

    def fit() -> TrainingResult:
        return train(dataset, TrainingConfig(), progress=lambda _: None)

    if not hasattr(pytestconfig, "workerinput"):
        return fit()
    shared = tmp_path_factory.getbasetemp().parent / "trained"  # common to this run's workers
    with built_once(shared) as cold:
        if cold:
            shared.mkdir()
            (shared / "model.pickle").write_bytes(pickle.dumps(fit()))
    result: TrainingResult = pickle.loads((shared / "model.pickle").read_bytes())
    return result


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
def installed() -> Installer:
    """Clean installs of an image's dependency set (pip --target, as its Dockerfile does)."""
    return Installer()


@pytest.fixture(scope="session")
def terraform(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """The environment terraform runs in: the binary on PATH, the AWS provider from the
    machine's mirror (or, on a CI runner, the registry) through the project's CLI config.
    Where that config has a plugin cache (the registry's downloads, a packed mirror's
    unpacked provider: scripts/terraform-config.sh), Terraform does not lock it for
    concurrent writes, so the first worker warms it while the others wait."""
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH (README: the two commands)")
    env = terraform_env(REPO_ROOT)
    xdist = hasattr(pytestconfig, "workerinput")
    shared = tmp_path_factory.getbasetemp().parent if xdist else tmp_path_factory.mktemp("tf")
    root = shared / "terraform-warm"
    with built_once(root) as cold:
        if cold:
            root.mkdir()
            for name in ("versions.tf", ".terraform.lock.hcl"):
                shutil.copy(REPO_ROOT / "terraform" / "bootstrap" / name, root)
            Terraform(root, env).run("init", "-backend=false", "-input=false", "-no-color")
    return env


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
