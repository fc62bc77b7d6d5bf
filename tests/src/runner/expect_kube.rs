//! Assertions on the Kubernetes side (status, whole objects, events, annotations) and
//! on the controller instances (logs, Kubernetes writes, leader, readiness, starts).

use serde_json::Value;

use super::expect_avi::show;
use super::kube_layer::plural;
use super::kube_ops;
use super::world::{World, instance_name};
use crate::scenario::{
    EventType, ExpectAnnotation, ExpectEvent, ExpectKube, ExpectKubeWrites, ExpectLeader,
    ExpectLog, ExpectReady, ExpectStarts, ExpectStatus, Presence, Since,
};

type Check = Result<String, String>;

fn e(x: impl std::fmt::Display) -> String {
    x.to_string()
}

impl World {
    pub async fn expect_status(&self, x: &ExpectStatus) -> Check {
        let obj = kube_ops::get(&self.kube, &x.object, x.api_version.as_deref())
            .await
            .map_err(e)?
            .ok_or_else(|| format!("{} does not exist", x.object))?;
        let status = &obj["status"];
        let mut did = Vec::new();
        if let Some(p) = x.load_balancer {
            let present = status["loadBalancer"]["ingress"]
                .as_array()
                .is_some_and(|a| {
                    a.iter()
                        .any(|i| i["ip"].is_string() || i["hostname"].is_string())
                });
            match (p, present) {
                (Presence::Present, true) => did.push("load balancer present"),
                (Presence::Absent, false) => did.push("no load balancer"),
                (Presence::Present, false) => {
                    return Err(format!(
                        "{}: no status.loadBalancer.ingress entry; status:\n{}",
                        x.object,
                        show(status, 40)
                    ));
                }
                (Presence::Absent, true) => {
                    return Err(format!(
                        "{}: status.loadBalancer.ingress is set:\n{}",
                        x.object,
                        show(status, 40)
                    ));
                }
            }
        }
        if let Some(p) = &x.fields {
            p.check(Some(status), &self.captures).map_err(|m| {
                format!(
                    "{} status: {m}\nexpected (pattern): {}\nactual status:\n{}",
                    x.object,
                    serde_json::to_string(p).unwrap_or_default(),
                    show(status, 60)
                )
            })?;
            did.push("status fields match");
        }
        Ok(format!("{}: {}", x.object, did.join(", ")))
    }

    pub async fn expect_kube(&self, x: &ExpectKube) -> Check {
        let got = kube_ops::get(&self.kube, &x.object, x.api_version.as_deref())
            .await
            .map_err(e)?;
        match (got, x.absent) {
            (None, true) => Ok(format!("{} absent", x.object)),
            (Some(_), true) => Err(format!("{} exists, expected absent", x.object)),
            (None, false) => Err(format!("{} does not exist", x.object)),
            (Some(obj), false) => {
                if let Some(p) = &x.fields {
                    p.check(Some(&obj), &self.captures).map_err(|m| {
                        format!(
                            "{}: {m}\nexpected (pattern): {}\nactual:\n{}",
                            x.object,
                            serde_json::to_string(p).unwrap_or_default(),
                            show(&obj, 80)
                        )
                    })?;
                }
                Ok(format!("{} matches", x.object))
            }
        }
    }

    pub async fn expect_event(&self, x: &ExpectEvent) -> Check {
        let events = kube_ops::events_about(&self.kube, &x.object)
            .await
            .map_err(e)?;
        let matching: Vec<&Value> = events
            .iter()
            .filter(|ev| x.reason.as_deref().is_none_or(|r| ev["reason"] == r))
            .filter(|ev| {
                x.event_type.is_none_or(|t| {
                    ev["type"]
                        == match t {
                            EventType::Normal => "Normal",
                            EventType::Warning => "Warning",
                        }
                })
            })
            .filter(|ev| {
                x.message_contains
                    .as_deref()
                    .is_none_or(|m| ev["message"].as_str().is_some_and(|t| t.contains(m)))
            })
            .collect();
        let what = format!(
            "event about {} (reason {:?}, message containing {:?})",
            x.object, x.reason, x.message_contains
        );
        match (matching.is_empty(), x.absent) {
            (false, false) => Ok(format!("{what} found")),
            (true, true) => Ok(format!("no {what}")),
            (true, false) => {
                let seen: Vec<String> = events
                    .iter()
                    .map(|ev| format!("  {} {}: {}", ev["type"], ev["reason"], ev["message"]))
                    .collect();
                Err(format!("no {what}; events about it:\n{}", seen.join("\n")))
            }
            (false, true) => Err(format!("{what} exists: {}", matching[0]["message"])),
        }
    }

