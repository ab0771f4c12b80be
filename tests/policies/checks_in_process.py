"""The project's checkov policies run in this process: checkov's own Terraform runner over
each fixture file (every pass_* / fail_* resource gets the outcome its name promises), and
each check called directly on the values no fixture can hold (references checkov could not
resolve, shapes HCL cannot write).

It imports checkov, which lives in .venv-scanners (checkov pins its dependencies exactly):
tests/policies/test_policies.py runs this file there with ``pytest --noconftest``, and
``make mutation`` runs it under mutmut to score policies/. The CLI path checkov takes with
``--external-checks-dir`` is what test_policies.py runs over the real configuration.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from checkov.common.checks.base_check_registry import BaseCheckRegistry
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.common.output.report import Report
from checkov.runner_filter import RunnerFilter
from checkov.terraform.runner import Runner

from policies import aws_limits, iam, images, naming, network, serving, tags

FIXTURES = Path(__file__).parent / "fixtures"
README = Path(__file__).parents[2] / "policies" / "README.md"
# Which checks each fixture file exercises.
FIXTURE_CHECKS = {
    "naming.tf": {"CKV_CHURN_1"},
    "tags.tf": {"CKV_CHURN_2"},
    "iam.tf": {"CKV_CHURN_3", "CKV_CHURN_4"},
    "boundaries.tf": {"CKV_CHURN_13", "CKV_CHURN_14"},
    "network.tf": {"CKV_CHURN_5"},
    "serving.tf": {"CKV_CHURN_6", "CKV_CHURN_7", "CKV_CHURN_12"},
    "sagemaker_limits.tf": {"CKV_CHURN_8", "CKV_CHURN_9"},
    "fargate.tf": {"CKV_CHURN_10"},
    "name_limits.tf": {"CKV_CHURN_11"},
    "images.tf": {"CKV_CHURN_15"},
}
CHECKS = (
    naming.check,
    tags.check,
    iam.full_access_check,
    iam.static_key_check,
    network.check,
    serving.serverless_check,
    serving.concurrency_check,
    aws_limits.serverless_exclusions_check,
    aws_limits.model_check,
    aws_limits.fargate_check,
    aws_limits.names_check,
    serving.throttle_check,
    iam.boundary_check,
    iam.service_trust_check,
    images.check,
)
PASSED, FAILED, UNKNOWN = CheckResult.PASSED, CheckResult.FAILED, CheckResult.UNKNOWN


def declared(path: Path) -> list[str]:
    """The pass_* / fail_* resources, data sources and provider aliases of a fixture file."""
    text = path.read_text()
    names = re.findall(r'(?:resource|data) "\w+" "((?:pass|fail)_\w+)"', text)
    return names + re.findall(r'alias = "((?:pass|fail)_\w+)"', text)


def run_checkov(path: Path) -> Report:
    checks = sorted(FIXTURE_CHECKS[path.name])
    report = Runner().run(
        root_folder=None,
        files=[str(path)],
        runner_filter=RunnerFilter(framework=["terraform"], checks=checks),
    )
    assert isinstance(report, Report)
    return report


def outcomes(report: Report) -> dict[tuple[str, str], str]:
    """(check id, fixture name) -> passed / failed."""
    seen = {}
    for outcome, results in (("passed", report.passed_checks), ("failed", report.failed_checks)):
        for result in results:
            name = re.sub(r"\[.*\]$", "", result.resource.split(".")[-1])
            seen[(result.check_id, name)] = outcome
    return seen


@pytest.mark.parametrize("file_name", sorted(FIXTURE_CHECKS))
def test_each_fixture_gets_the_outcome_its_name_promises(file_name: str) -> None:
    path = FIXTURES / file_name
    seen = outcomes(run_checkov(path))
    for name in declared(path):
        results = {
            check: outcome for (check, resource), outcome in seen.items() if resource == name
        }
        assert results, (
            f"{file_name}: no check of {sorted(FIXTURE_CHECKS[file_name])} ran on {name}"
        )
        expected = "passed" if name.startswith("pass_") else "failed"
        assert set(results.values()) == {expected}, (name, results)
    for check in FIXTURE_CHECKS[file_name]:
        assert {o for (c, _), o in seen.items() if c == check} == {"passed", "failed"}, check


def test_every_fixture_file_is_run_and_every_check_has_one() -> None:
    assert {p.name for p in FIXTURES.glob("*.tf")} == set(FIXTURE_CHECKS)
    assert set().union(*FIXTURE_CHECKS.values()) == {c.id for c in CHECKS}


def readme_rows() -> dict[str, tuple[str, str]]:
    """id -> (the name checkov prints, the file) from the README's table."""
    rows = re.findall(
        r"^\| `(CKV_CHURN_\d+)` \| (.+?) \| .+ \| `(\w+\.py)` \|$", README.read_text(), re.M
    )
    return {check_id: (name, file) for check_id, name, file in rows}


