"""Every Terraform root formats cleanly and validates with the real provider; modules with
`terraform test` files pass them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from churn.names import DEFAULT_PREFIX, STAGING_SUFFIX, environment_prefix, state_key
from churn.ops.terraform import Terraform, prepare_roots
from tests.support.environments import REPO_ROOT

ROOTS = sorted(
    path.parent.name
    for path in (REPO_ROOT / "terraform").glob("*/versions.tf")
    if path.parent.name != "modules"
)


def test_terraform_fmt_is_clean(terraform: dict[str, str]) -> None:
    finished = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", str(REPO_ROOT / "terraform")],
        env=terraform,
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout


def test_there_are_roots() -> None:
    assert set(ROOTS) == {"bootstrap", "pipeline", "platform", "staging-account"}


@pytest.mark.parametrize("root", ROOTS)
def test_root_validates(root: str, tmp_path: Path, terraform: dict[str, str]) -> None:
    stack = prepare_roots(REPO_ROOT, tmp_path)[root]
    stack.run("init", "-backend=false", "-input=false")
    assert "The configuration is valid" in stack.run("validate", "-no-color").stdout


@pytest.mark.parametrize("root", ROOTS)
def test_root_commits_its_lock_file_for_the_mirrored_provider(root: str) -> None:
    lock = (REPO_ROOT / "terraform" / root / ".terraform.lock.hcl").read_text()
    assert 'provider "registry.terraform.io/hashicorp/aws"' in lock
    assert 'version     = "5.100.0"' in lock


def test_tflint_config_parses_and_pins_the_aws_ruleset() -> None:
    """tflint cannot run here (a Go binary); its config is at least valid HCL with the AWS
    ruleset pinned, read by the HCL parser checkov ships in the scanners' venv."""
    python = REPO_ROOT / ".venv-scanners" / "bin" / "python"
    assert python.exists(), "run `make scanners` (make test does)"
    script = "import hcl2, json, sys; print(json.dumps(hcl2.load(open(sys.argv[1]))))"
    finished = subprocess.run(
        [str(python), "-c", script, str(REPO_ROOT / ".tflint.hcl")],
        capture_output=True,
        text=True,
        check=True,
    )
    config = json.loads(finished.stdout)
    plugins = {name: body for entry in config["plugin"] for name, body in entry.items()}
    aws = plugins["aws"]
    assert aws["enabled"] == [True]
    assert aws["source"] == ["github.com/terraform-linters/tflint-ruleset-aws"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", aws["version"][0])
    assert config["config"][0]["call_module_type"] == ["local"]


TERRAFORM = REPO_ROOT / "terraform"
MODULES = TERRAFORM / "modules"
# Folders (modules and roots) with `terraform test` files, relative to terraform/.
TESTED = sorted(
    {str(p.parent.parent.relative_to(TERRAFORM)) for p in TERRAFORM.glob("**/tests/*.tftest.hcl")}
)


def test_there_are_module_tests() -> None:
    assert {
        "modules/ecs-task-definition",
        "modules/iam",
        "modules/lambda",
        "modules/private-bucket",
        "modules/vpc",
        "platform",
    } <= set(TESTED)


@pytest.mark.parametrize("folder", TESTED)
def test_folder_passes_its_terraform_tests(
    folder: str, tmp_path: Path, terraform: dict[str, str]
) -> None:
    """`terraform test` with a mocked AWS provider: optional paths and refusals planned. The
    whole tree is copied (a root's modules are ../modules)."""
    shutil.copytree(
        TERRAFORM,
        tmp_path / "terraform",
        ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "moto_override.tf"),
    )
    stack = Terraform(tmp_path / "terraform" / folder, terraform)
    stack.run("init", "-backend=false", "-input=false")
    tested = stack.run("test", "-no-color")
    assert re.search(r"Success! \d+ passed, 0 failed\.", tested.stdout), tested.stdout


DOCUMENTED = sorted(path.parent for path in (REPO_ROOT / "terraform").glob("**/variables.tf"))


@pytest.mark.parametrize("folder", DOCUMENTED, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_variable_and_output_is_in_the_readme(folder: Path) -> None:
    readme = (folder / "README.md").read_text()
    tabled = set(re.findall(r"^\| `([a-z0-9_]+)` \|", readme, re.M))
    declared = set()
    for name in ("variables.tf", "outputs.tf"):
        path = folder / name
        if path.exists():
            declared |= set(
                re.findall(r'^(?:variable|output) "([a-z0-9_]+)"', path.read_text(), re.M)
            )
    assert declared - tabled == set(), f"{folder.name}/README.md does not list them"
    assert tabled - declared == set(), f"{folder.name}/README.md lists what is not declared"


def test_the_default_prefix_is_the_same_everywhere() -> None:
    """The CLIs' default environment, each root's variable default and the naming policy
    (read as text: the policies import checkov, which lives in the scanners' venv)."""
    for root in ("pipeline", "platform"):
        variables = (REPO_ROOT / "terraform" / root / "variables.tf").read_text()
        block = variables[variables.index('variable "name_prefix"') :]
        default = re.search(r'^\s*default\s*=\s*"([^"]+)"', block, re.M)
        assert default and default.group(1) == DEFAULT_PREFIX, root
    naming = (REPO_ROOT / "policies" / "naming.py").read_text()
    assert f'PREFIX: Final = "{DEFAULT_PREFIX}"' in naming


def test_staging_is_named_alike_by_the_clis_and_by_its_deploy_role() -> None:
    """churn-stack names staging's resources and state key; ci-identity names the deploy
    role allowed to touch them: both derive the name from production's prefix the same way."""
    identity = (REPO_ROOT / "terraform" / "modules" / "ci-identity" / "main.tf").read_text()
    assert f'staging = "${{var.name_prefix}}{STAGING_SUFFIX}"' in identity
    assert environment_prefix("staging") == DEFAULT_PREFIX + STAGING_SUFFIX
    # The roots that grant staging's own account (bootstrap, pipeline) derive it alike, and
    # bootstrap its state folder as churn.names.state_key does.
    for root in ("bootstrap", "pipeline"):
        text = " ".join((TERRAFORM / root / "main.tf").read_text().split())
        assert f'staging_prefix = "${{var.name_prefix}}{STAGING_SUFFIX}"' in text, root
    bootstrap = (TERRAFORM / "bootstrap" / "main.tf").read_text()
    assert 'staging_state  = "${trimsuffix(local.staging_prefix, "-")}/"' in bootstrap
    assert state_key(environment_prefix("staging"), "platform").startswith(
        environment_prefix("staging").removesuffix("-") + "/"
    )
