//! Lambda function serving the OAuth protected resource and authorization server metadata.
//! Configuration comes from the environment that `template.yaml` sets.

use neonpanel_mcp::aws::lambda::{self, Function};

#[tokio::main]
async fn main() -> Result<(), lambda::Error> {
    lambda::run(Function::Metadata).await
}
