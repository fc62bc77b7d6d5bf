//! Assertions on the Avi side: objects and their fields, counts, a host's shard, and
//! the controller's writes as the proxy saw them.

use serde_json::Value;

use super::actions::avi_type_name;
use super::proxy::Call;
use super::world::{Mark, World, instance_name};
use crate::scenario::{
    ExpectAviCount, ExpectAviObject, ExpectAviWrites, ExpectNoWrites, ExpectShard, Since, ref_name,
};

type Check = Result<String, String>;

fn e(x: impl std::fmt::Display) -> String {
    x.to_string()
}

/// Pretty JSON, cut to `max` lines.
pub fn show(v: &Value, max: usize) -> String {
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= max {
        return text;
    }
    format!(
        "{}\n... ({} more lines)",
        lines[..max].join("\n"),
        lines.len() - max
    )
}

impl World {
    pub fn since(&self, s: &Since) -> Result<Mark, String> {
        match s {
            Since::Start => Ok(self.start),
            Since::LastConverged => Ok(self.last_converged),
            Since::Label(l) => self
                .marks
                .get(l)
                .copied()
                .ok_or_else(|| format!("no step labelled {l} was played yet")),
        }
    }

    pub async fn expect_avi(&self, list: &[ExpectAviObject]) -> Check {
        let mut seen = Vec::new();
        for x in list {
            let ty = avi_type_name(x.avi_type);
            let tenant = x.tenant.clone().unwrap_or_else(|| self.tenant());
            let got = self.admin.get(&ty, &x.name, &tenant).await.map_err(e)?;
            match (got, x.absent) {
                (None, true) => seen.push(format!("{ty}/{} absent", x.name)),
                (Some(_), true) => return Err(format!("{ty}/{} exists, expected absent", x.name)),
                (None, false) => return Err(format!("{ty}/{} does not exist", x.name)),
                (Some(obj), false) => {
                    if let Some(p) = &x.fields {
                        p.check(Some(&obj), &self.captures).map_err(|m| {
                            format!(
                                "{ty}/{}: {m}\nexpected (pattern): {}\nactual:\n{}",
                                x.name,
                                serde_json::to_string(p).unwrap_or_default(),
                                show(&obj, 80)
                            )
                        })?;
                    }
                    seen.push(format!("{ty}/{} matches", x.name));
                }
            }
        }
        Ok(seen.join(", "))
    }

    pub async fn expect_avi_count(&self, x: &ExpectAviCount) -> Check {
        let ty = avi_type_name(x.avi_type);
        let tenant = x.tenant.clone().unwrap_or_else(|| self.tenant());
        let all = self.admin.list(&ty, &tenant).await.map_err(e)?;
        let names: Vec<String> = all
            .iter()
            .filter(|o| {
                let name = o["name"].as_str().unwrap_or_default();
                x.name_prefix.as_deref().is_none_or(|p| name.starts_with(p))
                    && x.created_by.as_deref().is_none_or(|c| o["created_by"] == c)
                    && x.marker
                        .as_ref()
                        .is_none_or(|m| has_marker(o, &m.key, &m.value))
            })
            .filter_map(|o| o["name"].as_str().map(str::to_owned))
            .collect();
        if names.len() == x.count as usize {
            return Ok(format!("{} {ty} objects match", x.count));
        }
        let sample: Vec<String> = all
            .iter()
            .take(5)
            .map(|o| format!("{} {} {}", o["name"], o["created_by"], o["markers"]))
            .collect();
        Err(format!(
            "{} {ty} objects match, expected {}: {}\n{} {ty} objects in all, e.g.:\n  {}",
            names.len(),
            x.count,
            names
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            all.len(),
            sample.join("\n  ")
        ))
    }

