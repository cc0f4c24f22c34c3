//! A loopback web server for client ID metadata documents: each path returns
//! a configured status, headers and body, and every request is counted.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// One configured response.
#[derive(Clone, Debug)]
pub struct Page {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

#[derive(Default)]
struct State {
    pages: HashMap<String, Page>,
    hits: HashMap<String, usize>,
}

/// A running document server. Dropping it stops the server.
pub struct DocumentServer {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    state: Arc<Mutex<State>>,
    _shutdown: oneshot::Sender<()>,
}

impl DocumentServer {
    /// Starts the server on a free loopback port.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let (shutdown, mut stopped) = oneshot::channel::<()>();
        let served = state.clone();
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    accepted = listener.accept() => accepted,
                    _ = &mut stopped => return,
                };
                let Ok((stream, _)) = accepted else { continue };
                let state = served.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let state = state.clone();
                        async move { Ok::<_, Infallible>(respond(&state, &request)) }
                    });
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            base_url,
            state,
            _shutdown: shutdown,
        }
    }

    /// `base_url` joined with `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Serves `body` as JSON at `path`.
    pub fn json(&self, path: &str, body: &serde_json::Value) {
        self.page(
            path,
            Page {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: body.to_string(),
            },
        );
    }

    /// Serves `page` at `path`.
    pub fn page(&self, path: &str, page: Page) {
        self.state
            .lock()
            .unwrap()
            .pages
            .insert(path.to_owned(), page);
    }

    /// Returns how many requests `path` received.
    pub fn hits(&self, path: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .hits
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

fn respond(
    state: &Mutex<State>,
    request: &hyper::Request<hyper::body::Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let path = request.uri().path().to_owned();
    let mut state = state.lock().unwrap();
    *state.hits.entry(path.clone()).or_default() += 1;
    let page = state.pages.get(&path).cloned().unwrap_or(Page {
        status: 404,
        headers: Vec::new(),
        body: String::new(),
    });
    let mut response = hyper::Response::builder().status(page.status);
    for (name, value) in &page.headers {
        response = response.header(name, value);
    }
    response.body(Full::new(Bytes::from(page.body))).unwrap()
}
