//! Load-time rules that the YAML shape alone cannot express (scenarios/README.md,
//! "Rules"): header consistency, unique labels and what `since`/`until`/`$capture`
//! (in patterns and in what `apply`/`patch`/`avi_apply` write) refer to, one effect
//! per fault, and that referenced manifest files exist and parse.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use serde_json::Value;

use super::Scenario;
use super::error::ScenarioError;
use super::expect::Since;
use super::fill::capture_reads;
use super::manifest::load_manifest_file;
use super::pattern::Pattern;
use super::step::{Step, StepKind};

type Check = Result<(), String>;

pub(super) fn check(s: &Scenario) -> Result<(), ScenarioError> {
    let invalid = |at: &str, message: String| ScenarioError::Invalid {
        file: s.path.clone(),
        at: at.to_owned(),
        message,
    };
    header(s).map_err(|m| invalid("scenario", m))?;
    let steps = s.walk();
    let labels: Vec<(usize, &str)> = steps
        .iter()
        .enumerate()
        .filter_map(|(i, (_, st))| st.label.as_deref().map(|l| (i, l)))
        .collect();
    let mut seen_labels = HashSet::new();
    let mut snapshots = HashSet::new();
    let mut captured: HashSet<&str> = HashSet::new();
    for (i, (at, step)) in steps.iter().enumerate() {
        let at_named = match &step.label {
            Some(l) => format!("{at} (label {l:?})"),
            None => at.clone(),
        };
        let fail = |m: String| invalid(&at_named, m);
        if let Some(l) = &step.label {
            label_ok(l).map_err(fail)?;
            if !seen_labels.insert(l.as_str()) {
                return Err(fail(format!("label {l:?} is used twice")));
            }
        }
        if step.within.is_some() && !step.kind.is_assertion() {
            return Err(fail(format!(
                "`within` applies to expect_* steps, not `{}`",
                step.kind.key()
            )));
        }
        let earlier = |l: &str| labels.iter().any(|(j, x)| *j < i && *x == l);
        let later = |l: &str| labels.iter().any(|(j, x)| *j > i && *x == l);
        references(step, &earlier, &later).map_err(fail)?;
        kind(&step.kind, at).map_err(fail)?;
        if let StepKind::Snapshot(name) = &step.kind
            && !snapshots.insert(name.as_str())
        {
            return Err(fail(format!("snapshot {name:?} is taken twice")));
        }
        let written = written_values(&step.kind, s.base_dir());
        let mut reads = Vec::new();
        patterns(&step.kind)
            .into_iter()
            .for_each(|p| p.captures(&mut reads));
        written.iter().for_each(|v| capture_reads(v, &mut reads));
        if let Some(id) = reads.into_iter().find(|id| !captured.contains(id)) {
            return Err(fail(format!(
                "`$capture: {id}` reads a value no earlier `capture` step stored"
            )));
        }
        if let StepKind::Capture(c) = &step.kind {
            captured.insert(c.id.as_str());
        }
    }
    for file in s.file_refs() {
        load_manifest_file(&file)?;
    }
    Ok(())
}

fn header(s: &Scenario) -> Check {
    let stem = s
        .path
        .file_stem()
        .and_then(|f| f.to_str())
        .unwrap_or_default();
    if s.name != stem {
        return Err(format!(
            "`name: {}` must equal the file name without .yaml ({stem:?})",
            s.name
        ));
    }
    if s.description.trim().is_empty() {
        return Err("`description` is empty".into());
    }
    if s.covers.is_empty() {
        return Err("`covers` lists no id".into());
    }
    let unique: BTreeSet<_> = s.covers.iter().collect();
    if unique.len() != s.covers.len() {
        return Err("`covers` lists an id twice".into());
    }
    match (s.pending, s.pending_reason.as_deref().map(str::trim)) {
        (true, None | Some("")) => return Err("`pending: true` needs a `pending_reason`".into()),
        (false, Some(_)) => return Err("`pending_reason` without `pending: true`".into()),
        _ => {}
    }
    match s.settings.cluster_name.as_deref() {
        None => {
            return Err("`settings.clusterName` is required (object names start with it)".into());
        }
        Some(c)
            if c.is_empty()
                || !c
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_') =>
        {
            return Err(format!(
                "clusterName {c:?} may only hold letters, digits, '-' and '_'"
            ));
        }
        _ => {}
    }
    if s.steps.is_empty() {
        return Err("`steps` is empty".into());
    }
    if !s.autostart
        && !s
            .steps
            .iter()
            .any(|st| matches!(st.kind, StepKind::Start(_)))
    {
        return Err("`autostart: false` needs a `start` step, or the controller never runs".into());
    }
    Ok(())
}

