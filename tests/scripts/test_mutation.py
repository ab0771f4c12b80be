"""`make mutation`'s own arithmetic: mutmut's results read, scores per module with the
equivalent mutants left out, and a drop against the recorded scores found."""

from __future__ import annotations

import json
import pickle
from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts import mutation_plugin
from scripts.mutation import (
    CORE,
    FAMILIES,
    GROUPS,
    POLICIES,
    Score,
    dropped,
    functions_reached,
    module_name,
    mutant_prefix,
    parse_results,
    read_equivalent,
    remember,
    render,
    retrains,
    scores,
    stale_equivalents,
    unrecorded,
)
from tests.support import hooks

RESULTS = """\
    churn.contract.x_check_consistency__mutmut_1: killed
    churn.contract.x_check_consistency__mutmut_2: survived
    churn.contract.x_check_consistency__mutmut_3: timeout
    churn.contract.x_label_to_int__mutmut_1: no tests
    churn.contract.x_label_to_int__mutmut_2: survived
    churn.api.service.xǁPredictionServiceǁrisk_band__mutmut_1: killed
    churn.api.service.xǁPredictionServiceǁrisk_band__mutmut_2: suspicious
"""


def test_mutmuts_results_are_read_by_name() -> None:
    results = parse_results("noise before\n" + RESULTS)
    assert len(results) == 7
    assert results["churn.api.service.xǁPredictionServiceǁrisk_band__mutmut_2"] == "suspicious"


def test_scores_count_timeouts_as_killed_and_leave_out_the_equivalent() -> None:
    equivalent = {"churn.contract.x_label_to_int__mutmut_2": "a message's wording only"}
    contract, service = scores(
        parse_results(RESULTS), ["contract.py", "api/service.py"], equivalent
    )
    assert (contract.mutants, contract.killed, contract.equivalent) == (5, 2, 1)
    assert contract.percent == pytest.approx(50.0)  # 2 of the 4 that count
    assert contract.survivors == (
        "churn.contract.x_check_consistency__mutmut_2",
        "churn.contract.x_label_to_int__mutmut_1",  # no test reaches it: not killed
    )
    assert (service.killed, service.survivors) == (
        1,
        ("churn.api.service.xǁPredictionServiceǁrisk_band__mutmut_2",),
    )
    assert "| contract.py | 5 | 2 | 1 | 50.0 % |" in render([contract, service])


def test_a_module_is_not_confused_with_one_whose_name_it_starts() -> None:
    results = {"churn.bundles.x_resolve__mutmut_1": "survived"}
    (train_bundle,) = scores(results, ["train/bundle.py"], {})
    assert train_bundle.mutants == 0 and train_bundle.percent == 100.0
    assert "| train/bundle.py | 0 | 0 | 0 | — |" in render([train_bundle])


def test_a_drop_below_the_recorded_score_is_reported() -> None:
    table = [Score("contract.py", 10, 8, 0, ()), Score("features.py", 10, 10, 0, ())]
    assert dropped(table, {"contract.py": 80.0, "features.py": 100.0}) == []
    assert dropped(table, {"contract.py": 90.0}) == ["contract.py: 80.0 % < 90.0 % recorded"]
    assert unrecorded(table, {"contract.py": 90.0}) == ["features.py"]


def test_every_equivalent_mutant_gives_its_reason(tmp_path: Path) -> None:
    listed = tmp_path / "equivalent.txt"
    listed.write_text("# comment\nchurn.contract.x_a__mutmut_1 only a message changes\n")
    assert read_equivalent(listed) == {"churn.contract.x_a__mutmut_1": "only a message changes"}
    listed.write_text("churn.contract.x_a__mutmut_1\n")
    with pytest.raises(SystemExit, match="give the reason"):
        read_equivalent(listed)
    # the committed list names mutants of the modules scored
    assert all(name.startswith(("churn.", "policies.")) for name in read_equivalent())


def test_the_core_modules_exist_and_are_named_as_mutmut_names_them() -> None:
    root = Path(__file__).resolve().parents[2]
    assert all((root / "src" / source).is_file() for source in CORE)
    assert all((root / source).is_file() for source in POLICIES)
    assert module_name("api/service.py") == "churn.api.service"
    assert module_name("policies/iam.py") == "policies.iam"


def test_each_module_is_staged_by_its_family_under_its_import_name() -> None:
    churn, policies = FAMILIES
    assert churn.staged("api/service.py") == "churn/api/service.py"
    assert policies.staged("policies/iam.py") == "policies/iam.py"
    assert set(churn.modules) == set(CORE) and set(policies.modules) == set(POLICIES)
    assert policies.mutmut.parent == policies.python.parent


def test_a_run_of_some_modules_replaces_theirs_and_keeps_the_rest(tmp_path: Path) -> None:
    store = tmp_path / "latest.json"
    remember(parse_results(RESULTS), ["contract.py", "api/service.py"], store)
    rerun = {"churn.contract.x_check_consistency__mutmut_1": "survived"}
    latest = remember(rerun, ["contract.py"], store)
    assert latest == {
        "churn.contract.x_check_consistency__mutmut_1": "survived",  # contract: this run only
        "churn.api.service.xǁPredictionServiceǁrisk_band__mutmut_1": "killed",
        "churn.api.service.xǁPredictionServiceǁrisk_band__mutmut_2": "suspicious",
    }
    assert json.loads(store.read_text()) == latest


