//! The `neonpanel-mcp-local` binary as a user starts it: refuses to start
//! without its secrets, prints the MCP URL, and keeps registered clients
//! across a restart.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_neonpanel-mcp-local");

/// A running server process, ended by its process id when dropped.
struct LocalServer {
    child: Child,
    port: u16,
}

impl LocalServer {
    /// Starts the binary and waits (at most 30 seconds) for its MCP URL line.
    fn start(data_dir: &Path) -> Self {
        let port = free_port();
        let mut child = Command::new(BINARY)
            .env_clear()
            .env("NEONPANEL_IAT", "np-local-test-iat")
            .env("NEONPANEL_MCP_ACCESS_CODE", "open-sesame")
            .env("NEONPANEL_MCP_PORT", port.to_string())
            .env("NEONPANEL_MCP_DATA_DIR", data_dir)
            .env("NEONPANEL_API_URL", "http://127.0.0.1:9")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the local server binary starts");

        let stdout = child.stdout.take().unwrap();
        let (lines, received) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let line = received
            .recv_timeout(Duration::from_secs(30))
            .expect("the server prints its MCP URL within 30 seconds");
        assert_eq!(line, format!("MCP URL: http://127.0.0.1:{port}/mcp"));
        Self { child, port }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn run_without(variable: &str) -> (i32, String) {
    let data_dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(BINARY);
    command
        .env_clear()
        .env("NEONPANEL_MCP_PORT", free_port().to_string())
        .env("NEONPANEL_MCP_DATA_DIR", data_dir.path());
    for (name, value) in [
        ("NEONPANEL_IAT", "np-local-test-iat"),
        ("NEONPANEL_MCP_ACCESS_CODE", "open-sesame"),
    ] {
        if name != variable {
            command.env(name, value);
        }
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn missing_iat_stops_start_with_message() {
    let (code, stderr) = run_without("NEONPANEL_IAT");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("NEONPANEL_IAT is missing"),
        "stderr: {stderr}"
    );
}

#[test]
fn missing_access_code_stops_start_with_message() {
    let (code, stderr) = run_without("NEONPANEL_MCP_ACCESS_CODE");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("NEONPANEL_MCP_ACCESS_CODE is missing"),
        "stderr: {stderr}"
    );
}

#[tokio::test]
async fn registered_client_survives_restart() {
    let data_dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let redirect_uri = "http://127.0.0.1:4567/callback";

    let client_id = {
        let server = LocalServer::start(data_dir.path());
        let metadata = http
            .get(server.url("/.well-known/oauth-authorization-server"))
            .send()
            .await
            .unwrap();
        assert_eq!(metadata.status(), 200);
        let registration = http
            .post(server.url("/register"))
            .json(&serde_json::json!({
                "client_name": "Restart test",
                "redirect_uris": [redirect_uri],
                "token_endpoint_auth_method": "none",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(registration.status(), 201);
        let body: serde_json::Value = registration.json().await.unwrap();
        body["client_id"].as_str().unwrap().to_owned()
    };

    let server = LocalServer::start(data_dir.path());
    let consent = http
        .get(server.url("/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("state", "restart-state"),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        consent.status(),
        200,
        "the client registered before the restart is still known"
    );
    let page = consent.text().await.unwrap();
    assert!(page.contains("Restart test"));
}