def built_now(check: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The check's class instantiated again, as checkov does when it loads the file (kept out
    of checkov's registry, which holds the instance made at import)."""
    monkeypatch.setattr(BaseCheckRegistry, "register", lambda self, check: None)
    return type(check)()


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_each_check_is_named_in_the_readme_as_checkov_reports_it(
    check: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failing check prints its id and name; the README's table shows the same two, in
    the row of the file that holds the check."""
    fresh = built_now(check, monkeypatch)
    assert readme_rows()[fresh.id] == (fresh.name, Path(inspect.getfile(type(check))).name)
    assert fresh.categories and all(isinstance(c, CheckCategories) for c in fresh.categories)


@pytest.mark.parametrize("file_name", sorted(FIXTURE_CHECKS))
def test_each_check_supports_the_blocks_its_fixtures_hold(
    file_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every kind of block a check's fixtures exercise is one the check declares, so a check
    cannot skip the resources it exists for."""
    report = run_checkov(FIXTURES / file_name)
    by_id = {check.id: built_now(check, monkeypatch) for check in CHECKS}
    for result in report.passed_checks + report.failed_checks:
        entity = result.resource.split(".")[0]
        if entity in ("data", "provider"):
            entity = result.resource.split(".")[1]
        assert entity in by_id[result.check_id].supported_entities, (result.check_id, entity)


# ---- values no fixture holds: each check called as checkov calls it ----


def scan(check: Any, conf: dict[str, Any], entity_type: str | None = None) -> CheckResult:
    if entity_type:
        check.entity_type = entity_type
    scanner: Callable[[dict[str, Any]], CheckResult] = (
        getattr(check, "scan_resource_conf", None)
        or getattr(check, "scan_data_conf", None)
        or check.scan_provider_conf
    )
    return scanner(conf)


def endpoint(serverless: Any) -> dict[str, Any]:
    return {"production_variants": [{"serverless_config": [serverless]}]}


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({}, FAILED),
        ({"production_variants": ["not a block"]}, FAILED),
        (endpoint({"memory_size_in_mb": [1024], "max_concurrency": [1]}), PASSED),
        (endpoint({"memory_size_in_mb": [4096], "max_concurrency": [20]}), PASSED),
        (endpoint({"memory_size_in_mb": [4096], "max_concurrency": [0]}), FAILED),
        (endpoint({"memory_size_in_mb": [4096], "max_concurrency": [21]}), FAILED),
        (endpoint({"memory_size_in_mb": [5120], "max_concurrency": [1]}), FAILED),
        (endpoint({"memory_size_in_mb": ["var.memory"], "max_concurrency": [1]}), UNKNOWN),
        (endpoint({"memory_size_in_mb": [2048], "max_concurrency": ["var.c"]}), UNKNOWN),
        (endpoint("not a block"), FAILED),
    ],
)
def test_serverless_endpoint_bounds(conf: dict[str, Any], expected: CheckResult) -> None:
    assert scan(serving.serverless_check, conf) == expected


