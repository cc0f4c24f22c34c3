//! neonpanel-mcp: an OAuth 2.1 authorization server and an MCP resource
//! server that lets MCP clients work with a NeonPanel account.
//!
//! Every endpoint is a function from a buffered [`web::Request`] to a
//! [`web::Response`], so the Lambda functions and the local server share one
//! implementation and differ only in wiring.

pub mod app;
#[cfg(feature = "aws")]
pub mod aws;
pub mod clock;
pub mod config;
pub mod cors;
pub mod jwt;
pub mod local;
pub mod mcp;
pub mod neonpanel;
pub mod oauth;
pub mod scope;
pub mod secret;
pub mod store;
pub mod tools;
pub mod web;
