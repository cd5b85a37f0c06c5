//! Proxies (*pouvoirs*) given for a sitting.
//!
//! CGCT L2121-20 al. 1: « Un conseiller municipal empêché d'assister à une séance peut donner à un collègue de son
//! choix pouvoir écrit de voter en son nom. Un même conseiller municipal ne peut être porteur que d'un seul pouvoir.
//! Le pouvoir est toujours révocable. Sauf cas de maladie dûment constatée, il ne peut être valable pour plus de trois
//! séances consécutives. » A proxy may thus serve up to three consecutive sittings, and more in case of illness;
//! this module checks the proxies of one sitting, not how long each one lasts. Under the health emergency a member
//! may hold two proxies ([`RuleSet::max_proxies_held`]).

use super::RuleError;
use super::rule_sets::{Quorum, RuleSet};
use std::collections::{HashMap, HashSet};

/// A proxy given for a sitting: who gives it, and to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    /// The member prevented from attending.
    pub giver: String,
    /// The colleague who votes in the giver's name; `None` when unknown, as in a register that lists the members
    /// represented without their holders.
    pub holder: Option<String>,
}

fn rule(rules: &RuleSet) -> &'static str {
    match rules.quorum {
        Quorum::MajorityPresent => "CGCT L2121-20 al. 1",
        Quorum::ThirdPresent | Quorum::ThirdPresentOrRepresented => {
            "CGCT L2121-20 al. 1, deux pouvoirs par membre : loi n° 2020-290 art. 10 et loi n° 2020-1379 art. 6 IV"
        }
    }
}

