terraform {
  backend "s3" {
    bucket       = "teleco-churn-terraform-state"
    key          = "platform/terraform.tfstate"
    region       = "eu-central-1"
    encrypt      = true
    use_lockfile = true # S3-native locking (Terraform >= 1.10): no DynamoDB table
  }
}
