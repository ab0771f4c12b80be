"""The gap tests/support/moto_server.py fills in moto, over real HTTP with boto3: a
scalable target keeps its tags as AWS keeps them (Terraform's provider reads them back
after every create and refresh)."""

from __future__ import annotations

import boto3


def test_a_scalable_target_keeps_its_tags(aws_env: dict[str, str]) -> None:
    ecs = boto3.client("ecs")  # moto checks that the service exists
    ecs.create_cluster(clusterName="gaps-cluster")
    family = ecs.register_task_definition(
        family="gaps", containerDefinitions=[{"name": "ui", "image": "ui@sha256:0", "memory": 512}]
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster="gaps-cluster", serviceName="gaps", taskDefinition=family)
    scaling = boto3.client("application-autoscaling")
    target = dict(
        ServiceNamespace="ecs",
        ResourceId="service/gaps-cluster/gaps",
        ScalableDimension="ecs:service:DesiredCount",
    )
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