fn label_ok(l: &str) -> Check {
    if l.is_empty() || l.chars().any(char::is_whitespace) {
        return Err(format!("label {l:?} must be non-empty without spaces"));
    }
    if l == "start" || l == "last_converged" {
        return Err(format!("label {l:?} is reserved for `since`"));
    }
    Ok(())
}

fn references(step: &Step, earlier: &dyn Fn(&str) -> bool, later: &dyn Fn(&str) -> bool) -> Check {
    let since = match &step.kind {
        StepKind::ExpectAviWrites(e) => Some(&e.since),
        StepKind::ExpectNoWrites(e) => Some(&e.since),
        StepKind::ExpectKubeWrites(e) => Some(&e.since),
        StepKind::ExpectLog(e) => e.since.as_ref(),
        _ => None,
    };
    if let Some(Since::Label(l)) = since
        && !earlier(l)
    {
        return Err(format!("`since: {l}` names no earlier step label"));
    }
    let until = match &step.kind {
        StepKind::AviFault(f) => f.until.as_deref(),
        StepKind::KubeFault(f) => f.until.as_deref(),
        _ => None,
    };
    match until {
        Some(l) if !later(l) => Err(format!("`until: {l}` names no later step label")),
        _ => Ok(()),
    }
}

fn rate_ok(rate: Option<f64>) -> Check {
    match rate {
        Some(r) if !(r > 0.0 && r <= 1.0) => Err(format!("rate {r} must be in (0, 1]")),
        _ => Ok(()),
    }
}

fn status_ok(status: Option<u16>) -> Check {
    match status {
        Some(s) if !(400..=599).contains(&s) => Err(format!("error status {s} must be 400-599")),
        _ => Ok(()),
    }
}

fn one_effect(effects: &[&str], alone_ok: bool) -> Check {
    match effects {
        [] if alone_ok => Ok(()),
        [] => Err("no effect given".into()),
        [_] => Ok(()),
        many => Err(format!("one effect per fault, found {}", many.join(", "))),
    }
}

