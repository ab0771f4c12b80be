# The public entry to the UI: an application load balancer in the public subnets that
# forwards to the Streamlit tasks (target type ip, for awsvpc). Streamlit keeps a
# websocket per browser session, so sessions are sticky and idle connections live long.
# With a certificate, HTTP only redirects to HTTPS.

locals {
  https = var.certificate_arn != null
}

resource "aws_lb" "this" {
  # checkov:skip=CKV_AWS_91:Access logs need a log bucket with an ELB-writable policy; left to the fork (flow logs and the app's logs cover incidents here).
  # checkov:skip=CKV_AWS_150:Deletion protection is var.deletion_protection, on by default and off only in rehearsals (the root passes !var.rehearsal, which checkov cannot evaluate).
  # checkov:skip=CKV2_AWS_28:A WAF web ACL is an account-level choice with its own cost; the UI holds no data and the API behind it is IAM-authorized.
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.subnet_ids
  security_groups            = var.security_group_ids
  idle_timeout               = var.idle_timeout
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
}

resource "aws_lb_target_group" "this" {
  # checkov:skip=CKV_AWS_378:TLS ends at the load balancer; the targets sit in private subnets that only the ALB's security group may reach.
  name                 = "${var.name}-ui"
  vpc_id               = var.vpc_id
  target_type          = "ip"
  port                 = var.target_port
  protocol             = "HTTP"
  deregistration_delay = 30

  health_check {
    path                = "/_stcore/health"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  # A Streamlit session lives in one task's memory; a browser must come back to it.
  stickiness {
    type            = "lb_cookie"
    enabled         = true
    cookie_duration = 86400
  }
}

# ---------------------------------------------------------------------------------------
# Listeners: HTTPS when a certificate is given (HTTP then redirects), plain HTTP otherwise
# ---------------------------------------------------------------------------------------

resource "aws_lb_listener" "http" {
  # checkov:skip=CKV_AWS_2:Plain HTTP forwards only when no certificate is given (a first deploy without a domain); with one, this listener only redirects.
  # checkov:skip=CKV_AWS_103:The TLS policy applies to the HTTPS listener; this one is HTTP by definition.
  # checkov:skip=CKV2_AWS_20:Redirects to HTTPS whenever a certificate is given (var.certificate_arn).
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = local.https ? "redirect" : "forward"
    target_group_arn = local.https ? null : aws_lb_target_group.this.arn

    dynamic "redirect" {
      for_each = local.https ? [1] : []

      content {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }
  }
}

resource "aws_lb_listener" "https" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}
