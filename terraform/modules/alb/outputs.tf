output "arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "dns_name" {
  description = "Public DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "url" {
  description = "Where people open the UI."
  value       = "${local.https ? "https" : "http"}://${aws_lb.this.dns_name}"
}

output "target_group_arn" {
  description = "Target group the UI service registers its tasks in."
  value       = aws_lb_target_group.this.arn
}

output "listener_arns" {
  description = "ARNs of the listeners (the service waits for them)."
  value       = concat([aws_lb_listener.http.arn], aws_lb_listener.https[*].arn)
}
