//! Lambda function serving the consent page and decision, `/authorize`.
//! Configuration comes from the environment that `template.yaml` sets.

use neonpanel_mcp::aws::lambda::{self, Function};

#[tokio::main]
async fn main() -> Result<(), lambda::Error> {
    lambda::run(Function::Authorize).await
}
