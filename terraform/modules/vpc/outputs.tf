output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "cidr" {
  description = "IPv4 range of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets, one per zone (the ALB's)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets, one per zone (the UI and training tasks')."
  value       = aws_subnet.private[*].id
}

output "nat_public_ips" {
  description = "Public addresses the private subnets reach the internet from, one per NAT gateway."
  value       = aws_eip.nat[*].public_ip
}

output "s3_endpoint_id" {
  description = "The S3 gateway endpoint of the private subnets (null when s3_gateway_endpoint is false)."
  value       = try(aws_vpc_endpoint.s3[0].id, null)
}
