//! `cargo bench -p avi-sim --bench throughput`: requests/s of avi-sim for GET by name,
//! a list of 1000 objects (5 pages of page_size=200) and POST, over HTTP (reqwest
//! keep-alive against `avi_sim::spawn`) and in-process (the store behind the running
//! simulator, read through `Handle::store()`), each next to a baseline measured in the
//! same run over the same path: a bare axum handler serving a similar JSON body, and a
//! plain `HashMap` of the same bodies. Then the resident memory of a store holding
//! 100k pools (`/proc/self/statm` before and after). Prints figures and the targets;
//! asserts nothing.
//!
//! Each HTTP server runs alone on a tokio current_thread runtime on its own thread, so
//! its CPU time (from `/proc/self/task/<tid>/stat`) gives requests per second on one
//! core whatever the client costs. Environment: `AVI_SIM_BENCH_SECS` (per measurement,
//! default 2), `AVI_SIM_BENCH_CONCURRENCY` (default 32), `AVI_SIM_BENCH_OBJECTS`
//! (memory, default 100000).

#[path = "throughput/http.rs"]
mod http;
#[path = "throughput/procfs.rs"]
mod procfs;

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use avi_sim::{Config, Handle, Saved, Store};
use serde_json::{Value, json};

use http::{Bare, Client, MakeReq, Run, bare_server, drive, one_core_server, pool_body};
use procfs::rss;

const LIST: usize = 1000;
const PAGE: usize = 200;
const GET_TARGET: f64 = 20_000.0;
const MEM_TARGET_MB: f64 = 200.0;

