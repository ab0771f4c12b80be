# Partial configuration: the key follows the environment (the name prefix) and is passed at
# init, <prefix>/<root>/terraform.tfstate (churn-stack and `make init` pass it), so a second
# prefix never plans against the first one's state.
terraform {
  backend "s3" {
    bucket       = "teleco-churn-terraform-state"
    region       = "eu-central-1"
    encrypt      = true
    use_lockfile = true # S3-native locking (Terraform >= 1.10): no DynamoDB table
  }
}
