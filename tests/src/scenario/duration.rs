//! `Duration`: how scenario files write time spans — `500ms`, `30s`, `5m`, `1h`.

use std::fmt;
use std::str::FromStr;

use super::text::string_type;

/// A time span written as an integer and one unit: `ms`, `s`, `m` or `h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(std::time::Duration);

impl Duration {
    pub const fn from_secs(secs: u64) -> Self {
        Self(std::time::Duration::from_secs(secs))
    }

    pub const fn from_millis(ms: u64) -> Self {
        Self(std::time::Duration::from_millis(ms))
    }

    pub fn as_std(self) -> std::time::Duration {
        self.0
    }
}

impl From<Duration> for std::time::Duration {
    fn from(d: Duration) -> Self {
        d.0
    }
}

/// Why a duration did not parse; the message shows the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration {0:?}: write an integer and a unit, e.g. 500ms, 30s, 5m, 1h")]
pub struct DurationError(String);

impl FromStr for Duration {
    type Err = DurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (digits, unit) = s.split_at(split);
        let err = || DurationError(s.to_owned());
        let n: u64 = digits.parse().map_err(|_| err())?;
        let ms = match unit {
            "ms" => Some(n),
            "s" => n.checked_mul(1_000),
            "m" => n.checked_mul(60_000),
            "h" => n.checked_mul(3_600_000),
            _ => None,
        };
        ms.map(Self::from_millis).ok_or_else(err)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        match ms {
            _ if ms.is_multiple_of(3_600_000) && ms > 0 => write!(f, "{}h", ms / 3_600_000),
            _ if ms.is_multiple_of(60_000) && ms > 0 => write!(f, "{}m", ms / 60_000),
            _ if ms.is_multiple_of(1_000) => write!(f, "{}s", ms / 1_000),
            _ => write!(f, "{ms}ms"),
        }
    }
}

string_type!(
    Duration,
    "Duration",
    "a duration such as 500ms, 30s, 5m or 1h",
    "^[0-9]+(ms|s|m|h)$",
    "An integer and a unit: ms, s, m or h (e.g. 30s)."
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit_and_round_trips() {
        for (text, ms) in [
            ("500ms", 500),
            ("30s", 30_000),
            ("5m", 300_000),
            ("1h", 3_600_000),
        ] {
            let d: Duration = text.parse().unwrap();
            assert_eq!(d, Duration::from_millis(ms));
            assert_eq!(d.to_string(), text);
        }
        assert_eq!(Duration::from_millis(1500).to_string(), "1500ms");
        assert_eq!(Duration::from_secs(0).to_string(), "0s");
    }

    #[test]
    fn rejects_missing_or_unknown_units() {
        for bad in [
            "30",
            "s",
            "",
            "1.5s",
            "10d",
            "-3s",
            "3 s",
            "99999999999999999999h",
        ] {
            let err = bad.parse::<Duration>().unwrap_err();
            assert!(err.to_string().contains("30s"), "{bad}: {err}");
        }
    }
}
