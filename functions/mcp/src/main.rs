//! Lambda function serving the MCP endpoint, `/mcp`.
//! Configuration comes from the environment that `template.yaml` sets.

use neonpanel_mcp::aws::lambda::{self, Function};

#[tokio::main]
async fn main() -> Result<(), lambda::Error> {
    lambda::run(Function::Mcp).await
}