@pytest.mark.parametrize(
    ("qualname", "prefix"),
    [
        ("normalize_record", "churn.contract.x_normalize_record__mutmut_"),
        ("PredictionService.answer", "churn.contract.xǁPredictionServiceǁanswer__mutmut_"),
        ("train.<locals>.fit", "churn.contract.x_train__mutmut_"),  # mutated with train
    ],
)
def test_a_function_is_named_as_mutmut_names_its_mutants(qualname: str, prefix: str) -> None:
    assert mutant_prefix("churn.contract", qualname) == prefix
    assert parse_results(f"{prefix}7: killed") == {f"{prefix}7": "killed"}


def test_the_functions_reached_are_those_called_in_any_thread(tmp_path: Path) -> None:
    package = tmp_path / "src"
    steps = package / "train" / "steps.py"
    steps.parent.mkdir(parents=True)
    steps.write_text(
        "import threading\n"
        "class Model:\n    def fit(self):\n        return 1\n"
        "def helper():\n    return Model().fit()\n"
        "def unused():\n    return 2\n"
        "def run():\n"
        "    worker = threading.Thread(target=helper)\n"
        "    worker.start()\n    worker.join()\n"
    )
    namespace: dict[str, object] = {}
    exec(compile(steps.read_text(), str(steps), "exec"), namespace)
    with functions_reached(package, "pkg") as reached:
        namespace["run"]()  # type: ignore[operator]
    assert reached == {
        "pkg.train.steps.x_run__mutmut_",
        "pkg.train.steps.x_helper__mutmut_",
        "pkg.train.steps.xǁModelǁfit__mutmut_",
    }


def test_a_run_is_given_time_to_train_again_only_for_modules_training_reaches() -> None:
    reached = ["churn.features.xǁSpecǁapply__mutmut_", "churn.contract.x_normalize__mutmut_"]
    assert retrains(["api/service.py", "contract.py"], reached)
    assert retrains(["features.py"], reached)
    assert not retrains(["api/service.py", "storage.py"], reached)


def test_the_groups_hold_every_module_once() -> None:
    grouped = [module for group in GROUPS.values() for module in group]
    assert sorted(grouped) == sorted((*CORE, *POLICIES))


@dataclass
class StandInItem:
    nodeid: str
    fixturenames: tuple[str, ...] = ()


def test_a_mutants_tests_run_cheapest_first_and_others_keep_their_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mutmut-stats.json").write_text(
        json.dumps({"duration_by_test": {"slow": 30.0, "quick": 0.01, "trains": 0.02}})
    )
    monkeypatch.chdir(tmp_path)
    collected = [
        StandInItem("slow"),
        StandInItem("trains", ("trained",)),
        StandInItem("unmeasured"),
        StandInItem("quick"),
    ]

    def ordered(under_test: str) -> list[str]:
        monkeypatch.setenv("MUTANT_UNDER_TEST", under_test)
        items = list(collected)
        mutation_plugin.pytest_collection_modifyitems(items)  # type: ignore[arg-type]
        return [item.nodeid for item in items]

    assert ordered("churn.contract.x_label_to_int__mutmut_3") == [
        "unmeasured", "quick", "slow", "trains"
    ]  # fmt: skip
    assert ordered("stats") == ["slow", "trains", "unmeasured", "quick"]
    monkeypatch.delenv("MUTANT_UNDER_TEST")
    assert ordered("") == ["slow", "trains", "unmeasured", "quick"]


def test_a_listed_mutant_the_tests_kill_counts_as_killed_and_is_reported() -> None:
    listed = {
        "churn.contract.x_check_consistency__mutmut_1": "renumbered: now names a killed one",
        "churn.contract.x_check_consistency__mutmut_9": "the function lost mutants",
        "churn.contract.x_label_to_int__mutmut_2": "a message's wording only",
        "churn.api.service.x_other__mutmut_1": "a module not run",
    }
    results = parse_results(RESULTS)
    (contract,) = scores(results, ["contract.py"], listed)
    # _1 stays killed (2 with the timeout), only the survivor _2 of label_to_int is excused
    assert (contract.mutants, contract.killed, contract.equivalent) == (5, 2, 1)
    assert stale_equivalents(results, ["contract.py"], listed) == [
        "churn.contract.x_check_consistency__mutmut_1",
        "churn.contract.x_check_consistency__mutmut_9",
    ]


def test_the_plugin_hands_the_run_s_model_to_every_mutant_training_does_not_reach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through a plug-in manager, as the tests' ``trained`` fixture asks: a hook left
    unregistered answers None, and every mutant would train again."""
    manager = pytest.PytestPluginManager()
    manager.add_hookspecs(hooks)
    manager.register(mutation_plugin)
    pickled = tmp_path / "trained.pickle"
    pickled.write_bytes(pickle.dumps({"model": "trained once"}))
    reaches = tmp_path / "training-reaches.json"
    reaches.write_text(json.dumps(["churn.train.training.x_train__mutmut_"]))
    monkeypatch.setenv("CHURN_MUTATION_TRAINED", str(pickled))
    monkeypatch.setenv("CHURN_MUTATION_REACHES", str(reaches))
    monkeypatch.setenv("MUTANT_UNDER_TEST", "churn.ui.client.x_levers__mutmut_8")
    assert manager.hook.pytest_churn_trained_model() == {"model": "trained once"}
    monkeypatch.setenv("MUTANT_UNDER_TEST", "churn.train.training.x_train__mutmut_3")
    assert manager.hook.pytest_churn_trained_model() is None  # training changed: train again
