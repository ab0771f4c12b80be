region = "eu-central-1"
# The UI is served over HTTPS: set an ACM certificate of your domain (HTTP then redirects),
# or, for a demo without a domain, plain_http_demo = true (plans refuse neither set).
certificate_arn = null
