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
}
