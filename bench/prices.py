"""The list prices the benchmarks and the idle-cost table price with, in one table: what AWS
publishes on the pages named (on demand, us-east-1; the project deploys to eu-central-1,
where these run 0-20 % higher), long unchanged and written down here without re-reading
them: this machine cannot reach those pages. Check them before budgeting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

PRICES_AS_OF: Final = "2026-12-06"


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str
    page: str


SAGEMAKER_PAGE: Final = "https://aws.amazon.com/sagemaker/pricing/"
FARGATE_PAGE: Final = "https://aws.amazon.com/fargate/pricing/"
VPC_PAGE: Final = "https://aws.amazon.com/vpc/pricing/"
PRICES: Final = {
    "transform_hour": Price(0.23, "ml.m5.xlarge hour, Batch Transform", SAGEMAKER_PAGE),
    "serverless_gb_second": Price(0.00002, "GB-second, Serverless Inference", SAGEMAKER_PAGE),
    "serverless_data_gb": Price(0.016, "GB in or out, Serverless Inference", SAGEMAKER_PAGE),
    "lambda_gb_second": Price(
        0.0000166667, "GB-second, Lambda (x86)", "https://aws.amazon.com/lambda/pricing/"
    ),
    "lambda_request": Price(0.0000002, "request, Lambda", "https://aws.amazon.com/lambda/pricing/"),
    "http_api_request": Price(
        0.000001, "request per 512 KB, HTTP API", "https://aws.amazon.com/api-gateway/pricing/"
    ),
    "fargate_vcpu_hour": Price(0.04048, "vCPU-hour, Fargate (Linux/x86)", FARGATE_PAGE),
    "fargate_gb_hour": Price(0.004445, "GB-hour, Fargate", FARGATE_PAGE),
    "transfer_out_gb": Price(
        0.09,
        "GB from S3 out to the internet (a GitHub runner)",
        "https://aws.amazon.com/s3/pricing/",
    ),
    # What an environment costs while nobody uses it (bench/idle_cost.py).
    "nat_gateway_hour": Price(0.045, "NAT gateway hour", VPC_PAGE),
    "public_ipv4_hour": Price(0.005, "public IPv4 address hour (NAT's, ALB's)", VPC_PAGE),
    "alb_hour": Price(
        0.0225,
        "Application Load Balancer hour",
        "https://aws.amazon.com/elasticloadbalancing/pricing/",
    ),
    "fargate_spot_share": Price(0.3, "Fargate Spot, share of on demand (varies)", FARGATE_PAGE),
    "waf_web_acl_month": Price(5.0, "WAF web ACL month", "https://aws.amazon.com/waf/pricing/"),
    "waf_rule_month": Price(1.0, "WAF rule month", "https://aws.amazon.com/waf/pricing/"),
    "kms_key_month": Price(1.0, "KMS key month", "https://aws.amazon.com/kms/pricing/"),
}
