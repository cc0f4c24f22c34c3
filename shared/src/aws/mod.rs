//! What runs on AWS: the Lambda entry points, the DynamoDB store and the
//! Secrets Manager secret. Built only with the `aws` feature, so the local
//! server does not compile the AWS SDK.

pub mod dynamodb;
pub mod lambda;
pub mod secrets;
