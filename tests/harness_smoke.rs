//! The test harness starts a server that answers on loopback.

mod support;

#[tokio::test]
async fn unknown_path_answers_json_404() {
    let server = support::TestServer::start().await;
    let response = support::http_client()
        .get(server.url("/no-such-path"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "not_found");
}
