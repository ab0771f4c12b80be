output "arn" {
  description = "ARN of the web ACL."
  value       = aws_wafv2_web_acl.this.arn
}

output "log_group_name" {
  description = "Log group of WAF's blocked and sampled requests."
  value       = aws_cloudwatch_log_group.this.name
}
