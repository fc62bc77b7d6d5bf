//! `cargo bench -p avi-sim --bench throughput`: requests/s of avi-sim for GET by name,
//! a list of 1000 objects (5 pages of page_size=200) and POST, over HTTP (reqwest
//! keep-alive against `avi_sim::spawn`) and in-process (the same simulator's router,
//! `Handle::router()`, called with `tower::ServiceExt::oneshot`), each next to a
//! baseline measured in the same run over the same path: a bare axum handler serving a
//! similar JSON body (over HTTP, and its router in-process). Then reads of the store
//! itself next to a plain `HashMap` / `Vec`, and the resident memory of a store holding
//! 100k pools (`/proc/self/statm` before and after). Prints figures and the targets;
//! asserts nothing.
//!
//! Each HTTP server runs alone on a tokio current_thread runtime on its own thread, so
//! its CPU time (from `/proc/self/task/<tid>/stat`) gives requests per second on one
//! core whatever the client costs; in-process calls run on the bench's main thread,
//! measured the same way. Environment: `AVI_SIM_BENCH_SECS` (per measurement, may be
//! fractional, default 2), `AVI_SIM_BENCH_CONCURRENCY` (default 32),
//! `AVI_SIM_BENCH_OBJECTS` (memory, default 100000).

#[path = "throughput/http.rs"]
mod http;
#[path = "throughput/inproc.rs"]
mod inproc;
#[path = "throughput/procfs.rs"]
mod procfs;
#[path = "throughput/store.rs"]
mod store;

use std::sync::Arc;
use std::time::Duration;

use avi_sim::Config;
use axum::http::Method;
use serde_json::Value;

use http::{Bare, Client, Run, bare_router, bare_server, drive, one_core_server, pool_body};
use inproc::InProc;

const LIST: usize = 1000;
const PAGE: usize = 200;
const GET_TARGET: f64 = 20_000.0;
const MEM_TARGET_MB: f64 = 200.0;
/// The `X-Avi-Version` both clients send.
const SDK_VERSION: &str = "30.2.1";

/// One benchmarked operation: the method, path and JSON body of its i-th request.
type Op = Arc<dyn Fn(u64) -> (Method, String, Option<Value>) + Send + Sync>;

