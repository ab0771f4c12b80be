# tflint configuration for the workflows (tflint itself is a Go binary and cannot be
# installed on the offline development machine; CI installs a pinned release).
# Run from each root: tflint --init && tflint --recursive --config "$PWD/.tflint.hcl"

config {
  # Follow the local modules each root calls, so module inputs are checked with real values.
  call_module_type = "local"
  force            = false
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

# AWS rules: invalid instance/memory values, deprecated arguments, unknown regions and the like.
plugin "aws" {
  enabled = true
  version = "0.42.0"
  source  = "github.com/terraform-linters/tflint-ruleset-aws"
}

# The house rules STYLE.md asks of every module (beyond the recommended preset).
rule "terraform_naming_convention" {
  enabled = true
  format  = "snake_case"
}

rule "terraform_documented_variables" {
  enabled = true
}

rule "terraform_documented_outputs" {
  enabled = true
}

rule "terraform_typed_variables" {
  enabled = true
}

rule "terraform_standard_module_structure" {
  enabled = true
}

rule "terraform_unused_declarations" {
  enabled = true
}

rule "terraform_comment_syntax" {
  enabled = true
}
