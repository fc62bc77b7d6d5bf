//! Shard placement: shard size -> shard count, and hostname -> shard number.
//!
//! This module is the only place that decides which shared L7 virtual service a
//! host lands on. `md5` (the default, and what the original's FAQ documents) takes
//! the first four bytes of `md5(host)` as a big-endian `u32`, modulo the count.
//! `fnv1a` reproduces the original AKO's code (`fnv32a(host) & (count - 1)`) so a
//! cluster migrating from it keeps every host on the same shard, and so its VIPs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Global (`L7Settings.shardVSSize`) or per-AviInfraSetting shard size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ShardSize {
    Large,
    Medium,
    Small,
    /// One virtual service per host: no hashing at all.
    Dedicated,
}

impl ShardSize {
    /// Every size, in the order error messages list them.
    pub const ALL: [ShardSize; 4] = [Self::Large, Self::Medium, Self::Small, Self::Dedicated];

    /// Number of shared virtual services; `None` means one dedicated VS per host.
    pub fn count(self) -> Option<u32> {
        match self {
            Self::Large => Some(8),
            Self::Medium => Some(4),
            Self::Small => Some(1),
            Self::Dedicated => None,
        }
    }

    /// The spelling used in values files, the ConfigMap and CRDs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Large => "LARGE",
            Self::Medium => "MEDIUM",
            Self::Small => "SMALL",
            Self::Dedicated => "DEDICATED",
        }
    }
}

/// The hash that maps a host onto a shard.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub enum ShardHash {
    /// `u32::from_be_bytes(md5(host)[0..4]) % count`.
    #[default]
    Md5,
    /// The original AKO's placement: `fnv32a(host) & (count - 1)`.
    Fnv1a,
}

impl ShardHash {
    pub const ALL: [ShardHash; 2] = [Self::Md5, Self::Fnv1a];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::Fnv1a => "fnv1a",
        }
    }
}

/// A value that is not one of an enum's spellings; the message lists the allowed ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not one of {allowed}")]
pub struct UnknownValue {
    pub value: String,
    /// Comma-separated allowed spellings.
    pub allowed: String,
}

impl UnknownValue {
    pub fn new<'a>(value: &str, allowed: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            value: value.to_owned(),
            allowed: allowed.into_iter().collect::<Vec<_>>().join(", "),
        }
    }
}

/// Implements `FromStr`, `Display` and the serde string conversions from `ALL`/`as_str`.
macro_rules! string_enum {
    ($ty:ty) => {
        impl FromStr for $ty {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::ALL
                    .into_iter()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| UnknownValue::new(s, <$ty>::ALL.map(<$ty>::as_str)))
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl TryFrom<String> for $ty {
            type Error = UnknownValue;
            fn try_from(s: String) -> Result<Self, UnknownValue> {
                s.parse()
            }
        }
        impl From<$ty> for String {
            fn from(v: $ty) -> String {
                v.as_str().to_owned()
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(ShardSize);
string_enum!(ShardHash);

/// Shard number of `host` among `count` shared virtual services.
///
/// `count` is a shard count from [`ShardSize::count`] (1, 4 or 8); a count of 0 is
/// treated as 1 so the function is total. `fnv1a` masks like the original, which is
/// only a modulo for powers of two — every count this crate produces is one.
pub fn of(host: &str, count: u32, hash: ShardHash) -> u32 {
    let count = count.max(1);
    match hash {
        ShardHash::Md5 => {
            let d = md5::compute(host.as_bytes()).0;
            u32::from_be_bytes([d[0], d[1], d[2], d[3]]) % count
        }
        ShardHash::Fnv1a => fnv32a(host.as_bytes()) & (count - 1),
    }
}

/// Go's `hash/fnv` New32a.
fn fnv32a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// Where a host's L7 objects live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Placement {
    /// On shared virtual service number `n`.
    Shared(u32),
    /// On its own `-L7-dedicated` virtual service.
    Dedicated,
}

/// Placement of `host` for a shard size; the one entry point for L7 hosts.
pub fn place(host: &str, size: ShardSize, hash: ShardHash) -> Placement {
    match size.count() {
        Some(count) => Placement::Shared(of(host, count, hash)),
        None => Placement::Dedicated,
    }
}

/// A host whose placement differs between two shard settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move<'h> {
    pub host: &'h str,
    pub from: Placement,
    pub to: Placement,
}

/// The hosts that change placement when the shard settings change from `from`
/// to `to` (F7: what `ako shard --plan` shows before a disruptive change), in
/// input order.
pub fn moves<'h>(
    hosts: impl IntoIterator<Item = &'h str>,
    from: (ShardSize, ShardHash),
    to: (ShardSize, ShardHash),
) -> Vec<Move<'h>> {
    hosts
        .into_iter()
        .filter_map(|host| {
            let from = place(host, from.0, from.1);
            let to = place(host, to.0, to.1);
            (from != to).then_some(Move { host, from, to })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_faq() {
        let counts: Vec<_> = ShardSize::ALL.iter().map(|s| s.count()).collect();
        assert_eq!(counts, [Some(8), Some(4), Some(1), None]);
    }

    #[test]
    fn parse_round_trips_and_rejects_with_allowed_values() {
        for s in ShardSize::ALL {
            assert_eq!(s.as_str().parse::<ShardSize>(), Ok(s));
        }
        for h in ShardHash::ALL {
            assert_eq!(h.to_string().parse::<ShardHash>(), Ok(h));
        }
        let err = "HUGE".parse::<ShardSize>().unwrap_err();
        assert_eq!(
            err.to_string(),
            r#""HUGE" is not one of LARGE, MEDIUM, SMALL, DEDICATED"#
        );
        assert!(
            "large".parse::<ShardSize>().is_err(),
            "case-sensitive like the original"
        );
        let err = "sha1".parse::<ShardHash>().unwrap_err();
        assert_eq!(err.to_string(), r#""sha1" is not one of md5, fnv1a"#);
    }

    #[test]
    fn serde_uses_the_config_spelling() {
        let v: ShardSize = serde_json::from_str(r#""MEDIUM""#).unwrap();
        assert_eq!(v, ShardSize::Medium);
        assert_eq!(
            serde_json::to_string(&ShardHash::Fnv1a).unwrap(),
            r#""fnv1a""#
        );
        assert!(serde_json::from_str::<ShardSize>(r#""HUGE""#).is_err());
        assert_eq!(ShardHash::default(), ShardHash::Md5);
    }

    #[test]
    fn fnv32a_matches_published_vectors() {
        // Test vectors from the FNV reference (http://www.isthe.com/chongo/tech/comp/fnv/).
        assert_eq!(fnv32a(b""), 0x811c_9dc5);
        assert_eq!(fnv32a(b"a"), 0xe40c_292c);
        assert_eq!(fnv32a(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn zero_count_is_one_shard() {
        assert_eq!(of("foo.com", 0, ShardHash::Md5), 0);
        assert_eq!(of("foo.com", 0, ShardHash::Fnv1a), 0);
    }

    #[test]
    fn dedicated_is_not_hashed() {
        assert_eq!(
            place("foo.com", ShardSize::Dedicated, ShardHash::Md5),
            Placement::Dedicated
        );
        assert_eq!(
            place("foo.com", ShardSize::Small, ShardHash::Fnv1a),
            Placement::Shared(0)
        );
    }
}
