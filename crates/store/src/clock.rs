//! Instants are stored as milliseconds since the Unix epoch (UTC) in BIGINT columns, the one
//! representation both engines compare and index the same way.

use time::OffsetDateTime;

/// Now, in milliseconds since the Unix epoch.
pub fn now_millis() -> i64 {
    millis_of(OffsetDateTime::now_utc())
}

pub fn millis_of(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

/// The civil date and time in Europe/Paris of a stored instant, as French people read it
/// (`23/11/2026 à 14:05`). Paris is UTC+1 in winter and UTC+2 from the last Sunday of March
/// to the last Sunday of October (directive 2000/84/EC, changes at 01:00 UTC).
pub fn format_paris(millis: i64) -> String {
    let utc = OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let local = utc.to_offset(paris_offset(utc));
    format!("{:02}/{:02}/{} à {:02}:{:02}", local.day(), u8::from(local.month()), local.year(), local.hour(), local.minute())
}

/// A stored instant as RFC 3339 (`2021-12-21T09:00:00Z`), as the API and exported files write it.
pub fn rfc3339(millis: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// Today's civil date in Europe/Paris: the date of receipt of what a person files now.
pub fn today_paris() -> time::Date {
    paris_date(OffsetDateTime::now_utc())
}

/// The civil date in Europe/Paris of an instant (a signature at 23:30 UTC in winter is of the next day).
pub fn paris_date(at: OffsetDateTime) -> time::Date {
    let utc = at.to_offset(time::UtcOffset::UTC);
    utc.to_offset(paris_offset(utc)).date()
}

fn paris_offset(utc: OffsetDateTime) -> time::UtcOffset {
    let year = utc.year();
    let summer_start = last_sunday_at_one_utc(year, time::Month::March);
    let summer_end = last_sunday_at_one_utc(year, time::Month::October);
    let hours = if utc >= summer_start && utc < summer_end { 2 } else { 1 };
    time::UtcOffset::from_hms(hours, 0, 0).expect("valid offset")
}

fn last_sunday_at_one_utc(year: i32, month: time::Month) -> OffsetDateTime {
    let last_day = time::Date::from_calendar_date(year, month, 31).expect("March and October have 31 days");
    let back = last_day.weekday().number_days_from_sunday();
    let sunday = last_day - time::Duration::days(i64::from(back));
    sunday.with_hms(1, 0, 0).expect("valid time").assume_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn paris_time_table() {
        let cases = [
            (datetime!(2026-11-23 13:05 UTC), "23/11/2026 à 14:05"),
            (datetime!(2026-07-01 18:30 UTC), "01/07/2026 à 20:30"),
            // Summer time starts on 29 March 2026 at 01:00 UTC.
            (datetime!(2026-03-29 00:59 UTC), "29/03/2026 à 01:59"),
            (datetime!(2026-03-29 01:00 UTC), "29/03/2026 à 03:00"),
            // And ends on 25 October 2026 at 01:00 UTC.
            (datetime!(2026-10-25 00:59 UTC), "25/10/2026 à 02:59"),
            (datetime!(2026-10-25 01:00 UTC), "25/10/2026 à 02:00"),
        ];
        for (at, expected) in cases {
            assert_eq!(format_paris(millis_of(at)), expected, "{at}");
        }
    }

    #[test]
    fn paris_dates_table() {
        use time::macros::date;
        let cases = [
            (datetime!(2026-11-23 22:59 UTC), date!(2026 - 11 - 23)),
            (datetime!(2026-11-23 23:00 UTC), date!(2026 - 11 - 24)),
            (datetime!(2026-07-01 21:59 UTC), date!(2026 - 07 - 01)),
            (datetime!(2026-07-01 22:00 UTC), date!(2026 - 07 - 02)),
            (datetime!(2026-11-24 00:30 +01:00), date!(2026 - 11 - 24)),
        ];
        for (at, expected) in cases {
            assert_eq!(paris_date(at), expected, "{at}");
        }
    }
}