    pub async fn expect_annotation(&self, x: &ExpectAnnotation) -> Check {
        let obj = kube_ops::get(&self.kube, &x.object, None)
            .await
            .map_err(e)?
            .ok_or_else(|| format!("{} does not exist", x.object))?;
        let got = obj["metadata"]["annotations"][&x.key].as_str();
        let ok = match (&x.value, x.absent) {
            (_, true) => got.is_none(),
            (Some(v), false) => got == Some(v.as_str()),
            (None, false) => got.is_some(),
        };
        let shown = format!("{}[{}] = {:?}", x.object, x.key, got);
        if ok {
            Ok(shown)
        } else {
            Err(format!(
                "{shown}, expected {:?}{}",
                x.value,
                if x.absent { " (absent)" } else { "" }
            ))
        }
    }

    pub fn expect_log(&self, x: &ExpectLog) -> Check {
        let mark = self.since(x.since.as_ref().unwrap_or(&Since::Start))?;
        let inst = x.instance.map(instance_name);
        let hit = self
            .logs
            .lines()
            .into_iter()
            .filter(|l| l.seq >= mark.log)
            .filter(|l| inst.is_none_or(|i| l.instances.iter().any(|r| r == i)))
            .find(|l| l.text.contains(&x.contains));
        match (hit, x.absent) {
            (Some(l), false) => Ok(format!("log: {}", cut(&l.text))),
            (None, true) => Ok(format!("no log line contains {:?}", x.contains)),
            (Some(l), true) => Err(format!(
                "a log line contains {:?}: {}",
                x.contains,
                cut(&l.text)
            )),
            (None, false) => {
                let lines = self.logs.lines();
                let tail: Vec<String> = lines
                    .iter()
                    .rev()
                    .filter(|l| l.text.contains(" ako"))
                    .take(12)
                    .map(|l| format!("  {}", cut(&l.text)))
                    .collect();
                Err(format!(
                    "no log line contains {:?} ({} lines captured); the controller's last lines:\n{}",
                    x.contains,
                    lines.len(),
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                ))
            }
        }
    }

    pub fn expect_kube_writes(&self, x: &ExpectKubeWrites) -> Check {
        let mark = self.since(&x.since)?;
        let inst = x.instance.map(instance_name);
        let res = x.kind.as_deref().map(plural);
        let n = self
            .tap
            .writes()
            .into_iter()
            .filter(|w| w.seq >= mark.kube)
            .filter(|w| inst.is_none_or(|i| w.instance == i))
            .filter(|w| res.as_deref().is_none_or(|r| w.resource == r))
            .count() as u32;
        if n <= x.max {
            Ok(format!(
                "{n} Kubernetes writes since {} (max {})",
                x.since, x.max
            ))
        } else {
            Err(format!(
                "{n} Kubernetes writes since {}, max {}",
                x.since, x.max
            ))
        }
    }

    pub async fn expect_leader(&self, x: &ExpectLeader) -> Check {
        let want = instance_name(x.instance);
        let holder = self.lease_holder().await;
        if holder.as_deref() == Some(want) {
            Ok(format!("{want} holds the Lease"))
        } else {
            Err(format!("the Lease is held by {holder:?}, expected {want}"))
        }
    }

    pub fn expect_ready(&self, x: &ExpectReady) -> Check {
        let name = self.default_instance(x.instance);
        let (ready, why) = match self.instances.get(name) {
            Some(h) => (h.health().is_ready(), h.health().reason()),
            None => (false, Some("not running".into())),
        };
        if ready == x.ready {
            Ok(format!("{name} ready = {ready}"))
        } else {
            Err(format!(
                "{name} ready = {ready} ({why:?}), expected {}",
                x.ready
            ))
        }
    }

    pub fn expect_starts(&self, x: &ExpectStarts) -> Check {
        let name = self.default_instance(x.instance);
        let n = self.starts.get(name).copied().unwrap_or(0);
        if n == x.count {
            Ok(format!("{name} started {n} times"))
        } else {
            Err(format!("{name} started {n} times, expected {}", x.count))
        }
    }
}

fn cut(s: &str) -> String {
    if s.chars().count() > 200 {
        format!("{}...", s.chars().take(197).collect::<String>())
    } else {
        s.to_owned()
    }
}
