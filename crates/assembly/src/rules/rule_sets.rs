//! Which rules applied to a sitting, by its date.
//!
//! Outside the health emergency, the ordinary law of the CGCT applies: quorum of the majority of the members in
//! office physically present (L2121-17 al. 1), one proxy per member (L2121-20 al. 1). From March 2020 to July 2022
//! the emergency texts (loi n° 2020-290, ordonnance n° 2020-391, loi n° 2020-1379, loi n° 2021-1465…) lowered the
//! quorum to one third and allowed two proxies, with gaps where the ordinary law applied again. These periods are
//! dated data with their sources, in `rule_sets.toml`, embedded and parsed once.

use serde::Deserialize;
use std::sync::OnceLock;
use time::{Date, Duration, Month};

/// How the quorum of a sitting is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quorum {
    /// More than half of the members in office physically present; proxies are not counted (CGCT L2121-17 al. 1).
    MajorityPresent,
    /// One third of the members in office present, proxies not counted: « le tiers de leurs membres en exercice est
    /// présent » (loi n° 2020-290 art. 10 in its first wording and from 11 July 2020; loi n° 2020-1379 art. 6 IV).
    ThirdPresent,
    /// One third of the members in office present or represented (ordonnance n° 2020-391 du 1er avril 2020, art. 2).
    ThirdPresentOrRepresented,
}

impl Quorum {
    /// The rule, as cited in quorum checks and error messages.
    pub fn article(self) -> &'static str {
        match self {
            Self::MajorityPresent => "CGCT L2121-17 al. 1",
            Self::ThirdPresent => "tiers des membres en exercice présents, loi n° 2020-290 art. 10 et loi n° 2020-1379 art. 6 IV",
            Self::ThirdPresentOrRepresented => "tiers des membres en exercice présents ou représentés, ordonnance n° 2020-391 art. 2",
        }
    }
}

/// The rules in force over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    /// Stable code, unique: `droit-commun-2022-08`, `vigilance-sanitaire-2021`…
    pub code: String,
    /// French label shown to people.
    pub label: String,
    /// First day, included.
    pub from: Date,
    /// Last day, included; `None` for the set in force today.
    pub to: Option<Date>,
    /// The French texts the set rests on (loi or ordonnance, date, article).
    pub sources: Vec<String>,
    pub quorum: Quorum,
    /// Proxies one member may hold: 1 (CGCT L2121-20 al. 1), 2 under the health emergency.
    pub max_proxies_held: u32,
    /// Whether a municipal council may sit by teleconference.
    pub videoconference: bool,
}

impl RuleSet {
    /// Whether `date` falls within the period.
    pub fn covers(&self, date: Date) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }
}

/// The rule set in force on `date`. Sittings before the first set (24 February 1996, the legislative part of the
/// CGCT) are answered with it: the platform holds none.
pub fn rule_set_on(date: Date) -> &'static RuleSet {
    let sets = all();
    sets.iter().find(|set| set.covers(date)).unwrap_or(&sets[0])
}

