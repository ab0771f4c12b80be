output "sagemaker_execution_role_arn" {
  description = "Role SageMaker assumes to load the model and serve it (ready once its policy is)."
  value       = aws_iam_role.this["sagemaker-execution"].arn
  depends_on  = [aws_iam_role_policy.sagemaker_execution]
}

output "ecs_execution_role_arn" {
  description = "Role ECS assumes to pull the UI image and ship its logs (ready once its policy is)."
  value       = aws_iam_role.this["ecs-execution"].arn
  depends_on  = [aws_iam_role_policy.ecs_execution]
}

output "ecs_task_role_arn" {
  description = "Role the UI container runs as, signing its calls to the API (ready once its policy is)."
  value       = aws_iam_role.this["ecs-task"].arn
  depends_on  = [aws_iam_role_policy.ecs_task]
}

output "lambda_execution_role_arn" {
  description = "Role the prediction API's Lambda runs as (ready once its policy is)."
  value       = aws_iam_role.this["lambda-execution"].arn
  depends_on  = [aws_iam_role_policy.lambda_execution]
}

output "smoke_test_role_arn" {
  description = "Role the deploy's smoke test assumes to call POST /<stage>/predictions (null without smoke_test_principal_arns; ready once its policy is)."
  value       = try(aws_iam_role.smoke_test[0].arn, null)
  depends_on  = [aws_iam_role_policy.smoke_test]
}

output "role_names" {
  description = "Role name per purpose (sagemaker-execution, ecs-execution, ecs-task, lambda-execution)."
  value       = { for purpose, role in aws_iam_role.this : purpose => role.name }
}

output "log_read_policy_arn" {
  description = "ARN of the <prefix>read-logs policy (null unless create_log_read_policy)."
  value       = try(aws_iam_policy.log_read[0].arn, null)
}
