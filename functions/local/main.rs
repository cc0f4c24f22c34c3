//! The local development server: every route on one loopback port.
//! Configuration is read from environment variables; see README.md.

use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    if let Err(message) = neonpanel_mcp::local::run_from_env().await {
        eprintln!("neonpanel-mcp-local: {message}");
        std::process::exit(2);
    }
}
