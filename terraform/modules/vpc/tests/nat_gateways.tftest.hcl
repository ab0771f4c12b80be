# NAT gateways: one per zone by default, each private route table on its own zone's; one in
# all with single_nat_gateway (the cheap staging environment), every route table on it.
# Against a mocked provider: the configuration, not AWS's evaluation of it.

mock_provider "aws" {
  source = "./tests/mocks" # three zones and the flow log's ARNs
}

variables {
  name_prefix              = "teleco-customer-churn-"
  zone_count               = 3
  permissions_boundary_arn = "arn:aws:iam::123456789012:policy/teleco-customer-churn-workload-boundary"
}

run "one_nat_gateway_per_zone_by_default" {
  command = apply # gateway ids are known only after apply

  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(aws_eip.nat) == 3
    error_message = "one NAT gateway (and address) per zone"
  }

  assert {
    condition     = [for route in aws_route.private_nat : route.nat_gateway_id] == aws_nat_gateway.this[*].id
    error_message = "each private route table goes out through its own zone's gateway"
  }

  assert {
    condition     = aws_nat_gateway.this[*].subnet_id == aws_subnet.public[*].id
    error_message = "each gateway in its zone's public subnet"
  }
}

run "single_nat_gateway_serves_every_zone" {
  command = apply

  variables {
    single_nat_gateway = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_eip.nat) == 1 && length(output.nat_public_ips) == 1
    error_message = "one NAT gateway and one address in all"
  }

  assert {
    condition     = length(aws_route.private_nat) == 3 && toset([for route in aws_route.private_nat : route.nat_gateway_id]) == toset([aws_nat_gateway.this[0].id])
    error_message = "every private route table goes out through the one gateway"
  }

  assert {
    condition     = aws_nat_gateway.this[0].subnet_id == aws_subnet.public[0].id
    error_message = "the one gateway is in the first zone's public subnet"
  }
}