@pytest.mark.parametrize(
    ("limit", "expected"),
    [(None, PASSED), (-1, PASSED), (0, FAILED), (1, PASSED), (50, PASSED), ("var.x", UNKNOWN)],
)
def test_lambda_concurrency(limit: Any, expected: CheckResult) -> None:
    conf = {} if limit is None else {"reserved_concurrent_executions": [limit]}
    assert scan(serving.concurrency_check, conf) == expected


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (None, FAILED),
        ({"throttling_burst_limit": [10]}, FAILED),
        ({"throttling_rate_limit": [5.0]}, FAILED),
        ({"throttling_burst_limit": [1], "throttling_rate_limit": [0.5]}, PASSED),
        ({"throttling_burst_limit": [0], "throttling_rate_limit": [5.0]}, FAILED),
        ({"throttling_burst_limit": [10], "throttling_rate_limit": [0]}, FAILED),
        ({"throttling_burst_limit": ["var.b"], "throttling_rate_limit": [5.0]}, UNKNOWN),
        ({"throttling_burst_limit": [10], "throttling_rate_limit": ["var.r"]}, UNKNOWN),
    ],
)
def test_stage_throttling(settings: dict[str, Any] | None, expected: CheckResult) -> None:
    conf = {} if settings is None else {"default_route_settings": [settings]}
    assert scan(serving.throttle_check, conf) == expected


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({"enable_network_isolation": ["${var.isolate}"]}, UNKNOWN),
        ({"enable_network_isolation": ["var.isolate"]}, UNKNOWN),
        ({"enable_network_isolation": ["local.isolate"]}, UNKNOWN),
        ({"enable_network_isolation": [True]}, FAILED),
        ({"enable_network_isolation": [False]}, PASSED),
        ({"vpc_config": [{"subnets": [["s"]]}]}, FAILED),
        ({"vpc_config": [{}]}, PASSED),
        ({"vpc_config": [[]]}, PASSED),
        ({"vpc_config": [""]}, PASSED),
        ({"vpc_config": []}, PASSED),
    ],
)
def test_models_fit_serverless(conf: dict[str, Any], expected: CheckResult) -> None:
    assert scan(aws_limits.model_check, conf) == expected


def fargate(cpu: Any, memory: Any, compatibilities: Any = ("FARGATE",)) -> dict[str, Any]:
    conf: dict[str, Any] = {"requires_compatibilities": [list(compatibilities)]}
    if cpu is not None:
        conf["cpu"] = [cpu]
    if memory is not None:
        conf["memory"] = [memory]
    return conf


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        (fargate(256, 512), PASSED),
        (fargate("256", "2048"), PASSED),
        (fargate(256, 3072), FAILED),
        (fargate(16384, 122880), PASSED),
        (fargate(16384, 126976), FAILED),
        (fargate(8192, 61440), PASSED),
        (fargate(8192, 20480), PASSED),
        (fargate(8192, 18432), FAILED),
        (fargate(4096, 30720), PASSED),
        (fargate(4096, 31744), FAILED),
        (fargate(2048, 16384), PASSED),
        (fargate(1024, 8192), PASSED),
        (fargate(1024, 1024), FAILED),
        (fargate(512, 4096), PASSED),
        (fargate(512, 5120), FAILED),
        (fargate(300, 1024), FAILED),
        (fargate(True, 1024), FAILED),
        (fargate("1 vCPU", 2048), FAILED),
        (fargate(256, None), FAILED),
        (fargate(None, 512), FAILED),
        (fargate("${var.cpu}", 512), UNKNOWN),
        (fargate(256, "var.memory"), UNKNOWN),
        (fargate(300, 1, compatibilities=("EC2",)), PASSED),
        ({"requires_compatibilities": ["FARGATE"], "cpu": [300], "memory": [1]}, PASSED),
    ],
)
def test_fargate_sizes(conf: dict[str, Any], expected: CheckResult) -> None:
    assert scan(aws_limits.fargate_check, conf) == expected