/// Every rule set, in date order, contiguous, the last one open-ended.
pub fn all() -> &'static [RuleSet] {
    static SETS: OnceLock<Vec<RuleSet>> = OnceLock::new();
    SETS.get_or_init(|| parse(include_str!("rule_sets.toml")).expect("rule_sets.toml is valid"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    rule_set: Vec<Raw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    code: String,
    label: String,
    from: toml::value::Datetime,
    to: Option<toml::value::Datetime>,
    sources: Vec<String>,
    quorum: Quorum,
    max_proxies_held: u32,
    videoconference: bool,
}

fn date(value: &toml::value::Datetime, code: &str) -> Result<Date, String> {
    match (value.date, value.time, value.offset) {
        (Some(d), None, None) => Month::try_from(d.month)
            .ok()
            .and_then(|month| Date::from_calendar_date(i32::from(d.year), month, d.day).ok())
            .ok_or_else(|| format!("{code} : date invalide {value}")),
        _ => Err(format!("{code} : {value} n'est pas une date seule (AAAA-MM-JJ)")),
    }
}

/// Parses the rule sets and checks that they follow each other day after day, without gap nor overlap, up to an
/// open-ended last one, with unique codes, sources, and at least one proxy.
fn parse(text: &str) -> Result<Vec<RuleSet>, String> {
    let file: File = toml::from_str(text).map_err(|e| format!("rule_sets.toml illisible : {e}"))?;
    let mut sets = Vec::with_capacity(file.rule_set.len());
    for raw in file.rule_set {
        let from = date(&raw.from, &raw.code)?;
        let to = raw.to.as_ref().map(|to| date(to, &raw.code)).transpose()?;
        if to.is_some_and(|to| to < from) {
            return Err(format!("{} : la période finit avant de commencer", raw.code));
        }
        if raw.sources.is_empty() || raw.max_proxies_held == 0 {
            return Err(format!("{} : il faut des sources et au moins un pouvoir par membre", raw.code));
        }
        if let Some(previous) = sets.last() {
            let RuleSet { code, to: previous_to, .. } = previous;
            let Some(previous_to) = previous_to else {
                return Err(format!("{code} est sans fin mais n'est pas la dernière période"));
            };
            if from != *previous_to + Duration::days(1) {
                return Err(format!("{} doit commencer le lendemain de la fin de {code}", raw.code));
            }
        }
        if sets.iter().any(|set: &RuleSet| set.code == raw.code) {
            return Err(format!("code en double : {}", raw.code));
        }
        sets.push(RuleSet {
            code: raw.code,
            label: raw.label,
            from,
            to,
            sources: raw.sources,
            quorum: raw.quorum,
            max_proxies_held: raw.max_proxies_held,
            videoconference: raw.videoconference,
        });
    }
    match sets.last() {
        None => Err("aucune période".to_string()),
        Some(last) if last.to.is_some() => Err(format!("la dernière période, {}, doit être sans fin", last.code)),
        Some(_) => Ok(sets),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_file_parses_and_covers_every_day_from_2000() {
        let sets = all();
        assert!(sets[0].from <= date!(2000 - 01 - 01));
        // Every day from 1 January 2000 to well after the last change falls in exactly one set.
        let mut day = date!(2000 - 01 - 01);
        while day <= date!(2030 - 12 - 31) {
            let covering: Vec<_> = sets.iter().filter(|set| set.covers(day)).collect();
            assert_eq!(covering.len(), 1, "{day}: {covering:?}");
            assert_eq!(rule_set_on(day), covering[0], "{day}");
            day += Duration::days(1);
        }
    }

    /// Loi n° 2020-290, ordonnance n° 2020-391, lois n° 2020-760, 2020-1379, 2021-689 and 2021-1465.
    #[test]
    fn rule_set_on_table() {
        let cases = [
            // (day, quorum, proxies, teleconference)
            (date!(2019 - 07 - 01), Quorum::MajorityPresent, 1, false), // seed 004, Juvignac
            (date!(2020 - 03 - 23), Quorum::MajorityPresent, 1, false),
            (date!(2020 - 03 - 24), Quorum::ThirdPresent, 2, false), // loi 2020-290 art. 10, first wording
            (date!(2020 - 04 - 03), Quorum::ThirdPresentOrRepresented, 2, true), // ordonnance 2020-391 art. 2
            (date!(2020 - 07 - 10), Quorum::ThirdPresentOrRepresented, 2, true),
            (date!(2020 - 07 - 11), Quorum::ThirdPresent, 2, false), // loi 2020-760: until 30 August 2020
            (date!(2020 - 08 - 30), Quorum::ThirdPresent, 2, false),
            (date!(2020 - 08 - 31), Quorum::MajorityPresent, 1, false),
            (date!(2020 - 10 - 20), Quorum::MajorityPresent, 1, false), // emergency again, art. 10 not revived
            (date!(2020 - 11 - 15), Quorum::ThirdPresent, 2, true),     // loi 2020-1379 art. 6
            (date!(2020 - 12 - 17), Quorum::ThirdPresent, 2, true),
            (date!(2021 - 03 - 29), Quorum::ThirdPresent, 2, true),
            (date!(2021 - 09 - 30), Quorum::ThirdPresent, 2, true), // loi 2021-689: until 30 September 2021
            (date!(2021 - 10 - 01), Quorum::MajorityPresent, 1, false),
            (date!(2021 - 11 - 10), Quorum::ThirdPresent, 2, true), // loi 2021-1465 art. 10
            (date!(2021 - 12 - 14), Quorum::ThirdPresent, 2, true), // seed 000
            (date!(2022 - 07 - 31), Quorum::ThirdPresent, 2, true),
            (date!(2022 - 08 - 01), Quorum::MajorityPresent, 1, false),
            (date!(2022 - 09 - 01), Quorum::MajorityPresent, 1, false),
            (date!(1990 - 01 - 01), Quorum::MajorityPresent, 1, false), // before the first set: the first set
        ];
        for (day, quorum, proxies, teleconference) in cases {
            let set = rule_set_on(day);
            assert_eq!((set.quorum, set.max_proxies_held, set.videoconference), (quorum, proxies, teleconference), "{day}: {}", set.code);
        }
        assert_eq!(rule_set_on(date!(2021 - 12 - 14)).code, "vigilance-sanitaire-2021");
        assert!(rule_set_on(date!(2021 - 12 - 14)).sources.iter().any(|s| s.contains("n° 2021-1465")));
        assert!(rule_set_on(date!(2026 - 01 - 01)).to.is_none());
    }

    #[test]
    fn invalid_files_are_refused() {
        let set = |code: &str, from: &str, to: Option<&str>| {
            let to = to.map(|to| format!("to = {to}\n")).unwrap_or_default();
            format!(
                "[[rule_set]]\ncode = \"{code}\"\nlabel = \"x\"\nfrom = {from}\n{to}sources = [\"CGCT\"]\n\
                 quorum = \"majority_present\"\nmax_proxies_held = 1\nvideoconference = false\n"
            )
        };
        let cases = [
            (set("a", "2000-01-01", Some("2000-12-31")) + &set("b", "2001-01-02", None), "lendemain"), // gap
            (set("a", "2000-01-01", Some("2000-12-31")) + &set("b", "2000-12-31", None), "lendemain"), // overlap
            (set("a", "2000-01-01", None) + &set("b", "2001-01-01", None), "sans fin"),
            (set("a", "2000-01-01", Some("2000-12-31")), "doit être sans fin"),
            (set("a", "2000-01-01", Some("1999-12-31")), "finit avant"),
            (set("a", "2000-01-01", Some("2000-12-31")) + &set("a", "2001-01-01", None), "double"),
            (set("a", "2000-01-01T10:00:00", None), "date seule"),
            (set("a", "2000-01-01", None).replace("majority_present", "half"), "illisible"),
            (String::new(), "illisible"),
        ];
        for (text, expected) in cases {
            let error = parse(&text).expect_err(&text);
            assert!(error.contains(expected), "{text}: {error}");
        }
        assert!(parse(&(set("a", "2000-01-01", Some("2000-12-31")) + &set("b", "2001-01-01", None))).is_ok());
    }
}
