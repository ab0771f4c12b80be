# The bucket every other stack keeps its state in. This root keeps its own (tiny) state
# locally: it is applied once per account, before anything else exists.

module "state" {
  source = "../modules/private-bucket"

  name                    = var.state_bucket_name
  purpose                 = "Terraform state"
  noncurrent_version_days = var.noncurrent_state_days
  force_destroy           = var.rehearsal
  # A deploy's plan jobs hand their saved plans to its apply job under plans/<run>/.
  expiring_prefixes = { "plans/" = 7 }
  # Staging in an account of its own: its state key (<prefix without the hyphen>/, as
  # churn.names.state_key) and its environment's saved plans; its roles' own policies in
  # that account narrow this further.
  shared_with = var.staging_account_id == null ? null : {
    account_id      = var.staging_account_id
    role_names      = "${local.staging_prefix}*"
    read_prefixes   = [local.staging_state, "plans/*/staging/"]
    write_patterns  = ["${local.staging_state}*", "plans/*/staging/*"]
    delete_patterns = ["${local.staging_state}*.tflock"]
  }
}

locals {
  staging_prefix = "${var.name_prefix}stg-"
  staging_state  = "${trimsuffix(local.staging_prefix, "-")}/"
}
