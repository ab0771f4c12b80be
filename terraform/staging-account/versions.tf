terraform {
  # 1.10 brings S3-native state locking (use_lockfile), which the other roots use.
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
