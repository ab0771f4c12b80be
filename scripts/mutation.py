"""`make mutation`: mutmut 3 over the core modules, the score per module and the survivors.

mutmut names each mutant by its file's path (``churn/contract.py`` -> ``churn.contract``)
and switches mutants on inside functions as the tests call them. This project maps the
package ``churn`` onto ``src/``, so the run happens in a staging copy (.cache/mutation/churn/)
where the package is laid out as ``churn/``; the tests are copied beside it and the rest of
the repository (terraform/, .cache/, ...) is linked in, as some tests read it. The policies/
are checkov plug-ins: they are staged apart (.cache/mutation/policies/) and run by the
scanners' Python, where checkov is.

Only tests that run the code in-process can kill a mutant: a test that starts a CLI or a
server in another process runs the unmutated code. Those (and the browser, image, Terraform
and workflow suites) are left out of the run, which keeps it to minutes.

Scores: killed / (mutants - equivalent), where killed counts timeouts too (a mutant that
hangs is caught) and "no tests" counts as survived (nothing checks that code).
Equivalent mutants (a change that cannot alter behaviour) are listed, one line each with
its reason, in tests/mutation/equivalent.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Final

from churn.train.dataset import load_dataset
from churn.train.training import TrainingConfig, train
from scripts import docs_tables

REPO: Final = Path(__file__).resolve().parent.parent
STAGE: Final = REPO / ".cache" / "mutation"
EQUIVALENT: Final = REPO / "tests" / "mutation" / "equivalent.txt"
RECORDED: Final = REPO / "tests" / "mutation" / "scores.json"
# Each module's latest score, for docs/mutation-testing.md (scripts/docs_tables.py).
DOCS_RESULTS: Final = REPO / "docs" / "data" / "mutation.json"
# The functions training calls, as mutmut's mutant-name prefixes: a mutant of one of them
# makes its session train again (scripts/mutation_plugin.py); any other reuses the model.
TRAINING_REACHES: Final = STAGE / "training-reaches.json"
# Every mutant's latest status, whichever run gave it: a run of some modules replaces
# theirs and keeps the rest, so the table can be whole without running everything again.
LATEST: Final = STAGE / "latest.json"

# The core: what decides an answer, a bundle, a plan comment or a model bump.
CORE: Final = (
    "contract/fields.py",
    "contract/rules.py",
    "contract/header.py",
    "contract/levers.py",
    "contract/published.py",
    "features.py",
    "storage/locations.py",
    "storage/s3.py",
    "storage/reads.py",
    "storage/publication.py",
    "storage/multipart.py",
    "artifacts.py",
    "errors.py",
    "cli.py",
    "train/training.py",
    "train/bundle.py",
    "api/service.py",
    "bundles.py",
    "api/predictors.py",
    "api/schemas.py",
    "api/bounds.py",
    "ops/plan_comment.py",
    "ops/bump_model.py",
    "ops/smoke.py",
    "ui/scoring.py",
    "ui/client.py",
)
# The checks that gate Terraform: checkov's plug-ins, importable only where checkov is.
POLICIES: Final = (
    "policies/aws_limits.py",
    "policies/iam.py",
    "policies/naming.py",
    "policies/network.py",
    "policies/serving.py",
    "policies/tags.py",
)
# Groups that a scheduled run spreads over parallel jobs (the mutation workflow's matrix):
# the modules training reaches are the slow ones (their mutants train again).
GROUPS: Final = {
    "training": ("contract/fields.py", "contract/rules.py", "contract/header.py",
                 "contract/levers.py", "contract/published.py", "features.py",
                 "storage/locations.py", "storage/s3.py", "storage/reads.py",
                 "storage/publication.py", "storage/multipart.py", "train/training.py"),
    "serving": ("artifacts.py", "api/service.py", "bundles.py", "api/predictors.py",
                "api/schemas.py", "api/bounds.py"),
    "tools": ("train/bundle.py", "ops/plan_comment.py", "ops/bump_model.py", "ops/smoke.py",
              "ui/scoring.py", "ui/client.py", "errors.py", "cli.py"),
    "policies": POLICIES,
}  # fmt: skip
# The suites that run the core in this process.
IN_PROCESS_TESTS: Final = (
    "tests/unit",
    "tests/api",
    "tests/model",
    "tests/data",
    "tests/integration/test_storage.py",
    "tests/ops/test_bump_model.py",
    "tests/ops/test_plan_comment.py",
    "tests/ops/test_smoke.py",
    "tests/ui/test_scoring.py",
    "tests/ui/test_client.py",
    "tests/ui/test_sigv4.py",
)
# Inside those suites, tests that only start processes (or fuzz for minutes).
OUT_OF_PROCESS: Final = ("tests/api/test_fuzz.py",)
# What the copied tests read from the repository itself, linked into mutmut's folder
# (never pyproject.toml: mutmut copies the staging one there, and would write through).
LINKED: Final = (
    ".cache", ".venv-scanners", "terraform", "scripts", "requirements", "bench", "src",
    "constraints.txt", "Makefile",
)  # fmt: skip


@dataclass(frozen=True)
class Family:
    """Modules mutmut scores in one run: the package they are staged as, the Python that
    runs their tests, and those tests."""

    package: str  # the import name, and the staging folder's
    source: Path
    python: Path
    modules: tuple[str, ...]
    tests: tuple[str, ...]
    pytest_options: str

    @property
    def stage(self) -> Path:
        return STAGE / self.package

    @property
    def mutmut(self) -> Path:
        return self.python.with_name("mutmut")

    def staged(self, module: str) -> str:
        """``api/service.py`` -> ``churn/api/service.py``; ``policies/iam.py`` stays."""
        return module if module.startswith(self.package + "/") else f"{self.package}/{module}"


FAMILIES: Final = (
    Family(
        package="churn",
        source=REPO / "src",
        python=Path(sys.executable),
        modules=CORE,
        tests=(*IN_PROCESS_TESTS, *(f"--deselect={path}" for path in OUT_OF_PROCESS)),
        pytest_options=" -p scripts.mutation_plugin",
    ),
    Family(
        package="policies",
        source=REPO / "policies",
        python=REPO / ".venv-scanners" / "bin" / "python",
        modules=POLICIES,
        tests=("tests/policies/checks_in_process.py",),
        # tests/conftest.py needs the project's venv; this file needs none of it.
        pytest_options=" --noconftest",
    ),
)

KILLED: Final = frozenset({"killed", "timeout", "segfault", "caught by type check"})
RESULT_LINE: Final = re.compile(r"^\s*(?P<name>[\w.ǁ]+__mutmut_\d+): (?P<status>.+)$")


@dataclass(frozen=True)
class Score:
    module: str
    mutants: int
    killed: int
    equivalent: int
    survivors: tuple[str, ...]

    @property
    def percent(self) -> float:
        counted = self.mutants - self.equivalent
        return 100.0 if counted == 0 else 100.0 * self.killed / counted


def module_name(source: str) -> str:
    """``api/service.py`` -> ``churn.api.service``, ``policies/iam.py`` -> ``policies.iam``
    (mutmut's names for them)."""
    dotted = source.removesuffix(".py").replace("/", ".")
    return dotted if source in POLICIES else f"churn.{dotted}"


def read_equivalent(path: Path = EQUIVALENT) -> dict[str, str]:
    """mutant name -> why it cannot change behaviour."""
    listed = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            if not reason.strip():
                raise SystemExit(f"{path}: {name}: give the reason it is equivalent")
            listed[name] = reason.strip()
    return listed


def parse_results(text: str) -> dict[str, str]:
    """``mutmut results --all true`` -> mutant name -> status."""
    found = (RESULT_LINE.match(line) for line in text.splitlines())
    return {m["name"]: m["status"].strip() for m in found if m}


def scores(
    results: dict[str, str], modules: Iterable[str], equivalent: dict[str, str]
) -> list[Score]:
    table = []
    for source in modules:
        prefix = module_name(source) + ".x"
        mine = {n: s for n, s in results.items() if n.startswith(prefix)}
        # Only a mutant the tests let live can be equivalent: one they kill is counted killed.
        excused = {n for n, s in mine.items() if s not in KILLED and n in equivalent}
        statuses = Counter(s for n, s in mine.items() if n not in excused)
        table.append(
            Score(
                module=source,
                mutants=len(mine),
                killed=sum(statuses[s] for s in KILLED),
                equivalent=len(excused),
                survivors=tuple(
                    sorted(n for n, s in mine.items() if s not in KILLED and n not in excused)
                ),
            )
        )
    return table


def stale_equivalents(
    results: dict[str, str], modules: Iterable[str], equivalent: dict[str, str]
) -> list[str]:
    """Listed equivalent mutants of these modules that the run killed or no longer made: mutmut
    numbers a function's mutants in order, so an edit to the function renumbers them and the
    line now names another mutant (or none). Each must be looked at again."""
    prefixes = tuple(module_name(m) + ".x" for m in modules)
    mine = (n for n in equivalent if n.startswith(prefixes))
    return sorted(n for n in mine if n not in results or results[n] in KILLED)


def render(table: Sequence[Score]) -> str:
    lines = [
        "| module | mutants | killed | equivalent | score |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {s.module} | {s.mutants} | {s.killed} | {s.equivalent} | "
        + (f"{s.percent:.1f} % |" if s.mutants else "— |")  # no mutant: nothing to score
        for s in table
    ]
    return "\n".join(lines)


def changed_core(since: str) -> list[str]:
    listed = subprocess.run(  # noqa: S603 (git with arguments we build)
        ["git", "diff", "--name-only", f"{since}...HEAD", "--", "src", "policies"],  # noqa: S607
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    changed = {path.removeprefix("src/") for path in listed}
    return [source for source in (*CORE, *POLICIES) if source in changed]


def stage(family: Family, modules: Sequence[str], retraining_cpu_seconds: float = 0.0) -> None:
    """A fresh copy laid out for mutmut, its configuration naming the modules and tests.

    ``retraining_cpu_seconds``: what a mutant's session spends when it must train again
    (scripts/mutation_plugin.py), added to every mutant's CPU allowance so that training again is
    not taken for a hang (and counted as a kill)."""
    shutil.rmtree(family.stage, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(family.source, family.stage / family.package, ignore=ignore)
    shutil.copytree(REPO / "tests", family.stage / "tests", ignore=ignore)
    mutants = family.stage / "mutants"
    mutants.mkdir()
    for name in LINKED:
        if (REPO / name).exists():
            (mutants / name).symlink_to(REPO / name)
    (family.stage / "pyproject.toml").write_text(
        "[tool.pytest.ini_options]\n"
        'testpaths = ["tests"]\n'
        # One order: mutmut maps each test to the functions it calls in its first run.
        f'addopts = "-p no:randomly -p no:cacheprovider{family.pytest_options}"\n'
        'pythonpath = ["."]\n'
        # A mutant that makes a test wait forever (a retry loop that sleeps) uses no CPU:
        # pytest-timeout ends it.
        "timeout = 120\n"
        "\n[tool.mutmut]\n"
        f"source_paths = {json.dumps([family.package])}\n"
        f"only_mutate = {json.dumps([family.staged(m) for m in modules])}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(list(family.tests))}\n"
        # CPU seconds a mutant's tests may take: (their time in the clean run + 10) x 5 x 2.
        # Each mutant's session sets its fixtures up again, which the clean run's per-test
        # times leave out; 10 s covers that, so slow sessions are not taken for hangs.
        f"timeout_constant = {10.0 + retraining_cpu_seconds:.1f}\n"
        "timeout_multiplier = 5.0\n"
        # Workers forked from a process that ran the suite (its servers' threads, their
        # locks) hang or crawl until the CPU limit kills them, which reads as a kill: fork
        # from a clean server instead.
        'process_isolation = "forkserver"\n'
    )


def mutant_prefix(module: str, qualname: str) -> str:
    """What mutmut's mutants of a function are named: ``churn.contract``, ``normalize`` ->
    ``churn.contract.x_normalize__mutmut_``; a method is ``xǁClassǁmethod``; a nested
    function is mutated as part of the function around it."""
    outer = qualname.split(".<locals>.", maxsplit=1)[0]
    owner, _, function = outer.rpartition(".")
    mangled = f"xǁ{owner}ǁ{function}" if owner else f"x_{function}"
    return f"{module}.{mangled}__mutmut_"


@contextmanager
def functions_reached(source: Path, package: str) -> Iterator[set[str]]:
    """The functions of ``source`` (imported as ``package``) that run inside the block, in
    any thread, as mutant-name prefixes."""
    reached: set[str] = set()
    root = str(source) + os.sep

    def on_call(frame: FrameType, event: str, _: object) -> None:
        code = frame.f_code
        if event == "call" and code.co_filename.startswith(root):
            relative = Path(code.co_filename).relative_to(source).with_suffix("")
            module = ".".join((package, *relative.parts)).removesuffix(".__init__")
            reached.add(mutant_prefix(module, code.co_qualname))

    # A trace function that returns None traces calls only, never lines: cheap enough.
    threading.settrace(on_call)
    sys.settrace(on_call)
    try:
        yield reached
    finally:
        sys.settrace(None)
        threading.settrace(None)


def train_once() -> tuple[Path, float]:
    """The model the tests' ``trained`` fixture hands to every mutant that training does not
    reach (scripts/mutation_plugin.py), so such a mutant does not train again; and the CPU seconds
    training took (its threads' too), timed apart from the run that finds what it reaches."""
    data = os.environ.get("CHURN_DATA")
    if not data:
        raise SystemExit("mutation: set CHURN_DATA (make mutation does)")
    started = time.process_time()
    result = train(load_dataset(data), TrainingConfig(), progress=lambda _: None)
    spent = time.process_time() - started
    with functions_reached(REPO / "src", "churn") as reached:
        train(load_dataset(data), TrainingConfig(), progress=lambda _: None)
    path = STAGE / "trained.pickle"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(result))
    TRAINING_REACHES.write_text(json.dumps(sorted(reached), indent=0) + "\n")
    return path, spent


def retrains(modules: Iterable[str], reached: Iterable[str]) -> bool:
    """Whether some mutant of ``modules`` is in a function training calls."""
    prefixes = tuple(module_name(m) + ".x" for m in modules)
    return any(function.startswith(prefixes) for function in reached)


def run_mutmut(family: Family, children: int, trained: Path | None) -> None:
    log = family.stage / "mutmut.log"
    trained_model = (
        {"CHURN_MUTATION_TRAINED": str(trained), "CHURN_MUTATION_REACHES": str(TRAINING_REACHES)}
        if trained
        else {}
    )
    with log.open("w") as sink:
        finished = subprocess.run(  # noqa: S603 (mutmut beside the family's Python)
            [str(family.mutmut), "run", "--max-children", str(children)],
            check=False,
            cwd=family.stage,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=os.environ | {"PYTHONDONTWRITEBYTECODE": "1"} | trained_model,
        )
    if finished.returncode != 0:
        tail = log.read_text()[-2000:]
        raise SystemExit(f"mutation: mutmut failed (exit {finished.returncode}); log {log}\n{tail}")


def last_results(family: Family) -> dict[str, str]:
    """Every mutant of the family's last run in its staging copy, and what became of it."""
    listed = subprocess.run(  # noqa: S603 (mutmut beside the family's Python)
        [str(family.mutmut), "results", "--all", "true"],
        cwd=family.stage,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return parse_results(listed)


def remember(run: dict[str, str], modules: Iterable[str], store: Path = LATEST) -> dict[str, str]:
    """The statuses of ``modules`` from this run, over every other module's latest."""
    earlier: dict[str, str] = json.loads(store.read_text()) if store.exists() else {}
    ran = tuple(module_name(m) + ".x" for m in modules)
    latest = {n: s for n, s in earlier.items() if not n.startswith(ran)} | run
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text(json.dumps(dict(sorted(latest.items())), indent=0) + "\n")
    return latest


def ever_run(results: dict[str, str]) -> set[str]:
    """The modules some mutant of which has a status."""
    return {
        m for m in (*CORE, *POLICIES) if any(n.startswith(module_name(m) + ".x") for n in results)
    }


def dropped(table: Sequence[Score], recorded: dict[str, float]) -> list[str]:
    """Modules whose score fell below the one recorded (0.05 points of rounding allowed)."""
    return [
        f"{s.module}: {s.percent:.1f} % < {recorded[s.module]:.1f} % recorded"
        for s in table
        if s.module in recorded and s.percent < recorded[s.module] - 0.05
    ]


def unrecorded(table: Sequence[Score], recorded: dict[str, float]) -> list[str]:
    """Modules with no recorded score: nothing to fail against, said rather than passed over."""
    return [s.module for s in table if s.module not in recorded]


def print_mutants(table: Sequence[Score], equivalent: dict[str, str], modules: list[str]) -> None:
    """The surviving mutants, and those listed as equivalent, with how to see each."""
    for score in table:
        for name in score.survivors:
            print(f"survived: {name}  (make mutation-show MUTANT={name})")
    listed = [n for n in equivalent if any(n.startswith(module_name(m) + ".x") for m in modules)]
    for name in listed:
        print(f"equivalent: {name}  {equivalent[name]}")


def publish(table: Sequence[Score], store: Path = DOCS_RESULTS) -> None:
    """This run's scores into docs/data/mutation.json (the other modules keep theirs, with
    the day they were measured), and the docs' table made again from it."""
    results = json.loads(store.read_text()) if store.exists() else {"modules": {}}
    today = time.strftime("%Y-%m-%d")
    for score in table:
        results["modules"][score.module] = {
            "mutants": score.mutants,
            "killed": score.killed,
            "equivalent": score.equivalent,
            "score": round(score.percent, 1),
            "measured": today,
        }
    results["modules"] = {
        m: results["modules"][m] for m in (*CORE, *POLICIES) if m in results["modules"]
    }
    store.write_text(json.dumps(results, indent=2) + "\n")
    docs_tables.write("mutation.json")


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make mutation", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--modules", nargs="+", choices=(*CORE, *POLICIES), help="default: every core module"
    )
    parser.add_argument(
        "--group", choices=GROUPS, help="the modules of one group (a job of the weekly run)"
    )
    parser.add_argument(
        "--changed-since", metavar="REF", help="only the core modules changed since REF"
    )
    parser.add_argument(
        "--fail-on-drop",
        action="store_true",
        help=f"exit 1 when a module scores below {RECORDED.relative_to(REPO)}",
    )
    parser.add_argument(
        "--record", action="store_true", help=f"write the scores to {RECORDED.relative_to(REPO)}"
    )
    parser.add_argument("--children", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="report each module's latest run again, running nothing",
    )
    parser.add_argument("--markdown", type=Path, help="also write the table here (job summary)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    chosen = GROUPS[arguments.group] if arguments.group else arguments.modules
    modules = list(chosen or (*CORE, *POLICIES))
    if arguments.changed_since:
        changed = set(changed_core(arguments.changed_since))
        modules = [m for m in modules if m in changed]
        if not modules:
            print("mutation: no core module changed; nothing to run")
            return 0
    equivalent = read_equivalent()
    for family in FAMILIES:
        mine = [m for m in modules if m in family.modules]
        if mine and not arguments.report_only:
            trained, training_cpu = train_once() if family.package == "churn" else (None, 0.0)
            reached = json.loads(TRAINING_REACHES.read_text()) if trained else []
            extra = training_cpu if retrains(mine, reached) else 0.0
            stage(family, mine, retraining_cpu_seconds=extra)
            run_mutmut(family, arguments.children, trained)
            remember(last_results(family), mine)
    results: dict[str, str] = json.loads(LATEST.read_text()) if LATEST.exists() else {}
    if arguments.report_only and (never := [m for m in modules if m not in ever_run(results)]):
        print(f"mutation: no run yet of {', '.join(never)}")
    table = scores(results, modules, equivalent)
    print(render(table))
    if not arguments.report_only:
        publish(table)
    print_mutants(table, equivalent, modules)
    if stale := stale_equivalents(results, modules, equivalent):
        print(f"mutation: listed as equivalent but killed or gone, look again: {' '.join(stale)}")
    if arguments.markdown:
        arguments.markdown.write_text(render(table) + "\n")
    recorded = json.loads(RECORDED.read_text()) if RECORDED.exists() else {}
    if arguments.record:
        recorded |= {s.module: round(s.percent, 1) for s in table}
        RECORDED.write_text(json.dumps(dict(sorted(recorded.items())), indent=2) + "\n")
    if arguments.fail_on_drop and (missing := unrecorded(table, recorded)):
        print(f"mutation: no recorded score to hold {', '.join(missing)} to (--record sets one)")
    if arguments.fail_on_drop and (falls := dropped(table, recorded)):
        print("mutation: the score dropped: " + "; ".join(falls), file=sys.stderr)
        return 1
    if arguments.fail_on_drop and stale:
        print(f"mutation: {EQUIVALENT.relative_to(REPO)} is out of date", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
