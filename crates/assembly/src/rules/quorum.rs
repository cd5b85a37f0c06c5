//! Quorum of a sitting, and the second convocation when it is not met.

use super::RuleError;
use super::rule_sets::{Quorum, RuleSet};
use kernel::calendar::format_fr;
use time::{Date, Duration};

/// The quorum of a sitting: how many members it needs and how many count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuorumCheck {
    /// Members needed.
    pub required: u32,
    /// Members counted: present, or present and represented, as the rule set says.
    pub counted: u32,
    pub met: bool,
    /// The rule applied.
    pub rule: &'static str,
}

/// The rule of a sitting convened again for want of quorum.
fn second_convocation_rule(quorum: Quorum) -> &'static str {
    match quorum {
        Quorum::MajorityPresent => "CGCT L2121-17 al. 2",
        Quorum::ThirdPresent | Quorum::ThirdPresentOrRepresented => {
            "nouvelle convocation, sans condition de quorum : loi n° 2020-290 art. 10 et loi n° 2020-1379 art. 6 IV"
        }
    }
}

/// The quorum of a sitting under `rules`, for `in_office` members in office (*en exercice*), `present` of them
/// physically present (or, where teleconference is allowed, present at a distance: ordonnance n° 2020-391 art. 6)
/// and `represented` by a proxy.
///
/// - Ordinary law (CGCT L2121-17 al. 1): « la majorité de ses membres en exercice est présente »: more than half,
///   `in_office / 2 + 1`, physically present; proxies are not counted.
/// - Health emergency: one third of the members in office, rounded up, present, or present or represented, as the
///   text in force on the day says ([`Quorum`]).
/// - A sitting convened again after a first one without quorum « délibère alors valablement sans condition de
///   quorum » (CGCT L2121-17 al. 2, and the same sentence in the emergency texts): nothing is required.
pub fn quorum(rules: &RuleSet, in_office: u32, present: u32, represented: u32, second_convocation: bool) -> QuorumCheck {
    let (required, counted) = match rules.quorum {
        Quorum::MajorityPresent => (in_office / 2 + 1, present),
        Quorum::ThirdPresent => (in_office.div_ceil(3), present),
        Quorum::ThirdPresentOrRepresented => (in_office.div_ceil(3), present + represented),
    };
    if second_convocation {
        QuorumCheck { required: 0, counted, met: true, rule: second_convocation_rule(rules.quorum) }
    } else {
        QuorumCheck { required, counted, met: counted >= required, rule: rules.quorum.article() }
    }
}

/// Checks the date of a sitting convened again for want of quorum: « à trois jours au moins d'intervalle » of the
/// first (CGCT L2121-17 al. 2). The interval is read in jours francs: three whole days between the two sittings,
/// neither counting (CE, 5 août 1908, on « trois jours francs d'intervalle » between successive convocations; CE,
/// 16 juin 1997, Pfister, n° 142691: three jours francs between the sending of the new convocation and the second
/// sitting, which the caller checks with [`super::convocation::clear_days_between`]). A first sitting on Monday
/// allows a second one on Friday at the earliest.
pub fn check_second_convocation(first_sitting: Date, second: Date) -> Result<(), RuleError> {
    let earliest = first_sitting + Duration::days(4);
    if second >= earliest {
        return Ok(());
    }
    Err(RuleError::new(
        "CGCT L2121-17 al. 2",
        format!(
            "faute de quorum le {}, le conseil ne peut être réuni de nouveau qu'à trois jours francs au moins d'intervalle : \
             pas avant le {} (séance prévue le {})",
            format_fr(first_sitting),
            format_fr(earliest),
            format_fr(second)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::rule_sets::rule_set_on;
    use super::*;
    use time::macros::date;

    /// CGCT L2121-17 al. 1 and 2; loi n° 2020-290 art. 10; ordonnance n° 2020-391 art. 2; loi n° 2020-1379 art. 6 IV.
    #[test]
    fn quorum_table() {
        let ordinary = rule_set_on(date!(2019 - 07 - 01));
        let vigilance = rule_set_on(date!(2021 - 12 - 14));
        let spring_2020 = rule_set_on(date!(2020 - 05 - 04));
        let cases = [
            // (rules, in office, present, represented, second convocation, required, counted, met)
            // Seed 000, 14 December 2021: one third of 92 is 31; 37 present. The text of the time counts the present
            // only (« le tiers de leurs membres en exercice est présent »): 37, not 82.
            (vigilance, 92, 37, 45, false, 31, 37, true),
            (ordinary, 92, 37, 45, false, 47, 37, false), // the same sitting under the ordinary law
            (spring_2020, 92, 37, 45, false, 31, 82, true), // under ordonnance 2020-391, proxies count
            (spring_2020, 92, 20, 10, false, 31, 30, false),
            (vigilance, 92, 30, 60, false, 31, 30, false), // proxies do not make up the quorum
            // Seed 004, Juvignac, 1 July 2019: 29 in office, more than half is 15; 18 present.
            (ordinary, 29, 18, 8, false, 15, 18, true),
            (ordinary, 29, 14, 12, false, 15, 14, false),
            (ordinary, 30, 15, 0, false, 16, 15, false), // even: half is not enough
            (ordinary, 30, 16, 0, false, 16, 16, true),
            (ordinary, 31, 16, 0, false, 16, 16, true), // odd: 15.5 → 16
            (vigilance, 30, 10, 0, false, 10, 10, true),
            (vigilance, 31, 10, 0, false, 11, 10, false), // 10.33 → 11
            (vigilance, 29, 10, 0, false, 10, 10, true),
            (ordinary, 29, 3, 2, true, 0, 3, true), // second convocation: no quorum
            (vigilance, 92, 12, 4, true, 0, 12, true),
        ];
        for (rules, in_office, present, represented, second, required, counted, met) in cases {
            let check = quorum(rules, in_office, present, represented, second);
            assert_eq!(
                (check.required, check.counted, check.met),
                (required, counted, met),
                "{} {in_office}/{present}/{represented}",
                rules.code
            );
        }
        assert_eq!(quorum(ordinary, 29, 18, 8, false).rule, "CGCT L2121-17 al. 1");
        assert_eq!(quorum(ordinary, 29, 3, 2, true).rule, "CGCT L2121-17 al. 2");
        assert!(quorum(vigilance, 92, 37, 45, false).rule.contains("loi n° 2020-1379"));
        assert!(quorum(spring_2020, 92, 37, 45, false).rule.contains("présents ou représentés"));
    }

    /// CGCT L2121-17 al. 2: « à trois jours au moins d'intervalle », read as three jours francs.
    #[test]
    fn second_convocation_table() {
        let cases = [
            (date!(2019 - 07 - 01), date!(2019 - 07 - 05), true), // Monday → Friday: 2, 3, 4 July in between
            (date!(2019 - 07 - 01), date!(2019 - 07 - 04), false),
            (date!(2019 - 07 - 01), date!(2019 - 07 - 01), false),
            (date!(2019 - 07 - 01), date!(2019 - 07 - 15), true),
            (date!(2021 - 12 - 30), date!(2022 - 01 - 03), true), // over the new year
        ];
        for (first, second, valid) in cases {
            assert_eq!(check_second_convocation(first, second).is_ok(), valid, "{first} → {second}");
        }
        let error = check_second_convocation(date!(2019 - 07 - 01), date!(2019 - 07 - 04)).unwrap_err();
        assert_eq!(error.rule, "CGCT L2121-17 al. 2");
        assert!(error.to_string().contains("pas avant le 05/07/2019"), "{error}");
    }
}
