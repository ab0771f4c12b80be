output "api_id" {
  description = "ID of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "execution_arn" {
  description = "Execution ARN of the API (for execute-api:Invoke policies)."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "stage_name" {
  description = "Name of the stage."
  value       = aws_apigatewayv2_stage.this.name
}

output "api_endpoint" {
  description = "Base URL of the API without the stage, e.g. https://<id>.execute-api.<region>.amazonaws.com: the UI's API_ENDPOINT, since the app's own paths start with /v1 like the stage."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "invoke_url" {
  description = "URL of the stage, e.g. https://<id>.execute-api.<region>.amazonaws.com/v1."
  value       = aws_apigatewayv2_stage.this.invoke_url
}
