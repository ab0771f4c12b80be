region = "eu-central-1"
# Set a certificate ARN here to serve the UI over HTTPS (HTTP then redirects).
certificate_arn = null
