//! Civil dates in France: public holidays, working days, and deadlines counted in *jours francs*.

use time::{Date, Duration, Month, Weekday};

/// Easter Sunday of `year` (Gregorian computus, Meeus/Jones/Butcher).
pub fn easter(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::from_calendar_date(year, Month::try_from(month as u8).expect("March or April"), day as u8).expect("a valid Easter date")
}

/// The eleven public holidays of metropolitan France (Code du travail, article L3133-1).
pub fn public_holidays(year: i32) -> [Date; 11] {
    let fixed = |month: Month, day: u8| Date::from_calendar_date(year, month, day).expect("valid fixed holiday");
    let easter = easter(year);
    [
        fixed(Month::January, 1),
        easter + Duration::days(1), // lundi de Pâques
        fixed(Month::May, 1),
        fixed(Month::May, 8),
        easter + Duration::days(39), // Ascension
        easter + Duration::days(50), // lundi de Pentecôte
        fixed(Month::July, 14),
        fixed(Month::August, 15),
        fixed(Month::November, 1),
        fixed(Month::November, 11),
        fixed(Month::December, 25),
    ]
}

pub fn is_public_holiday(date: Date) -> bool {
    public_holidays(date.year()).contains(&date)
}

/// Saturday, Sunday or public holiday.
pub fn is_non_working(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) || is_public_holiday(date)
}

/// The same day, or the next working day when it is a Saturday, a Sunday or a public holiday
/// (Code de procédure civile, article 642: a deadline that would end on such a day is extended).
pub fn next_working_day(date: Date) -> Date {
    let mut day = date;
    while is_non_working(day) {
        day += Duration::days(1);
    }
    day
}

/// The last day of a period of `n` *jours francs* that starts with an event on `event_day`: the day of
/// the event does not count, and the period runs to the end of its last full day, extended to the next
/// working day if that day is not one (CPC articles 641 and 642).
pub fn clear_days_end(event_day: Date, n: i64) -> Date {
    next_working_day(event_day + Duration::days(n))
}

/// `15/09/2020`, as French documents write dates.
pub fn format_fr(date: Date) -> String {
    format!("{:02}/{:02}/{}", date.day(), u8::from(date.month()), date.year())
}

/// `1er juillet 2019`, `15 septembre 2020`: the date in words, as deeds write "Fait à …, le …".
pub fn format_long_fr(date: Date) -> String {
    const MONTHS: [&str; 12] =
        ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
    let day = if date.day() == 1 { "1er".to_string() } else { date.day().to_string() };
    format!("{day} {} {}", MONTHS[usize::from(u8::from(date.month())) - 1], date.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn long_french_dates_table() {
        let cases = [
            (date!(2019 - 07 - 01), "1er juillet 2019"),
            (date!(2020 - 09 - 15), "15 septembre 2020"),
            (date!(2021 - 12 - 14), "14 décembre 2021"),
            (date!(2024 - 02 - 29), "29 février 2024"),
            (date!(2020 - 08 - 02), "2 août 2020"),
        ];
        for (day, text) in cases {
            assert_eq!(format_long_fr(day), text);
        }
    }

    #[test]
    fn easter_table() {
        let cases = [
            (2019, date!(2019 - 04 - 21)),
            (2020, date!(2020 - 04 - 12)),
            (2021, date!(2021 - 04 - 04)),
            (2024, date!(2024 - 03 - 31)),
            (2026, date!(2026 - 04 - 05)),
        ];
        for (year, expected) in cases {
            assert_eq!(easter(year), expected, "{year}");
        }
    }

    #[test]
    fn holidays_table() {
        let cases = [
            (date!(2026 - 05 - 14), true), // Ascension 2026
            (date!(2026 - 05 - 25), true), // lundi de Pentecôte 2026
            (date!(2020 - 04 - 13), true), // lundi de Pâques 2020
            (date!(2026 - 07 - 14), true),
            (date!(2026 - 07 - 15), false),
            (date!(2026 - 11 - 23), false),
        ];
        for (day, expected) in cases {
            assert_eq!(is_public_holiday(day), expected, "{day}");
        }
    }

    #[test]
    fn french_format() {
        assert_eq!(format_fr(date!(2020 - 09 - 15)), "15/09/2020");
    }

    #[test]
    fn clear_days_table() {
        let cases = [
            // Received Tuesday 15 Sept 2020: 8 clear days end Wednesday 23 Sept.
            (date!(2020 - 09 - 15), 8, date!(2020 - 09 - 23)),
            // Received Friday 18 Sept 2020: the 8th day is Saturday 26 → Monday 28.
            (date!(2020 - 09 - 18), 8, date!(2020 - 09 - 28)),
            // Received 3 Nov 2026: the 8th day is Wednesday 11 Nov, a holiday → Thursday 12.
            (date!(2026 - 11 - 03), 8, date!(2026 - 11 - 12)),
        ];
        for (event, n, expected) in cases {
            assert_eq!(clear_days_end(event, n), expected, "{event} + {n}");
        }
    }
}
