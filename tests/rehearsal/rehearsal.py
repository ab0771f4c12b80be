"""The GitOps loop rehearsed: the real workflow files, run by nektos/act on this machine
(host mode, no Docker), against a moto server (AWS), a stand-in of GitHub's REST API and
a stand-in of the HTTP API's public endpoint, in the order a fork lives them:

1. what an administrator does once (README, "Fork and deploy"): bootstrap and the
   pipeline applied by hand, the training data uploaded, the repository's secrets and
   variables set;
2. **retrain** (workflow_dispatch): train on the data in the bucket, publish the bundle,
   open the model-version pull request with the retrain App's token;
3. **pull request** on that branch: the Terraform checks, plans of both stacks, one plan
   comment created; a second push updates it in place; the check tier's job (`make
   test-check`) sets up and selects its tests without running them (the tier jobs are what
   runs this rehearsal), reporting how the suite splits into the tiers.
4. merge, then **deploy** (push to main): checks, images, the release record, plans of
   it, the one apply job, which smoke-tests the release through the API;
5. **score** (workflow_dispatch) over a customer base that has drifted: SageMaker Batch
   Transform (its jobs' work done by a stand-in in front of moto), the outputs published,
   the drift issue opened;
6. a second plan of every stack is empty; a second prefix would create everything and
   touch nothing; everything is destroyed.

Each remote action is replaced by a stand-in under tests/rehearsal/actions (act's
``--local-repository``), ``docker`` by tests/rehearsal/bin/docker. A failing job stops the
rehearsal with the job and step act reports.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from churn import storage
from churn.names import DEFAULT_PREFIX, state_key
from churn.ops.handover import state_bucket
from churn.ops.pointers import as_variables, placeholders
from churn.ops.releases import ReleaseLog
from churn.ops.terraform import Terraform, cli_config
from tests.rehearsal.api_gateway import Gateway, serve_gateway
from tests.rehearsal.github_api import (
    ADMINISTRATOR,
    APP_CLIENT_ID,
    GitHubStandIn,
    app_key_pair,
    serve_github,
)
from tests.rehearsal.moto_terraform import write_moto_overrides
from tests.rehearsal.terraform_config import rehearsal_cli_config
from tests.support.batch_transform import serve_sagemaker
from tests.support.moto import REGION, MotoServer, moto_admin, start_moto_server
from tests.support.synthetic import moved, real_table, write_base

HERE: Final = Path(__file__).resolve().parent
ACT: Final = Path(sys.executable).parent / "act"
# owner/repo of each remote action -> its stand-in under tests/rehearsal/actions.
STAND_INS: Final = {
    "actions/setup-python": "setup-python",
    "astral-sh/setup-uv": "setup-uv",
    "hashicorp/setup-terraform": "setup-terraform",
    "terraform-linters/setup-tflint": "setup-tflint",
    "aws-actions/configure-aws-credentials": "configure-aws-credentials",
    "actions/upload-artifact": "upload-artifact",
    "actions/download-artifact": "download-artifact",
    "github/codeql-action": "codeql-action",
    "actions/create-github-app-token": "create-github-app-token",
}
# act checks out the local tree itself for actions/checkout (no network, no credentials).
NATIVE: Final = frozenset({"actions/checkout"})
USES: Final = re.compile(
    r"^\s*(?:-\s+)?uses:\s*([\w.-]+/[\w.-]+)(?:/[\w./-]+)?@([0-9a-f]{40})\b", re.M
)
FAILURE: Final = re.compile(
    r"^\[(?P<workflow>[^/\]]+)/(?P<job>[^\]]+?)\s*\]\s+❌\s+"
    r"Failure - (?:Main |Pre |Post )?(?P<step>.+)$"
)
# act prints each step output it sets, secrets masked as ***.
SET_OUTPUT: Final = re.compile(
    r"^\[(?P<workflow>[^/\]]+)/(?P<job>[^\]]+?)\s*\]\s+⚙\s+"
    r"::set-output:: (?P<key>[\w-]+)=(?P<value>.*)$"
)
JOB_OUTPUT_SOURCE: Final = re.compile(r"\$\{\{\s*steps\.[\w-]+\.outputs\.([\w-]+)\s*\}\}")
ACTIONS_TOKEN: Final = "ghs_rehearsal_actions_token"  # what GITHUB_TOKEN is in every run
# A throwaway environment: buckets and repositories may be destroyed with what they hold.
THROWAWAY: Final = {"TF_VAR_rehearsal": "true"}
STATE_BUCKET: Final = state_bucket(HERE.parents[1])  # bootstrap's, which backend.tf names
# GitHub starts every job whose needs are met at once, each on a runner of its own; act runs
# them on this machine, three at a time: a deploy's three plans (staging's platform and
# production's two roots) run side by side, as there, and staging's apply waits for none.
CONCURRENT_JOBS: Final = 3


class RehearsalError(Exception):
    """A step failed; the message names the workflow, job and step, and the log."""


def copy_working_tree(source: Path, target: Path) -> None:
    """The files git tracks or would track (committed or not, ignored ones left out)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=source,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        if (source / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, target / name)


