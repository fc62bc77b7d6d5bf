//! `expect_invariants`: the invariants of DESIGN.md ("Scenarios") checked now against
//! the active instance's last graph and the Avi state. Invariants the runner cannot
//! check yet fail as unsupported rather than pass unchecked.

use std::collections::BTreeSet;

use super::report::UNSUPPORTED;
use super::world::World;
use crate::scenario::ExpectInvariants;

impl World {
    pub async fn expect_invariants(&mut self, x: &ExpectInvariants) -> Result<String, String> {
        let ids: Vec<u8> = if x.only.is_empty() {
            (1..=7).collect()
        } else {
            x.only.clone()
        };
        let mut done = Vec::new();
        let mut unsupported = Vec::new();
        for id in ids {
            match id {
                1 | 2 => {
                    if !done.contains(&"1/2") {
                        self.model_equals_avi().await?;
                        done.push("1/2");
                    }
                }
                4 => {
                    self.restart_writes_nothing().await?;
                    done.push("4");
                }
                5 => {
                    self.fqdn_limit().await?;
                    done.push("5");
                }
                3 => {
                    self.hosts_on_their_shard().await?;
                    done.push("3");
                }
                6 => {
                    self.no_delete_in_scope().await?;
                    done.push("6");
                }
                7 => {
                    self.one_writer_at_a_time()?;
                    done.push("7");
                }
                other => unsupported.push(other.to_string()),
            }
        }
        if !unsupported.is_empty() {
            return Err(format!(
                "{UNSUPPORTED}invariant {} (checked: {})",
                unsupported.join(", "),
                done.join(", ")
            ));
        }
        Ok(format!("invariants {} hold", done.join(", ")))
    }

    /// 1 and 2: the Avi objects of this cluster are exactly the graph's (shared
    /// parents' VsVips may stay, F3).
    async fn model_equals_avi(&self) -> Result<(), String> {
        let h = self
            .instances
            .get(self.active())
            .ok_or("no running instance to compare with")?;
        let st = h.status();
        let want: BTreeSet<(String, String)> = st
            .graph
            .objects
            .keys()
            .map(|k| (k.kind.api_path().to_owned(), k.name.clone()))
            .collect();
        let kept: BTreeSet<String> = st
            .graph
            .shared_parents
            .iter()
            .map(|p| ako::naming::shared_vsvip(p))
            .collect();
        let have: BTreeSet<(String, String)> = self
            .owned_state()
            .await?
            .into_iter()
            .flat_map(|(t, objs)| objs.into_keys().map(move |n| (t.clone(), n)))
            .collect();
        let missing: Vec<_> = want.difference(&have).collect();
        let extra: Vec<_> = have
            .difference(&want)
            .filter(|(t, n)| !(t == "vsvip" && kept.contains(n)))
            .collect();
        if missing.is_empty() && extra.is_empty() {
            return Ok(());
        }
        Err(format!(
            "invariant 1/2: Avi differs from the model: missing {missing:?}, orphans {extra:?}"
        ))
    }

    /// 4: restarting the active instance on a converged state writes nothing.
    async fn restart_writes_nothing(&mut self) -> Result<(), String> {
        let name = self.active();
        let mark = self.mark();
        self.restart(None).await?;
        self.wait_converged_for(std::time::Duration::from_secs(30), false)
            .await?;
        let writes = self.writes_since(mark);
        if writes.is_empty() {
            return Ok(());
        }
        let lines: Vec<String> = writes
            .iter()
            .take(10)
            .map(|c| {
                format!(
                    "{} {} {}",
                    c.method,
                    c.object_type,
                    c.name.as_deref().unwrap_or("?")
                )
            })
            .collect();
        Err(format!(
            "invariant 4: restarting {name} made {} writes: {}",
            writes.len(),
            lines.join(", ")
        ))
    }

