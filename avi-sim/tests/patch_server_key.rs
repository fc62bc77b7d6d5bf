//! PATCH on pool servers as Avi documents it ("API - HTTP PATCH Support": list entries
//! are identified by a key; for pool servers the key is `ip` + `port`): `add` with an
//! existing server updates it, `delete` with just the `ip` removes it.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

type Server = (String, Option<i64>, Option<i64>);

/// PATCHes `path` and returns the servers as (addr, port, ratio).
async fn patch_servers(api: &Api, path: &str, body: Value) -> Vec<Server> {
    let (s, v) = api.patch(path, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["servers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["ip"]["addr"].as_str().unwrap_or_default().to_string(),
                s["port"].as_i64(),
                s["ratio"].as_i64(),
            )
        })
        .collect()
}

fn ip(addr: &str) -> Value {
    json!({"addr": addr, "type": "V4"})
}

#[tokio::test]
async fn patch_identifies_pool_servers_by_ip_and_port() {
    let h = sim().await;
    let api = login(&h).await;
    let p = api
        .create(
            "pool",
            json!({"name": "p", "servers": [
                {"ip": ip("1.1.1.1")}, {"ip": ip("1.1.1.1"), "port": 8080}, {"ip": ip("1.1.1.2")}
            ]}),
        )
        .await;
    let path = format!("/api/pool/{}", uuid(&p));

    // "Update Server Information in a Pool": add with an existing key updates in place.
    let add = json!({"add": {"servers": [{"ip": ip("1.1.1.1"), "ratio": 10}]}});
    assert_eq!(
        patch_servers(&api, &path, add).await,
        [
            ("1.1.1.1".into(), None, Some(10)),
            ("1.1.1.1".into(), Some(8080), Some(1)),
            ("1.1.1.2".into(), None, Some(1)),
        ],
        "the server without a port is updated, the one on 8080 is another entry"
    );

    // "Delete a Server from a Pool": the key alone names the entry.
    let delete = json!({"delete": {"servers": [{"ip": ip("1.1.1.2")}]}});
    assert_eq!(
        patch_servers(&api, &path, delete).await,
        [
            ("1.1.1.1".into(), None, Some(10)),
            ("1.1.1.1".into(), Some(8080), Some(1)),
        ]
    );
}
