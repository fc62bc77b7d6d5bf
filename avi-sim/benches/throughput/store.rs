//! Store-level figures of the throughput bench: reads of the running simulator's store
//! (`Handle::store()`) next to a plain `HashMap` / `Vec` of the same bodies, and the
//! resident memory of a store holding many objects.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use avi_sim::{Handle, Saved, Store};
use serde_json::{Value, json};

use crate::procfs::rss;
use crate::{LIST, MEM_TARGET_MB};

/// Calls `op(i)` for `time`; returns calls per second.
fn rate(time: Duration, mut op: impl FnMut(usize)) -> f64 {
    let start = Instant::now();
    let mut n = 0usize;
    while start.elapsed() < time {
        for _ in 0..64 {
            op(n);
            n += 1;
        }
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Lookup + stored body rebuilt + JSON serialisation, against a `HashMap` / `Vec`.
pub fn reads(h: &Handle, names: &[String], time: Duration) {
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
    let sim_get = rate(time, |i| {
        let store = h.store();
        let o = store.find(spec, "admin", &names[i % names.len()], None);
        black_box(
            serde_json::to_vec(&o.map(|o| Saved::from(o).body))
                .map(|v| v.len())
                .ok(),
        );
    });
    let map_get = rate(time, |i| {
        let o = plain.get(&names[i % names.len()]);
        black_box(serde_json::to_vec(&o).map(|v| v.len()).ok());
    });
    let sim_list = rate(time, |_| {
        let store = h.store();
        let page: Vec<_> = store
            .of_type("pool")
            .take(LIST)
            .map(|o| Saved::from(o).body)
            .collect();
        black_box(serde_json::to_vec(&page).map(|v| v.len()).ok());
    });
    let vec_list = rate(time, |_| {
        black_box(serde_json::to_vec(&list[..]).map(|v| v.len()).ok());
    });
    println!(
        "store only (one thread; lookup + stored body rebuilt + JSON; no router, no ref rendering):"
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
}

/// RSS growth of a store rebuilt from `n` copies of a validated pool (as POST stores
/// it). The copies are made one at a time as `restore` consumes them, so the figure is
/// the store, not a transient list of inputs.
pub fn memory(template: &Saved, n: u64) {
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