def repository_of(repo: Path) -> str:
    """The GitHub repository the pipeline's roles trust (terraform.tfvars)."""
    text = (repo / "terraform" / "pipeline" / "terraform.tfvars").read_text()
    found = re.search(r'^github_repository\s*=\s*"([^"]+)"', text, re.M)
    if found is None:
        raise RehearsalError("terraform/pipeline/terraform.tfvars names no github_repository")
    return found.group(1)


def local_repositories(workflows: Path) -> list[str]:
    """act flags replacing every remote action the workflows use with its stand-in."""
    flags = []
    for owner_repo, sha in sorted(
        {m.groups() for p in workflows.glob("*.yml") for m in USES.finditer(p.read_text())}
    ):
        if owner_repo in NATIVE:
            continue
        if owner_repo not in STAND_INS:
            raise RehearsalError(f"{owner_repo}@{sha}: no stand-in under {HERE / 'actions'}")
        flags += [
            "--local-repository",
            f"{owner_repo}@{sha}={HERE / 'actions' / STAND_INS[owner_repo]}",
        ]
    return flags


def job_output_keys(workflows: Path) -> set[str]:
    """The step outputs the workflows pass on as job outputs."""
    keys: set[str] = set()
    for path in workflows.glob("*.yml"):
        for job in (yaml.safe_load(path.read_text()).get("jobs") or {}).values():
            for value in (job.get("outputs") or {}).values():
                keys |= set(JOB_OUTPUT_SOURCE.findall(str(value)))
    return keys


def secret_job_outputs(log: str, keys: set[str]) -> list[tuple[str, str]]:
    """(job, output) of job outputs holding a secret's value. GitHub does not pass those on
    ("Skip output ... since it may contain secret"); act does."""
    return [
        (m.group("job"), m.group("key"))
        for line in log.splitlines()
        if (m := SET_OUTPUT.match(line)) and m.group("key") in keys and "***" in m.group("value")
    ]


def failures(log: str) -> list[tuple[str, str, str]]:
    """(workflow, job, step) of every failed step act reported."""
    return [
        (m.group("workflow"), m.group("job"), re.sub(r"\s*\[[^]]*\]$", "", m.group("step")).strip())
        for line in log.splitlines()
        if (m := FAILURE.match(line))
    ]


def job_succeeded(log: str, workflow: Path, job: str) -> bool:
    """Whether act reports ``job`` of ``workflow`` as run and succeeded. act, like GitHub,
    exits 0 when the job asked for was skipped (its `if`, or one of the jobs before it): a
    deploy that applied nothing would pass. A job calling a reusable workflow logs as
    ``[<job>/<its workflow>/<its job>]``, any other as ``[<workflow>/<job's name>]``."""
    document = yaml.safe_load(workflow.read_text())
    spec = document["jobs"][job]
    name = str(spec.get("name", job))
    # act pads the names of jobs run together to one width; a matrix job's name ends in its
    # values, so only the part before them is known.
    known, expression, _ = name.partition("${{")
    named = re.escape(f"[{document['name']}/{known}") + ("" if expression else r"\s*\]")
    prefix = re.escape(f"[{job}/") if "uses" in spec else named
    finished = re.compile(f"{prefix}.* 🏁  Job succeeded$")
    return any(finished.match(line) for line in log.splitlines())


