# Images another account runs (staging in an account of its own). AWS lets a Lambda function
# use an image of another account's repository only when the repository's policy grants both
# that account's principal and the Lambda service, the latter for that account's function
# ARNs (https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#configuration-images-xaccount-permissions);
# moto creates such a function either way. Planned with a mocked provider: the statements'
# configuration, not AWS's evaluation of them.

mock_provider "aws" {
  source = "../../mocks/aws" # the account, partition and region the ARNs are built from
}

variables {
  name_prefix              = "teleco-customer-churn-"
  lambda_pull_repositories = ["api"]
}

run "a_repository_no_other_account_runs_trusts_this_accounts_functions_only" {
  command = plan

  assert {
    condition     = keys(data.aws_iam_policy_document.pull) == ["api"]
    error_message = "only the Lambda's repository has a pull policy"
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.pull["api"].statement : statement.sid] == ["LambdaPullsTheImage"]
    error_message = "no other account is named"
  }

  assert {
    condition = flatten([
      for statement in data.aws_iam_policy_document.pull["api"].statement : [
        for condition in statement.condition : condition.values
      ]
    ]) == ["arn:aws:lambda:eu-central-1:123456789012:function:teleco-customer-churn-*"]
    error_message = "this account's functions named with the prefix, nothing else"
  }
}

run "the_other_accounts_functions_may_pull_what_its_roles_may" {
  command = plan

  variables {
    shared_with = {
      account_id   = "210987654321"
      role_names   = "teleco-customer-churn-stg-*"
      repositories = ["api", "ui"]
    }
  }

  assert {
    condition     = toset(keys(data.aws_iam_policy_document.pull)) == toset(["api", "ui"])
    error_message = "every shared repository has a policy"
  }

  # The Lambda's repository: the other account's functions beside this one's.
  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.pull["api"].statement :
      statement.sid == "LambdaPullsTheImage"
      && anytrue([for principal in statement.principals : principal.type == "Service" && contains(tolist(principal.identifiers), "lambda.amazonaws.com")])
      && contains(flatten([for condition in statement.condition : condition.values if condition.variable == "aws:sourceArn"]), "arn:aws:lambda:eu-central-1:210987654321:function:teleco-customer-churn-*")
    ])
    error_message = "Lambda must be granted the other account's functions, or AWS refuses to create them"
  }

  # Both repositories: the other account, for the roles of its pattern only.
  assert {
    condition = alltrue([
      for name in ["api", "ui"] : anytrue([
        for statement in data.aws_iam_policy_document.pull[name].statement :
        statement.sid == "AnotherAccountPulls"
        && contains(tolist(statement.actions), "ecr:BatchGetImage")
        && contains(tolist(statement.actions), "ecr:GetDownloadUrlForLayer")
        && anytrue([for principal in statement.principals : contains(tolist(principal.identifiers), "arn:aws:iam::210987654321:root")])
        && contains(flatten([for condition in statement.condition : condition.values if condition.variable == "aws:PrincipalArn"]), "arn:aws:iam::210987654321:role/teleco-customer-churn-stg-*")
      ])
    ])
    error_message = "the other account's roles of the pattern, and no one else there, may pull"
  }

  # The UI's repository has no Lambda: no service statement.
  assert {
    condition     = [for statement in data.aws_iam_policy_document.pull["ui"].statement : statement.sid] == ["AnotherAccountPulls"]
    error_message = "Lambda pulls the API's image only"
  }
}
