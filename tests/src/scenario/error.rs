//! `ScenarioError`: why a scenario file could not be loaded — always naming the file,
//! and the line and column (YAML errors) or the step (rule violations).

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{}: cannot read: {source}", file.display())]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Unknown key, wrong type or bad value, at a position in the file (1-based).
    #[error("{}:{line}:{column}: {message}", file.display())]
    Parse {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A YAML error serde_yaml could not place (e.g. an empty document).
    #[error("{}: {message}", file.display())]
    Yaml { file: PathBuf, message: String },
    /// The file parses but breaks a rule of the format (see scenarios/README.md).
    #[error("{}: {at}: {message}", file.display())]
    Invalid {
        file: PathBuf,
        /// `scenario`, or the step: `steps[3] (label "boot")`, `steps[5].differential.b[0]`.
        at: String,
        message: String,
    },
}

impl ScenarioError {
    pub(crate) fn from_yaml(file: &Path, err: &serde_yaml::Error) -> Self {
        let message = strip_location(&err.to_string());
        match err.location() {
            Some(loc) => Self::Parse {
                file: file.to_owned(),
                line: loc.line(),
                column: loc.column(),
                message,
            },
            None => Self::Yaml {
                file: file.to_owned(),
                message,
            },
        }
    }

    /// The file the error is about.
    pub fn file(&self) -> &Path {
        match self {
            Self::Io { file, .. }
            | Self::Parse { file, .. }
            | Self::Yaml { file, .. }
            | Self::Invalid { file, .. } => file,
        }
    }
}

/// serde_yaml appends " at line L column C"; the location is carried in fields instead.
fn strip_location(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) if msg[i..].contains(" column ") => msg[..i].to_owned(),
        _ => msg.to_owned(),
    }
}
