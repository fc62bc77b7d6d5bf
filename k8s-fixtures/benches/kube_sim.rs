//! kube-sim figures: request baseline (GET /version per second), writes per second, watch
//! fan-out to 10 watchers (events delivered per second), and resident memory holding 100k
//! objects (target: under 500 MB). Prints numbers; asserts nothing about time.
//!
//! Run: `cargo bench -p k8s-fixtures --bench kube_sim`. Environment:
//! `KUBE_SIM_BENCH_OBJECTS` (memory, default 100000), `KUBE_SIM_BENCH_REQUESTS` (requests
//! of the baseline and creates watched by the fan-out, default 5000).

use std::time::Instant;

use futures::{StreamExt, TryStreamExt, stream};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, PostParams, WatchEvent, WatchParams};
use serde_json::json;

use k8s_fixtures::kube_sim;

const CONCURRENCY: usize = 32;

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok());
    kb.unwrap_or(0.0) / 1024.0
}

fn cm(i: usize) -> ConfigMap {
    serde_json::from_value(json!({
        "metadata": {"name": format!("cm-{i:06}"), "labels": {"app": format!("app-{}", i % 50), "tier": "bench"}},
        "data": {"key": format!("value-{i}"), "other": "x"},
    }))
    .unwrap_or_default()
}

async fn create_range(api: &Api<ConfigMap>, from: usize, to: usize) -> usize {
    stream::iter(from..to)
        .map(|i| {
            let api = api.clone();
            async move { api.create(&PostParams::default(), &cm(i)).await.is_ok() }
        })
        .buffer_unordered(CONCURRENCY)
        .filter(|ok| futures::future::ready(*ok))
        .count()
        .await
}

fn env_count(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let objects = env_count("KUBE_SIM_BENCH_OBJECTS", 100_000);
    let requests = env_count("KUBE_SIM_BENCH_REQUESTS", 5_000);
    println!("kube-sim: {requests} requests per figure, memory at {objects} objects");
    let cfg = kube_sim::Config {
        history_limit: 10_000,
        ..Default::default()
    };
    let sim = kube_sim::spawn_with(cfg).await.expect("kube-sim starts");
    let client = sim.client();
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let rss_start = rss_mb();

    // Baseline: the cheapest request, same client and connection pool.
    let n = requests;
    let t = Instant::now();
    let ok = stream::iter(0..n)
        .map(|_| {
            let c = client.clone();
            async move { c.apiserver_version().await.is_ok() }
        })
        .buffer_unordered(CONCURRENCY)
        .filter(|ok| futures::future::ready(*ok))
        .count()
        .await;
    println!(
        "baseline: {:.0} GET /version per s ({ok} requests)",
        ok as f64 / t.elapsed().as_secs_f64()
    );

    // Fan-out: 10 watchers see every create.
    let fanout = requests.min(objects);
    let rv = sim.resource_version().to_string();
    let mut watchers = Vec::new();
    for _ in 0..10 {
        let s = api
            .watch(&WatchParams::default().timeout(600), &rv)
            .await
            .expect("watch starts");
        watchers.push(tokio::spawn(async move {
            let mut s = s.boxed();
            let mut seen = 0usize;
            while seen < fanout {
                match s.try_next().await {
                    Ok(Some(WatchEvent::Added(_))) => seen += 1,
                    Ok(Some(_)) => {}
                    _ => break,
                }
            }
            seen
        }));
    }
    let t = Instant::now();
    let written = create_range(&api, 0, fanout).await;
    let write_secs = t.elapsed().as_secs_f64();
    let mut delivered = 0;
    for w in watchers {
        delivered += w.await.unwrap_or(0);
    }
    let fan_secs = t.elapsed().as_secs_f64();
    println!(
        "writes: {:.0} creates per s ({written} objects, concurrency {CONCURRENCY})",
        written as f64 / write_secs
    );
    println!(
        "watch fan-out: {delivered} events to 10 watchers in {fan_secs:.2}s = {:.0} events per s",
        delivered as f64 / fan_secs
    );

    // Memory: fill up to `objects`.
    let t = Instant::now();
    let more = create_range(&api, fanout, objects).await;
    println!(
        "filled {} objects in {:.1}s ({:.0} creates per s)",
        more + written,
        t.elapsed().as_secs_f64(),
        more as f64 / t.elapsed().as_secs_f64()
    );
    let rss = rss_mb();
    println!(
        "memory: {:.0} MB resident holding {} objects (start {:.0} MB, +{:.0} MB, {:.0} bytes/object; target < 500 MB)",
        rss,
        sim.object_count(),
        rss_start,
        rss - rss_start,
        (rss - rss_start) * 1024.0 * 1024.0 / sim.object_count().max(1) as f64
    );
    let t = Instant::now();
    let listed = api
        .list(&Default::default())
        .await
        .map(|l| l.items.len())
        .unwrap_or(0);
    println!(
        "list: {listed} objects in {:.2}s",
        t.elapsed().as_secs_f64()
    );
}
