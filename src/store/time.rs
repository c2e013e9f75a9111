//! Instants as milliseconds since the Unix epoch (what the database stores), RFC 3339 text for people and
//! exports, and the short durations of the CLI (`90d`, `24h`, `1s`).

use super::error::{Result, StoreError};

pub const SECOND: i64 = 1000;
pub const MINUTE: i64 = 60 * SECOND;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;

/// Now, in milliseconds since the epoch (0 if the clock is before 1970, which no store can use anyway).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Parses `<digits><unit>` with unit `s`, `m`, `h` or `d` (or a bare `0`) into milliseconds.
pub fn parse_duration(text: &str) -> Result<i64> {
    let bad = || StoreError::invalid("duration", text, "a number and s, m, h or d, e.g. 90d, 24h, 30s");
    if text == "0" {
        return Ok(0);
    }
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (digits, unit) = text.split_at(split);
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let unit_ms = match unit {
        "s" => SECOND,
        "m" => MINUTE,
        "h" => HOUR,
        "d" => DAY,
        _ => return Err(bad()),
    };
    n.checked_mul(unit_ms).filter(|ms| *ms <= 100 * 365 * DAY).ok_or_else(bad)
}

/// `2026-11-24T10:14:22.318Z` (api.md's timestamp form).
pub fn rfc3339(ms: i64) -> String {
    let days = ms.div_euclid(DAY);
    let rem = ms.rem_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    let (h, min, s, milli) = (rem / HOUR, rem % HOUR / MINUTE, rem % MINUTE / SECOND, rem % SECOND);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` (UTC only, as the API writes them) into milliseconds.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num =
        |r: std::ops::Range<usize>| text.get(r).filter(|s| s.bytes().all(|c| c.is_ascii_digit()))?.parse::<i64>().ok();
    let (y, m, d, h, min, s) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    let rest = text.get(19..)?.strip_suffix('Z')?;
    let milli = match rest {
        "" => 0,
        frac => {
            let digits = frac.strip_prefix('.').filter(|f| (1..=3).contains(&f.len()))?;
            num(20..20 + digits.len())? * 10i64.pow(3 - digits.len() as u32)
        }
    };
    let valid = (1..=12).contains(&m) && (1..=31).contains(&d) && h < 24 && min < 60 && s < 60;
    let days = days_from_civil(y, m, d);
    (valid && civil_from_days(days) == (y, m, d)).then(|| days * DAY + h * HOUR + min * MINUTE + s * SECOND + milli)
}

/// The UTC calendar month holding `ms`: its first instant and the first instant of the next month, and its
/// name `YYYY-MM` (usage periods, api.md §3.8).
pub fn month_of(ms: i64) -> (i64, i64, String) {
    let (y, m, _) = civil_from_days(ms.div_euclid(DAY));
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    (days_from_civil(y, m, 1) * DAY, days_from_civil(ny, nm, 1) * DAY, format!("{y:04}-{m:02}"))
}

/// Howard Hinnant's civil-to-days algorithm, the inverse of `civil_from_days`.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian), so no date crate is needed.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90d").ok(), Some(90 * DAY));
        assert_eq!(parse_duration("24h").ok(), Some(DAY));
        assert_eq!(parse_duration("1s").ok(), Some(SECOND));
        assert_eq!(parse_duration("0").ok(), Some(0));
        for bad in ["", "d", "5", "5w", "-1d", "1.5h", "99999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_795_515_262_318), "2026-11-24T10:14:22.318Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn rfc3339_round_trips() {
        assert_eq!(parse_rfc3339("2026-11-24T10:14:22.318Z"), Some(1_795_515_262_318));
        assert_eq!(parse_rfc3339("2026-11-24T10:14:22Z"), Some(1_795_515_262_000));
        assert_eq!(parse_rfc3339("2026-11-24T10:14:22.3Z"), Some(1_795_515_262_300));
        for bad in ["2026-02-30T00:00:00Z", "2026-11-24 10:14:22Z", "2026-11-24T10:14:22+01:00", "x"] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn months() {
        let (start, end, name) = month_of(1_795_515_262_318);
        assert_eq!(
            (rfc3339(start).as_str(), rfc3339(end).as_str(), name.as_str()),
            ("2026-11-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z", "2026-11")
        );
        let (start, end, name) = month_of(1_796_083_200_000 + 5);
        assert_eq!(
            (rfc3339(start).as_str(), rfc3339(end).as_str(), name.as_str()),
            ("2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z", "2026-12")
        );
    }
}
