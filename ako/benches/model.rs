//! `cargo bench -p ako --no-default-features --bench model`: build time of
//! `model::build` for 1k and 10k Ingresses (10 paths each, 2000 hosts, a fifth of
//! them TLS, LARGE shards), with a baseline measured in the same run: deep-cloning
//! the same input objects. Prints figures only; asserts nothing about time.
//!
//! Environment: `MODEL_BENCH_SIZES` (default `1000,10000`), `MODEL_BENCH_RUNS` (best
//! of, default 5; quick mode uses fewer).

use std::fmt::Write;
use std::hint::black_box;
use std::time::{Duration, Instant};

use ako::config::AkoConfig;
use ako::model::{self, ClusterState, StateObject};
use ako::shard::ShardSize;
use k8s_openapi::api::core::v1::{Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;

const PATHS: usize = 10;
const HOSTS: usize = 2000;
const NAMESPACES: usize = 50;

/// Manifests for `n` Ingresses: per namespace one TLS secret; per Ingress one
/// Service with a 3-endpoint slice; Ingress i routes host i % HOSTS.
fn manifests(n: usize) -> String {
    let mut y = String::with_capacity(n * 2500);
    for ns in 0..NAMESPACES {
        let _ = write!(
            y,
            "---\napiVersion: v1\nkind: Secret\nmetadata: {{name: tls, namespace: ns{ns}}}\nstringData:\n  tls.crt: \"-----BEGIN CERTIFICATE-----\\nMII\\n\"\n  tls.key: \"-----BEGIN PRIVATE KEY-----\\nMII\\n\"\n"
        );
    }
    for i in 0..n {
        let ns = i % NAMESPACES;
        let host = i % HOSTS;
        let _ = write!(
            y,
            "---\napiVersion: v1\nkind: Service\nmetadata: {{name: svc{i}, namespace: ns{ns}}}\nspec: {{ports: [{{port: 80, targetPort: 8080}}]}}\n\
             ---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {{name: svc{i}-1, namespace: ns{ns}, labels: {{kubernetes.io/service-name: svc{i}}}}}\naddressType: IPv4\nports: [{{port: 8080}}]\nendpoints: [{{addresses: [10.{a}.{b}.1]}}, {{addresses: [10.{a}.{b}.2]}}, {{addresses: [10.{a}.{b}.3]}}]\n\
             ---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{name: ing{i}, namespace: ns{ns}}}\nspec:\n",
            a = i / 250,
            b = i % 250,
        );
        if host.is_multiple_of(5) {
            let _ = writeln!(
                y,
                "  tls: [{{hosts: [host{host}.example.com], secretName: tls}}]"
            );
        }
        let _ = write!(
            y,
            "  rules:\n  - host: host{host}.example.com\n    http:\n      paths:\n"
        );
        for p in 0..PATHS {
            let _ = writeln!(
                y,
                "      - {{path: /i{i}/p{p}, pathType: Prefix, backend: {{service: {{name: svc{i}, port: {{number: 80}}}}}}}}"
            );
        }
    }
    y
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Deep-clones every object of kind `T`; returns a checksum so nothing is elided.
fn clone_all<T: StateObject + Clone>(state: &ClusterState) -> usize {
    state
        .iter::<T>()
        .map(|(_, o)| {
            black_box((**o).clone())
                .meta()
                .name
                .as_ref()
                .map_or(0, String::len)
        })
        .sum()
}

fn deep_clone(state: &ClusterState) -> usize {
    clone_all::<Ingress>(state)
        + clone_all::<Service>(state)
        + clone_all::<EndpointSlice>(state)
        + clone_all::<Secret>(state)
}

/// `MODEL_BENCH_SIZES` / `MODEL_BENCH_RUNS`, else the full run's defaults.
fn settings() -> (Vec<usize>, usize) {
    let sizes: Vec<usize> = std::env::var("MODEL_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    let runs = std::env::var("MODEL_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|r| *r > 0)
        .unwrap_or(5);
    (sizes, runs)
}

fn main() {
    let mut cfg = AkoConfig::new("bench");
    cfg.shard_size = ShardSize::Large;
    let (sizes, runs) = settings();
    println!(
        "model::build, {PATHS} paths per Ingress, {HOSTS} hosts, LARGE shards (best of {runs}; sizes {sizes:?}); target 10k < 1 s on one core"
    );
    println!(
        "{:>9} {:>12} {:>14} {:>12} {:>12} {:>10} {:>8}",
        "ingresses", "build", "per ingress", "drop", "baseline", "objects", "diags"
    );
    for n in sizes {
        let mut state = ClusterState::new();
        let errors = model::input::load(&mut state, &manifests(n));
        assert!(errors.is_empty(), "{errors:?}");
        // Build and drop timed apart: dropping ~100k JSON bodies is the caller's cost.
        let mut size = (0, 0);
        let (mut build, mut drop_time) = (Duration::MAX, Duration::MAX);
        for _ in 0..runs {
            let t = Instant::now();
            let result = model::build(black_box(&state), &cfg);
            build = build.min(t.elapsed());
            size = (result.0.objects.len(), result.1.len());
            let t = Instant::now();
            drop(black_box(result));
            drop_time = drop_time.min(t.elapsed());
        }
        let baseline = best_of(runs, || {
            black_box(deep_clone(&state));
        });
        println!(
            "{n:>9} {:>10.1}ms {:>12.2}µs {:>10.1}ms {:>10.1}ms {:>10} {:>8}",
            build.as_secs_f64() * 1e3,
            build.as_secs_f64() * 1e6 / n as f64,
            drop_time.as_secs_f64() * 1e3,
            baseline.as_secs_f64() * 1e3,
            size.0,
            size.1
        );
    }
    println!("baseline = deep-cloning every Ingress, Service, EndpointSlice and Secret once");
}
