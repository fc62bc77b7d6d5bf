//! The scenario format: every file under scenarios/ loads, the F/B coverage is
//! complete, errors are positioned, load-time rules bite, scenarios/schema.json is
//! current, and shard expectations agree with the md5 placement rule.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ako_tests::scenario::{
    CoverageId, STEP_KEYS, Scenario, ScenarioError, ShardHash, ShardSize, Step, StepKind, discover,
    json_schema,
};

const SCHEMA_ENV: &str = "UPDATE_SCENARIO_SCHEMA";

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

fn scenario_files() -> Vec<PathBuf> {
    discover(&scenarios_dir()).unwrap()
}

fn load_all() -> Vec<Scenario> {
    let files = scenario_files();
    assert!(
        !files.is_empty(),
        "no scenario files under {}",
        scenarios_dir().display()
    );
    let mut errors = Vec::new();
    let mut loaded = Vec::new();
    for f in files {
        match Scenario::load(&f) {
            Ok(s) => loaded.push(s),
            Err(e) => errors.push(e.to_string()),
        }
    }
    assert!(
        errors.is_empty(),
        "{} scenario file(s) do not load:\n{}",
        errors.len(),
        errors.join("\n")
    );
    loaded
}

#[test]
fn every_scenario_file_loads_and_names_are_unique() {
    let all = load_all();
    let names: BTreeSet<_> = all.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), all.len(), "two scenario files share a name");
}

#[test]
fn every_scenario_round_trips_through_to_yaml() {
    for s in load_all() {
        let text = s.to_yaml().unwrap();
        let back = Scenario::parse(&text, &s.path)
            .unwrap_or_else(|e| panic!("{} written back does not load: {e}\n{text}", s.name));
        assert_eq!(back, s, "{} changed in a round trip", s.name);
    }
}

#[test]
fn every_f_and_b_id_is_covered() {
    let all = load_all();
    let covered: BTreeSet<CoverageId> = all.iter().flat_map(|s| s.covers.iter().copied()).collect();
    let missing: Vec<String> = CoverageId::all()
        .filter(|id| !covered.contains(id))
        .map(|id| id.to_string())
        .collect();
    assert!(missing.is_empty(), "ids without a scenario: {missing:?}");
}

#[test]
fn faq_and_regression_files_live_where_their_ids_say() {
    for s in load_all() {
        let dir = s
            .path
            .parent()
            .and_then(Path::file_name)
            .and_then(|d| d.to_str())
            .unwrap_or_default();
        let has_f = s.covers.iter().any(|c| matches!(c, CoverageId::Faq(_)));
        let has_b = s.covers.iter().any(|c| matches!(c, CoverageId::Bug(_)));
        match dir {
            "faq" => assert!(has_f, "{}: a faq/ scenario must cover an F id", s.name),
            "regressions" => assert!(
                has_b,
                "{}: a regressions/ scenario must cover a B id",
                s.name
            ),
            _ => {}
        }
    }
}

#[test]
fn relative_file_references_exist() {
    for s in load_all() {
        for f in s.file_refs() {
            assert!(
                f.is_file(),
                "{}: {} does not exist",
                s.path.display(),
                f.display()
            );
        }
    }
}

#[test]
fn pending_scenarios_are_listed_in_the_readme() {
    let readme = std::fs::read_to_string(scenarios_dir().join("README.md")).unwrap();
    for s in load_all().iter().filter(|s| s.pending) {
        assert!(
            readme.contains(&s.name),
            "scenarios/README.md does not list pending scenario {}",
            s.name
        );
    }
}

/// Independent of `ako::shard`: `u32::from_be_bytes(md5(host)[0..4]) % count`.
fn md5_shard(host: &str, count: u32) -> u32 {
    let d = md5::compute(host.as_bytes());
    u32::from_be_bytes([d[0], d[1], d[2], d[3]]) % count
}

