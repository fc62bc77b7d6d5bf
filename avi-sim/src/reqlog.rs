//! The request log: every request to /login, /logout and /api, who sent it (the
//! `X-Sim-Client` header, else the remote address), and counts per verb × object type
//! and per client, so tests can assert "zero writes by client X".

use std::collections::{BTreeMap, VecDeque};

use parking_lot::Mutex;
use serde::Serialize;

/// Entries kept; counts are kept for every request regardless.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub seq: u64,
    pub at: String,
    pub client: String,
    pub method: String,
    pub path: String,
    /// Object type (`pool`), or `login` / `logout` / the singleton's name.
    pub object_type: String,
    pub status: u16,
    /// Name and uuid of the object a successful write created, changed or deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_uuid: Option<String>,
}

/// The object a write touched, handed from the handler to the log as a response
/// extension.
#[derive(Debug, Clone)]
pub struct Touched {
    pub name: String,
    pub uuid: String,
}

/// One request, as the gate saw it.
pub struct Seen<'a> {
    pub client: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub object_type: &'a str,
    pub status: u16,
    pub touched: Option<&'a Touched>,
}

impl Entry {
    /// A configuration write: POST/PUT/PATCH/DELETE other than `/login`, `/logout`.
    pub fn is_write(&self) -> bool {
        is_config_write(&self.method, &self.object_type)
    }
}

/// A write verb (what fault rules mean by `"verb": "write"`).
pub fn is_write(method: &str) -> bool {
    matches!(method, "POST" | "PUT" | "PATCH" | "DELETE")
}

/// A write that changes configuration: not a session call.
fn is_config_write(method: &str, object_type: &str) -> bool {
    is_write(method) && !matches!(object_type, "login" | "logout")
}

/// `"<VERB> <type>"` → count.
pub type Counts = BTreeMap<String, u64>;

#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    pub total: u64,
    pub counts: Counts,
    pub clients: BTreeMap<String, Counts>,
}

#[derive(Default)]
pub struct RequestLog {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    seq: u64,
    entries: VecDeque<Entry>,
    summary: Summary,
}

impl RequestLog {
    pub(crate) fn record(&self, r: Seen<'_>) {
        let Seen {
            client,
            method,
            path,
            object_type,
            status,
            touched,
        } = r;
        let mut g = self.inner.lock();
        g.seq += 1;
        let key = format!("{method} {object_type}");
        g.summary.total += 1;
        *g.summary.counts.entry(key.clone()).or_default() += 1;
        *g.summary
            .clients
            .entry(client.to_string())
            .or_default()
            .entry(key)
            .or_default() += 1;
        let e = Entry {
            seq: g.seq,
            at: jiff::Timestamp::now().to_string(),
            client: client.into(),
            method: method.into(),
            path: path.into(),
            object_type: object_type.into(),
            status,
            object_name: touched.map(|t| t.name.clone()),
            object_uuid: touched.map(|t| t.uuid.clone()),
        };
        if g.entries.len() == MAX_ENTRIES {
            g.entries.pop_front();
        }
        g.entries.push_back(e);
    }

    /// The newest entries (at most `MAX_ENTRIES`), oldest first.
    pub fn entries(&self) -> Vec<Entry> {
        self.inner.lock().entries.iter().cloned().collect()
    }

    pub fn summary(&self) -> Summary {
        self.inner.lock().summary.clone()
    }

    /// Counts of one client (empty when it sent nothing).
    pub fn client_counts(&self, client: &str) -> Counts {
        self.inner
            .lock()
            .summary
            .clients
            .get(client)
            .cloned()
            .unwrap_or_default()
    }

    /// Number of configuration writes (POST/PUT/PATCH/DELETE, not `/login` or
    /// `/logout`) by `client` (all clients when `None`), whatever their status.
    pub fn writes(&self, client: Option<&str>) -> u64 {
        let g = self.inner.lock();
        let sum = |c: &Counts| -> u64 {
            c.iter()
                .filter(|(k, _)| {
                    k.split_once(' ')
                        .is_some_and(|(m, t)| is_config_write(m, t))
                })
                .map(|(_, n)| n)
                .sum()
        };
        match client {
            Some(c) => g.summary.clients.get(c).map(sum).unwrap_or(0),
            None => sum(&g.summary.counts),
        }
    }

    pub fn clear(&self) {
        *self.inner.lock() = Inner::default();
    }
}