/// Checks the proxies of a sitting against the members `present` and the rule set of its date.
///
/// Refused: a giver who is present (only a member prevented from attending gives a proxy), a giver who names
/// themself, a member giving two proxies, a holder who is not present, a holder holding more proxies than the rule
/// set allows, and an unknown holder when `holders_required` (a sitting recorded on the platform always names
/// holders; `false` admits a past sitting imported from a register that does not print them).
pub fn check_proxies(rules: &RuleSet, proxies: &[Proxy], present: &[String], holders_required: bool) -> Result<(), RuleError> {
    let rule = rule(rules);
    let present: HashSet<&str> = present.iter().map(String::as_str).collect();
    let mut givers = HashSet::new();
    let mut held: HashMap<&str, u32> = HashMap::new();
    for Proxy { giver, holder } in proxies {
        if present.contains(giver.as_str()) {
            return Err(RuleError::new(
                rule,
                format!("{giver} est présent(e) à la séance : seul un membre empêché d'y assister donne pouvoir"),
            ));
        }
        if !givers.insert(giver.as_str()) {
            return Err(RuleError::new(rule, format!("{giver} a donné plus d'un pouvoir pour la même séance")));
        }
        let Some(holder) = holder else {
            if holders_required {
                return Err(RuleError::new(rule, format!("le pouvoir de {giver} ne désigne pas le collègue qui le porte")));
            }
            continue;
        };
        if holder == giver {
            return Err(RuleError::new(rule, format!("{giver} ne peut se donner pouvoir à soi-même")));
        }
        if !present.contains(holder.as_str()) {
            return Err(RuleError::new(rule, format!("{holder}, à qui {giver} a donné pouvoir, n'est pas présent(e) à la séance")));
        }
        let count = held.entry(holder.as_str()).or_default();
        *count += 1;
        if *count > rules.max_proxies_held {
            let allowed = match rules.max_proxies_held {
                1 => "un seul pouvoir".to_string(),
                n => format!("{n} pouvoirs au plus"),
            };
            return Err(RuleError::new(
                rule,
                format!("{holder} porte {count} pouvoirs, dont celui de {giver} : un membre ne peut porter que {allowed}"),
            ));
        }
    }
    // Holders unknown or not, the members present cannot carry more proxies than the rule set allows them.
    let capacity = present.len() as u32 * rules.max_proxies_held;
    if proxies.len() as u32 > capacity {
        return Err(RuleError::new(
            rule,
            format!(
                "{} pouvoirs pour {} membres présents : chacun ne peut en porter que {}",
                proxies.len(),
                present.len(),
                rules.max_proxies_held
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::rule_sets::rule_set_on;
    use super::*;
    use time::macros::date;

    fn proxy(giver: &str, holder: Option<&str>) -> Proxy {
        Proxy { giver: giver.to_string(), holder: holder.map(str::to_string) }
    }

    /// CGCT L2121-20 al. 1; two proxies under loi n° 2021-1465 art. 10 (loi n° 2020-1379 art. 6 IV).
    #[test]
    fn check_proxies_table() {
        let ordinary = rule_set_on(date!(2019 - 07 - 01));
        let vigilance = rule_set_on(date!(2021 - 12 - 14));
        let present: Vec<String> = ["Alice", "Bruno", "Chloé"].map(String::from).to_vec();
        // (rules, proxies, holders required, parts of the message)
        type Case = (&'static RuleSet, Vec<Proxy>, bool, Result<(), &'static [&'static str]>);
        let cases: [Case; 14] = [
            (ordinary, vec![proxy("Denis", Some("Alice")), proxy("Émilie", Some("Bruno"))], true, Ok(())),
            (ordinary, vec![], true, Ok(())),
            (
                ordinary,
                vec![proxy("Denis", Some("Alice")), proxy("Émilie", Some("Alice"))],
                true,
                Err(&["Alice porte 2 pouvoirs, dont celui de Émilie", "un seul pouvoir", "(CGCT L2121-20 al. 1)"]),
            ),
            // Seed 000, 14 December 2021: members holding two proxies.
            (vigilance, vec![proxy("Denis", Some("Alice")), proxy("Émilie", Some("Alice"))], true, Ok(())),
            (
                vigilance,
                vec![proxy("Denis", Some("Alice")), proxy("Émilie", Some("Alice")), proxy("Fanny", Some("Alice"))],
                true,
                Err(&["Alice porte 3 pouvoirs", "2 pouvoirs au plus", "loi n° 2020-1379"]),
            ),
            (ordinary, vec![proxy("Denis", Some("Gaspard"))], true, Err(&["Gaspard, à qui Denis a donné pouvoir, n'est pas présent(e)"])),
            (ordinary, vec![proxy("Bruno", Some("Alice"))], true, Err(&["Bruno est présent(e)"])),
            (ordinary, vec![proxy("Denis", Some("Denis"))], true, Err(&["à soi-même"])),
            (ordinary, vec![proxy("Denis", Some("Alice")), proxy("Denis", Some("Bruno"))], true, Err(&["Denis a donné plus d'un pouvoir"])),
            (ordinary, vec![proxy("Denis", None)], true, Err(&["ne désigne pas le collègue"])),
            // An imported register that lists the members represented without their holders.
            (ordinary, vec![proxy("Denis", None), proxy("Émilie", None), proxy("Fanny", Some("Alice"))], false, Ok(())),
            (ordinary, vec![proxy("Denis", None), proxy("Denis", None)], false, Err(&["plus d'un pouvoir"])),
            // Holders unknown: three present members carry at most three proxies (six under the vigilance rules).
            (
                ordinary,
                vec![proxy("Denis", None), proxy("Émilie", None), proxy("Fanny", None), proxy("Gaspard", None)],
                false,
                Err(&["4 pouvoirs pour 3 membres présents", "CGCT L2121-20 al. 1"]),
            ),
            (vigilance, vec![proxy("Denis", None), proxy("Émilie", None), proxy("Fanny", None), proxy("Gaspard", None)], false, Ok(())),
        ];
        for (rules, proxies, holders_required, expected) in cases {
            match (check_proxies(rules, &proxies, &present, holders_required), expected) {
                (Ok(()), Ok(())) => {}
                (Err(error), Err(parts)) => {
                    let text = error.to_string();
                    for part in parts {
                        assert!(text.contains(part), "{proxies:?}: « {part} » not in « {text} »");
                    }
                }
                (got, want) => panic!("{proxies:?}: {got:?} instead of {want:?}"),
            }
        }
    }
}
