# A private bucket: versioned, encrypted with its own KMS key, TLS-only, old versions
# expired. Used for the Terraform state (bootstrap) and the model bundles (pipeline).

resource "aws_kms_key" "this" {
  # checkov:skip=CKV2_AWS_64:The default key policy (the account's IAM decides) is intended unless the bucket is shared; access is granted by scoped IAM policies.
  description             = "Encrypts ${var.purpose} in s3://${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  # null keeps KMS's default policy; a shared bucket's key also lets the other account in.
  policy = try(data.aws_iam_policy_document.key[0].json, null)
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_s3_bucket" "this" {
  # checkov:skip=CKV_AWS_144:Contents are rebuildable (state re-applies, bundles retrain); cross-region replication is not worth its cost here.
  # checkov:skip=CKV_AWS_18:Access logging needs another bucket; CloudTrail data events are the audit trail.
  # checkov:skip=CKV2_AWS_62:Nothing consumes events from this bucket.
  bucket        = var.name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-old-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Short-lived objects (the deploy's saved plans) go entirely after their days.
  dynamic "rule" {
    for_each = var.expiring_prefixes

    content {
      id     = "expire-${trimsuffix(replace(rule.key, "/", "-"), "-")}"
      status = "Enabled"

      filter {
        prefix = rule.key
      }

      expiration {
        days = rule.value
      }

      noncurrent_version_expiration {
        noncurrent_days = 1
      }
    }
  }
}

data "aws_iam_policy_document" "tls_only" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

# Published objects stay as they are: a write must carry If-None-Match: * (S3 then refuses
# it when the key exists), and nobody deletes one or one of its versions, so nothing under
# these prefixes ever becomes a noncurrent version that the lifecycle rule would expire
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html).
data "aws_iam_policy_document" "immutable" {
  dynamic "statement" {
    for_each = length(var.immutable_prefixes) > 0 ? [1] : []

    content {
      sid       = "OnlyWritesThatCannotOverwrite"
      effect    = "Deny"
      actions   = ["s3:PutObject"]
      resources = [for prefix in var.immutable_prefixes : "${aws_s3_bucket.this.arn}/${prefix}*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "Null"
        variable = "s3:if-none-match"
        values   = ["true"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.immutable_prefixes) > 0 ? [1] : []

    content {
      sid       = "NoDeletes"
      effect    = "Deny"
      actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
      resources = [for prefix in var.immutable_prefixes : "${aws_s3_bucket.this.arn}/${prefix}*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }
    }
  }
}

data "aws_iam_policy_document" "this" {
  source_policy_documents = compact([
    data.aws_iam_policy_document.tls_only.json,
    data.aws_iam_policy_document.immutable.json,
    try(data.aws_iam_policy_document.shared[0].json, ""),
  ])
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

# ---------------------------------------------------------------------------------------
# Shared with another account's roles (staging in an account of its own). A cross-account
# call needs both sides: this grant, and the roles' own policies in their account
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies-cross-account-resource-access.html).
# The account is the principal and the role names a condition, so the grant survives the
# roles being re-created (a role's ARN as principal turns into its unique id when deleted).
# ---------------------------------------------------------------------------------------

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  shared_account = "arn:${data.aws_partition.current.partition}:iam::${try(var.shared_with.account_id, "")}:root"
  shared_roles   = "arn:${data.aws_partition.current.partition}:iam::${try(var.shared_with.account_id, "")}:role/${try(var.shared_with.role_names, "")}"
  # Listing has no prefix condition: HeadBucket (Terraform's bucket lookup) needs it too.
  shared_grants = var.shared_with == null ? {} : {
    for sid, grant in {
      SharedListing      = { actions = ["s3:ListBucket"], resources = [aws_s3_bucket.this.arn] }
      SharedReads        = { actions = ["s3:GetObject"], resources = [for prefix in var.shared_with.read_prefixes : "${aws_s3_bucket.this.arn}/${prefix}*"] }
      SharedPutObject    = { actions = ["s3:PutObject"], resources = [for pattern in var.shared_with.write_patterns : "${aws_s3_bucket.this.arn}/${pattern}"] }
      SharedDeleteObject = { actions = ["s3:DeleteObject"], resources = [for pattern in var.shared_with.delete_patterns : "${aws_s3_bucket.this.arn}/${pattern}"] }
    } : sid => grant if length(grant.resources) > 0
  }
  # The key: used through S3 only, and described (the platform finds it by its alias there).
  shared_key_grants = {
    SharedThroughS3 = { actions = ["kms:Decrypt", "kms:GenerateDataKey"], through_s3 = true }
    SharedDescribe  = { actions = ["kms:DescribeKey"], through_s3 = false }
  }
}

data "aws_iam_policy_document" "shared" {
  count = var.shared_with == null ? 0 : 1

  dynamic "statement" {
    for_each = local.shared_grants

    content {
      sid       = statement.key
      actions   = statement.value.actions
      resources = statement.value.resources

      principals {
        type        = "AWS"
        identifiers = [local.shared_account]
      }

      condition {
        test     = "ArnLike"
        variable = "aws:PrincipalArn"
        values   = [local.shared_roles]
      }
    }
  }
}

# The key's policy when shared: KMS's default (the account's IAM decides, for this
# account), plus the other account's roles
# (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html).
data "aws_iam_policy_document" "key" {
  count = var.shared_with == null ? 0 : 1

  statement {
    sid       = "TheAccountsIamDecides"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = local.shared_key_grants

    content {
      sid       = statement.key
      actions   = statement.value.actions
      resources = ["*"] # in a key policy, the key itself

      principals {
        type        = "AWS"
        identifiers = [local.shared_account]
      }

      condition {
        test     = "ArnLike"
        variable = "aws:PrincipalArn"
        values   = [local.shared_roles]
      }

      dynamic "condition" {
        for_each = statement.value.through_s3 ? [1] : []

        content {
          test     = "StringEquals"
          variable = "kms:ViaService"
          values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
        }
      }
    }
  }
}
