region = "eu-central-1"
# A fork sets its own repository here.
github_repository = "teleco-customer-churn/telco-churn"
