#!/usr/bin/env bash
# Creates the DynamoDB tables and SQS queues of template.yaml in LocalStack, named as the local
# stack (dev.onsale.localstack.LocalStack) names them for the stack "onsale-local" in us-east-1.
# LocalStack runs it once it is ready: mount this folder at /etc/localstack/init/ready.d.
# Generated from template.yaml by dev.onsale.localstack.InitHookScript; InitHookScriptTest fails
# when it no longer matches the template (localstack/README.md says how to regenerate it).
set -euo pipefail

table() {  # table name, CreateTable input JSON, TTL attribute (may be empty)
  if awslocal dynamodb describe-table --table-name "$1" >/dev/null 2>&1; then
    echo "table $1 already exists"
    return
  fi
  awslocal dynamodb create-table --cli-input-json "$2" >/dev/null
  if [ -n "$3" ]; then
    awslocal dynamodb update-time-to-live --table-name "$1" \
      --time-to-live-specification "Enabled=true,AttributeName=$3" >/dev/null
  fi
  echo "created table $1"
}

queue() {  # queue name, CreateQueue input JSON
  awslocal sqs create-queue --cli-input-json "$2" >/dev/null
  echo "created queue $1"
}

# EventsTable
table onsale-local-EventsTable '{"TableName":"onsale-local-EventsTable","AttributeDefinitions":[{"AttributeName":"eventId","AttributeType":"N"}],"KeySchema":[{"AttributeName":"eventId","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}' ''

# SeatsTable
table onsale-local-SeatsTable '{"TableName":"onsale-local-SeatsTable","AttributeDefinitions":[{"AttributeName":"seatBlock","AttributeType":"S"},{"AttributeName":"seatId","AttributeType":"N"}],"KeySchema":[{"AttributeName":"seatBlock","KeyType":"HASH"},{"AttributeName":"seatId","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}}' ''

# BookingsTable
table onsale-local-BookingsTable '{"TableName":"onsale-local-BookingsTable","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"userId","AttributeType":"S"},{"AttributeName":"bookingId","AttributeType":"N"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[{"IndexName":"byUser","KeySchema":[{"AttributeName":"userId","KeyType":"HASH"},{"AttributeName":"bookingId","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]}' ''

# IdempotencyTable
table onsale-local-IdempotencyTable '{"TableName":"onsale-local-IdempotencyTable","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}' 'expiresAt'

# CodesTable
table onsale-local-CodesTable '{"TableName":"onsale-local-CodesTable","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"eventId","AttributeType":"N"},{"AttributeName":"codeId","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[{"IndexName":"byEvent","KeySchema":[{"AttributeName":"eventId","KeyType":"HASH"},{"AttributeName":"codeId","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]}' ''

# HoldExpiryDeadLetterQueue
queue onsale-local-HoldExpiryDeadLetterQueue '{"QueueName":"onsale-local-HoldExpiryDeadLetterQueue","Attributes":{"MessageRetentionPeriod":"1209600"}}'

# SeatChangesDeadLetterQueue
queue onsale-local-SeatChangesDeadLetterQueue '{"QueueName":"onsale-local-SeatChangesDeadLetterQueue","Attributes":{"MessageRetentionPeriod":"1209600"}}'

# HoldExpiryQueue
queue onsale-local-HoldExpiryQueue '{"QueueName":"onsale-local-HoldExpiryQueue","Attributes":{"MessageRetentionPeriod":"345600","RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:onsale-local-HoldExpiryDeadLetterQueue\",\"maxReceiveCount\":\"5\"}","VisibilityTimeout":"90"}}'
