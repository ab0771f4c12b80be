# A VPC with one public and one private subnet per availability zone, and one NAT gateway
# (with its own Elastic IP) per zone, so losing a zone never cuts the others off the
# internet. The ALB lives in the public subnets, the UI tasks in the private ones.

data "aws_availability_zones" "available" {
  # checkov:skip=CKV_AWS_394:Only the first zone_count zones by name are used (slice below); a zone AWS adds later never silently joins.
  state = "available"
}

locals {
  zones = slice(data.aws_availability_zones.available.names, 0, var.zone_count)
  # /16 -> /20 subnets: public ones first, private ones after (room for 8 zones each).
  public_cidrs  = [for index in range(var.zone_count) : cidrsubnet(var.cidr, 4, index)]
  private_cidrs = [for index in range(var.zone_count) : cidrsubnet(var.cidr, 4, index + 8)]
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = { Name = "${var.name_prefix}vpc" }
}

# Nothing may use the default security group: it is emptied of rules.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = { Name = "${var.name_prefix}default-unused" }
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = { Name = "${var.name_prefix}igw" }
}

# ---------------------------------------------------------------------------------------
# Public subnets: the ALB and the NAT gateways
# ---------------------------------------------------------------------------------------

resource "aws_subnet" "public" {
  count = var.zone_count

  vpc_id            = aws_vpc.this.id
  availability_zone = local.zones[count.index]
  cidr_block        = local.public_cidrs[count.index]

  tags = { Name = "${var.name_prefix}public-${local.zones[count.index]}", Tier = "public" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  tags = { Name = "${var.name_prefix}public" }
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count = var.zone_count

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# One NAT gateway per zone, so a zone's outage takes only its own subnets' way out
# (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html); one in all
# with single_nat_gateway.
locals {
  nat_count = var.single_nat_gateway ? 1 : var.zone_count
}

resource "aws_eip" "nat" {
  count = local.nat_count

  domain = "vpc"
  tags   = { Name = "${var.name_prefix}nat-${local.zones[count.index]}" }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  count = local.nat_count

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = { Name = "${var.name_prefix}nat-${local.zones[count.index]}" }
}

# ---------------------------------------------------------------------------------------
# Private subnets: the UI tasks (and training tasks); out through their zone's NAT
# ---------------------------------------------------------------------------------------

resource "aws_subnet" "private" {
  count = var.zone_count

  vpc_id            = aws_vpc.this.id
  availability_zone = local.zones[count.index]
  cidr_block        = local.private_cidrs[count.index]

  tags = { Name = "${var.name_prefix}private-${local.zones[count.index]}", Tier = "private" }
}

resource "aws_route_table" "private" {
  count = var.zone_count

  vpc_id = aws_vpc.this.id

  tags = { Name = "${var.name_prefix}private-${local.zones[count.index]}" }
}

resource "aws_route" "private_nat" {
  count = var.zone_count

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[var.single_nat_gateway ? 0 : count.index].id
}

resource "aws_route_table_association" "private" {
  count = var.zone_count

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

# S3 from the private subnets through a gateway endpoint: NAT gateways bill every GB they
# process, a gateway endpoint nothing; the route to S3's prefix list wins over 0.0.0.0/0.
# Its default policy (full access) is kept: IAM already scopes every caller, and a tighter
# one would also have to name the buckets of ECR's image layers and any public data set.
# https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html
data "aws_region" "current" {}

resource "aws_vpc_endpoint" "s3" {
  count = var.s3_gateway_endpoint ? 1 : 0

  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.private[*].id

  tags = { Name = "${var.name_prefix}s3" }
}

# ---------------------------------------------------------------------------------------
# Flow logs: rejected and accepted traffic, for incident review
# ---------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "flow" {
  # checkov:skip=CKV_AWS_158:Flow logs hold addresses and ports, no customer data; AWS-managed encryption at rest.
  name              = "/vpc/${var.name_prefix}vpc/flow"
  retention_in_days = var.flow_log_retention_days
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "flow_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }

    # Only on behalf of this account's resources (the confused-deputy guard).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "flow" {
  name                 = "${var.name_prefix}vpc-flow-logs-role"
  assume_role_policy   = data.aws_iam_policy_document.flow_trust.json
  permissions_boundary = var.permissions_boundary_arn
}

data "aws_iam_policy_document" "flow" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.flow.arn}:*"]
  }
}

resource "aws_iam_role_policy" "flow" {
  name   = "write-flow-logs"
  role   = aws_iam_role.flow.id
  policy = data.aws_iam_policy_document.flow.json
}

resource "aws_flow_log" "this" {
  vpc_id          = aws_vpc.this.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.flow.arn
  iam_role_arn    = aws_iam_role.flow.arn
}
