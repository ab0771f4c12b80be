provider "aws" {
  region  = var.region
  profile = var.aws_profile

  default_tags {
    # NamePrefix fences the environments of one account (the deploy roles' fence policy).
    tags = merge(var.tags, { Stack = "pipeline", NamePrefix = var.name_prefix })
  }
}
