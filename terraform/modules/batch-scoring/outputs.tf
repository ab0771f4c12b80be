output "role_arn" {
  description = "ARN of the role transform jobs assume (churn-score --role-arn, CHURN_TRANSFORM_ROLE_ARN)."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of that role."
  value       = aws_iam_role.this.name
}

output "image" {
  description = "The prebuilt XGBoost image the jobs run (churn-score --image, CHURN_XGBOOST_IMAGE)."
  value       = data.aws_sagemaker_prebuilt_ecr_image.xgboost.registry_path
}

output "work_prefix" {
  description = "Key prefix of the jobs' feature rows and predictions."
  value       = var.work_prefix
}
