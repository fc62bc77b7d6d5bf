//! Boot sync against avi-sim: wall time and Avi calls for a cold cluster of N
//! Ingresses (1k, 10k; `BOOT_SYNC_SIZES=1000,10000` overrides), the ratio of calls to
//! objects created (target ≤ 1.05), and 1k Ingresses with avi-sim limited to a
//! default controller's 32 requests/s (`BOOT_SYNC_LIMITED=1000` overrides the count,
//! 0 skips it), where the time should approach calls ÷ 32.
//! Baseline, measured in the same run: a bare client creating as many pools.
//! Prints figures; asserts nothing about time.

#[path = "../tests/e2e_support/mod.rs"]
mod e2e_support;

use std::time::{Duration, Instant};

use ako::avi::{AviClient, AviClientConfig, Credentials, RateLimit};
use ako::controller::Controller;
use e2e_support::{Env, web_service, web_slice};
use futures::stream::{self, StreamExt};
use k8s_fixtures::build;
use serde_json::json;

struct Figures {
    ingresses: usize,
    took: Duration,
    calls: u64,
    created: u64,
}

/// Distinct paths over 800 hosts: one pool per Ingress, every LARGE shard used.
fn ingress(i: usize) -> k8s_openapi::api::networking::v1::Ingress {
    build::ingress("red", &format!("ing-{i}"))
        .rule(
            &format!("h{}.bench.example.com", i % 800),
            &format!("/p{i}"),
            "web",
            80,
        )
        .build()
}

async fn boot_sync(n: usize, rate_limited: bool) -> Figures {
    let env = Env::new("bench").await;
    env.apply_global(&build::namespace("red").build()).await;
    let svc = env.apply(&web_service()).await;
    env.apply(&web_slice(&svc, &["10.244.1.5"])).await;
    stream::iter(0..n)
        .for_each_concurrent(16, |i| {
            let env = &env;
            async move {
                env.apply(&ingress(i)).await;
            }
        })
        .await;
    let mut settings = vec![("shardVSSize", "LARGE"), ("apiRateLimit", "100000")];
    if rate_limited {
        env.avi
            .set_rate_limit(Some(avi_sim::RateLimit::avi_default()));
        settings[1] = ("apiRateLimit", "32");
    }
    env.set_config(&settings).await;
    let mut deps = env.deps("ako-bench");
    deps.options.concurrency = 16;
    let start = Instant::now();
    let ctl = Controller::start(deps);
    let st = ctl
        .wait_for(|s| {
            s.is_converged() && s.state.count::<k8s_openapi::api::networking::v1::Ingress>() == n
        })
        .await
        .expect("controller running");
    let took = start.elapsed();
    let counts = env.avi.request_log().client_counts("ako-bench");
    let calls: u64 = counts.values().sum();
    let created: u64 = counts
        .iter()
        .filter(|(k, _)| k.starts_with("POST ") && *k != "POST login")
        .map(|(_, n)| n)
        .sum();
    assert!(st.report.errors.is_empty(), "{:?}", st.report.errors);
    ctl.shutdown().await;
    Figures {
        ingresses: n,
        took,
        calls,
        created,
    }
}

/// The same number of pools created by a bare client (concurrency 16), no controller.
async fn baseline(pools: u64) -> Duration {
    let sim = avi_sim::spawn(avi_sim::Config::default()).await.unwrap();
    let mut cfg = AviClientConfig::new(
        url::Url::parse(&sim.url()).unwrap(),
        Credentials::Password {
            username: sim.username().into(),
            password: sim.password().into(),
        },
    );
    cfg.rate_limit = RateLimit {
        per_second: 1e6,
        burst: 1000,
    };
    let client = AviClient::new(cfg).unwrap();
    client.login().await.unwrap();
    let start = Instant::now();
    stream::iter(0..pools)
        .for_each_concurrent(16, |i| {
            let client = &client;
            async move {
                let body = json!({"name": format!("baseline-{i}"), "cloud_ref": "/api/cloud?name=Default-Cloud"});
                let _: serde_json::Value = client.create("pool", &body).await.unwrap();
            }
        })
        .await;
    start.elapsed()
}

fn print(label: &str, f: &Figures, base: Option<Duration>) {
    let ratio = f.calls as f64 / f.created.max(1) as f64;
    print!(
        "{label}: {} Ingresses, boot sync {:.2?}, {} Avi calls, {} objects created, calls/objects {ratio:.3}",
        f.ingresses, f.took, f.calls, f.created
    );
    if let Some(b) = base {
        print!(", baseline (bare client, same creates) {b:.2?}");
    }
    println!();
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let sizes: Vec<usize> = std::env::var("BOOT_SYNC_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1000, 10_000]);
    let limited: usize = std::env::var("BOOT_SYNC_LIMITED")
        .ok()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(1000);
    println!(
        "boot sync: unlimited sizes {sizes:?}; rate-limited (32 req/s) size {}; target calls/objects <= 1.05",
        if limited == 0 {
            "skipped".to_string()
        } else {
            limited.to_string()
        }
    );
    runtime.block_on(async {
        for n in sizes {
            let f = boot_sync(n, false).await;
            let base = baseline(f.created).await;
            print("unlimited", &f, Some(base));
        }
        if limited > 0 {
            let f = boot_sync(limited, true).await;
            print("avi-sim at 32 req/s", &f, None);
            println!(
                "  calls / 32 = {:.1}s (the floor a default controller's rate limit sets), boot sync / floor = {:.2}",
                f.calls as f64 / 32.0,
                f.took.as_secs_f64() / (f.calls as f64 / 32.0).max(1e-9)
            );
        }
    });
}