    /// 3: every host on a shared VS sits on `shard::of(host)`, and a host that stayed
    /// on the same shard count did not move since the last check.
    async fn hosts_on_their_shard(&mut self) -> Result<(), String> {
        let cluster = self.cluster();
        let size: ako::shard::ShardSize = self
            .settings
            .shard_vs_size
            .and_then(|s| serde_json::to_value(s).ok())
            .and_then(|v| v.as_str().and_then(|s| s.parse().ok()))
            .unwrap_or(ako::shard::ShardSize::Large);
        let hash: ako::shard::ShardHash = self
            .settings
            .shard_hash
            .and_then(|s| serde_json::to_value(s).ok())
            .and_then(|v| v.as_str().and_then(|s| s.parse().ok()))
            .unwrap_or_default();
        let Some(count) = size.count() else {
            return Ok(());
        };
        let prefix = format!("{cluster}--Shared-L7-");
        let mut now = std::collections::BTreeMap::new();
        for v in self
            .admin
            .list("vsvip", &self.tenant())
            .await
            .map_err(|e| e.to_string())?
        {
            let name = v["name"].as_str().unwrap_or_default();
            let Some(n) = name
                .strip_prefix(&prefix)
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            for fqdn in v["dns_info"].as_array().into_iter().flatten() {
                let Some(host) = fqdn["fqdn"].as_str() else {
                    continue;
                };
                let want = ako::shard::of(host, count, hash);
                if want != n {
                    return Err(format!(
                        "invariant 3: {host} is on {name}, shard::of says {prefix}{want}"
                    ));
                }
                now.insert(host.to_owned(), (count, n));
            }
        }
        for (host, (c, n)) in &now {
            if let Some((pc, pn)) = self.placements.get(host)
                && pc == c
                && pn != n
            {
                return Err(format!("invariant 3: {host} moved from shard {pn} to {n}"));
            }
        }
        self.placements.extend(now);
        Ok(())
    }

    /// 7: two instances never wrote without a start, stop or crash between their writes.
    fn one_writer_at_a_time(&self) -> Result<(), String> {
        let writes = self.writes_since(self.start);
        for w in writes.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if a.client != b.client && !self.lifecycle.iter().any(|m| *m > a.seq && *m <= b.seq) {
                return Err(format!(
                    "invariant 7: {} wrote (call {}) and {} wrote (call {}) with no failover between",
                    a.client, a.seq, b.client, b.seq
                ));
            }
        }
        Ok(())
    }

    /// 5: no VsVip carries more than 1000 FQDNs.
    async fn fqdn_limit(&self) -> Result<(), String> {
        let list = self
            .admin
            .list("vsvip", &self.tenant())
            .await
            .map_err(|e| e.to_string())?;
        for v in list {
            let n = v["dns_info"].as_array().map_or(0, Vec::len);
            if n > 1000 {
                return Err(format!(
                    "invariant 5: vsvip {} carries {n} FQDNs",
                    v["name"]
                ));
            }
        }
        Ok(())
    }

    /// 6 (as far as the runner can tell): no object the model still wants was deleted
    /// since the last step that could take a source out of scope.
    async fn no_delete_in_scope(&self) -> Result<(), String> {
        let h = self
            .instances
            .get(self.active())
            .ok_or("no running instance to compare with")?;
        let st = h.status();
        let wanted: BTreeSet<(String, String)> = st
            .graph
            .objects
            .keys()
            .map(|k| (k.kind.api_path().to_owned(), k.name.clone()))
            .collect();
        let bad: Vec<String> = self
            .writes_since(self.last_scope_change)
            .into_iter()
            .filter(|c| c.method == "DELETE" && c.status < 300)
            .filter_map(|c| {
                let key = (c.object_type.clone(), c.name.clone()?);
                wanted
                    .contains(&key)
                    .then(|| format!("{}/{}", key.0, key.1))
            })
            .collect();
        if bad.is_empty() {
            return Ok(());
        }
        Err(format!(
            "invariant 6: deleted while still wanted: {}",
            bad.join(", ")
        ))
    }
}
