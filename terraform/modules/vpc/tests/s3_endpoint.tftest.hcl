# The S3 gateway endpoint, against AWS's documented conditions for it (moto checks none):
# a Gateway endpoint for S3 in the VPC's own region, on every private route table, in a VPC
# with DNS support and DNS hostnames on; none when switched off.
# https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html
# Against a mocked provider: the configuration, not AWS's evaluation of it.

mock_provider "aws" {
  source = "./tests/mocks" # three zones and the flow log's ARNs
}

variables {
  name_prefix              = "teleco-customer-churn-"
  zone_count               = 3
  permissions_boundary_arn = "arn:aws:iam::123456789012:policy/teleco-customer-churn-workload-boundary"
}

run "private_subnets_reach_s3_through_a_gateway_endpoint" {
  command = apply # against the mocked provider: route table ids are known only after apply

  assert {
    condition     = aws_vpc_endpoint.s3[0].vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.s3[0].service_name == "com.amazonaws.eu-central-1.s3"
    error_message = "a Gateway endpoint for S3 in the VPC's region"
  }

  assert {
    condition     = aws_vpc_endpoint.s3[0].route_table_ids == toset(aws_route_table.private[*].id) && length(aws_vpc_endpoint.s3[0].route_table_ids) == 3
    error_message = "the endpoint must be on every private route table"
  }

  assert {
    condition     = aws_vpc.this.enable_dns_support && aws_vpc.this.enable_dns_hostnames
    error_message = "a gateway endpoint needs the VPC's DNS support and DNS hostnames on"
  }
}

run "no_endpoint_when_switched_off" {
  command = plan

  variables {
    s3_gateway_endpoint = false
  }

  assert {
    condition     = length(aws_vpc_endpoint.s3) == 0
    error_message = "s3_gateway_endpoint = false must create no endpoint"
  }
}
