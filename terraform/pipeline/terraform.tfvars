region = "eu-central-1"
# A fork sets its own repository here.
github_repository = "teleco-customer-churn/telco-churn"
# Staging before production (docs/releases.md#staging): true makes its deploy role; then
# the repository variable STAGING=true and the secret AWS_STAGING_DEPLOY_ROLE_ARN.
enable_staging = false