fn env_num(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn env_secs(key: &str, default: f64) -> Duration {
    let secs = std::env::var(key).ok().and_then(|v| v.parse::<f64>().ok());
    Duration::from_secs_f64(secs.filter(|s| *s > 0.0).unwrap_or(default))
}

fn report(op: &str, mode: &str, unit_per_req: f64, sim: &Run, bare: &Run, target: &str) {
    let fails = sim.failed + bare.failed;
    println!(
        "  {op:<22} {mode:<10} avi-sim {:>9.0}/s ({:>7.0}/s per core)   bare axum {:>9.0}/s ({:>7.0}/s per core)   avi-sim/bare per core {:.2}{}{}",
        sim.per_sec() * unit_per_req,
        sim.per_core() * unit_per_req,
        bare.per_sec() * unit_per_req,
        bare.per_core() * unit_per_req,
        sim.per_core() / bare.per_core(),
        if fails > 0 {
            format!("   [{fails} failed requests]")
        } else {
            String::new()
        },
        target
    );
}

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let time = env_secs("AVI_SIM_BENCH_SECS", 2.0);
    let concurrency = env_num("AVI_SIM_BENCH_CONCURRENCY", 32);
    let objects = env_num("AVI_SIM_BENCH_OBJECTS", 100_000);
    let (sim_server, sim) = one_core_server(|| async {
        let h = avi_sim::spawn(Config::default()).await.expect("avi-sim");
        (h.url(), Arc::new(h))
    });
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("client runtime");
    let client = client_rt.block_on(Client::login(
        &sim_server.url,
        sim.username(),
        sim.password(),
    ));

    // Memory first, before other phases leave freed memory behind for reuse.
    client_rt.block_on(async {
        let r = client.req(Method::POST, "/api/pool");
        let r = r.json(&pool_body("template")).send().await.expect("POST");
        assert!(r.status().is_success(), "template pool: {}", r.status());
    });
    let template = sim
        .snapshot()
        .into_iter()
        .find(|s| s.r#type == "pool")
        .expect("template pool stored");
    store::memory(&template, objects);

    // Fixture: LIST pools, created over HTTP (validated like any POST).
    let names: Vec<String> = (0..LIST).map(|i| format!("pool-{i:04}")).collect();
    client_rt.block_on(async {
        for n in &names {
            let r = client.req(Method::POST, "/api/pool");
            let r = r.json(&pool_body(n)).send().await.expect("POST");
            assert!(r.status().is_success(), "fixture pool {n}: {}", r.status());
        }
    });
    store::reads(&sim, &names, time);

    let (one, page) = client_rt.block_on(async {
        let get = |p: String| client.req(Method::GET, &p).send();
        let one = get("/api/pool?name=pool-0000".into()).await.expect("GET");
        let page = get(format!("/api/pool?page_size={PAGE}"))
            .await
            .expect("GET");
        (
            one.json::<Value>().await.expect("json"),
            page.json::<Value>().await.expect("json"),
        )
    });
    let bare_body = Arc::new(Bare { one, page });
    let bare_in = InProc::anonymous(bare_router(bare_body.clone()));
    let (bare_server, ()) = one_core_server(move || bare_server(bare_body));
    let bare = Client::anonymous(&bare_server.url);
    // In-process calls run on this thread: a runtime of its own, one thread.
    let inproc_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("in-process runtime");
    let host = sim_server.url.trim_start_matches("http://");
    let sim_in = inproc_rt.block_on(InProc::login(
        sim.router(),
        host,
        sim.username(),
        sim.password(),
    ));

    println!(
        "HTTP: each server on one core, reqwest keep-alive, {concurrency} concurrent; in-process: router.oneshot on one thread; {:.1} s each",
        time.as_secs_f64()
    );
    let by_name: Op = Arc::new(move |i| {
        let path = format!("/api/pool?name={}", names[i as usize % LIST]);
        (Method::GET, path, None)
    });
    let pages = (LIST / PAGE) as u64;
    let paged: Op = Arc::new(move |i| {
        let path = format!("/api/pool?page_size={PAGE}&page={}", i % pages + 1);
        (Method::GET, path, None)
    });
    // Distinct names per mode: POSTs of one mode must not collide with the other's.
    let post = |mode: &'static str| -> Op {
        Arc::new(move |i| {
            let body = pool_body(&format!("bench-post-{mode}-{i}"));
            (Method::POST, "/api/pool".into(), Some(body))
        })
    };
    let get_target = format!("   target >= {GET_TARGET:.0} GET/s on one core");
    // POST last: every list counts all pools, so earlier POSTs would slow the lists.
    let ops = [
        ("GET by name", 1.0, by_name.clone(), by_name, get_target),
        (
            "list of 1000 (5 pages)",
            1.0 / pages as f64,
            paged.clone(),
            paged,
            "   (lists/s)".into(),
        ),
        (
            "POST pool",
            1.0,
            post("http"),
            post("inproc"),
            String::new(),
        ),
    ];
    for (name, unit, over_http, in_process, target) in ops {
        let s = client_rt.block_on(drive(
            &client,
            sim_server.tid,
            time,
            concurrency,
            &over_http,
        ));
        let b = client_rt.block_on(drive(&bare, bare_server.tid, time, concurrency, &over_http));
        report(name, "HTTP", unit, &s, &b, &target);
        let s = inproc_rt.block_on(inproc::drive(&sim_in, time, &in_process));
        let b = inproc_rt.block_on(inproc::drive(&bare_in, time, &in_process));
        report("", "in-process", unit, &s, &b, "");
    }
    drop(bare_server);
    drop(sim_server);
}
