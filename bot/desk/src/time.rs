//! Instants and spans for the desk: plain UTC milliseconds for storage and comparison, with parsing
//! and display of human spans (`2h`, `3d`) for the configuration and messages.

use std::fmt;
use std::str::FromStr;

use consulta_corpus::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

const MS_PER_SEC: i64 = 1_000;
const MS_PER_DAY: i64 = 86_400_000;

/// A moment in UTC, in milliseconds since the Unix epoch.
///
/// The desk stores and compares instants only; civil dates appear at the edges (curated-entry dates,
/// report periods, the CLI), so a plain integer keeps records compact and ordering trivial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The instant `millis` milliseconds after 1970-01-01T00:00:00Z.
    pub const fn from_millis(millis: i64) -> Self {
        Timestamp(millis)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// Midnight UTC of a civil date; `None` when the date does not exist (e.g. February 30).
    pub fn from_date(year: i64, month: u32, day: u32) -> Option<Self> {
        Date::from_ymd(year, month, day).map(Timestamp::at_midnight)
    }

    /// Midnight UTC of `date`.
    pub fn at_midnight(date: Date) -> Self {
        Timestamp(date.days_since_epoch() * MS_PER_DAY)
    }

    /// The civil date (UTC) as `YYYY-MM-DD`, the form the knowledge base uses for `valid_as_of`.
    pub fn date(self) -> String {
        self.calendar_date().to_string()
    }

    /// The civil date (UTC) of this instant.
    pub fn calendar_date(self) -> Date {
        Date::from_days_since_epoch(self.0.div_euclid(MS_PER_DAY))
    }

    /// The span from `earlier` to `self`, zero when `earlier` is later (clocks may be set back).
    pub fn since(self, earlier: Timestamp) -> Span {
        Span(u64::try_from(self.0.saturating_sub(earlier.0)).unwrap_or(0))
    }

    /// The instant `span` later, saturating rather than wrapping at the far future.
    pub fn plus(self, span: Span) -> Timestamp {
        Timestamp(
            self.0
                .saturating_add(i64::try_from(span.0).unwrap_or(i64::MAX)),
        )
    }

    /// The instant `span` earlier.
    pub fn minus(self, span: Span) -> Timestamp {
        Timestamp(
            self.0
                .saturating_sub(i64::try_from(span.0).unwrap_or(i64::MAX)),
        )
    }
}

impl fmt::Display for Timestamp {
    /// `YYYY-MM-DD HH:MM UTC`: minutes are the resolution an expert or operator reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let in_day = self.0.rem_euclid(MS_PER_DAY) / MS_PER_SEC;
        write!(
            f,
            "{} {:02}:{:02} UTC",
            self.date(),
            in_day / 3600,
            (in_day % 3600) / 60
        )
    }
}

impl FromStr for Timestamp {
    type Err = TimeError;

    /// Accepts `YYYY-MM-DD` (midnight UTC), `YYYY-MM-DDTHH:MM[:SS][Z]` or the same with a space.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || TimeError::Instant(s.to_string());
        let s = s.trim();
        let (date, time) = match s.split_once(['T', ' ']) {
            Some((date, time)) => (date, Some(time.trim_end_matches('Z'))),
            None => (s, None),
        };
        let mut parts = date.splitn(3, '-');
        let mut next = || parts.next().ok_or_else(invalid);
        let (y, m, d) = (next()?, next()?, next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(invalid());
        }
        let day = Timestamp::from_date(
            y.parse().map_err(|_| invalid())?,
            m.parse().map_err(|_| invalid())?,
            d.parse().map_err(|_| invalid())?,
        )
        .ok_or_else(invalid)?;
        let Some(time) = time else {
            return Ok(day);
        };
        let fields: Vec<&str> = time.split(':').collect();
        if !(2..=3).contains(&fields.len()) || fields.iter().any(|f| f.len() != 2) {
            return Err(invalid());
        }
        let mut secs = 0i64;
        for (field, (unit, max)) in fields.iter().zip([(3600, 23), (60, 59), (1, 59)]) {
            let value: i64 = field.parse().map_err(|_| invalid())?;
            if value > max {
                return Err(invalid());
            }
            secs += value * unit;
        }
        Ok(Timestamp(day.0 + secs * MS_PER_SEC))
    }
}

/// A length of time, as configured (`90s`, `15m`, `2h`, `3d`, `1w`, or combinations like `1h30m`).
///
/// Configuration files carry spans as strings so that an operator reads `reminder_after = "2h"` rather
/// than a bare number of unknown unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span(u64);

impl Span {
    /// A span of `millis` milliseconds.
    pub const fn from_millis(millis: u64) -> Self {
        Span(millis)
    }

