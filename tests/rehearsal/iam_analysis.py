"""Principal Mapper (NCC Group's PMapper, an IAM analyzer this project does not write) over
the rehearsal's account: every principal, which ones are administrators, how one principal
can become another, its privilege-escalation findings, and the answers of its policy
simulator to the questions given (principal, action, resource, condition keys).

Runs in the scanners' venv (``.venv-scanners/bin/python tests/rehearsal/iam_analysis.py``),
reading the moto server the stacks were applied to; prints one JSON document.

Two workarounds, each for something PMapper 1.1.5 (its last release, 2021) or moto lacks:
Python 3.10 moved ``collections.Mapping`` to ``collections.abc``, which PMapper still
imports from ``collections``; and moto's GetAccountAuthorizationDetails leaves out each
managed policy's ``PolicyName`` (AWS returns it), which PMapper reads: the name is the
ARN's last segment, added as the answer arrives.
"""

from __future__ import annotations

import argparse
import collections
import collections.abc
import json
import sys
from pathlib import Path
from typing import Any

collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]
collections.MutableMapping = collections.abc.MutableMapping  # type: ignore[attr-defined]

import botocore.session  # noqa: E402
from principalmapper.analysis import find_risks  # noqa: E402
from principalmapper.graphing import gathering  # noqa: E402
from principalmapper.querying import local_policy_simulation, query_interface  # noqa: E402

# The services whose edges PMapper knows (how a principal acts as another through them).
EDGE_SERVICES = [
    "autoscaling", "cloudformation", "codebuild", "ec2", "iam", "lambda", "sagemaker", "ssm",
    "sts",
]  # fmt: skip
# ...and those it reads resource policies from.
POLICY_SERVICES = ["s3", "sns", "sqs", "kms", "secretsmanager", "organizations"]


def add_policy_names(**event: Any) -> None:
    for policy in event["parsed"].get("Policies", []):
        policy.setdefault("PolicyName", policy["Arn"].rsplit("/", 1)[-1])


def graph_of(endpoint: str, region: str) -> Any:
    session = botocore.session.get_session()
    session.register("after-call.iam.GetAccountAuthorizationDetails", add_policy_names)
    clients = {name: {"endpoint_url": endpoint} for name in EDGE_SERVICES + POLICY_SERVICES}
    return gathering.create_graph(session, EDGE_SERVICES, [region], None, None, clients)


def answer(graph: Any, question: dict[str, Any]) -> dict[str, Any]:
    """A question without a resource asks whether any Allow statement names the action."""
    node = graph.get_node_by_searchable_name(question["principal"])
    if node is None:
        raise SystemExit(f"no principal {question['principal']} in the account")
    if question.get("resource") is None:
        allowed = local_policy_simulation.policies_include_matching_allow_action(
            node, question["action"]
        )
    else:
        allowed = query_interface.local_check_authorization_full(
            node, question["action"], question["resource"], question.get("context", {})
        )
    return question | {"allowed": bool(allowed)}


def analyse(endpoint: str, region: str, questions: list[dict[str, Any]]) -> dict[str, Any]:
    graph = graph_of(endpoint, region)
    escalations = []
    for node in graph.nodes:
        if node.is_admin:
            continue
        found, path = find_risks.can_privesc(graph, node)
        if found:
            escalations.append(
                {
                    "principal": node.searchable_name(),
                    "to": path[-1].destination.searchable_name(),
                    "path": [edge.describe_edge() for edge in path],
                }
            )
    return {
        "principals": sorted(node.searchable_name() for node in graph.nodes),
        "admins": sorted(node.searchable_name() for node in graph.nodes if node.is_admin),
        "edges": sorted(edge.describe_edge() for edge in graph.edges),
        "escalations": escalations,
        "findings": [
            {"title": f.title, "severity": f.severity} for f in find_risks.gen_all_findings(graph)
        ],
        "answers": [answer(graph, question) for question in questions],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True, help="the moto server")
    parser.add_argument("--region", required=True)
    parser.add_argument("--questions", help="JSON list of {principal, action, resource, context}")
    arguments = parser.parse_args()
    questions = json.loads(Path(arguments.questions).read_text()) if arguments.questions else []
    json.dump(analyse(arguments.endpoint, arguments.region, questions), sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
