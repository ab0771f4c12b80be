# The UI's Fargate task: one Streamlit container on port 8501 that reaches the prediction
# API through the HTTP API's v1 stage, signing its calls with the task role (API_AUTH=iam).

data "aws_region" "current" {}

resource "aws_cloudwatch_log_group" "this" {
  # checkov:skip=CKV_AWS_158:The UI logs requests and errors, never customer records; AWS-managed encryption at rest.
  name              = "/ecs/${var.family}"
  retention_in_days = var.log_retention_days
}

locals {
  # Settings named in var.ssm_settings come from SSM parameters (ECS injects them at
  # start, read with the execution role); the rest are plain environment variables.
  environment = {
    for name, value in merge(var.environment, {
      API_ENDPOINT = var.api_endpoint
      API_AUTH     = "iam"
      AWS_REGION   = data.aws_region.current.name
    }) : name => value if !contains(keys(var.ssm_settings), name)
  }
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = var.execution_role_arn
  task_role_arn            = var.task_role_arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([
    {
      name                   = var.container_name
      image                  = var.image
      essential              = true
      readonlyRootFilesystem = true
      # Streamlit writes its config and caches under the home folder and /tmp.
      mountPoints = [
        { sourceVolume = "home", containerPath = "/home/churn", readOnly = false },
        { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
      ]
      portMappings = [{ containerPort = var.container_port, protocol = "tcp" }]
      environment  = [for name in sort(keys(local.environment)) : { name = name, value = local.environment[name] }]
      secrets      = [for name in sort(keys(var.ssm_settings)) : { name = name, valueFrom = var.ssm_settings[name] }]
      # The image has Python, not curl: the same probe as the Dockerfile's HEALTHCHECK.
      healthCheck = {
        command     = ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${var.container_port}/_stcore/health', timeout=4)"]
        interval    = 30
        timeout     = 5
        retries     = 3
        startPeriod = 20
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = data.aws_region.current.name
          awslogs-stream-prefix = "ui"
        }
      }
    },
  ])

  volume {
    name = "home"
  }

  volume {
    name = "tmp"
  }
}