#[test]
fn shard_expectations_follow_the_md5_rule() {
    let mut checked = 0;
    for s in load_all() {
        // AviInfraSetting name -> shard size, as applied so far (top-level steps).
        let mut infra_sizes: BTreeMap<String, ShardSize> = BTreeMap::new();
        for (i, step) in s.steps.iter().enumerate() {
            let e = match &step.kind {
                StepKind::Apply(m) => {
                    for o in m.objects(s.base_dir()).unwrap() {
                        let size =
                            o.0.get("spec")
                                .and_then(|sp| sp.pointer("/l7Settings/shardSize"));
                        if let (Some(size), "AviInfraSetting") = (size, o.kind()) {
                            let size: ShardSize = serde_json::from_value(size.clone()).unwrap();
                            infra_sizes.insert(o.name().to_owned(), size);
                        }
                    }
                    continue;
                }
                StepKind::ExpectShard(e) => e,
                _ => continue,
            };
            let settings = s.settings_at(i);
            if settings.shard_hash.unwrap_or(ShardHash::Md5) != ShardHash::Md5 {
                continue;
            }
            let cluster = settings.cluster_name.clone().unwrap_or_default();
            let rest = e.vs.strip_prefix(&format!("{cluster}--Shared-L7-"));
            // `<n>` (global size) or `<infra>-<n>` (the AviInfraSetting's size).
            let placed = rest.and_then(|r| match r.rsplit_once('-') {
                Some((infra, n)) => Some((infra_sizes.get(infra).copied()?, n)),
                None => Some((settings.shard_vs_size.unwrap_or(ShardSize::Large), r)),
            });
            let Some((size, n)) = placed else {
                continue;
            };
            let n: u32 = n
                .parse()
                .unwrap_or_else(|_| panic!("{}: bad shard VS {}", s.name, e.vs));
            let count = size.count().expect("shared VS names need a shard count");
            let want = md5_shard(&e.host, count);
            assert_eq!(
                n,
                want,
                "{} steps[{i}]: {} with {count} shards is on shard {want}, not {}",
                s.path.display(),
                e.host,
                e.vs
            );
            checked += 1;
        }
    }
    assert!(
        checked > 20,
        "only {checked} expect_shard steps were checked"
    );
}

#[test]
fn checked_in_schema_is_current() {
    let path = scenarios_dir().join("schema.json");
    let fresh = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
    if std::env::var_os(SCHEMA_ENV).is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == fresh,
        "scenarios/schema.json is stale; regenerate it with\n  {SCHEMA_ENV}=1 cargo test -p ako-tests --test scenario_format checked_in_schema_is_current"
    );
}

#[test]
fn schema_lists_every_step_key_in_order() {
    let schema = json_schema();
    let variants = schema["$defs"]["Step"]["oneOf"]
        .as_array()
        .expect("Step is a oneOf");
    let keys: Vec<&str> = variants
        .iter()
        .map(|v| v["required"][0].as_str().unwrap())
        .collect();
    assert_eq!(keys, STEP_KEYS);
    for v in variants {
        assert!(v["properties"]["label"].is_object() && v["properties"]["within"].is_object());
        assert_eq!(v["additionalProperties"], false);
    }
}

// ---- positioned errors ----------------------------------------------------------

const HEAD: &str = "name: t\ndescription: d\ncovers: [F2]\nsettings: {clusterName: c1}\n";

fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    Scenario::parse(text, Path::new("dir/t.yaml"))
}

fn position(text: &str) -> (usize, usize, String) {
    match parse(text) {
        Err(ScenarioError::Parse {
            file,
            line,
            column,
            message,
        }) => {
            assert_eq!(file, Path::new("dir/t.yaml"));
            (line, column, message)
        }
        other => panic!("expected a positioned error, got {other:?}"),
    }
}

#[test]
fn a_minimal_scenario_parses() {
    let s = parse(&format!("{HEAD}steps:\n  - wait_converged:\n  - label: x\n    restart: {{}}\n  - expect_no_writes: {{since: x}}\n")).unwrap();
    assert_eq!(s.steps.len(), 3);
    assert!(s.autostart && s.steps[1].label.as_deref() == Some("x"));
    assert_eq!(s.steps[0].kind.key(), "wait_converged");
}

#[test]
fn unknown_keys_are_reported_at_their_line_and_column() {
    let (l, c, m) = position(&format!("{HEAD}colour: red\nsteps: []\n"));
    assert_eq!((l, c), (5, 1), "{m}");
    assert!(m.contains("unknown field `colour`"), "{m}");

    let text = format!(
        "{HEAD}steps:\n  - wait_converged: {{timeout: 5s}}\n  - expect_avi:\n      - type: pool\n        name: p\n        feilds: {{}}\n"
    );
    let (l, c, m) = position(&text);
    assert_eq!((l, c), (10, 9), "{m}");
    assert!(
        m.contains("unknown field `feilds`") && m.contains("fields"),
        "{m}"
    );
}

