provider "aws" {
  region  = var.region
  profile = var.aws_profile

  default_tags {
    tags = merge(var.tags, { Stack = "staging-account", NamePrefix = "${var.name_prefix}stg-" })
  }
}