fn kind(k: &StepKind, at: &str) -> Check {
    match k {
        StepKind::AviFault(f) => {
            one_effect(&f.effects(), f.latency.is_some())?;
            if f.effects().is_empty() && f.latency.is_none() {
                return Err("no effect given".into());
            }
            status_ok(f.error)?;
            rate_ok(f.rate)?;
            if f.message.is_some() && f.error.is_none() {
                return Err("`message` needs `error`".into());
            }
            if f.outage && (f.avi_type.is_some() || f.verb.is_some() || f.name.is_some()) {
                return Err("an outage hits every request: drop `type`/`verb`/`name`".into());
            }
            Ok(())
        }
        StepKind::KubeFault(f) => {
            one_effect(&f.effects(), false)?;
            status_ok(f.error)?;
            rate_ok(f.rate)
        }
        StepKind::Delete(d) => match (&d.object, &d.file) {
            (Some(_), None) => Ok(()),
            (None, Some(_)) if d.api_version.is_none() => Ok(()),
            (None, Some(_)) => Err("`api_version` goes with `object`, not `file`".into()),
            _ => Err("give exactly one of `object` or `file`".into()),
        },
        StepKind::Capture(c) => match (&c.avi, &c.kube) {
            _ if c.path.is_empty() || c.id.is_empty() => {
                Err("`as` and `path` must be non-empty".into())
            }
            (Some(_), None) | (None, Some(_)) => Ok(()),
            _ => Err("give exactly one of `avi` or `kube`".into()),
        },
        StepKind::AviApply(a) if a.uuid.as_deref().is_some_and(str::is_empty) => {
            Err("`uuid` is empty".into())
        }
        StepKind::Settings(c) if c.values.keys().is_empty() => Err("`values` sets no key".into()),
        StepKind::CrashBetweenWrites(0) => Err("crash_between_writes counts from 1".into()),
        StepKind::Cli(c) if c.args.is_empty() => Err("`args` is empty".into()),
        StepKind::ExpectAvi(list) if list.is_empty() => Err("empty list".into()),
        StepKind::ExpectAvi(list) => match list.iter().find(|e| e.absent && e.fields.is_some()) {
            Some(e) => Err(format!(
                "{} {}: `absent` and `fields` exclude each other",
                serde_json::to_string(&e.avi_type).unwrap_or_default(),
                e.name
            )),
            None => Ok(()),
        },
        StepKind::ExpectEvent(e)
            if !e.absent && e.reason.is_none() && e.message_contains.is_none() =>
        {
            Err("give `reason` and/or `message_contains`".into())
        }
        StepKind::ExpectKube(e) if e.absent && e.fields.is_some() => {
            Err("`absent` and `fields` exclude each other".into())
        }
        StepKind::ExpectAnnotation(e) if e.absent && e.value.is_some() => {
            Err("`absent` and `value` exclude each other".into())
        }
        StepKind::ExpectStatus(e) if e.load_balancer.is_none() && e.fields.is_none() => {
            Err("give `load_balancer` and/or `fields`".into())
        }
        StepKind::ExpectAviWrites(e) => match (e.count, e.min, e.max) {
            (None, None, None) => Err("give `count`, `min` and/or `max`".into()),
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                Err("`count` excludes `min`/`max`".into())
            }
            (_, Some(lo), Some(hi)) if lo > hi => Err(format!("min {lo} > max {hi}")),
            _ => Ok(()),
        },
        StepKind::ExpectInvariants(e) => match e.only.iter().find(|n| !(1..=7).contains(*n)) {
            Some(n) => Err(format!("invariant {n} does not exist (1-7)")),
            None => Ok(()),
        },
        StepKind::Snapshot(name)
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Err(format!(
                "snapshot name {name:?}: use letters, digits, '-' and '_'"
            ))
        }
        StepKind::Differential(d) if d.a.is_empty() || d.b.is_empty() => {
            Err("both branches need steps".into())
        }
        StepKind::Differential(_) if at.contains(".differential.") => {
            Err("a differential cannot nest another".into())
        }
        StepKind::Snapshot(_) if at.contains(".differential.") => {
            Err("snapshots inside a differential branch would be taken twice".into())
        }
        _ => Ok(()),
    }
}

/// What a writing step sends, where `{$capture: id}` placeholders may be (a manifest
/// file that does not load is reported by the file check).
fn written_values(k: &StepKind, base_dir: &Path) -> Vec<Value> {
    match k {
        StepKind::Apply(m) => m
            .objects(base_dir)
            .unwrap_or_default()
            .into_iter()
            .map(|o| Value::Object(o.0))
            .collect(),
        StepKind::Patch(p) => vec![Value::Object(p.patch.clone())],
        StepKind::AviApply(a) => vec![Value::Object(a.fields.clone())],
        _ => Vec::new(),
    }
}

fn patterns(k: &StepKind) -> Vec<&Pattern> {
    match k {
        StepKind::ExpectAvi(list) => list.iter().filter_map(|e| e.fields.as_ref()).collect(),
        StepKind::ExpectStatus(e) => e.fields.iter().collect(),
        StepKind::ExpectKube(e) => e.fields.iter().collect(),
        _ => Vec::new(),
    }
}
