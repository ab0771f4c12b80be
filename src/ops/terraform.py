"""The real terraform binary, run in one root with an environment of the caller's choice,
and the project's CLI config that installs the AWS provider from the machine's filesystem
mirror. (Against moto, tests/rehearsal/moto_terraform.py writes the override files.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from churn.errors import DependencyError

CLI_CONFIG: Final = Path(".cache") / "terraform" / "cli.tfrc"
CONFIG_SCRIPT: Final = Path("scripts") / "terraform-config.sh"
TIMEOUT_SECONDS: Final = 900
# Terraform run by a program: no prompts, no update check.
AUTOMATION: Final = {"TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1"}


class TerraformError(DependencyError):
    """A terraform command failed; its details hold the tail of its output."""


def cli_config(repo: Path) -> Path:
    """The project's Terraform CLI config (provider mirror), written by setup if missing."""
    config = repo / CLI_CONFIG
    if not config.exists():
        finished = subprocess.run(  # noqa: S603 (the project's own script)
            [str(repo / CONFIG_SCRIPT)], capture_output=True, text=True, check=False
        )
        if finished.returncode != 0:
            raise TerraformError(finished.stderr.strip() or "cannot write the Terraform CLI config")
    return config


@dataclass
class Terraform:
    """One root, run with the given environment."""

    directory: Path
    env: dict[str, str]

    @property
    def name(self) -> str:
        return self.directory.name

    def run(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        finished = subprocess.run(  # noqa: S603 (terraform with arguments we build)
            ["terraform", *arguments],  # noqa: S607 (the terraform on PATH, by design)
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        if check and finished.returncode != 0:
            raise TerraformError(
                f"terraform {arguments[0]} in {self.name} failed ({finished.returncode})",
                details=f"{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}",
            )
        return finished

    def init(self) -> None:
        self.run("init", "-input=false", "-no-color")


def as_flags(variables: dict[str, str]) -> list[str]:
    return [flag for name, value in variables.items() for flag in ("-var", f"{name}={value}")]


def terraform_env(repo: Path) -> dict[str, str]:
    """A clean environment for terraform: no AWS or TF settings of the caller's leak in,
    providers come through the project's CLI config, nothing is asked or phoned home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
    return env | AUTOMATION | {"TF_CLI_CONFIG_FILE": str(cli_config(repo).resolve())}


def prepare_roots(repo: Path, scratch: Path) -> dict[str, Terraform]:
    """Copy terraform/ into ``scratch`` and give back each root, run with ``terraform_env``."""
    copy = scratch / "terraform"
    shutil.copytree(repo / "terraform", copy, ignore=shutil.ignore_patterns(".terraform"))
    env = terraform_env(repo)
    return {
        directory.name: Terraform(directory, env)
        for directory in sorted(copy.iterdir())
        if (directory / "versions.tf").exists() and directory.name != "modules"
    }
