//! Loading: `Scenario::load` (file -> parsed, validated scenario) and the walk over
//! every step, including those nested in `differential` branches.

use std::path::{Path, PathBuf};

use super::error::ScenarioError;
use super::settings::Settings;
use super::step::{Step, StepKind};
use super::{Scenario, validate};

impl Scenario {
    /// Reads, parses and validates a scenario file. YAML errors (unknown keys, bad
    /// values) carry the file, line and column; rule violations the file and step.
    pub fn load(path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            file: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses and validates scenario text as if read from `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
        let mut scenario: Scenario =
            serde_yaml::from_str(text).map_err(|e| ScenarioError::from_yaml(path, &e))?;
        scenario.path = path.to_owned();
        validate::check(&scenario)?;
        Ok(scenario)
    }

    /// The directory relative `file:` references resolve against.
    pub fn base_dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Every step in play order with its position (`steps[3]`,
    /// `steps[5].differential.b[0]`), branches right after their `differential` step.
    pub fn walk(&self) -> Vec<(String, &Step)> {
        let mut out = Vec::new();
        walk_into(&self.steps, "steps", &mut out);
        out
    }

    /// Every relative `file:` reference, resolved against [`Scenario::base_dir`].
    pub fn file_refs(&self) -> Vec<PathBuf> {
        self.walk()
            .into_iter()
            .filter_map(|(_, step)| match &step.kind {
                StepKind::Apply(super::Manifests::File(f)) => Some(f),
                StepKind::Delete(d) => d.file.as_ref(),
                _ => None,
            })
            .map(|f| self.base_dir().join(f))
            .collect()
    }

    /// The settings in force when top-level step `index` starts: the scenario's
    /// `settings` overlaid with every earlier `settings` step.
    pub fn settings_at(&self, index: usize) -> Settings {
        self.steps[..index.min(self.steps.len())]
            .iter()
            .fold(self.settings.clone(), |acc, step| match &step.kind {
                StepKind::Settings(change) => acc.overlay(&change.values),
                _ => acc,
            })
    }
}

/// Every scenario file below `dir`, sorted: `*.yaml` files outside directories named
/// `manifests` (those hold Kubernetes manifests that scenarios reference).
pub fn discover(dir: &Path) -> Result<Vec<PathBuf>, ScenarioError> {
    let mut out = Vec::new();
    discover_into(dir, &mut out)?;
    out.sort();
    Ok(out)
}

fn discover_into(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ScenarioError> {
    let io = |source| ScenarioError::Io {
        file: dir.to_owned(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "manifests") {
                discover_into(&path, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
    Ok(())
}

fn walk_into<'a>(steps: &'a [Step], prefix: &str, out: &mut Vec<(String, &'a Step)>) {
    for (i, step) in steps.iter().enumerate() {
        let at = format!("{prefix}[{i}]");
        out.push((at.clone(), step));
        if let StepKind::Differential(d) = &step.kind {
            walk_into(&d.a, &format!("{at}.differential.a"), out);
            walk_into(&d.b, &format!("{at}.differential.b"), out);
        }
    }
}
