"""What tests/support/moto_server.py adds to moto, over real HTTP with boto3: a scalable
target keeps its tags as AWS keeps them (Terraform's provider reads them back after every
create and refresh); a server's state saved and loaded into another; a request the SDK
resends answered as its first attempt was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.exceptions import ClientError

from tests.support.moto import REGION, MotoServer, moto_admin, start_moto_server


def ecs_service(name: str) -> dict[str, str]:
    """A service of its own cluster, as a scalable target names it (moto checks it exists)."""
    ecs = boto3.client("ecs")
    ecs.create_cluster(clusterName=f"{name}-cluster")
    family = ecs.register_task_definition(
        family=name, containerDefinitions=[{"name": "ui", "image": "ui@sha256:0", "memory": 512}]
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster=f"{name}-cluster", serviceName=name, taskDefinition=family)
    return dict(
        ServiceNamespace="ecs",
        ResourceId=f"service/{name}-cluster/{name}",
        ScalableDimension="ecs:service:DesiredCount",
    )


def test_a_scalable_target_keeps_its_tags(aws_env: dict[str, str]) -> None:
    scaling = boto3.client("application-autoscaling")
    target = ecs_service("gaps")
    arn = scaling.register_scalable_target(
        **target, MinCapacity=1, MaxCapacity=1, Tags={"NamePrefix": "teleco-customer-churn-stg-"}
    )["ScalableTargetARN"]
    assert scaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {
        "NamePrefix": "teleco-customer-churn-stg-"
    }
    scaling.tag_resource(ResourceARN=arn, Tags={"Stack": "platform"})
    scaling.untag_resource(ResourceARN=arn, TagKeys=["NamePrefix"])
    assert scaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Stack": "platform"}
    # Registering again (a new desired count) keeps the target, its ARN and its tags.
    again = scaling.register_scalable_target(**target, MinCapacity=2, MaxCapacity=2)
    assert again["ScalableTargetARN"] == arn
    assert scaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Stack": "platform"}


def test_a_saved_state_loads_into_another_server_whole(
    aws_env: dict[str, str], tmp_path: Path
) -> None:
    """What the rehearsal's stories start from: one server's state, loaded into another,
    answers the same ids, ARNs, object versions and tags (tests/support/moto_state.py)."""
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="state-copy", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket="state-copy", VersioningConfiguration={"Status": "Enabled"})
    versions = [
        s3.put_object(Bucket="state-copy", Key="k", Body=b)["VersionId"] for b in (b"1", b"2")
    ]
    key = boto3.client("kms").create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    role = boto3.client("iam").create_role(RoleName="state-copy", AssumeRolePolicyDocument="{}")
    scaling = boto3.client("application-autoscaling")
    target = scaling.register_scalable_target(
        **ecs_service("copy"), MinCapacity=0, MaxCapacity=1, Tags={"NamePrefix": "copy-"}
    )["ScalableTargetARN"]
    saved = tmp_path / "moto.state"
    MotoServer(aws_env["AWS_ENDPOINT_URL"]).save_state(saved)

    with start_moto_server(tmp_path / "copy.log") as copy:
        copy.load_state(saved)

        def in_copy(service: str) -> Any:
            return boto3.client(service, endpoint_url=copy.endpoint)  # type: ignore[call-overload]

        listed = in_copy("s3").list_object_versions(Bucket="state-copy")["Versions"]
        assert sorted(v["VersionId"] for v in listed) == sorted(versions)
        first = in_copy("s3").get_object(Bucket="state-copy", Key="k", VersionId=versions[0])
        assert first["Body"].read() == b"1"
        key_id = key["KeyMetadata"]["KeyId"]
        kms = in_copy("kms")
        assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"] == key["KeyMetadata"]["Arn"]
        signed = kms.sign(KeyId=key_id, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")
        assert signed["Signature"]  # the private key came back whole
        copied = in_copy("iam").get_role(RoleName="state-copy")["Role"]
        assert copied["RoleId"] == role["Role"]["RoleId"]
        tags = in_copy("application-autoscaling").list_tags_for_resource(ResourceARN=target)
        assert tags["Tags"] == {"NamePrefix": "copy-"}
    # The original is untouched.
    assert boto3.client("iam").get_role(RoleName="state-copy")["Role"]["Arn"] == role["Role"]["Arn"]


def sent_as(invocation: str, attempt: int) -> Any:
    """A before-send hook: the request goes out as attempt N of one SDK invocation."""

    def stamp(request: AWSPreparedRequest, **_: Any) -> None:
        request.headers["amz-sdk-invocation-id"] = invocation
        request.headers["amz-sdk-request"] = f"attempt={attempt}; max=25"

    return stamp


def test_a_resent_create_gets_its_first_answer_and_a_new_call_is_refused(
    tmp_path: Path,
) -> None:
    """The SDK's resend of a create (same invocation id, a later attempt) is answered as the
    first attempt was, not executed again, and moto's log says so; the same create as a new
    call is refused as AWS refuses it (tests/support/resends.py)."""
    log = tmp_path / "moto.log"
    with start_moto_server(log) as server:
        ec2 = moto_admin().client("ec2", endpoint_url=server.endpoint)
        group = ec2.create_security_group(GroupName="resent", Description="resent")["GroupId"]
        rule: Any = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}
        rule["IpRanges"] = [{"CidrIp": "10.0.0.0/8"}]
        event = "before-send.ec2.AuthorizeSecurityGroupIngress"
        answers = []
        for attempt in (1, 2):
            ec2.meta.events.register(event, sent_as("invocation-1", attempt), "stamp")
            answer = ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[rule])
            answers.append(answer)
            ec2.meta.events.unregister(event, unique_id="stamp")
        with pytest.raises(ClientError, match=r"InvalidPermission\.Duplicate"):
            ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[rule])
        (found,) = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"]
    assert answers[0]["SecurityGroupRules"] == answers[1]["SecurityGroupRules"]
    assert [p["FromPort"] for p in found["IpPermissions"]] == [443]
    assert "moto: resent (attempt 2): POST /: its first answer again" in log.read_text()
