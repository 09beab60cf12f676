//! Calendar dates, the form `valid_as_of` takes: parsed once, compared as day numbers.

use std::fmt;

/// A day of the proleptic Gregorian calendar, stored as days since 1970-01-01.
///
/// The knowledge base dates its facts (`valid_as_of: 2024-11-24`); answers warn when their
/// newest source is old, and the desk dates curated entries and report periods. One type with
/// exact arithmetic serves all of them, without a calendar dependency.
///
/// ```
/// use consulta_corpus::Date;
///
/// let checked: Date = "2024-02-29".parse().unwrap();
/// let today: Date = "2025-03-01".parse().unwrap();
/// assert_eq!(today.days_since_epoch() - checked.days_since_epoch(), 366);
/// assert!("2025-02-29".parse::<Date>().is_err());
/// assert_eq!(checked.to_string(), "2024-02-29");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

impl Date {
    /// The date `year-month-day`; `None` when it does not exist (e.g. February 30).
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }

    /// The date `days` days after 1970-01-01 (before it when negative).
    pub const fn from_days_since_epoch(days: i64) -> Date {
        Date(days)
    }

    /// Days since 1970-01-01.
    pub const fn days_since_epoch(self) -> i64 {
        self.0
    }

    /// Today in UTC, by the system clock.
    pub fn today() -> Date {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        Date(i64::try_from(seconds / 86_400).unwrap_or(0))
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.0)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a date like 2024-11-24 (YYYY-MM-DD, a day that exists)")]
pub struct DateError(String);

/// Dates in knowledge-base files are written `YYYY-MM-DD` and read through [`std::str::FromStr`].
impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Date, DateError> {
        let fail = || DateError(text.to_string());
        let parts: Vec<&str> = text.trim().split('-').collect();
        let [year, month, day] = parts[..] else {
            return Err(fail());
        };
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return Err(fail());
        }
        let number = |part: &str| {
            part.chars()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse::<u32>().ok())
                .flatten()
        };
        let (Some(year), Some(month), Some(day)) = (number(year), number(month), number(day))
        else {
            return Err(fail());
        };
        Date::from_ymd(i64::from(year), month, day).ok_or_else(fail)
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's `days_from_civil`: exact for the proleptic Gregorian calendar, no tables.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
