//! The arithmetic of the convention, as pure functions.

use kernel::{Cents, Percent};

/// What one member pays for one application over a convention period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    /// Cost over the whole period (*coût sur la durée de la convention*).
    pub cost_period: Cents,
    /// Cost per year (*coût annuel*).
    pub cost_annual: Cents,
    /// What the member pays each year, after the Métropole's participation (*coût annuel après participation de 3M*).
    pub cost_annual_after_participation: Cents,
}

/// Cost sharing of an application (convention 2019-2021, article 4 and annexe 2).
///
/// cost over the period = global cost × member population ÷ total population;
/// annual = that ÷ number of years; after participation = annual × (1 − participation rate).
/// Each figure is rounded half-up to the cent **from the unrounded value**, never from another rounded
/// figure. This is the rule that reproduces the 186 figures of annexe 2; the formula printed in article 4,
/// "(PopCom × Pappli) / (PopTot − Part3M)", does not (it subtracts a rate from a population).
///
/// A CCAS is charged on the population of its commune (annexe 2, CCAS tables).
pub fn share(global_cost: Cents, population: u64, total_population: u64, years: u32, participation: Percent) -> Share {
    assert!(total_population > 0 && years > 0, "a period has members and years");
    let cost = i128::from(global_cost.0) * i128::from(population);
    let total = i128::from(total_population);
    let years = i128::from(years);
    let scale = i128::from(Percent::SCALE);
    let remaining = scale - i128::from(participation.millionths());
    Share {
        cost_period: Cents::round_half_up(cost, total),
        cost_annual: Cents::round_half_up(cost, total * years),
        cost_annual_after_participation: Cents::round_half_up(cost * remaining, total * years * scale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(s: &str) -> Percent {
        Percent::parse(s).unwrap()
    }

    /// Rows of annexe 2 of the 2019-2021 convention (seed 004), total population 472 573, three years.
    #[test]
    fn annexe_2_table() {
        let cases = [
            // (global cost €, population, rate, cost 3 years, annual, after participation)
            (25_000, 10_979, "50", 58_081, 19_360, 9_680),        // Juvignac, e-administration
            (20_000, 10_979, "50", 46_465, 15_488, 7_744),        // Juvignac, e-services
            (25_000, 7_519, "80", 39_777, 13_259, 2_652),         // CCAS of Baillargues, e-administration
            (15_000, 7_519, "80", 23_866, 7_955, 1_591),          // CCAS of Baillargues, marchés publics
            (20_000, 7_519, "80", 31_822, 10_607, 2_121),         // Baillargues (CCAS), e-services
            (25_000, 7_519, "50", 39_777, 13_259, 6_629),         // Baillargues, e-administration
            (25_000, 286_098, "50", 1_513_512, 504_504, 252_252), // Montpellier, e-administration
            (15_000, 10_979, "80", 34_849, 11_616, 2_323),        // CCAS of Juvignac, marchés publics
        ];
        for (cost, population, rate, period, annual, after) in cases {
            let s = share(Cents(cost * 100), population, 472_573, 3, pct(rate));
            assert_eq!(
                (s.cost_period.0, s.cost_annual.0, s.cost_annual_after_participation.0),
                (period, annual, after),
                "{cost} € × {population}"
            );
        }
    }

    #[test]
    fn the_formula_printed_in_article_4_does_not_give_the_tables() {
        // (PopCom × Pappli) / (PopTot − Part3M) for Juvignac, e-administration: 10 979 × 25 000 / (472 573 − 50)
        let printed = Cents::round_half_up(10_979 * 2_500_000, 472_573 - 50);
        assert_ne!(printed, share(Cents(2_500_000), 10_979, 472_573, 3, pct("50")).cost_period);
    }

    #[test]
    fn edge_cases() {
        let all = share(Cents(2_500_000), 472_573, 472_573, 3, pct("0"));
        assert_eq!(
            (all.cost_period, all.cost_annual, all.cost_annual_after_participation),
            (Cents(2_500_000), Cents(833_333), Cents(833_333))
        );
        let free = share(Cents(2_500_000), 1_000, 472_573, 3, pct("100"));
        assert_eq!(free.cost_annual_after_participation, Cents(0));
        let one_year = share(Cents(1_000_000), 1, 3, 1, pct("33.333333"));
        assert_eq!(one_year.cost_period, Cents(333_333));
        assert_eq!(one_year.cost_annual_after_participation, Cents(222_222));
    }
}

/// Deadlines and late-payment arithmetic of the yearly titre de recette (convention, articles 5 and 6).
pub mod invoicing {
    use kernel::calendar::clear_days_end;
    use kernel::{Cents, Percent};
    use time::{Date, Duration, Month};

    /// Article 5: the titre of a year is sent to the member "au plus tard le 30 septembre de l'année en cours".
    pub fn issue_deadline(year: i32) -> Date {
        Date::from_calendar_date(year, Month::September, 30).expect("30 September exists")
    }

    /// Article 5: the member may contest the amount by e-mail "au plus tard 8 jours francs après sa
    /// réception"; past that day the titre is deemed accepted.
    pub fn contest_deadline(received_on: Date) -> Date {
        clear_days_end(received_on, 8)
    }

    /// Article 5: payment "dans les 30 jours à compter de la notification du titre initial" (or of the
    /// corrected titre agreed by both parties). Décret 2013-269, article 1: 30 days for local authorities.
    pub fn payment_due(notified_on: Date) -> Date {
        notified_on + Duration::days(30)
    }

    /// Fixed compensation for recovery costs owed on any late payment by a public body (décret 2013-269,
    /// article 9; code de la commande publique, D2192-35): 40 €.
    pub const RECOVERY_COMPENSATION: Cents = Cents(4_000);

    /// Points added to the ECB rate for late-payment interest of public bodies (décret 2013-269, article 8).
    pub const LATE_INTEREST_MARGIN_MILLIONTHS: i64 = 8_000_000;

    /// The ECB main refinancing rate in force on a day, from a table of (effective from, rate), sorted.
    pub fn ecb_rate_on(day: Date, table: &[(Date, Percent)]) -> Option<Percent> {
        table.iter().take_while(|(from, _)| *from <= day).last().map(|(_, rate)| *rate)
    }

    /// The first day of the half-year containing `day` (1 January or 1 July).
    pub fn semester_start(day: Date) -> Date {
        let month = if u8::from(day.month()) <= 6 { Month::January } else { Month::July };
        Date::from_calendar_date(day.year(), month, 1).expect("first day of a half-year")
    }

    /// Late-payment interest and compensation owed on a payment made after its due date.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct LatePayment {
        pub days_late: i64,
        /// ECB rate in force on the first day of the half-year in which interest starts, plus 8 points.
        pub rate: Percent,
        pub interest: Cents,
        pub compensation: Cents,
    }

    /// Late-payment interest (décret 2013-269, articles 8 and 9): simple interest on the amount due, from
    /// the day after the due date to the day of payment included, at the ECB main refinancing rate in force
    /// on the first day of the half-year in which interest started to run plus 8 points, over a 365-day
    /// year, rounded half-up to the cent; plus the 40 € fixed compensation. `None` when paid in time.
    pub fn late_payment(amount: Cents, due: Date, paid_on: Date, ecb_rates: &[(Date, Percent)]) -> Option<LatePayment> {
        let days_late = (paid_on - due).whole_days();
        if days_late <= 0 {
            return None;
        }
        let first_day_of_interest = due + Duration::days(1);
        let ecb = ecb_rate_on(semester_start(first_day_of_interest), ecb_rates)?;
        let rate = Percent::from_millionths(ecb.millionths() + LATE_INTEREST_MARGIN_MILLIONTHS)?;
        let interest = Cents::round_half_up(
            i128::from(amount.0) * i128::from(rate.millionths()) * i128::from(days_late),
            i128::from(Percent::SCALE) * 365,
        );
        Some(LatePayment { days_late, rate, interest, compensation: RECOVERY_COMPENSATION })
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use time::macros::date;

        fn rates() -> Vec<(Date, Percent)> {
            [(date!(2016 - 03 - 16), "0"), (date!(2022 - 07 - 27), "0.5"), (date!(2023 - 09 - 20), "4.5"), (date!(2024 - 06 - 12), "4.25")]
                .into_iter()
                .map(|(d, r)| (d, Percent::parse(r).unwrap()))
                .collect()
        }

        #[test]
        fn deadlines_table() {
            assert_eq!(issue_deadline(2020), date!(2020 - 09 - 30));
            let cases = [
                // (received / notified, contest until, pay by)
                (date!(2020 - 09 - 15), date!(2020 - 09 - 23), date!(2020 - 10 - 15)),
                (date!(2020 - 09 - 18), date!(2020 - 09 - 28), date!(2020 - 10 - 18)), // 8th day a Saturday
                (date!(2021 - 07 - 06), date!(2021 - 07 - 15), date!(2021 - 08 - 05)), // 8th day 14 July
                (date!(2021 - 07 - 05), date!(2021 - 07 - 13), date!(2021 - 08 - 04)),
                (date!(2026 - 11 - 03), date!(2026 - 11 - 12), date!(2026 - 12 - 03)), // 8th day 11 November
            ];
            for (day, contest, pay) in cases {
                assert_eq!(contest_deadline(day), contest, "contest after {day}");
                assert_eq!(payment_due(day), pay, "payment after {day}");
            }
        }

        #[test]
        fn late_payment_table() {
            let rates = rates();
            assert_eq!(late_payment(Cents(17_424), date!(2020 - 10 - 15), date!(2020 - 10 - 15), &rates), None);
            // 174,24 € due 15 Oct 2020, paid 14 Nov 2020: 30 days at 0 % + 8 = 8 %: 174.24 × 0.08 × 30 / 365 = 1.1457 → 1,15 €.
            let late = late_payment(Cents(17_424), date!(2020 - 10 - 15), date!(2020 - 11 - 14), &rates).unwrap();
            assert_eq!(
                (late.days_late, late.rate.to_plain(), late.interest, late.compensation),
                (30, "8".to_string(), Cents(115), Cents(4_000))
            );
            // Interest starting on 1 Oct 2023 uses the rate of 1 July 2023 (0.5 % in this table) + 8.
            let late = late_payment(Cents(100_000), date!(2023 - 09 - 30), date!(2023 - 10 - 30), &rates).unwrap();
            assert_eq!((late.rate.to_plain(), late.interest), ("8.5".to_string(), Cents(699)));
            // Starting 1 Jan 2024: rate of 1 Jan 2024 (4.5 %) + 8 = 12.5 %: 1000 × 0.125 × 10 / 365 = 3.42.
            let late = late_payment(Cents(100_000), date!(2023 - 12 - 31), date!(2024 - 01 - 10), &rates).unwrap();
            assert_eq!((late.rate.to_plain(), late.interest), ("12.5".to_string(), Cents(342)));
        }
    }
}

/// Changes to a convention during its period (articles 9 and 10 of the 2019-2021 conventions).
pub mod changes {
    use time::{Date, Month};

    fn september_30(year: i32) -> Date {
        Date::from_calendar_date(year, Month::September, 30).expect("30 September exists")
    }

    fn january_1(year: i32) -> Date {
        Date::from_calendar_date(year, Month::January, 1).expect("1 January exists")
    }

    /// Article 9: a request to add or remove an application "devra être adressée … au moins 3 mois avant
    /// la fin de l'année en cours pour être applicable l'année suivante": received by 30 September, it
    /// applies on 1 January of the next year, which must still be within the convention. Refused otherwise,
    /// with the reason.
    pub fn change_effective_on(received_on: Date, period_last_year: i32) -> Result<Date, String> {
        let year = received_on.year();
        if received_on > september_30(year) {
            return Err(format!(
                "demande reçue après le 30 septembre {year} : l'article 9 exige au moins 3 mois avant la fin de l'année pour une application l'année suivante"
            ));
        }
        if year + 1 > period_last_year {
            return Err(format!("la convention s'achève le 31 décembre {period_last_year} : une modification ne peut prendre effet après"));
        }
        Ok(january_1(year + 1))
    }

    /// Article 9: the Métropole answers "dans un délai d'un mois à compter de la réception du courrier".
    /// A month later is the same day of the next month, or its last day when it has no such day.
    pub fn answer_due(received_on: Date) -> Date {
        let (year, month) = if received_on.month() == Month::December {
            (received_on.year() + 1, Month::January)
        } else {
            (received_on.year(), received_on.month().next())
        };
        let last_day = time::util::days_in_month(month, year);
        Date::from_calendar_date(year, month, received_on.day().min(last_day)).expect("a valid day of the month")
    }

    /// Article 10: either party may terminate the convention on 1 January of one of its years after the
    /// first (2020 or 2021 for 2019-2021), notifying the other "au plus tard le 30 septembre de l'année
    /// précédente". Returns the day the termination takes effect, or the reason it cannot.
    pub fn termination_effective_on(notified_on: Date, period_first_year: i32, period_last_year: i32) -> Result<Date, String> {
        let year = notified_on.year();
        if notified_on > september_30(year) {
            return Err(format!(
                "résiliation notifiée après le 30 septembre {year} : elle ne peut prendre effet au 1er janvier {}",
                year + 1
            ));
        }
        let effective_year = (year + 1).max(period_first_year + 1);
        if effective_year > period_last_year {
            return Err(format!("la convention s'achève le 31 décembre {period_last_year} : il n'y a plus d'échéance de résiliation"));
        }
        Ok(january_1(effective_year))
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use time::macros::date;

        #[test]
        fn change_table() {
            let cases = [
                (date!(2019 - 09 - 30), 2021, Ok(date!(2020 - 01 - 01))),
                (date!(2020 - 03 - 02), 2021, Ok(date!(2021 - 01 - 01))),
                (date!(2019 - 10 - 01), 2021, Err("après le 30 septembre 2019")),
                (date!(2021 - 06 - 15), 2021, Err("s'achève le 31 décembre 2021")),
            ];
            for (received, last, expected) in cases {
                match (change_effective_on(received, last), expected) {
                    (Ok(day), Ok(want)) => assert_eq!(day, want, "{received}"),
                    (Err(reason), Err(want)) => assert!(reason.contains(want), "{received}: {reason}"),
                    (got, want) => panic!("{received}: {got:?} instead of {want:?}"),
                }
            }
        }

        #[test]
        fn answer_due_table() {
            let cases = [
                (date!(2020 - 03 - 02), date!(2020 - 04 - 02)),
                (date!(2020 - 01 - 31), date!(2020 - 02 - 29)),
                (date!(2021 - 01 - 31), date!(2021 - 02 - 28)),
                (date!(2020 - 12 - 15), date!(2021 - 01 - 15)),
            ];
            for (received, due) in cases {
                assert_eq!(answer_due(received), due, "{received}");
            }
        }

        #[test]
        fn termination_table() {
            let cases = [
                (date!(2019 - 09 - 30), Ok(date!(2020 - 01 - 01))),
                (date!(2019 - 02 - 01), Ok(date!(2020 - 01 - 01))),
                (date!(2020 - 09 - 15), Ok(date!(2021 - 01 - 01))),
                (date!(2020 - 10 - 01), Err("après le 30 septembre 2020")),
                (date!(2021 - 03 - 01), Err("plus d'échéance")),
            ];
            for (notified, expected) in cases {
                match (termination_effective_on(notified, 2019, 2021), expected) {
                    (Ok(day), Ok(want)) => assert_eq!(day, want, "{notified}"),
                    (Err(reason), Err(want)) => assert!(reason.contains(want), "{notified}: {reason}"),
                    (got, want) => panic!("{notified}: {got:?} instead of {want:?}"),
                }
            }
        }
    }
}

/// Interventions ordered by a member (article 3, annexe 3, article 6).
pub mod interventions {
    use kernel::{Cents, Percent};

    /// VAT at the normal rate, 20 % (code général des impôts, article 278), which article 6 of the
    /// convention applies to adaptations, evolutions and dedicated trainings.
    pub fn normal_vat_rate() -> Percent {
        Percent::from_millionths(20_000_000).expect("20 %")
    }

    /// Price excluding VAT of `half_days` half-days at a day rate (annexe 3 prices "jours/homme"; the
    /// convention orders days and half-days), rounded half-up to the cent.
    pub fn price(half_days: i64, day_rate: Cents) -> Cents {
        Cents::round_half_up(i128::from(half_days) * i128::from(day_rate.0), 2)
    }

    /// VAT on an amount excluding tax, rounded half-up to the cent.
    pub fn vat(excluding_tax: Cents, rate: Percent) -> Cents {
        Cents::round_half_up(i128::from(excluding_tax.0) * i128::from(rate.millionths()), i128::from(Percent::SCALE))
    }

    /// Parses a number of days as typed (`2`, `1,5`, `0.5`) into half-days; refuses other fractions.
    pub fn half_days(days: &str) -> Option<i64> {
        let cents = Cents::parse_euros(days).ok()?.0;
        (cents > 0 && cents % 50 == 0).then_some(cents / 50)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn price_and_vat_table() {
            let cases = [
                // (half-days, day rate, price HT, VAT 20 %)
                (2, 30_000, 30_000, 6_000),   // one day of a technician: 300 € + 60 €
                (1, 40_000, 20_000, 4_000),   // half a day of a junior project manager
                (5, 50_000, 125_000, 25_000), // two days and a half of a senior one
                (1, 33_333, 16_667, 3_333),   // an odd rate: 166.665 → 166.67; VAT 33.333 → 33.33
            ];
            for (half_days, rate, ht, tva) in cases {
                let p = price(half_days, Cents(rate));
                assert_eq!((p, vat(p, normal_vat_rate())), (Cents(ht), Cents(tva)), "{half_days} × {rate}");
            }
        }

        #[test]
        fn days_typed_table() {
            for (typed, expected) in
                [("2", Some(4)), ("1,5", Some(3)), ("0.5", Some(1)), ("0", None), ("1.25", None), ("-1", None), ("deux", None)]
            {
                assert_eq!(half_days(typed), expected, "{typed}");
            }
        }
    }
}