@dataclass
class Rehearsal:
    source: Path  # the repository under test (its working tree, committed or not)
    workdir: Path
    data: Path
    moto: MotoServer
    github: GitHubStandIn
    gateway: Gateway
    proxy_env: dict[str, str]
    app_private_key: str
    say: Callable[[str], None] = print
    secrets: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    runs: int = 0

    @property
    def repository(self) -> str:
        return self.github.state.repository

    @property
    def records(self) -> Path:
        return self.workdir / "records"

    def recorded(self, kind: str) -> list[dict[str, Any]]:
        path = self.records / f"{kind}.jsonl"
        lines = path.read_text().splitlines() if path.exists() else []
        return [json.loads(line) for line in lines]

    @contextmanager
    def timed(self, label: str) -> Iterator[None]:
        started = time.monotonic()
        yield
        self.say(f"rehearsal: {label} in {time.monotonic() - started:.0f} s")

    # -- git ------------------------------------------------------------------------------

    def git(self, cwd: Path, *arguments: str) -> str:
        finished = subprocess.run(
            ["git", *arguments], cwd=cwd, capture_output=True, text=True, check=False
        )
        if finished.returncode != 0:
            raise RehearsalError(f"git {' '.join(arguments)}: {finished.stderr.strip()}")
        return finished.stdout.strip()

    def publish_source(self) -> str:
        """The tree under test becomes main of the stand-in's repository."""
        tree = self.workdir / "source"
        shutil.rmtree(tree, ignore_errors=True)
        copy_working_tree(self.source, tree)
        self.git(tree.parent, "init", "-q", "-b", "main", str(tree))
        self.git(tree, "add", "-A")
        self.git(
            tree,
            "-c",
            "user.name=rehearsal",
            "-c",
            "user.email=r@localhost",
            "commit",
            "-qm",
            "The tree under test",
        )
        self.git(self.workdir, "clone", "-q", "--bare", str(tree), str(self.github.state.origin))
        return self.git(tree, "rev-parse", "HEAD")

    def checkout(self, ref: str, name: str) -> Path:
        """A fresh clone of the stand-in's repository at ``ref``, whose origin names the
        GitHub repository (act reads GITHUB_REPOSITORY from it)."""
        path = self.workdir / "checkouts" / name
        shutil.rmtree(path, ignore_errors=True)
        self.git(self.workdir, "clone", "-q", str(self.github.state.origin), str(path))
        self.git(path, "checkout", "-q", ref)
        self.git(path, "remote", "set-url", "origin", f"https://github.com/{self.repository}.git")
        return path

    def head(self, branch: str) -> str:
        return self.git(self.github.state.origin, "rev-parse", f"refs/heads/{branch}")

    # -- the administrator's one-time steps ---------------------------------------------------

    def admin_env(self, prefix: str = DEFAULT_PREFIX) -> dict[str, str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
        return (
            clean
            | self.moto.client_env()
            | THROWAWAY
            | {
                "NAME_PREFIX": prefix,
                "TF_CLI_CONFIG_FILE": str(rehearsal_cli_config(self.source)),
                "TF_IN_AUTOMATION": "1",
            }
        )

    def admin_checkout(self) -> Path:
        """Main, as an administrator's laptop has it, with the moto override files. Later
        calls update it in place: bootstrap's state is a local file of this checkout."""
        admin = self.workdir / "checkouts" / "admin"
        if admin.exists():
            self.git(admin, "fetch", "-q", str(self.github.state.origin), "main")
            self.git(admin, "reset", "-q", "--hard", "FETCH_HEAD")
        else:
            admin = self.checkout("main", "admin")
        write_moto_overrides(
            admin / "terraform",
            self.moto.endpoint,
            with_keys=True,
            sagemaker=self.proxy_env.get("AWS_ENDPOINT_URL_SAGEMAKER"),
        )
        return admin

    def stack(
        self,
        admin: Path,
        *arguments: str,
        prefix: str = DEFAULT_PREFIX,
        extra_env: dict[str, str] | None = None,
    ) -> dict[str, str]:
        """churn-stack as the administrator runs it (make plan / make apply)."""
        outputs = self.workdir / f"stack-outputs-{'-'.join(arguments[:2])}.txt"  # one a root
        outputs.unlink(missing_ok=True)
        finished = subprocess.run(
            [
                sys.executable,
                "-m",
                "churn.ops.stack",
                *arguments,
                "--repo",
                str(admin),
                "--outputs",
                str(outputs),
            ],
            cwd=admin,
            env=self.admin_env(prefix) | (extra_env or {}),
            capture_output=True,
            text=True,
            check=False,
        )
        if finished.returncode != 0:
            raise RehearsalError(f"churn-stack {' '.join(arguments)}: {finished.stderr[-3000:]}")
        values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
        values["stdout"] = finished.stdout
        return values

    def admin_apply(self, admin: Path, root: str) -> dict[str, Any]:
        with self.timed(f"{root} applied by the administrator"):
            self.stack(admin, "plan", root, "--keep-deployed")
            self.stack(admin, "apply", root)
        return self.admin_outputs(admin, root)

    def admin_set_up(self, admin: Path) -> tuple[dict[str, Any], dict[str, Any]]:
        """bootstrap, then the pipeline, as the README's administrator applies them; their
        outputs. The pipeline starts once what it reads of bootstrap exists (the state
        bucket, its key's alias), not when bootstrap's apply returns: the provider is then
        still waiting out a fixed delay on the bucket's lifecycle rule (55 s here), which
        every story would wait for too. The end state is the same."""
        session = moto_admin()
        kms = session.client("kms", endpoint_url=self.moto.endpoint)
        s3 = session.client("s3", endpoint_url=self.moto.endpoint)

        def state_bucket_exists() -> bool:
            """The state bucket and its key's alias: what the pipeline's backend and its
            `aws_kms_alias` data source read."""
            aliases = {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
            buckets = {b["Name"] for b in s3.list_buckets()["Buckets"]}
            return f"alias/{STATE_BUCKET}" in aliases and STATE_BUCKET in buckets

        with ThreadPoolExecutor(max_workers=1) as pool:
            bootstrapping = pool.submit(self.admin_apply, admin, "bootstrap")
            while not (bootstrapping.done() or state_bucket_exists()):
                time.sleep(1)
            if bootstrapping.done():  # its error, if it failed
                bootstrapping.result()
            pipeline = self.admin_apply(admin, "pipeline")
            return bootstrapping.result(), pipeline

    def admin_terraform(self, admin: Path, root: str) -> Terraform:
        """Terraform in ``root`` of the administrator's checkout, on the default prefix's
        state (initialized again: a plan of another prefix or a copied account may have
        left it on another key, or not initialized at all)."""
        terraform = Terraform(admin / "terraform" / root, self.admin_env())
        # bootstrap's state is a local file: no key
        key = [f"-backend-config=key={state_key(DEFAULT_PREFIX, root)}"] * (root != "bootstrap")
        terraform.run("init", "-input=false", "-no-color", "-reconfigure", *key)
        return terraform

    def admin_outputs(self, admin: Path, root: str) -> dict[str, Any]:
        """Every output, sensitive ones included, as `terraform output` gives them to the
        administrator (the role ARNs become the repository's secrets)."""
        terraform = self.admin_terraform(admin, root)
        listed = json.loads(terraform.run("output", "-json").stdout)
        return {name: entry["value"] for name, entry in listed.items()}

    def upload_data(self, bucket: str) -> str:
        uri = f"s3://{bucket}/data/telco-customer-churn.csv"
        location = storage.S3Location.parse(uri)
        storage.s3_client().put_object(
            Bucket=location.bucket, Key=location.key, Body=self.data.read_bytes()
        )
        return uri

    def secure_github(self, environment: str = "production") -> str:
        """README, step 4: the administrator's `churn-github secure-repository` (staging's
        without a reviewer: a deploy goes there by itself)."""
        reviewers = ["--reviewer", ADMINISTRATOR] * (environment == "production")
        finished = subprocess.run(
            [sys.executable, "-m", "churn.ops.github", "secure-repository",
             "--repository", self.repository, "--environment", environment, *reviewers],
            env=os.environ | {
                "GH_TOKEN": self.github.state.administrator_token,
                "GITHUB_API_URL": self.github.api_url,
            },
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if finished.returncode != 0:
            raise RehearsalError(f"secure-repository failed: {finished.stderr.strip()}")
        return finished.stdout

    def configure_github(self, pipeline: dict[str, Any]) -> None:
        """The repository's settings, from the pipeline's outputs (README, step 4)."""
        self.secrets = {
            "AWS_ROLE_ARN": str(pipeline["ml_engineer_role_arn"]),
            "AWS_PLAN_ROLE_ARN": str(pipeline["terraform_plan_role_arn"]),
            "AWS_DEPLOY_ROLE_ARN": str(pipeline["terraform_deploy_role_arn"]),
            "RETRAIN_APP_PRIVATE_KEY": self.app_private_key,
            "GITHUB_TOKEN": ACTIONS_TOKEN,
        }
        self.variables = {
            "MODEL_BUCKET": str(pipeline["bucket_name"]),
            "RETRAIN_APP_CLIENT_ID": APP_CLIENT_ID,
            "SCORING_ROLE_ARN": str(pipeline["batch_scoring_role_arn"]),
            "XGBOOST_IMAGE": str(pipeline["xgboost_image"]),
        }
        if pipeline.get("staging_deploy_role_arn"):  # README, "Staging"
            self.secrets["AWS_STAGING_DEPLOY_ROLE_ARN"] = str(pipeline["staging_deploy_role_arn"])
            self.variables["STAGING"] = "true"

    # -- act --------------------------------------------------------------------------------

    def act(
        self,
        event: str,
        workflow: str,
        job: str,
        checkout: Path,
        payload: dict[str, Any],
        inputs: dict[str, str] | None = None,
        secrets_withheld: Sequence[str] = (),
        extra_env: dict[str, str] | None = None,
        failing_step: str | None = None,
        matrix: dict[str, str] | None = None,
        skipped: bool = False,
    ) -> str:
        """Run one job of a workflow (and the jobs it needs) with act; its log.
        ``secrets_withheld``: secrets this run does not get (Dependabot gets none);
        ``extra_env``: more of the jobs' environment; ``failing_step``: the run must fail,
        at this step and no other; ``matrix``: only the matrix combination with these values;
        ``skipped``: the job must be skipped (else it must run and succeed)."""
        self.runs += 1
        run = self.workdir / "runs" / f"{self.runs:02d}-{workflow.removesuffix('.yml')}-{job}"
        (run / "artifacts").mkdir(parents=True)
        (run / "event.json").write_text(
            json.dumps(payload | {"repository": {"full_name": self.repository, "private": False}})
        )
        env_for_jobs = (
            THROWAWAY
            | self.proxy_env
            | {
                "GITHUB_API_URL": self.github.api_url,
                "MOTO_ENDPOINT": self.moto.endpoint,
                "REHEARSAL_PYTHON": sys.executable,
                "REHEARSAL_REPO": str(self.source),
                "REHEARSAL_DIR": str(self.records),
                "REHEARSAL_ARTIFACTS": str(run / "artifacts"),
            }
            | (extra_env or {})
        )
        command = [
            str(ACT), event, "-W", f".github/workflows/{workflow}", "-j", job,
            "-e", str(run / "event.json"), "-P", "ubuntu-24.04=-self-hosted",
            "--concurrent-jobs", str(CONCURRENT_JOBS),
            "--action-cache-path", str(self.workdir / "act-cache"),
            "--no-cache-server", *local_repositories(checkout / ".github" / "workflows"),
            *[f for k, v in self.variables.items() for f in ("--var", f"{k}={v}")],
            *[
                f
                for k, v in self.secrets.items()
                if k not in secrets_withheld
                for f in ("-s", f"{k}={v}")
            ],
            *[f for k, v in env_for_jobs.items() for f in ("--env", f"{k}={v}")],
            *[f for k, v in (inputs or {}).items() for f in ("--input", f"{k}={v}")],
            *[f for k, v in (matrix or {}).items() for f in ("--matrix", f"{k}:{v}")],
        ]  # fmt: skip
        # Jobs start from a runner's environment, not this process's (no AWS credentials).
        env = {
            "PATH": f"{HERE / 'bin'}:{os.environ['PATH']}",
            "HOME": os.environ.get("HOME", "/root"),
            "LANG": "C.UTF-8",
            "TERM": "dumb",
            # Not a runner's, this machine's: how OpenMP threads wait and how often Go
            # programs collect garbage while the other workers share the CPU (the
            # Makefile's PYTEST says why).
            **{k: v for k, v in os.environ.items() if k in ("OMP_WAIT_POLICY", "GOGC")},
        }
        with self.timed(f"{workflow} -j {job}"):
            finished = subprocess.run(
                command, cwd=checkout, env=env, capture_output=True, text=True, check=False
            )
        log = finished.stdout + finished.stderr
        (run / "act.log").write_text(log)
        failed = failures(log)
        if failing_step is not None:
            steps = sorted({step for _, _, step in failed})
            if finished.returncode == 0 or steps != [failing_step]:
                raise RehearsalError(
                    f"{workflow} should have failed at {failing_step!r} only, failed at "
                    f"{steps} (log: {run / 'act.log'})\n{log[-4000:]}"
                )
        elif finished.returncode != 0 or failed:
            where = "; ".join(f"job {j}, step {s!r}" for _, j, s in failed) or "act itself"
            raise RehearsalError(
                f"{workflow} failed: {where} (log: {run / 'act.log'})\n{log[-4000:]}"
            )
        ran = job_succeeded(log, checkout / ".github" / "workflows" / workflow, job)
        if failing_step is None and ran == skipped:
            said = "ran" if skipped else "did not run"
            raise RehearsalError(f"{workflow}: job {job} {said} (log: {run / 'act.log'})")
        dropped = secret_job_outputs(log, job_output_keys(checkout / ".github" / "workflows"))
        if dropped:
            where = "; ".join(
                f"job {j}: Skip output {k} since it may contain secret" for j, k in dropped
            )
            raise RehearsalError(f"{workflow}: GitHub would drop outputs: {where}")
        return log

    # -- the three uses -------------------------------------------------------------------

    def retrain(self, data_uri: str, where: str = "runner") -> dict[str, Any]:
        """workflow_dispatch of retrain on main; the pull request it opened."""
        checkout = self.checkout("main", "retrain")
        inputs = {"data-uri": data_uri, "where": where}
        payload = {"ref": "refs/heads/main", "inputs": inputs}
        before = set(self.github.state.pulls)
        self.act("workflow_dispatch", "retrain.yml", "propose", checkout, payload, inputs)
        opened = [self.github.state.pulls[n] for n in set(self.github.state.pulls) - before]
        if len(opened) != 1:
            raise RehearsalError(f"retrain opened {len(opened)} pull requests, not one")
        return opened[0]

    def pull_event(self, pull: dict[str, Any]) -> dict[str, Any]:
        """The event GitHub sends when the pull request's branch is pushed."""
        branch = pull["head"]["ref"]
        return {
            "action": "synchronize",
            "number": pull["number"],
            "pull_request": {
                "number": pull["number"],
                "head": {
                    "sha": self.head(branch),
                    "ref": branch,
                    "repo": {"full_name": self.repository},
                },
                "base": {
                    "sha": self.head("main"),
                    "ref": "main",
                    "repo": {"full_name": self.repository},
                },
            },
        }

    def review(
        self, pull: dict[str, Any], *, checks: bool = True, secrets_withheld: Sequence[str] = ()
    ) -> str:
        """The pull request workflow on the branch's head, as GitHub would start it."""
        if not pull["starts_workflows"]:
            raise RehearsalError(
                f"#{pull['number']} was opened with GITHUB_TOKEN: no workflow starts"
            )
        checkout = self.checkout(f"origin/{pull['head']['ref']}", f"pull-{pull['number']}")
        payload = self.pull_event(pull)
        log = ""
        if checks:
            log += self.act("pull_request", "pull-request.yml", "checks", checkout, payload)
        # Without the plan role's secret (Dependabot's pull requests) the plans are skipped
        # with a notice, and the comment with them.
        return log + self.act(
            "pull_request", "pull-request.yml", "comment", checkout, payload,
            secrets_withheld=secrets_withheld,
            skipped="AWS_PLAN_ROLE_ARN" in secrets_withheld,
        )  # fmt: skip

    def test_tiers(self, pull: dict[str, Any], tier: str = "check") -> str:
        """The pull request's tier job of ``tier`` (make test-<tier>; pull-request.yml runs
        one per tier). Stand-in: on GitHub each tier job runs its tier's tests on
        pytest-xdist's workers, and all five run; here the one job sets up as a runner would
        and selects its tier's tests without running them (PYTEST_ADDOPTS=--collect-only),
        since this rehearsal is itself one of those tests, in one process (WORKERS=0), and
        reports how the whole suite splits into the tiers (tests/support/tiers.py): the
        other four jobs would each set up and collect the same suite again to select their
        share (about 20 CPU-seconds each here, mostly compiling what the suite imports in a
        venv of their own); pull-request.yml's matrix naming every tier is
        tests/workflows' to check. The data set comes from this machine (DATA, CHURN_DATA)
        where a runner downloads the pinned file (make data)."""
        checkout = self.checkout(f"origin/{pull['head']['ref']}", f"tiers-{pull['number']}")
        data = {"DATA": str(self.data), "CHURN_DATA": str(self.data)}
        # mypy's cache of this machine's own lint, as a runner would restore one: it still
        # checks every file, and answers in seconds for those that did not change.
        cache = {"MYPY_CACHE_DIR": str(self.source / ".mypy_cache")}
        return self.act(
            "pull_request", "pull-request.yml", "tests", checkout, self.pull_event(pull),
            extra_env={"PYTEST_ADDOPTS": "--collect-only -q -p no:randomly", "WORKERS": "0"}
            | data | cache,
            matrix={"tier": tier},
        )  # fmt: skip

    def admin_retrain(self, admin: Path, data_uri: str, bucket: str) -> str:
        """What the retrain workflow does, done on an administrator's laptop with the same
        tools: train on the bucket's data, publish the bundle, and point main at it with a
        commit of its own. The new version."""
        env = self.admin_env()
        trained = subprocess.run(
            # One repeat of 3-fold CV (the workflow's retrain runs the defaults): the model
            # only has to pass the gate and be served.
            [sys.executable, "-m", "churn.train", "--data", data_uri,
             "--output", f"s3://{bucket}/models", "--cv-folds", "3", "--cv-repeats", "1"],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if trained.returncode != 0:
            raise RehearsalError(f"churn-train: {trained.stderr[-2000:]}")
        bundle = trained.stdout.strip().splitlines()[-1]
        work = self.checkout("main", "admin-retrain")
        bumped = subprocess.run(
            [sys.executable, "-m", "churn.ops.bump_model", bundle,
             "--models", f"s3://{bucket}/models", "--repo", str(work),
             "--body", str(self.workdir / "bump.md")],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if bumped.returncode != 0:
            raise RehearsalError(f"churn-bump-model: {bumped.stderr[-2000:]}")
        self.git(work, "-c", "user.name=admin", "-c", "user.email=admin@localhost",
                 "commit", "-qam", f"Serve model {bundle.rsplit('/', 1)[1]}")  # fmt: skip
        self.git(work, "push", "-q", str(self.github.state.origin), "HEAD:refs/heads/main")
        return bundle.rstrip("/").rsplit("/", 1)[1]

    def push_to_branch(
        self, branch: str, path: str, text: str, message: str, *, base: str | None = None
    ) -> str:
        """A person's commit pushed to ``branch`` (made from ``base`` when given: a new
        branch); the branch's new head."""
        work = self.checkout(f"origin/{base or branch}", f"push-{branch}")
        self.git(work, "switch", "-q", "-C", branch)  # -C: main exists in the clone
        (work / path).write_text(text)
        self.git(work, "add", path)
        self.git(
            work,
            "-c",
            "user.name=ml-engineer",
            "-c",
            "user.email=ml@localhost",
            "commit",
            "-qm",
            message,
        )
        self.git(work, "push", "-q", str(self.github.state.origin), f"HEAD:refs/heads/{branch}")
        return self.head(branch)

    def merge(self, pull: dict[str, Any]) -> str:
        """Merge the pull request: main becomes its head (a fast-forward)."""
        head = self.head(pull["head"]["ref"])
        self.git(self.github.state.origin, "update-ref", "refs/heads/main", head, self.head("main"))
        self.github.state.pulls[pull["number"]]["state"] = "closed"
        return head

    def deploy(self, failing_step: str | None = None) -> str:
        """The push to main: every job of deploy, up to the apply job that watches it (which
        must fail at ``failing_step`` when given)."""
        checkout = self.checkout("main", "deploy")
        payload = {"ref": "refs/heads/main", "after": self.head("main"), "before": "0" * 40}
        return self.act("push", "deploy.yml", "apply", checkout, payload, failing_step=failing_step)

    def rollback(self, release: str, environment: str = "production") -> str:
        """rollback.yml (workflow_dispatch on main) of ``environment`` to ``release``:
        previous, or an id; the wall time of each of its steps said."""
        checkout = self.checkout("main", f"rollback-{environment}-{release}")
        inputs = {"environment": environment, "release": release}
        payload = {"ref": "refs/heads/main", "inputs": inputs}
        log = self.act("workflow_dispatch", "rollback.yml", "deployment", checkout, payload, inputs)
        for job, step, seconds in step_times(log):
            where = job.rsplit("/", 1)[-1]
            self.say(
                f"rehearsal: rollback of {environment} to {release}, {where}: {step} "
                f"in {seconds:.1f} s"
            )
        return log

    def score(self, bucket: str) -> str:
        """score (workflow_dispatch on main, Batch Transform) over a customer base that has
        drifted: the scoring job, then the drift issue's job; the run's published prefix."""
        base = write_base(
            real_table(self.data), self.workdir / "customers.csv", 20_000, shift=moved
        )
        storage.s3_client().upload_file(str(base), bucket, "customers/customers.csv")
        checkout = self.checkout("main", "score")
        inputs = {"engine": "batch-transform"}
        payload = {"ref": "refs/heads/main", "inputs": inputs}
        self.act("workflow_dispatch", "score.yml", "alert", checkout, payload, inputs)
        listed = storage.s3_client().list_objects_v2(Bucket=bucket, Prefix="scores/")
        summaries = [
            o["Key"] for o in listed.get("Contents", []) if o["Key"].endswith("/summary.json")
        ]
        if len(summaries) != 1:
            raise RehearsalError(f"score published {len(summaries)} runs, not one")
        return f"s3://{bucket}/{summaries[0].removesuffix('summary.json')}"

    # -- after the deploy ---------------------------------------------------------------------

    def iam_analysis(self, questions: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Principal Mapper over the account (tests/rehearsal/iam_analysis.py, in the
        scanners' venv): principals, administrators, escalations, and its answers."""
        asked = self.workdir / "iam-questions.json"
        asked.write_text(json.dumps(list(questions)))
        finished = subprocess.run(
            [str(self.source / ".venv-scanners" / "bin" / "python"), str(HERE / "iam_analysis.py"),
             "--endpoint", self.moto.endpoint, "--region", REGION, "--questions", str(asked)],
            env=os.environ | {"PMAPPER_STORAGE": str(self.workdir / "pmapper")},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if finished.returncode != 0:
            raise RehearsalError(f"the IAM analysis failed: {finished.stderr[-3000:]}")
        analysis: dict[str, Any] = json.loads(finished.stdout)
        return analysis

    def unconverged(self, admin: Path, release: str) -> list[str]:
        """Roots whose plan of the ``release`` that is live, with main's code, still finds
        changes (should be none)."""
        changed = []
        for root in ("pipeline", "platform"):
            planned = self.stack(admin, "plan", root, "--release", release)
            if planned["has-changes"] != "false":
                self.say(planned["stdout"][-4000:])
                changed.append(root)
        return changed

    def state_list(self, admin: Path, root: str) -> list[str]:
        """The managed resources in the root's state (data sources left out)."""
        terraform = Terraform(admin / "terraform" / root, self.admin_env())
        listed = terraform.run("state", "list").stdout.split()
        return [a for a in listed if not a.startswith("data.") and ".data." not in a]

    def plan_second_environment(self, admin: Path, prefix: str) -> str:
        """The pipeline planned for another prefix: its own state key, so all new."""
        planned = self.stack(admin, "plan", "pipeline", "--keep-deployed", prefix=prefix)
        found = re.search(r"^Plan: .*$", planned["stdout"], re.M)
        return found.group(0) if found else planned["stdout"][-2000:]

    def empty_bucket(self, bucket: str) -> None:
        """Every object version and delete marker, one by one: moto 5.2's DeleteObjects
        (what force_destroy uses) fails on delete markers, which S3-native locking leaves."""
        s3 = storage.s3_client()
        listed = s3.list_object_versions(Bucket=bucket)
        for entry in [*listed.get("Versions", []), *listed.get("DeleteMarkers", [])]:
            s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])

    def destroy_all(
        self,
        admin: Path,
        buckets: dict[str, str],
        roots: Sequence[str] = ("platform", "pipeline", "bootstrap"),
    ) -> None:
        """``roots`` destroyed, in this order; ``buckets``: root -> its bucket, emptied first."""
        for root in roots:
            if root in buckets:
                self.empty_bucket(buckets[root])
            terraform = self.admin_terraform(admin, root)
            # Destroying needs values for the release pointers, not these ones.
            unused = [] if root == "bootstrap" else as_variables(placeholders(root))
            with self.timed(f"{root} destroyed"):
                terraform.run("destroy", "-auto-approve", "-input=false", "-no-color", *unused)


# act's line for a step that ended well: "[workflow/job] ✅  Success - Main <step> [1.2s]".
STEP_DONE = re.compile(
    r"^\[[^/\]]+/(?P<job>[^\]]+?)\s*\]\s+✅\s+Success - Main (?P<step>.+?) "
    r"\[(?P<took>[\d.]+)(?P<unit>m?s)\]"
)


def step_times(log: str) -> list[tuple[str, str, float]]:
    """(job, step, seconds) of every step of the workflow's own that act reports as done,
    in order (the actions' stand-ins, and their pre and post steps, left out)."""
    found = []
    for line in log.splitlines():
        match = STEP_DONE.match(line.strip())
        if match and "@" not in match["step"] and "standins" not in match["step"]:
            seconds = float(match["took"]) / (1000 if match["unit"] == "ms" else 1)
            found.append((match["job"].strip(), match["step"], seconds))
    return found


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """This process's environment with ``values``, restored afterwards."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def rehearsal_world(
    source: Path, workdir: Path, data: Path, say: Callable[[str], None] = print
) -> Iterator[Rehearsal]:
    """Every server the rehearsal needs, started, and torn down afterwards."""
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "records").mkdir(parents=True)
    if not ACT.exists():
        raise RehearsalError(f"act is missing at {ACT}: run `make setup`")
    cli_config(source)  # the provider mirror's CLI config, written by setup if missing
    private_key, public_key = app_key_pair()
    origin = workdir / "origin.git"
    with ExitStack() as stack:
        moto = stack.enter_context(start_moto_server(workdir / "moto.log"))
        # This process reads bundles and data in moto too (the integration's API, uploads).
        stack.enter_context(environment(moto.client_env()))
        github = stack.enter_context(
            serve_github(repository_of(source), origin, ACTIONS_TOKEN, public_key)
        )
        gateway = Gateway(moto.endpoint, workdir / "records" / "credentials.jsonl", stack)
        proxy_env = stack.enter_context(serve_gateway(gateway, workdir))
        # SageMaker for the jobs: moto, with each transform job's work done as it is created.
        proxy_env["AWS_ENDPOINT_URL_SAGEMAKER"] = stack.enter_context(
            serve_sagemaker(moto.endpoint)
        )
        yield Rehearsal(source, workdir, data, moto, github, gateway, proxy_env, private_key, say)


def run_all(rehearsal: Rehearsal) -> None:
    """Every step in order, each checked only by what the workflows themselves check."""
    rehearsal.publish_source()
    admin = rehearsal.admin_checkout()
    bootstrap, pipeline = rehearsal.admin_set_up(admin)
    data_uri = rehearsal.upload_data(str(pipeline["bucket_name"]))
    rehearsal.secure_github()
    rehearsal.configure_github(pipeline)
    pull = rehearsal.retrain(data_uri)
    rehearsal.review(pull)
    rehearsal.test_tiers(pull)
    rehearsal.merge(pull)
    rehearsal.deploy()
    rehearsal.score(str(pipeline["bucket_name"]))
    admin = rehearsal.admin_checkout()
    bucket = str(pipeline["bucket_name"])
    live = ReleaseLog(bucket, storage.s3_client()).ids()[-1]  # the one deploy's
    changed = rehearsal.unconverged(admin, live)
    if changed:
        raise RehearsalError(f"second plan not empty for: {', '.join(changed)}")
    buckets = {
        "pipeline": str(pipeline["bucket_name"]),
        "bootstrap": str(bootstrap["state_bucket"]),
    }
    rehearsal.destroy_all(admin, buckets)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.rehearsal", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--data", type=Path, required=True, help="the training data (CSV)")
    parser.add_argument("--workdir", type=Path, default=Path(".cache") / "rehearsal")
    arguments = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    source = Path.cwd()
    started = time.monotonic()
    try:
        with rehearsal_world(
            source, arguments.workdir.resolve(), arguments.data.resolve()
        ) as rehearsal:
            run_all(rehearsal)
    except RehearsalError as error:
        print(f"rehearsal: FAILED: {error}", file=sys.stderr)
        return 1
    print(f"rehearsal passed in {time.monotonic() - started:.0f} s")
    return 0
