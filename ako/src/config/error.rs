//! Errors of loading settings. Each names the setting as its source spells it
//! (`L7Settings.shardVSSize` in a values file, `shardVSSize` in the ConfigMap,
//! `SHARD_VS_SIZE` in the environment) and, where there is a list, the allowed values.

use std::fmt;
use std::path::PathBuf;

use crate::shard::UnknownValue;

/// One invalid setting.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value outside an enumeration.
    #[error("{key}: {source}")]
    NotOneOf {
        key: String,
        #[source]
        source: UnknownValue,
    },
    /// A value of the right kind with a wrong shape or content.
    #[error("{key}: {value:?} is invalid: {reason}")]
    Invalid {
        key: String,
        value: String,
        reason: String,
    },
    /// A required setting set nowhere.
    #[error("{key} is required (set {names})")]
    Missing { key: String, names: String },
    /// A setting of the original that AKO-rs deliberately does not implement.
    #[error("{key}: {value:?} is not supported by AKO-rs: {reason}")]
    Unsupported {
        key: String,
        value: String,
        reason: String,
    },
    /// The values file is not YAML of the expected shape.
    #[error("values file: {message}")]
    ValuesYaml { message: String },
    /// The values file could not be read.
    #[error("values file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ConfigError {
    pub(crate) fn values_yaml(message: impl Into<String>) -> Self {
        Self::ValuesYaml {
            message: message.into(),
        }
    }

    pub(crate) fn invalid(key: &str, value: &str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            key: key.to_owned(),
            value: value.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Every invalid setting found in one load, so a user fixes them all at once.
#[derive(Debug)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(f, "{n} invalid setting{}", if n == 1 { "" } else { "s" })?;
        for e in &self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl From<ConfigError> for ConfigErrors {
    fn from(e: ConfigError) -> Self {
        Self(vec![e])
    }
}