@pytest.mark.parametrize(
    ("entity_type", "conf", "expected"),
    [
        ("aws_lb", {}, PASSED),
        ("aws_lb", {"name": ["a" * 32]}, PASSED),
        ("aws_lb", {"name": ["a" * 33]}, FAILED),
        ("aws_alb_target_group", {"name_prefix": ["a" * 6]}, PASSED),
        ("aws_lb_target_group", {"name_prefix": ["a" * 7]}, FAILED),
        ("aws_lb", {"name_prefix": ["ab-"]}, PASSED),
        ("aws_lb", {"name": ["ab-"]}, FAILED),
        ("aws_lb", {"name": ["internal-x"]}, FAILED),
        ("aws_lb", {"name": [7]}, UNKNOWN),
        ("aws_lb", {"name": ["${var.name}"]}, UNKNOWN),
        ("aws_sagemaker_model", {"name": ["a" * 63]}, PASSED),
        ("aws_sagemaker_endpoint", {"name": ["a" * 64]}, FAILED),
        ("aws_sagemaker_endpoint_configuration", {"name_prefix": ["a" * 37]}, PASSED),
        ("aws_sagemaker_endpoint_configuration", {"name_prefix": ["a" * 38]}, FAILED),
        ("aws_sagemaker_model", {"name": ["internal-x"]}, PASSED),
        ("aws_sagemaker_model", {"name": ["a_b"]}, FAILED),
    ],
)
def test_names_within_limits(entity_type: str, conf: dict[str, Any], expected: CheckResult) -> None:
    assert scan(aws_limits.names_check, conf, entity_type) == expected


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({}, PASSED),
        ({"production_variants": [{"serverless_config": [{}]}]}, PASSED),
        ({"production_variants": [{"serverless_config": [{"max_concurrency": [1]}]}]}, PASSED),
        ({"production_variants": [{"instance_type": ["ml.m5.large"]}, {}]}, PASSED),
        (
            {
                "production_variants": [{"serverless_config": [{"max_concurrency": [1]}]}],
                "shadow_production_variants": [{"variant_name": ["shadow"]}],
            },
            FAILED,
        ),
        (
            {
                "production_variants": [{"serverless_config": [{"max_concurrency": [1]}]}],
                "kms_key_arn": [""],
                "data_capture_config": [{}],
            },
            PASSED,
        ),
    ],
)
def test_serverless_exclusions(conf: dict[str, Any], expected: CheckResult) -> None:
    assert scan(aws_limits.serverless_exclusions_check, conf) == expected


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({"policy_arn": ["arn:aws:iam::aws:policy/AmazonS3FullAccess"]}, FAILED),
        ({"policy_arn": ["arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess"]}, PASSED),
        ({"policy_arn": ["arn:aws-cn:iam::aws:policy/service-role/AdministratorAccess"]}, FAILED),
        (
            {
                "managed_policy_arns": [
                    ["arn:aws:iam::1:policy/x", "arn:aws:iam::aws:policy/ReadOnlyAccess"]
                ]
            },
            FAILED,
        ),
        (
            {"managed_policy_arns": [["arn:aws:iam::123456789012:policy/AmazonS3FullAccess"]]},
            PASSED,
        ),
        ({"policy_arn": ["arn:aws:iam::aws:policy/PowerUserAccessX"]}, PASSED),
        ({"policy_arn": [{"not": "an arn"}]}, PASSED),
    ],
)
def test_broad_policies(conf: dict[str, Any], expected: CheckResult) -> None:
    assert scan(iam.full_access_check, conf) == expected


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({"user": ["u"]}, FAILED),
        ({"user": ["u"], "count": [1]}, PASSED),
        ({"user": ["u"], "for_each": [{}]}, PASSED),
        ({"user": ["u"], "__address__": "aws_iam_access_key.this[0]"}, PASSED),
        ({"user": ["u"], "__address__": "aws_iam_access_key.this"}, FAILED),
    ],
)
def test_static_keys(conf: dict[str, Any], expected: CheckResult) -> None:
    assert scan(iam.static_key_check, conf) == expected


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({}, FAILED),
        ({"name": ["teleco-customer-churn-api"]}, FAILED),
        ({"name": ["teleco-customer-churn-api"], "permissions_boundary": ["arn:b"]}, PASSED),
        ({"name": ["teleco-customer-churn-api"], "permissions_boundary": [None]}, FAILED),
        ({"name": ["teleco-customer-churn-ml-engineer"]}, PASSED),
        ({"name": ["teleco-customer-churn-terraform-plan"]}, PASSED),
        ({"name": ["teleco-customer-churn-terraform-deploy"]}, PASSED),
        ({"name": ["teleco-customer-churn-terraform-deploy-2"]}, FAILED),
    ],
)
def test_role_boundaries(conf: dict[str, Any], expected: CheckResult) -> None:
    assert scan(iam.boundary_check, conf) == expected


