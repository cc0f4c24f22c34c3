//! Lambda function serving the token endpoint, `POST /token`.
//! Configuration comes from the environment that `template.yaml` sets.

use neonpanel_mcp::aws::lambda::{self, Function};

#[tokio::main]
async fn main() -> Result<(), lambda::Error> {
    lambda::run(Function::Token).await
}
