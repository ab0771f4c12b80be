region      = "eu-central-1"
name_prefix = "teleco-customer-churn-"
# A fork sets its own repository here.
github_repository = "teleco-customer-churn/telco-churn"