def trust(
    *variables: str, principal: str = "Service", action: str = "sts:AssumeRole"
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "actions": [[action]],
        "principals": [{"type": [principal], "identifiers": [["lambda.amazonaws.com"]]}],
        "condition": [{"variable": [v], "test": ["StringEquals"]} for v in variables],
    }
    return {"statement": [statement]}


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        (trust(), FAILED),
        (trust("aws:SourceAccount"), PASSED),
        (trust("aws:SourceArn"), FAILED),
        (trust("aws:SourceArn", "aws:SourceAccount"), PASSED),
        (trust(action="sts:AssumeRoleWithWebIdentity"), FAILED),
        (trust(action="s3:GetObject"), PASSED),
        (trust(principal="AWS"), PASSED),
        (trust(principal="Federated"), PASSED),
        ({"statement": ["not a block", *trust()["statement"]]}, FAILED),
        ({"statement": ["not a block"]}, PASSED),
        ({}, PASSED),
    ],
)
def test_service_trust(conf: dict[str, Any], expected: CheckResult) -> None:
    assert scan(iam.service_trust_check, conf) == expected


@pytest.mark.parametrize(
    ("rules", "name", "expected"),
    [
        ([], "teleco-customer-churn-api", PASSED),
        ([{"cidr_blocks": [["10.0.0.0/16"]], "from_port": [8000]}], "x-api", PASSED),
        ([{"cidr_blocks": [["0.0.0.0/0"]], "from_port": [443]}], "x-alb", PASSED),
        ([{"ipv6_cidr_blocks": [["::/0"]], "from_port": [80]}], "x-alb", PASSED),
        ([{"ipv6_cidr_blocks": [["::/0"]], "from_port": [22]}], "x-alb", FAILED),
        ([{"cidr_blocks": [["0.0.0.0/0"]], "from_port": [443]}], "x-api", FAILED),
        ([{"cidr_blocks": [["0.0.0.0/0"]], "from_port": [443]}], "x-alb-2", FAILED),
        ([{"cidr_blocks": [["0.0.0.0/0"]], "from_port": [443]}], None, FAILED),
        (
            [
                {"cidr_blocks": [["0.0.0.0/0"]], "from_port": [443]},
                {"cidr_blocks": [["0.0.0.0/0"]], "from_port": [8501]},
            ],
            "x-alb",
            FAILED,
        ),
        (["not a rule", {"cidr_blocks": [["0.0.0.0/0"]], "from_port": [80]}], "x-alb", PASSED),
        (["not a rule", {"cidr_blocks": [["0.0.0.0/0"]], "from_port": [22]}], "x-alb", FAILED),
        ([{"cidr_blocks": [["0.0.0.0/0"]]}], "x-alb", FAILED),  # every port
    ],
)
def test_internet_ingress(rules: list[Any], name: str | None, expected: CheckResult) -> None:
    conf: dict[str, Any] = {"ingress": [rules]}
    if name is not None:
        conf["name"] = [name]
    assert scan(network.check, conf) == expected


def test_a_group_without_ingress_admits_nothing() -> None:
    assert scan(network.check, {"name": ["x-api"]}) == PASSED


@pytest.mark.parametrize(
    ("entity_type", "conf", "expected"),
    [
        ("aws_s3_bucket", {"bucket": ["teleco-customer-churn-models"]}, PASSED),
        ("aws_s3_bucket", {"bucket_prefix": ["teleco-customer-churn-"]}, PASSED),
        ("aws_s3_bucket", {"bucket": ["teleco-churn-terraform-state"]}, PASSED),
        ("aws_s3_bucket", {"bucket": ["other-models"]}, FAILED),
        ("aws_s3_bucket", {}, FAILED),
        ("aws_s3_bucket", {"bucket": [None]}, FAILED),
        ("aws_cloudwatch_log_group", {"name": ["/ecs/teleco-customer-churn-ui"]}, PASSED),
        ("aws_cloudwatch_log_group", {"name": ["aws-waf-logs-teleco-customer-churn-api"]}, PASSED),
        ("aws_cloudwatch_log_group", {"name": ["aws-waf-logs-other"]}, FAILED),
        ("aws_cloudwatch_log_group", {"name": ["/ecs/other/teleco-customer-churn"]}, FAILED),
        ("aws_kms_alias", {"name": ["alias/teleco-customer-churn-models"]}, PASSED),
        ("aws_iam_role", {"name": ["var.name"]}, UNKNOWN),
        ("aws_iam_role", {"name": ["local.name"]}, UNKNOWN),
        ("aws_iam_role", {"name": ["${format(x)}"]}, UNKNOWN),
        ("aws_iam_role", {"name": ["x-${var.name}"]}, UNKNOWN),
        ("aws_iam_role", {"name": ["x-${each.key}"]}, UNKNOWN),
        ("aws_iam_role", {"name": ["x-${local.name}"]}, FAILED),
        ("aws_lambda_function", {"name": ["teleco-customer-churn-api"]}, FAILED),
        ("aws_lambda_function", {"function_name": ["teleco-customer-churn-api"]}, PASSED),
    ],
)
def test_name_prefix(entity_type: str, conf: dict[str, Any], expected: CheckResult) -> None:
    assert scan(naming.check, conf, entity_type) == expected


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({}, FAILED),
        ({"default_tags": [{"tags": [{"Project": "p", "ManagedBy": "t", "Stack": "s"}]}]}, PASSED),
        ({"default_tags": [{"tags": [{"Project": "p", "ManagedBy": "t", "Stack": ""}]}]}, FAILED),
        ({"default_tags": [{"tags": [{"Project": "p", "ManagedBy": "t"}]}]}, FAILED),
        ({"default_tags": [{"tags": ["${local.tags}"]}]}, UNKNOWN),
        ({"default_tags": [{}]}, FAILED),
        ({"default_tags": ["${local.default_tags}"]}, FAILED),
    ],
)
def test_default_tags(conf: dict[str, Any], expected: CheckResult) -> None:
    assert scan(tags.check, conf) == expected


