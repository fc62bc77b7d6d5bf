//! Every scenario file under scenarios/ loads and round-trips, the F/B coverage is
//! complete, scenarios/schema.json is current, shard expectations agree with the md5
//! placement rule, and the README's examples are real syntax. (Positioned errors and
//! load-time rules on hand-written text: tests/src/scenario/load_tests.rs.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ako_tests::scenario::{
    CoverageId, STEP_KEYS, Scenario, ShardHash, ShardSize, Step, StepKind, discover, json_schema,
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

/// The file stems of the links marked `*(pending)*` in the README's coverage tables.
fn marked_pending(readme: &str) -> BTreeSet<String> {
    let pieces: Vec<&str> = readme.split(" *(pending)*").collect();
    pieces[..pieces.len() - 1]
        .iter()
        .filter_map(|piece| {
            let target = &piece[piece.rfind("](")? + 2..piece.rfind(')')?];
            Some(
                Path::new(target)
                    .file_stem()?
                    .to_string_lossy()
                    .into_owned(),
            )
        })
        .collect()
}

/// The scenario names of the README's "Pending scenarios" table.
fn pending_table(readme: &str) -> BTreeSet<String> {
    readme
        .lines()
        .skip_while(|l| !l.starts_with("Pending scenarios"))
        .filter_map(|l| l.strip_prefix("| [")?.split(']').next())
        .map(str::to_owned)
        .collect()
}

/// The README says exactly which scenarios are pending: no pending file goes
/// unlisted, and no scenario that now runs is still called pending.
#[test]
fn the_readme_lists_exactly_the_pending_scenarios() {
    let readme = std::fs::read_to_string(scenarios_dir().join("README.md")).unwrap();
    let pending: BTreeSet<String> = load_all()
        .iter()
        .filter(|s| s.pending)
        .map(|s| s.path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        pending_table(&readme),
        pending,
        "the Pending scenarios table"
    );
    assert_eq!(marked_pending(&readme), pending, "the *(pending)* marks");
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