    /// A span of `secs` seconds.
    pub const fn from_secs(secs: u64) -> Self {
        Span(secs * 1_000)
    }

    /// A span of `minutes` minutes.
    pub const fn from_mins(minutes: u64) -> Self {
        Span::from_secs(minutes * 60)
    }

    /// A span of `hours` hours.
    pub const fn from_hours(hours: u64) -> Self {
        Span::from_mins(hours * 60)
    }

    /// A span of `days` days.
    pub const fn from_days(days: u64) -> Self {
        Span::from_hours(days * 24)
    }

    /// The length of `duration`, to the millisecond below (saturating): a platform's wait, given
    /// as a [`std::time::Duration`], spent on a [`crate::Clock`].
    pub fn from_duration(duration: std::time::Duration) -> Self {
        Span(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX))
    }

    /// Length in milliseconds.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// The same length as a [`std::time::Duration`], for sleeping.
    pub const fn to_duration(self) -> std::time::Duration {
        std::time::Duration::from_millis(self.0)
    }

    /// Twice as long, saturating: exponential backoff doubles without overflow worries.
    pub const fn doubled(self) -> Span {
        Span(self.0.saturating_mul(2))
    }

    /// Length in (fractional) minutes, the unit reports use for response times.
    pub fn as_minutes_f64(self) -> f64 {
        self.0 as f64 / 60_000.0
    }
}

const UNITS: [(char, u64); 6] = [
    ('w', 7 * 86_400_000),
    ('d', 86_400_000),
    ('h', 3_600_000),
    ('m', 60_000),
    ('s', 1_000),
    ('\0', 1),
];

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (unit, ms) in UNITS {
            if rest >= ms {
                let label = if unit == '\0' {
                    "ms".to_string()
                } else {
                    unit.to_string()
                };
                write!(f, "{}{label}", rest / ms)?;
                rest %= ms;
            }
        }
        Ok(())
    }
}

impl FromStr for Span {
    type Err = TimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || TimeError::Span(s.to_string());
        let mut total = 0u64;
        let mut number = String::new();
        let mut seen_unit = false;
        for c in s.trim().chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let (_, ms) = UNITS
                .iter()
                .find(|(unit, _)| *unit == c && c != '\0')
                .ok_or_else(invalid)?;
            let value: u64 = number.parse().map_err(|_| invalid())?;
            total = total.saturating_add(value.saturating_mul(*ms));
            number.clear();
            seen_unit = true;
        }
        if !number.is_empty() || !seen_unit {
            return Err(invalid());
        }
        Ok(Span(total))
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A date, instant or span that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// Not a date or UTC date-time.
    #[error("cannot read {0:?} as a date or time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (UTC)")]
    Instant(String),
    /// Not a span such as `15m` or `3d`.
    #[error(
        "cannot read {0:?} as a span of time: use a number and a unit, e.g. 90s, 15m, 2h, 3d, 1w or 1h30m"
    )]
    Span(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_across_leap_years_and_eras() {
        for (y, m, d) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (2024, 12, 31),
            (1969, 7, 20),
            (2100, 3, 1),
        ] {
            let t = Timestamp::from_date(y, m, d).unwrap();
            assert_eq!(t.date(), format!("{y:04}-{m:02}-{d:02}"));
        }
        assert_eq!(
            Timestamp::from_date(1970, 1, 2).unwrap().as_millis(),
            MS_PER_DAY
        );
        assert!(Timestamp::from_date(2023, 2, 29).is_none());
    }

    #[test]
    fn parses_instants_and_rejects_nonsense() {
        let t: Timestamp = "2025-11-03T14:05:09Z".parse().unwrap();
        assert_eq!(t.to_string(), "2025-11-03 14:05 UTC");
        assert_eq!(
            "2025-11-03 14:05".parse::<Timestamp>().unwrap().as_millis() + 9_000,
            t.as_millis()
        );
        for bad in [
            "2025-13-01",
            "2025-1-01",
            "yesterday",
            "2025-11-03T25:00",
            "2025-11-03T10",
        ] {
            let err = bad.parse::<Timestamp>().unwrap_err();
            assert!(err.to_string().contains("YYYY-MM-DD"), "{bad}: {err}");
        }
    }

    #[test]
    fn spans_parse_and_print_in_units() {
        assert_eq!("2h".parse::<Span>().unwrap(), Span::from_hours(2));
        assert_eq!("1h30m".parse::<Span>().unwrap(), Span::from_mins(90));
        assert_eq!(Span::from_mins(90).to_string(), "1h30m");
        assert_eq!(Span::from_days(14).to_string(), "2w");
        for bad in ["", "2", "h", "3x", "-1d"] {
            assert!(bad.parse::<Span>().is_err(), "{bad:?} accepted");
        }
    }
}
