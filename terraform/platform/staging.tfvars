# Staging's size (churn-stack --environment staging adds this file; its names come from
# production's prefix plus stg-, and it serves production's bundles and images). Cheap to
# keep: one NAT gateway, one UI task, and the UI stopped outside working hours.
single_nat_gateway = true
ui_desired_count   = 1
ui_schedule = {
  start    = "cron(0 7 ? * MON-FRI *)"
  stop     = "cron(0 19 ? * MON-FRI *)"
  timezone = "Europe/Berlin"
}
# Staging in an AWS account of its own (docs/releases.md): production's account, which
# holds the pipeline this platform serves from.
# artifacts_account_id = "123456789012"