    pub async fn expect_shard(&self, x: &ExpectShard) -> Check {
        let tenant = self.tenant();
        let vs = self
            .admin
            .get("virtualservice", &x.vs, &tenant)
            .await
            .map_err(e)?
            .ok_or_else(|| format!("virtualservice/{} does not exist", x.vs))?;
        let vsvip_name = vs["vsvip_ref"]
            .as_str()
            .and_then(ref_name)
            .ok_or_else(|| format!("{} has no vsvip_ref", x.vs))?
            .to_owned();
        let vsvip = self
            .admin
            .get("vsvip", &vsvip_name, &tenant)
            .await
            .map_err(e)?
            .ok_or_else(|| format!("vsvip/{vsvip_name} does not exist"))?;
        let in_dns = vsvip["dns_info"]
            .as_array()
            .is_some_and(|d| d.iter().any(|i| i["fqdn"] == x.host.as_str()));
        if !in_dns {
            return Err(format!(
                "{} is not in vsvip/{vsvip_name} dns_info: {}",
                x.host, vsvip["dns_info"]
            ));
        }
        // Secure: an SNI child of the VS serves the host (`<cluster>--[<infra>-]<host>`).
        let vses = self
            .admin
            .list("virtualservice", &tenant)
            .await
            .map_err(e)?;
        let names_host = |n: &str| {
            n.strip_suffix(x.host.as_str())
                .is_some_and(|p| p.ends_with("--") || p.ends_with('-'))
        };
        if let Some(c) = vses.iter().find(|v| {
            v["name"].as_str().is_some_and(names_host) && !v["vh_parent_vs_ref"].is_null()
        }) {
            let parent = c["vh_parent_vs_ref"].as_str().and_then(ref_name);
            if parent == Some(x.vs.as_str()) {
                return Ok(format!(
                    "{} in {vsvip_name} dns_info; SNI child {} under {}",
                    x.host, c["name"], x.vs
                ));
            }
            return Err(format!(
                "SNI child {} has parent {parent:?}, expected {}",
                c["name"], x.vs
            ));
        }
        // Insecure: a pool of the host (`...-<host><path>-...`) is a member of the VS's
        // pool group.
        let groups = self.admin.list("poolgroup", &tenant).await.map_err(e)?;
        let vs_text = vs.to_string();
        let of_vs: Vec<&Value> = groups
            .iter()
            .filter(|g| {
                let gname = g["name"].as_str().unwrap_or_default();
                gname == x.vs || vs_text.contains(&format!("#{gname}\""))
            })
            .collect();
        let member = of_vs
            .iter()
            .flat_map(|g| g["members"].as_array().into_iter().flatten())
            .find_map(|m| {
                let pool = m["pool_ref"].as_str().and_then(ref_name)?;
                let host_path = format!("{}_", x.host);
                let hit = pool
                    .split_once(&host_path)
                    .is_some_and(|(before, _)| before.ends_with("--") || before.ends_with('-'));
                hit.then(|| pool.to_owned())
            });
        match member {
            Some(p) => Ok(format!(
                "{} in {vsvip_name} dns_info; pool {p} in {}'s pool group",
                x.host, x.vs
            )),
            None => Err(format!(
                "{} is in {vsvip_name} dns_info but has neither an SNI child under {} nor a pool in its pool group",
                x.host, x.vs
            )),
        }
    }

    /// The controller's writes (its instances' calls) since `mark`.
    pub fn writes_since(&self, mark: Mark) -> Vec<Call> {
        self.proxy
            .proxy
            .calls()
            .into_iter()
            .filter(|c| c.seq >= mark.avi && c.is_write())
            .filter(|c| c.client == "ako-0" || c.client == "ako-1")
            .collect()
    }

    pub fn expect_avi_writes(&self, x: &ExpectAviWrites) -> Check {
        let mark = self.since(&x.since)?;
        let ty = x.avi_type.map(avi_type_name);
        let verb = x
            .verb
            .and_then(|v| serde_json::to_value(v).ok())
            .and_then(|v| v.as_str().map(str::to_owned));
        let inst = x.instance.map(instance_name);
        let hits: Vec<Call> = self
            .writes_since(mark)
            .into_iter()
            .filter(|c| ty.as_deref().is_none_or(|t| c.object_type == t))
            .filter(|c| verb.as_deref().is_none_or(|v| c.method == v))
            .filter(|c| {
                x.name
                    .as_deref()
                    .is_none_or(|n| c.name.as_deref() == Some(n))
            })
            .filter(|c| inst.is_none_or(|i| c.client == i))
            .filter(|c| x.status.is_none_or(|s| c.status == s))
            .collect();
        let n = hits.len() as u32;
        let ok = x.count.is_none_or(|c| n == c)
            && x.min.is_none_or(|m| n >= m)
            && x.max.is_none_or(|m| n <= m);
        let want = match (x.count, x.min, x.max) {
            (Some(c), _, _) => format!("{c}"),
            (None, min, max) => format!(
                "{}..{}",
                min.map(|m| m.to_string()).unwrap_or_default(),
                max.map(|m| m.to_string()).unwrap_or_default()
            ),
        };
        if ok {
            return Ok(format!("{n} writes since {} (expected {want})", x.since));
        }
        Err(format!(
            "{n} writes since {}, expected {want}:\n{}",
            x.since,
            call_lines(&hits)
        ))
    }

    pub fn expect_no_writes(&self, x: &ExpectNoWrites) -> Check {
        let mark = self.since(&x.since)?;
        let ty = x.avi_type.map(avi_type_name);
        let inst = x.instance.map(instance_name);
        let hits: Vec<Call> = self
            .writes_since(mark)
            .into_iter()
            .filter(|c| ty.as_deref().is_none_or(|t| c.object_type == t))
            .filter(|c| inst.is_none_or(|i| c.client == i))
            .collect();
        if hits.is_empty() {
            return Ok(format!("no controller writes since {}", x.since));
        }
        Err(format!(
            "{} controller writes since {}:\n{}",
            hits.len(),
            x.since,
            call_lines(&hits)
        ))
    }
}

pub fn has_marker(o: &Value, key: &str, value: &str) -> bool {
    o["markers"].as_array().is_some_and(|ms| {
        ms.iter().any(|m| {
            m["key"] == key
                && m["values"]
                    .as_array()
                    .is_some_and(|v| v.iter().any(|x| x == value))
        })
    })
}

fn call_lines(calls: &[Call]) -> String {
    let mut lines: Vec<String> = calls
        .iter()
        .take(40)
        .map(|c| {
            format!(
                "  {} {} {} {} -> {}",
                c.client,
                c.method,
                c.object_type,
                c.name.as_deref().unwrap_or("?"),
                c.status
            )
        })
        .collect();
    if calls.len() > 40 {
        lines.push(format!("  ... {} more", calls.len() - 40));
    }
    lines.join("\n")
}
