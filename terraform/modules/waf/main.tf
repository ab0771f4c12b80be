# AWS WAF in front of the public load balancer. A rate-based rule blocks a client address
# that sends more than rate_limit requests in any 5 minutes, so one visitor can neither
# exhaust the UI's tasks nor drain the API throttle every visitor shares; AWS's managed
# rule group of known bad inputs (Log4j and the like) blocks those. WAF logs blocked
# requests, and a sample of the others, to a log group (WAF requires its aws-waf-logs-
# name: https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html).

resource "aws_wafv2_web_acl" "this" {
  name        = var.name
  description = "Rate limit per address and known bad inputs, in front of the UI's load balancer"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "requests-per-address"
    priority = 0

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit                 = var.rate_limit
        evaluation_window_sec = 300
        aggregate_key_type    = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "requests-per-address"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "known-bad-inputs"
    priority = 1

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }
}

resource "aws_cloudwatch_log_group" "this" {
  # checkov:skip=CKV_AWS_158:WAF logs hold request metadata (addresses, paths, headers WAF does not redact here), no bodies; AWS-managed encryption at rest.
  # checkov:skip=CKV_AWS_338:Blocked-request logs matter for weeks, not a year; retention is a variable.
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.log_retention_days
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.this.arn]
}

resource "aws_wafv2_web_acl_association" "this" {
  resource_arn = var.load_balancer_arn
  web_acl_arn  = aws_wafv2_web_acl.this.arn
}
