//! The shared state of one simulator: config, store, sessions, faults, request log,
//! rate limiter and the upgrade switch. The HTTP layer and the in-process `Handle`
//! both work on it.

use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::RwLock;

use crate::config::Config;
use crate::error::AviError;
use crate::faults::Faults;
use crate::ratelimit::RateLimiter;
use crate::reqlog::RequestLog;
use crate::seed;
use crate::session::{AuthPolicy, Sessions, Version};
use crate::store::{Saved, Store};

/// Why a simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("invalid controller version {0:?}")]
    Version(String),
    #[error("seeding the store: {0}")]
    Seed(AviError),
    #[error("state file {path}: {reason}")]
    State { path: String, reason: String },
    #[error("TLS: {0}")]
    Tls(String),
    #[error("listening on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
}

pub struct Sim {
    pub config: Config,
    pub min_version: Version,
    pub version: Version,
    pub store: RwLock<Store>,
    pub sessions: Sessions,
    pub faults: Faults,
    pub log: RequestLog,
    pub limiter: RateLimiter,
    upgrade: AtomicBool,
}

impl Sim {
    pub fn new(config: Config) -> Result<Self, StartError> {
        let version = Version::parse(&config.controller_version)
            .ok_or_else(|| StartError::Version(config.controller_version.clone()))?;
        let min_version = Version::parse(&config.min_version)
            .ok_or_else(|| StartError::Version(config.min_version.clone()))?;
        let store = match &config.state_file {
            Some(p) if p.exists() => load_state(p)?,
            _ => seed::seed(&config.vip_network).map_err(StartError::Seed)?,
        };
        Ok(Self {
            limiter: RateLimiter::new(config.rate_limit),
            config,
            min_version,
            version,
            store: RwLock::new(store),
            sessions: Sessions::default(),
            faults: Faults::default(),
            log: RequestLog::default(),
            upgrade: AtomicBool::new(false),
        })
    }

    pub fn tls(&self) -> bool {
        self.config.tls.is_some()
    }

    pub fn auth_policy(&self) -> AuthPolicy<'_> {
        AuthPolicy {
            username: &self.config.username,
            password: &self.config.password,
            basic_auth: self.config.basic_auth,
            tls: self.tls(),
        }
    }

    pub fn upgrade_in_progress(&self) -> bool {
        self.upgrade.load(Ordering::Relaxed)
    }
    pub fn set_upgrade_in_progress(&self, on: bool) {
        self.upgrade.store(on, Ordering::Relaxed);
    }

    /// Back to a fresh controller: seeded store, empty log, no faults, no upgrade.
    /// Sessions survive, so logged-in clients carry on.
    pub fn reset(&self) -> Result<(), AviError> {
        let fresh = seed::seed(&self.config.vip_network)?;
        *self.store.write() = fresh;
        self.log.clear();
        self.faults.clear();
        self.set_upgrade_in_progress(false);
        Ok(())
    }

    pub fn snapshot(&self) -> Vec<Saved> {
        self.store.read().snapshot()
    }

    /// Writes the store to `path` (JSON, as `/sim/dump` shows it).
    pub fn save_state(&self, path: &std::path::Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(&serde_json::json!({"objects": self.snapshot()}))?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, json)?;
        std::fs::rename(tmp, path)
    }
}

fn load_state(path: &std::path::Path) -> Result<Store, StartError> {
    let err = |reason: String| StartError::State {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    #[derive(serde::Deserialize)]
    struct File {
        objects: Vec<Saved>,
    }
    let file: File = serde_json::from_slice(&text).map_err(|e| err(e.to_string()))?;
    Store::restore(file.objects).map_err(err)
}
