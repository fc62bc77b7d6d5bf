//! `CoverageId`: the promise ids a scenario covers — F1–F30 (the FAQ digest) and
//! B1–B26 (the original AKO's failures).

use std::fmt;
use std::str::FromStr;

use super::text::string_type;

/// Highest FAQ promise id (`spec/ako-faq-digest.md`).
pub const FAQ_MAX: u8 = 30;
/// Highest regression id (`spec/original-ako-bugs.md`).
pub const BUG_MAX: u8 = 26;

/// One id of a `covers:` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CoverageId {
    /// `F<n>`, a promise of the FAQ.
    Faq(u8),
    /// `B<n>`, a failure of the original that must never happen here.
    Bug(u8),
}

impl CoverageId {
    /// Every id that must be covered by at least one scenario, F ids first.
    pub fn all() -> impl Iterator<Item = CoverageId> {
        (1..=FAQ_MAX)
            .map(CoverageId::Faq)
            .chain((1..=BUG_MAX).map(CoverageId::Bug))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown coverage id {0:?}: expected F1..F{FAQ_MAX} or B1..B{BUG_MAX}")]
pub struct CoverageIdError(String);

impl FromStr for CoverageId {
    type Err = CoverageIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || CoverageIdError(s.to_owned());
        let (ctor, max): (fn(u8) -> CoverageId, u8) = match s.get(..1) {
            Some("F") => (CoverageId::Faq, FAQ_MAX),
            Some("B") => (CoverageId::Bug, BUG_MAX),
            _ => return Err(err()),
        };
        let digits = &s[1..];
        // "F02" or "F+2" would parse as numbers; the ids are written without padding.
        if digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        match digits.parse::<u8>() {
            Ok(n) if (1..=max).contains(&n) => Ok(ctor(n)),
            _ => Err(err()),
        }
    }
}

impl fmt::Display for CoverageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Faq(n) => write!(f, "F{n}"),
            Self::Bug(n) => write!(f, "B{n}"),
        }
    }
}

string_type!(
    CoverageId,
    "CoverageId",
    "a coverage id such as F2 or B22",
    "^(F([1-9]|[12][0-9]|30)|B([1-9]|1[0-9]|2[0-6]))$",
    "A FAQ promise id (F1-F30, spec/ako-faq-digest.md) or a regression id (B1-B26, spec/original-ako-bugs.md)."
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_round_trips_and_the_bounds_hold() {
        let all: Vec<_> = CoverageId::all().collect();
        assert_eq!(all.len(), 56);
        for id in all {
            assert_eq!(id.to_string().parse::<CoverageId>(), Ok(id));
        }
        for bad in ["F0", "F31", "B27", "F02", "f2", "X1", "F", "B+2", ""] {
            assert!(bad.parse::<CoverageId>().is_err(), "{bad}");
        }
    }
}
