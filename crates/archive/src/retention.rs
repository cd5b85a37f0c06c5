//! When an archive may leave the platform: its retention period (*durée d'utilité administrative*, DUA)
//! runs from the date of its documents; at its end the final disposition of its category applies
//! (code du patrimoine, art. L212-2 and R212-14: public archives are eliminated only once their
//! administrative use is over, on a list approved by the archives' control authority). A legal hold
//! (*gel*) suspends elimination while it lasts.

use crate::{Category, FinalAction};
use time::{Date, Month};

/// Where a transfer stands with respect to its final disposition on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Its retention period runs until the given day (included).
    Retained { until: Date },
    /// Its retention period is over and it is kept for ever (*conservation définitive*).
    Kept,
    /// Its retention period is over and it may be proposed for elimination.
    Eliminable,
    /// A legal hold blocks its elimination.
    Held,
}

impl Disposition {
    pub fn label(self) -> String {
        match self {
            Disposition::Retained { until } => format!("en cours de conservation jusqu'au {}", french_date(until)),
            Disposition::Kept => "conservation définitive".into(),
            Disposition::Eliminable => "éliminable (durée d'utilité administrative échue)".into(),
            Disposition::Held => "gelé : élimination suspendue".into(),
        }
    }
}

/// The last day of the retention period of documents dated `dated`: the day before the same date
/// `years` later (a 29 February ends on the 28th of a common year).
pub fn retention_end(dated: Date, years: u8) -> Date {
    let year = dated.year() + i32::from(years);
    let anniversary = Date::from_calendar_date(year, dated.month(), dated.day())
        .unwrap_or_else(|_| Date::from_calendar_date(year, Month::March, 1).expect("1 March exists"));
    anniversary.previous_day().expect("a date after year 1")
}

/// The disposition of a transfer of `category` dated `dated`, on `today`, held or not.
pub fn disposition(category: Category, dated: Date, today: Date, held: bool) -> Disposition {
    let (years, action) = category.retention();
    let until = retention_end(dated, years);
    match (today <= until, action, held) {
        (true, _, _) => Disposition::Retained { until },
        (false, FinalAction::Keep, _) => Disposition::Kept,
        (false, FinalAction::Destroy, true) => Disposition::Held,
        (false, FinalAction::Destroy, false) => Disposition::Eliminable,
    }
}

/// `12 mars 2031`.
pub fn french_date(date: Date) -> String {
    const MONTHS: [&str; 12] =
        ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
    format!("{} {} {}", date.day(), MONTHS[usize::from(u8::from(date.month())) - 1], date.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn retention_periods_end_the_day_before_their_anniversary() {
        let cases = [
            (date!(2021 - 12 - 22), 10, date!(2031 - 12 - 21)),
            (date!(2020 - 01 - 01), 10, date!(2029 - 12 - 31)),
            (date!(2020 - 02 - 29), 10, date!(2030 - 02 - 28)),
            (date!(2020 - 02 - 29), 4, date!(2024 - 02 - 28)),
        ];
        for (dated, years, end) in cases {
            assert_eq!(retention_end(dated, years), end, "{dated} + {years} ans");
        }
    }

    #[test]
    fn final_disposition_table() {
        let pes = Category::AccountingFlow;
        let deliberation = Category::Deliberation;
        let dated = date!(2014 - 06 - 30);
        let cases = [
            (pes, date!(2024 - 06 - 29), false, Disposition::Retained { until: date!(2024 - 06 - 29) }),
            (pes, date!(2024 - 06 - 30), false, Disposition::Eliminable),
            (pes, date!(2024 - 06 - 30), true, Disposition::Held),
            (pes, date!(2024 - 06 - 29), true, Disposition::Retained { until: date!(2024 - 06 - 29) }),
            (deliberation, date!(2030 - 01 - 01), false, Disposition::Kept),
            (deliberation, date!(2030 - 01 - 01), true, Disposition::Kept),
            (Category::Act, date!(2020 - 01 - 01), false, Disposition::Retained { until: date!(2024 - 06 - 29) }),
        ];
        for (category, today, held, expected) in cases {
            assert_eq!(disposition(category, dated, today, held), expected, "{category:?} on {today}, held: {held}");
        }
        assert_eq!(french_date(date!(2031 - 03 - 12)), "12 mars 2031");
    }
}