fn env_num(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn report(op: &str, unit_per_req: f64, sim: &Run, bare: &Run, target: &str) {
    let fails = sim.failed + bare.failed;
    println!(
        "  {op:<22} avi-sim {:>9.0} req/s ({:>7.0}/s per server core)   bare axum {:>9.0} req/s ({:>7.0}/s per core)   avi-sim/bare per core {:.2}{}{}",
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

// ---- in-process: the store behind the running simulator ---------------------------

/// Calls `op(i)` for `secs` seconds; returns calls per second.
fn rate(secs: u64, mut op: impl FnMut(usize)) -> f64 {
    let start = Instant::now();
    let mut n = 0usize;
    while start.elapsed() < Duration::from_secs(secs) {
        for _ in 0..64 {
            op(n);
            n += 1;
        }
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn in_process(h: &Handle, names: &[String], secs: u64) {
    let (spec, plain): (_, HashMap<String, Value>) = {
        let store = h.store();
        let spec = store.of_type("pool").next().expect("a pool").spec;
        let plain = store
            .of_type("pool")
            .map(|o| (o.name.to_string(), Value::Object(Saved::from(o).body)))
            .collect();
        (spec, plain)
    };
    let list: Vec<Value> = plain.values().take(LIST).cloned().collect();
    let sim_get = rate(secs, |i| {
        let store = h.store();
        let o = store.find(spec, "admin", &names[i % names.len()], None);
        black_box(
            serde_json::to_vec(&o.map(|o| Saved::from(o).body))
                .map(|v| v.len())
                .ok(),
        );
    });
    let map_get = rate(secs, |i| {
        let o = plain.get(&names[i % names.len()]);
        black_box(serde_json::to_vec(&o).map(|v| v.len()).ok());
    });
    let sim_list = rate(secs, |_| {
        let store = h.store();
        let page: Vec<_> = store
            .of_type("pool")
            .take(LIST)
            .map(|o| Saved::from(o).body)
            .collect();
        black_box(serde_json::to_vec(&page).map(|v| v.len()).ok());
    });
    let vec_list = rate(secs, |_| {
        black_box(serde_json::to_vec(&list[..]).map(|v| v.len()).ok());
    });
    println!(
        "in-process (one thread; lookup + stored body rebuilt + JSON serialisation; no HTTP, no ref rendering):"
    );
    println!(
        "  {:<22} avi-sim store {sim_get:>9.0} /s   HashMap {map_get:>9.0} /s   store/HashMap {:.2}",
        "GET by name",
        sim_get / map_get
    );
    println!(
        "  {:<22} avi-sim store {sim_list:>9.0} /s   Vec     {vec_list:>9.0} /s   store/Vec {:.2}",
        "list of 1000",
        sim_list / vec_list
    );
    println!(
        "  {:<22} n/a: avi-sim exposes no in-process write path (its router is private)",
        "POST"
    );
}

// ---- memory ------------------------------------------------------------------------

/// RSS growth of a store rebuilt from `n` copies of a validated pool (as POST stores
/// it). The copies are made one at a time as `restore` consumes them, so the figure is
/// the store, not a transient list of inputs.
fn memory(template: &Saved, n: u64) {
    let before = rss();
    let saved = (0..n).map(|i| {
        let mut s = template.clone();
        s.uuid = format!("pool-{}", uuid::Uuid::new_v4());
        s.body.insert("uuid".into(), json!(s.uuid));
        s.body
            .insert("name".into(), json!(format!("mem-pool-{i:06}")));
        s
    });
    let store = Store::restore(saved).expect("restore");
    let grown = rss().saturating_sub(before);
    let mb = grown as f64 / (1024.0 * 1024.0);
    println!(
        "memory: store of {} pools: {mb:.1} MB resident ({} bytes/object)   target < {MEM_TARGET_MB:.0} MB for 100k",
        store.len(),
        grown / n.max(1)
    );
}

// ---- main ------------------------------------------------------------------------------

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let secs = env_num("AVI_SIM_BENCH_SECS", 2);
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
        let r = client.req(reqwest::Method::POST, "/api/pool");
        let r = r.json(&pool_body("template")).send().await.expect("POST");
        assert!(r.status().is_success(), "template pool: {}", r.status());
    });
    let template = sim
        .snapshot()
        .into_iter()
        .find(|s| s.r#type == "pool")
        .expect("template pool stored");
    memory(&template, objects);

    // Fixture: LIST pools, created over HTTP (validated like any POST).
    let names: Vec<String> = (0..LIST).map(|i| format!("pool-{i:04}")).collect();
    client_rt.block_on(async {
        for n in &names {
            let r = client.req(reqwest::Method::POST, "/api/pool");
            let r = r.json(&pool_body(n)).send().await.expect("POST");
            assert!(r.status().is_success(), "fixture pool {n}: {}", r.status());
        }
    });
    in_process(&sim, &names, secs);

    let (one, page) = client_rt.block_on(async {
        let get = |p: String| client.req(reqwest::Method::GET, &p).send();
        let one = get("/api/pool?name=pool-0000".into()).await.expect("GET");
        let page = get(format!("/api/pool?page_size={PAGE}"))
            .await
            .expect("GET");
        (
            one.json::<Value>().await.expect("json"),
            page.json::<Value>().await.expect("json"),
        )
    });
    let (bare_server, ()) = one_core_server(move || bare_server(Arc::new(Bare { one, page })));
    let bare = Client::anonymous(&bare_server.url);

    println!(
        "over HTTP (each server on one core, reqwest keep-alive, {concurrency} concurrent, {secs} s each):"
    );
    let n = names.len() as u64;
    let by_name: MakeReq = {
        let names = names.clone();
        Arc::new(move |c, i| {
            let path = format!("/api/pool?name={}", names[(i % n) as usize]);
            c.req(reqwest::Method::GET, &path)
        })
    };
    let pages = (LIST / PAGE) as u64;
    let paged: MakeReq = Arc::new(move |c, i| {
        let path = format!("/api/pool?page_size={PAGE}&page={}", i % pages + 1);
        c.req(reqwest::Method::GET, &path)
    });
    let post: MakeReq = Arc::new(|c, i| {
        c.req(reqwest::Method::POST, "/api/pool")
            .json(&pool_body(&format!("bench-post-{i}")))
    });
    let run = |c: &Client, tid, make: &MakeReq| {
        client_rt.block_on(drive(c, tid, secs, concurrency, make.clone()))
    };
    let s = run(&client, sim_server.tid, &by_name);
    let b = run(&bare, bare_server.tid, &by_name);
    report(
        "GET by name",
        1.0,
        &s,
        &b,
        &format!("   target >= {GET_TARGET:.0} GET/s on one core"),
    );
    let s = run(&client, sim_server.tid, &paged);
    let b = run(&bare, bare_server.tid, &paged);
    report(
        "list of 1000 (5 pages)",
        1.0 / pages as f64,
        &s,
        &b,
        "   (lists/s)",
    );
    let s = run(&client, sim_server.tid, &post);
    let b = run(&bare, bare_server.tid, &post);
    report("POST pool", 1.0, &s, &b, "");
    drop(bare_server);
    drop(sim_server);
}
