//! Settings of one simulator instance. `Config::default()` is what tests want: plain
//! HTTP on an ephemeral 127.0.0.1 port, user `admin` / `password`, no rate limit.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Default login, documented in the README.
pub const DEFAULT_USERNAME: &str = "admin";
pub const DEFAULT_PASSWORD: &str = "password";

#[derive(Debug, Clone)]
pub enum Tls {
    /// A certificate for `localhost` / `127.0.0.1` generated at start.
    SelfSigned,
    /// PEM files.
    Pem { cert: PathBuf, key: PathBuf },
}

/// Token bucket per client: `per_second` refill, `burst` capacity.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: f64,
}

impl RateLimit {
    /// A default Avi controller: ~32 requests/s per client address.
    pub fn avi_default() -> Self {
        Self {
            per_second: 32.0,
            burst: 32.0,
        }
    }
}

/// The VIP network seeded with IPAM so VsVips get addresses.
#[derive(Debug, Clone)]
pub struct VipNetwork {
    pub name: String,
    /// Subnet, e.g. `10.10.10.0/24`.
    pub cidr: String,
    /// First and last address handed out to VIPs.
    pub first: String,
    pub last: String,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub tls: Option<Tls>,
    pub username: String,
    pub password: String,
    /// Version the controller reports and the newest `X-Avi-Version` it accepts.
    pub controller_version: String,
    /// Oldest `X-Avi-Version` accepted.
    pub min_version: String,
    /// Accept `Authorization: Basic` (off by default, like a real controller).
    pub basic_auth: bool,
    pub rate_limit: Option<RateLimit>,
    /// Largest request body accepted.
    pub body_limit: usize,
    /// Refuse fields the swagger table does not know.
    pub strict_fields: bool,
    pub vip_network: VipNetwork,
    /// Load the store from this file at start (if it exists).
    pub state_file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: None,
            username: DEFAULT_USERNAME.into(),
            password: DEFAULT_PASSWORD.into(),
            controller_version: "30.2.1".into(),
            min_version: "18.2.6".into(),
            basic_auth: false,
            rate_limit: None,
            body_limit: 8 << 20,
            strict_fields: true,
            vip_network: VipNetwork {
                name: "vip-network".into(),
                cidr: "10.10.10.0/24".into(),
                first: "10.10.10.10".into(),
                last: "10.10.10.250".into(),
            },
            state_file: None,
        }
    }
}
