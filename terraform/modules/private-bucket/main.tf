# A private bucket: versioned, encrypted with its own KMS key, TLS-only, old versions
# expired. Used for the Terraform state (bootstrap) and the model bundles (pipeline).

resource "aws_kms_key" "this" {
  # checkov:skip=CKV2_AWS_64:The default key policy (the account's IAM decides) is intended; access is granted by scoped IAM policies.
  description             = "Encrypts ${var.purpose} in s3://${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
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
  source_policy_documents = [
    data.aws_iam_policy_document.tls_only.json,
    data.aws_iam_policy_document.immutable.json,
  ]
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}