@pytest.mark.parametrize("module", [serving, aws_limits])
def test_first_is_a_blocks_first_value(module: Any) -> None:
    """checkov wraps values in lists; a value it did not wrap is taken as it is."""
    assert module.first({"k": [1, 2]}, "k") == 1
    assert module.first({"k": []}, "k") == []
    assert module.first({"k": "text"}, "k") == "text"
    assert module.first({}, "k") is None


def test_values_of_an_absent_attribute_are_none() -> None:
    assert iam.values_of({}, "type") == []
    assert iam.values_of({"type": [["Service", "AWS"], "Federated"]}, "type") == [
        "Service",
        "AWS",
        "Federated",
    ]


def test_a_statement_without_principals_trusts_no_service() -> None:
    conf = {"statement": [{"actions": [["sts:AssumeRole"]]}]}
    assert scan(iam.service_trust_check, conf) == PASSED


DIGEST = "r/api@sha256:" + "0" * 64


@pytest.mark.parametrize(
    ("entity", "conf", "expected"),
    [
        ("aws_lambda_function", {"package_type": ["Zip"]}, PASSED),  # no image at all
        ("aws_lambda_function", {"package_type": ["Image"], "image_uri": [DIGEST]}, PASSED),
        ("aws_lambda_function", {"package_type": ["Image"], "image_uri": ["r/api:1"]}, FAILED),
        ("aws_lambda_function", {"package_type": ["Image"]}, FAILED),  # no image named
        ("aws_lambda_function", {"package_type": ["Image"], "image_uri": ["${var.x}"]}, UNKNOWN),
        (
            "aws_lambda_function",
            {"package_type": ["Image"], "image_uri": ["r/api@sha256:" + "0" * 63]},
            FAILED,
        ),
        ("aws_ecs_task_definition", {"container_definitions": [[{"image": DIGEST}]]}, PASSED),
        ("aws_ecs_task_definition", {"container_definitions": ['[{"image": "r:1"}]']}, FAILED),
        ("aws_ecs_task_definition", {"container_definitions": ["${jsonencode(local.x)}"]}, UNKNOWN),
        ("aws_ecs_task_definition", {"container_definitions": [{"image": DIGEST}]}, UNKNOWN),
        ("aws_ecs_task_definition", {"container_definitions": [["not a container"]]}, FAILED),
        (
            "aws_ecs_task_definition",
            {"container_definitions": [[{"image": DIGEST}, {"image": "module.x.image"}]]},
            UNKNOWN,
        ),
        (
            "aws_ecs_task_definition",
            {"container_definitions": [[{"image": "var.x"}, {"image": "r:1"}]]},
            FAILED,
        ),
    ],
)
def test_images_by_digest(entity: str, conf: dict[str, Any], expected: CheckResult) -> None:
    assert scan(images.check, conf, entity) == expected
