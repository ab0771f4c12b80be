region      = "eu-central-1"
name_prefix = "teleco-customer-churn-"
