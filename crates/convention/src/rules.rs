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