#[test]
fn bad_values_are_reported_at_their_line_and_column() {
    let cases = [
        (
            "steps:\n  - wait_converged: {timeout: 5 minutes}\n",
            (6, 31),
            "invalid duration",
        ),
        (
            "steps:\n  - advance_time: 3d\n",
            (6, 19),
            "invalid duration",
        ),
        (
            "steps:\n  - expect_status: {object: ingress/x, load_balancer: present}\n",
            (6, 29),
            "Kind/namespace/name",
        ),
        (
            "steps:\n  - expect_avi: [{type: pool, name: p, fields: {a: {$nope: 1}}}]\n",
            (6, 52),
            "unknown operator",
        ),
        (
            "steps:\n  - settings: {values: {shardVSSize: HUGE}, restart: true}\n",
            (6, 38),
            "unknown variant `HUGE`",
        ),
        (
            "steps:\n  - avi_fault: {type: pool, error: lots}\n",
            (6, 36),
            "invalid type",
        ),
    ];
    for (steps, at, text) in cases {
        let (l, c, m) = position(&format!("{HEAD}{steps}"));
        assert!(m.contains(text), "{steps}: {m}");
        assert_eq!((l, c), at, "{steps}: {m}");
    }
    let (l, _, m) = position(
        "name: t\ndescription: d\ncovers: [F2, F31]\nsettings: {clusterName: c1}\nsteps: []\n",
    );
    assert_eq!(l, 3);
    assert!(m.contains("F31"), "{m}");
}

#[test]
fn step_shape_errors_name_the_step_line() {
    let (l, _, m) = position(&format!(
        "{HEAD}steps:\n  - wait_converged: {{}}\n  - restart: {{}}\n    kill: {{}}\n"
    ));
    assert_eq!(l, 7, "{m}");
    assert!(m.contains("`restart` and `kill`"), "{m}");
    let (l, _, m) = position(&format!(
        "{HEAD}steps:\n  - wait_converged: {{}}\n  - rstart: {{}}\n"
    ));
    assert_eq!(l, 7, "{m}");
    assert!(
        m.contains("unknown variant `rstart`") && m.contains("restart"),
        "{m}"
    );
    let (_, _, m) = position(&format!("{HEAD}steps:\n  - label: x\n"));
    assert!(m.contains("one step key"), "{m}");
}

#[test]
fn yaml_anchors_and_aliases_work_inside_steps() {
    let text = format!(
        "{HEAD}steps:\n  - apply: [&ing {{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {{name: a, namespace: default}}}}]\n  - wait_converged: &wait {{timeout: 5s}}\n  - delete: {{object: Ingress/default/a}}\n  - apply: [*ing]\n  - wait_converged: *wait\n"
    );
    let s = parse(&text).unwrap();
    assert_eq!(s.steps[0].kind, s.steps[3].kind);
    assert_eq!(s.steps[1].kind, s.steps[4].kind);
    // Merge keys are not expanded: documented as unsupported, and reported.
    let (_, _, m) = position(&format!(
        "{HEAD}steps:\n  - wait_converged: &w {{timeout: 5s}}\n  - wait_converged: {{<<: *w, allow_failing: true}}\n"
    ));
    assert!(m.contains("<<"), "{m}");
}

fn invalid(text: &str) -> (String, String) {
    match parse(text) {
        Err(ScenarioError::Invalid { at, message, .. }) => (at, message),
        other => panic!("expected a rule violation, got {other:?}"),
    }
}

#[test]
fn load_time_rules_bite() {
    let steps = |s: &str| format!("{HEAD}steps:\n{s}");
    let cases: [(String, &str, &str); 13] = [
        (format!("{HEAD}autostart: false\nsteps: [{{restart: {{}}}}]\n"), "scenario", "`start` step"),
        (format!("{HEAD}pending: true\nsteps: [{{restart: {{}}}}]\n"), "scenario", "pending_reason"),
        ("name: other\ndescription: d\ncovers: [F2]\nsettings: {clusterName: c1}\nsteps: [{restart: {}}]\n".into(), "scenario", "file name"),
        ("name: t\ndescription: d\ncovers: [F2]\nsettings: {}\nsteps: [{restart: {}}]\n".into(), "scenario", "clusterName"),
        (steps("  - expect_no_writes: {since: later}\n  - label: later\n    restart: {}\n"), "steps[0]", "no earlier step label"),
        (steps("  - avi_fault: {error: 500, until: nowhere}\n"), "steps[0]", "no later step label"),
        (steps("  - restart: {}\n    within: 5s\n"), "steps[0]", "`within`"),
        (steps("  - avi_fault: {error: 500, outage: true}\n"), "steps[0]", "one effect"),
        (steps("  - kube_fault: {kind: Ingress}\n"), "steps[0]", "no effect"),
        (steps("  - avi_fault: {error: 200}\n"), "steps[0]", "400-599"),
        (steps("  - label: a\n    restart: {}\n  - label: a\n    restart: {}\n"), "steps[1] (label \"a\")", "twice"),
        (steps("  - expect_avi: [{type: vsvip, name: v, fields: {vip: {$capture: ip}}}]\n"), "steps[0]", "capture"),
        (steps("  - differential:\n      a: [{restart: {}}]\n      b: [{differential: {a: [{restart: {}}], b: [{restart: {}}]}}]\n"), "steps[0].differential.b[0]", "nest"),
    ];
    for (text, at, needle) in cases {
        let (got_at, msg) = invalid(&text);
        assert_eq!(got_at, at, "{text}\n{msg}");
        assert!(msg.contains(needle), "{text}\n{msg}");
    }
}

