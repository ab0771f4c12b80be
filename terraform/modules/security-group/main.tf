# One security group whose rules are data: each rule names its port range and either CIDR
# blocks or source/destination security groups, and always says why it exists.

resource "aws_security_group" "this" {
  # checkov:skip=CKV2_AWS_5:Attached by the caller through this module's id output (the ALB, the UI service; the training task's at RunTask), which the graph check cannot follow.
  name        = var.name
  description = var.description
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = var.ingress_rules

    content {
      description     = ingress.value.description
      from_port       = ingress.value.from_port
      to_port         = coalesce(ingress.value.to_port, ingress.value.from_port)
      protocol        = ingress.value.protocol
      cidr_blocks     = ingress.value.cidr_blocks
      security_groups = ingress.value.security_group_ids
    }
  }

  dynamic "egress" {
    for_each = var.egress_rules

    content {
      description     = egress.value.description
      from_port       = egress.value.from_port
      to_port         = coalesce(egress.value.to_port, egress.value.from_port)
      protocol        = egress.value.protocol
      cidr_blocks     = egress.value.cidr_blocks
      security_groups = egress.value.security_group_ids
    }
  }

  tags = { Name = var.name }
}
