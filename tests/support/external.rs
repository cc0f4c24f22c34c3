//! Runs clients this project did not write (the official TypeScript and
//! Python SDKs, the conformance suite, MCP Inspector, Chromium) as child
//! processes against a server the test started, each bounded by a timeout.
//!
//! `scripts/install-test-deps.sh` installs them and writes their paths to
//! `~/.cache/neonpanel-mcp/test-deps.env` (or the file named by
//! `NEONPANEL_MCP_TEST_DEPS`). A test whose dependency is missing fails and
//! names that script, so a machine without them never passes silently.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::Command;

/// The script that installs every external client.
pub const INSTALL_SCRIPT: &str = "scripts/install-test-deps.sh";

/// Paths of the installed external clients.
#[derive(Clone, Debug)]
pub struct TestDeps {
    /// Node.js 22, which the conformance suite and Inspector need.
    pub node: PathBuf,
    /// The `node_modules` folder with the packages of `tests/clients`.
    pub node_modules: PathBuf,
    /// Python of the venv holding the official `mcp` SDK.
    pub python: PathBuf,
    /// Debian's Chromium.
    pub chromium: PathBuf,
}

impl TestDeps {
    /// Reads the paths written by the install script; environment variables
    /// of the same names override them. Panics, naming the install script,
    /// when a path is missing.
    pub fn load() -> Self {
        let file = std::env::var_os("NEONPANEL_MCP_TEST_DEPS")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let home = std::env::var_os("HOME").unwrap_or_default();
                Path::new(&home).join(".cache/neonpanel-mcp/test-deps.env")
            });
        let mut values: HashMap<String, String> = std::fs::read_to_string(&file)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .collect();
        let mut path = |name: &str| -> PathBuf {
            if let Ok(value) = std::env::var(name) {
                values.insert(name.to_owned(), value);
            }
            let value = values.get(name).cloned().unwrap_or_else(|| {
                panic!(
                    "{name} is not set and {} has no value for it: run `bash {INSTALL_SCRIPT}` first",
                    file.display()
                )
            });
            let path = PathBuf::from(value);
            assert!(
                path.exists(),
                "{name}={} does not exist: run `bash {INSTALL_SCRIPT}` first",
                path.display()
            );
            path
        };
        Self {
            node: path("NEONPANEL_MCP_NODE22"),
            node_modules: path("NEONPANEL_MCP_NODE_MODULES"),
            python: path("NEONPANEL_MCP_PYTHON"),
            chromium: path("NEONPANEL_MCP_CHROMIUM"),
        }
    }

    /// A file of `tests/clients`, checking that the install script linked its
    /// `node_modules` there.
    pub fn script(&self, name: &str) -> PathBuf {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients");
        assert!(
            folder.join("node_modules").exists(),
            "tests/clients/node_modules is missing: run `bash {INSTALL_SCRIPT}` first"
        );
        folder.join(name)
    }

    /// The executable of an npm package's command, such as `conformance`.
    pub fn npm_bin(&self, name: &str) -> PathBuf {
        self.node_modules.join(".bin").join(name)
    }
}

/// What a finished child process printed.
#[derive(Debug)]
pub struct Finished {
    pub stdout: String,
    pub stderr: String,
    pub success: bool,
    pub elapsed: Duration,
}

impl Finished {
    /// Panics with both outputs unless the process exited with status 0.
    pub fn assert_success(&self, what: &str) {
        assert!(
            self.success,
            "{what} failed after {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.elapsed, self.stdout, self.stderr
        );
    }

    /// Parses the last stdout line as JSON, the report the client scripts print.
    pub fn report(&self) -> serde_json::Value {
        let line = self.stdout.lines().last().unwrap_or_default();
        serde_json::from_str(line).unwrap_or_else(|error| {
            panic!(
                "last output line is no JSON report ({error}): {line}\n{}",
                self.stderr
            )
        })
    }
}

/// Runs `command` until it exits or `timeout` passes. On time-out the child
/// is killed (by its own handle, so only that process) and the test fails.
pub async fn run(mut command: Command, timeout: Duration) -> Finished {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let description = format!("{:?}", command.as_std());
    let started = Instant::now();
    let child = command
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {description}: {error}"));
    match tokio::time::timeout(timeout, child.wait_with_output()).await {
        Ok(output) => {
            let output = output.unwrap();
            Finished {
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
                success: output.status.success(),
                elapsed: started.elapsed(),
            }
        }
        // Dropping the future drops the child, which kill_on_drop kills.
        Err(_) => panic!("{description} did not finish within {timeout:?} and was killed"),
    }
}

/// A Node.js 22 command running `script`, free of the caller's `NODE_OPTIONS`.
pub fn node(deps: &TestDeps, script: &Path) -> Command {
    let mut command = Command::new(&deps.node);
    command.arg(script).env_remove("NODE_OPTIONS");
    command
}
