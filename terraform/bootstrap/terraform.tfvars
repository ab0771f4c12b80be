region            = "eu-central-1"
state_bucket_name = "teleco-churn-terraform-state"
