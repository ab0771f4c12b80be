# A small configuration whose plans the plan-comment tests render: roles whose name forces
# a replacement, and as many policies as a test asks for (to overflow a comment).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

variable "role_suffix" {
  type        = string
  description = "Changing it renames, and so replaces, the role."
  default     = "a"
}

variable "policies" {
  type        = number
  description = "How many policies to plan."
  default     = 2
}

resource "aws_iam_role" "this" {
  name = "teleco-customer-churn-fixture-${var.role_suffix}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_policy" "many" {
  count = var.policies

  name = "teleco-customer-churn-fixture-policy-with-a-long-name-${count.index}"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::teleco-customer-churn-fixture/${count.index}" }]
  })
}