#[test]
fn missing_and_broken_manifest_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("t.yaml");
    std::fs::write(
        &scenario,
        format!("{HEAD}steps:\n  - apply: {{file: m/app.yaml}}\n"),
    )
    .unwrap();
    match Scenario::load(&scenario) {
        Err(ScenarioError::Io { file, .. }) => assert!(file.ends_with("m/app.yaml")),
        other => panic!("{other:?}"),
    }
    std::fs::create_dir(dir.path().join("m")).unwrap();
    std::fs::write(dir.path().join("m/app.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {namespace: x}\n").unwrap();
    match Scenario::load(&scenario) {
        Err(ScenarioError::Parse {
            file,
            line,
            message,
            ..
        }) => {
            assert!(file.ends_with("m/app.yaml"));
            assert_eq!(line, 5, "{message}");
            assert!(message.contains("metadata.name"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    std::fs::write(
        dir.path().join("m/app.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n",
    )
    .unwrap();
    let s = Scenario::load(&scenario).unwrap();
    let StepKind::Apply(m) = &s.steps[0].kind else {
        panic!()
    };
    let objs = m.objects(s.base_dir()).unwrap();
    assert_eq!(objs.len(), 1);
    assert_eq!(objs[0].to_string(), "Service/a");
}

// ---- the README's examples are real syntax --------------------------------------

fn readme() -> String {
    std::fs::read_to_string(scenarios_dir().join("README.md")).unwrap()
}

/// The fenced ```yaml blocks of a README section.
fn yaml_blocks(section: &str) -> Vec<String> {
    let text = readme();
    let start = text
        .find(section)
        .unwrap_or_else(|| panic!("README has no {section:?}"));
    let body = &text[start + section.len()..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    body.split("```yaml\n")
        .skip(1)
        .map(|b| b[..b.find("```").unwrap()].to_owned())
        .collect()
}

#[test]
fn the_readme_first_scenario_loads() {
    let block = &yaml_blocks("## A first scenario")[0];
    let s = Scenario::parse(block, &scenarios_dir().join("faq/my-first.yaml")).unwrap();
    assert_eq!(s.name, "my-first");
}

#[test]
fn every_step_example_in_the_readme_parses() {
    let text = readme();
    let start = text.find("### Actions").unwrap();
    let end = text.find("### Field patterns").unwrap();
    let mut snippets: Vec<String> = Vec::new();
    for row in text[start..end].lines().filter(|l| l.starts_with("| `")) {
        let example = row.split(" | ").nth(1).unwrap_or_default();
        for part in example.split("<br>") {
            let code = part.trim().trim_matches('`');
            // Table rows elide long objects with "..."; those are not literal examples.
            if code.contains("...") || !code.contains(':') {
                continue;
            }
            snippets.push(code.to_owned());
        }
    }
    for block in yaml_blocks("### Actions")
        .iter()
        .chain(&yaml_blocks("### Assertions"))
    {
        snippets.extend(
            serde_yaml::from_str::<Vec<serde_yaml::Value>>(block)
                .unwrap()
                .iter()
                .map(|v| serde_yaml::to_string(v).unwrap()),
        );
    }
    assert!(
        snippets.len() > 40,
        "found only {} examples",
        snippets.len()
    );
    let mut kinds = BTreeSet::new();
    for code in &snippets {
        let step: Step =
            serde_yaml::from_str(code).unwrap_or_else(|e| panic!("README example `{code}`: {e}"));
        kinds.insert(step.kind.key());
    }
    let missing: Vec<_> = STEP_KEYS.iter().filter(|k| !kinds.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "step kinds without a README example: {missing:?}"
    );
}
