//! Convocation delays, counted in *jours francs*.
//!
//! A delay of `n` jours francs needs `n` whole days between the day the convocation is sent and the day of the
//! sitting: neither of those two days counts. Saturdays, Sundays and public holidays count like any other day and
//! never extend the delay (unlike procedure deadlines, CPC art. 642): a convocation delay protects the members'
//! time to prepare, and the texts provide no extension.

use super::RuleError;
use kernel::calendar::format_fr;
use time::{Date, Duration};

/// Population from which a commune follows CGCT L2121-12 rather than L2121-11.
const SMALL_COMMUNE_LIMIT: u64 = 3_500;

/// A deliberative body whose sittings are convened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyKind {
    MunicipalCouncil,
    MetropolitanCouncil,
    /// The *conseil d'administration* of a CCAS (code de l'action sociale et des familles, L123-6).
    CcasBoard,
    /// The *bureau* of the Métropole (CGCT L5211-10).
    Bureau,
    /// A commission of a council (CGCT L2121-22).
    Commission,
}

impl BodyKind {
    pub const ALL: [BodyKind; 5] = [Self::MunicipalCouncil, Self::MetropolitanCouncil, Self::CcasBoard, Self::Bureau, Self::Commission];

    /// Stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::MunicipalCouncil => "municipal_council",
            Self::MetropolitanCouncil => "metropolitan_council",
            Self::CcasBoard => "ccas_board",
            Self::Bureau => "bureau",
            Self::Commission => "commission",
        }
    }

    /// The kind whose [`code`](Self::code) this is.
    pub fn parse(code: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|kind| kind.code() == code).ok_or_else(|| {
            let expected: Vec<_> = Self::ALL.iter().map(|kind| kind.code()).collect();
            format!("type d'instance inconnu « {code} » (attendu : {})", expected.join(", "))
        })
    }

    /// French label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::MunicipalCouncil => "Conseil municipal",
            Self::MetropolitanCouncil => "Conseil de la Métropole",
            Self::CcasBoard => "Conseil d'administration du CCAS",
            Self::Bureau => "Bureau",
            Self::Commission => "Commission",
        }
    }
}

/// A convocation delay: how many jours francs, and the rule that sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClearDays {
    pub days: i64,
    /// The rule cited: `CGCT L2121-12`…
    pub article: &'static str,
}

/// The convocation delay of a sitting.
///
/// - Municipal council of a commune under 3,500 inhabitants: 3 jours francs (CGCT L2121-11); of 3,500 and more:
///   5 jours francs (CGCT L2121-12). An unknown population gets the longer delay.
/// - Council of the Métropole: 5 jours francs, the delay of communes of 3,500 inhabitants and more (CGCT L5211-1,
///   which applies L2121-11 and L2121-12 to EPCI « soumis aux règles applicables aux communes de 3 500 habitants et
///   plus »).
/// - Urgency, for these councils (L2121-11 and L2121-12): « le délai peut être abrégé par le maire sans pouvoir être
///   toutefois inférieur à un jour franc »; the mayor (the president) reports on it at the opening of the sitting and
///   the council rules on the urgency.
/// - Board of a CCAS: the convocation « est adressée aux membres du conseil trois jours au moins avant la date de la
///   réunion » (code de l'action sociale et des familles, R123-16). The text does not say *francs*; the days are
///   counted clear here, the stricter reading, as for L2121-11. R123-16 has no urgency clause: urgency does not
///   shorten it.
/// - Bureau and commissions: no statutory delay (the CGCT leaves it to the rules of procedure, *règlement
///   intérieur*; for commissions, réponse ministérielle, JO Sénat, 19 mai 2016, question n° 19252). By default the
///   council's delay applies, urgency included, and the article cited says so.
pub fn required_clear_days(kind: BodyKind, commune_population: Option<u64>, urgent: bool) -> ClearDays {
    let small = commune_population.is_some_and(|population| population < SMALL_COMMUNE_LIMIT);
    let (days, article, urgent_article) = match kind {
        BodyKind::MunicipalCouncil if small => (3, "CGCT L2121-11", "CGCT L2121-11, urgence"),
        BodyKind::MunicipalCouncil => (5, "CGCT L2121-12", "CGCT L2121-12, urgence"),
        BodyKind::MetropolitanCouncil => (5, "CGCT L5211-1 et L2121-12", "CGCT L5211-1 et L2121-12, urgence"),
        BodyKind::CcasBoard => (3, "CASF R123-16", "CASF R123-16"),
        BodyKind::Bureau | BodyKind::Commission if small => (
            3,
            "règlement intérieur ; à défaut, délai du conseil : CGCT L2121-11",
            "règlement intérieur ; à défaut, urgence du conseil : CGCT L2121-11",
        ),
        BodyKind::Bureau | BodyKind::Commission => (
            5,
            "règlement intérieur ; à défaut, délai du conseil : CGCT L2121-12",
            "règlement intérieur ; à défaut, urgence du conseil : CGCT L2121-12",
        ),
    };
    match (urgent, kind) {
        (true, BodyKind::CcasBoard) | (false, _) => ClearDays { days, article },
        (true, _) => ClearDays { days: 1, article: urgent_article },
    }
}

/// The last day a convocation may be sent for a sitting on `sitting` with `clear_days` jours francs: the sitting
/// day minus the clear days, minus one for the day of sending.
pub fn last_sending_day(sitting: Date, clear_days: i64) -> Date {
    sitting - Duration::days(clear_days + 1)
}

/// The jours francs between a convocation sent on `sent` and the sitting on `sitting`: the whole days strictly
/// between them. Zero or less when sent the day before the sitting or later.
pub fn clear_days_between(sent: Date, sitting: Date) -> i64 {
    (sitting - sent).whole_days() - 1
}

/// Whether the *note explicative de synthèse* on the matters to be decided must be sent with the convocation:
/// communes of 3,500 inhabitants and more (CGCT L2121-12 al. 1; not L2121-11 for smaller communes), the Métropole
/// (CGCT L5211-1), and the CCAS of such a commune, whose convocation carries « un rapport explicatif sur les
/// affaires soumises à délibération » (CASF R123-16). An unknown population requires it. No text requires it for
/// the bureau or commissions.
pub fn explanatory_note_required(kind: BodyKind, commune_population: Option<u64>) -> bool {
    match kind {
        BodyKind::MunicipalCouncil | BodyKind::CcasBoard => commune_population.is_none_or(|population| population >= SMALL_COMMUNE_LIMIT),
        BodyKind::MetropolitanCouncil => true,
        BodyKind::Bureau | BodyKind::Commission => false,
    }
}

fn clear_days_fr(days: i64) -> String {
    match days {
        ..=0 => "aucun jour franc".to_string(),
        1 => "1 jour franc".to_string(),
        n => format!("{n} jours francs"),
    }
}

/// Checks the day a convocation was sent for a sitting, and returns the delay that applied.
///
/// A convocation late for the ordinary delay is refused, with the last day it could have been sent, unless an
/// urgency reason is given; then the shortened delay applies (one jour franc at least, see
/// [`required_clear_days`]). An urgency reason must say something: it is recorded, and the council rules on the
/// urgency at the opening of the sitting (CGCT L2121-11, L2121-12).
pub fn check_sending(
    kind: BodyKind,
    commune_population: Option<u64>,
    sitting: Date,
    sending_day: Date,
    urgency_reason: Option<&str>,
) -> Result<ClearDays, RuleError> {
    let ordinary = required_clear_days(kind, commune_population, false);
    let urgent = required_clear_days(kind, commune_population, true);
    if urgency_reason.is_some_and(|reason| reason.trim().is_empty()) {
        return Err(RuleError::new(
            urgent.article,
            "urgence invoquée sans motif : le motif de l'urgence doit être consigné, \
             le conseil se prononçant sur l'urgence dès l'ouverture de la séance",
        ));
    }
    let given = clear_days_between(sending_day, sitting);
    let sent = format!("convocation envoyée le {} pour la séance du {}", format_fr(sending_day), format_fr(sitting));
    if given >= ordinary.days {
        return Ok(ordinary);
    }
    if urgency_reason.is_none() {
        return Err(RuleError::new(
            ordinary.article,
            format!(
                "{sent} : {} au lieu des {} exigés ; dernier jour d'envoi possible : {}",
                clear_days_fr(given),
                clear_days_fr(ordinary.days),
                format_fr(last_sending_day(sitting, ordinary.days))
            ),
        ));
    }
    if urgent.days == ordinary.days {
        return Err(RuleError::new(
            ordinary.article,
            format!(
                "{sent} : {} au lieu des {} exigés, et le texte ne permet pas d'abréger le délai en cas d'urgence ; \
                 dernier jour d'envoi possible : {}",
                clear_days_fr(given),
                clear_days_fr(ordinary.days),
                format_fr(last_sending_day(sitting, ordinary.days))
            ),
        ));
    }
    if given < urgent.days {
        return Err(RuleError::new(
            urgent.article,
            format!(
                "{sent} : en cas d'urgence, le délai peut être abrégé sans pouvoir être inférieur à {} ; \
                 dernier jour d'envoi possible : {}",
                clear_days_fr(urgent.days),
                format_fr(last_sending_day(sitting, urgent.days))
            ),
        ));
    }
    Ok(urgent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn codes_round_trip() {
        for kind in BodyKind::ALL {
            assert_eq!(BodyKind::parse(kind.code()), Ok(kind));
            assert!(!kind.label().is_empty());
        }
        let error = BodyKind::parse("conseil").unwrap_err();
        assert!(error.contains("« conseil »") && error.contains("ccas_board"), "{error}");
    }

    /// CGCT L2121-11, L2121-12, L5211-1; CASF R123-16.
    #[test]
    fn required_clear_days_table() {
        use BodyKind::*;
        let cases = [
            // (kind, population, urgent, days, article)
            (MunicipalCouncil, Some(10_979), false, 5, "CGCT L2121-12"), // Juvignac
            (MunicipalCouncil, Some(3_500), false, 5, "CGCT L2121-12"),
            (MunicipalCouncil, Some(3_499), false, 3, "CGCT L2121-11"),
            (MunicipalCouncil, None, false, 5, "CGCT L2121-12"), // unknown population: the longer delay
            (MunicipalCouncil, Some(10_979), true, 1, "CGCT L2121-12, urgence"),
            (MunicipalCouncil, Some(1_200), true, 1, "CGCT L2121-11, urgence"),
            (MetropolitanCouncil, None, false, 5, "CGCT L5211-1 et L2121-12"),
            (MetropolitanCouncil, None, true, 1, "CGCT L5211-1 et L2121-12, urgence"),
            (CcasBoard, Some(7_519), false, 3, "CASF R123-16"), // CCAS of Baillargues
            (CcasBoard, Some(7_519), true, 3, "CASF R123-16"),  // no urgency clause
            (Bureau, None, false, 5, "règlement intérieur ; à défaut, délai du conseil : CGCT L2121-12"),
            (Commission, Some(2_000), false, 3, "règlement intérieur ; à défaut, délai du conseil : CGCT L2121-11"),
            (Commission, Some(10_979), true, 1, "règlement intérieur ; à défaut, urgence du conseil : CGCT L2121-12"),
        ];
        for (kind, population, urgent, days, article) in cases {
            assert_eq!(required_clear_days(kind, population, urgent), ClearDays { days, article }, "{kind:?} {population:?} {urgent}");
        }
    }

    #[test]
    fn clear_days_table() {
        let cases = [
            // (sent, sitting, clear days between, last sending day for 5 jours francs)
            (date!(2019 - 06 - 24), date!(2019 - 07 - 01), 6, date!(2019 - 06 - 25)), // seed 004, Juvignac
            (date!(2019 - 06 - 26), date!(2019 - 07 - 01), 4, date!(2019 - 06 - 25)),
            (date!(2021 - 12 - 08), date!(2021 - 12 - 14), 5, date!(2021 - 12 - 08)), // seed 000: the last day
            // Weekend and 14 July count: Thursday 10 to Wednesday 16 July 2025 leaves 11, 12, 13, 14, 15.
            (date!(2025 - 07 - 10), date!(2025 - 07 - 16), 5, date!(2025 - 07 - 10)),
            (date!(2019 - 06 - 30), date!(2019 - 07 - 01), 0, date!(2019 - 06 - 25)),
            (date!(2019 - 07 - 01), date!(2019 - 07 - 01), -1, date!(2019 - 06 - 25)),
        ];
        for (sent, sitting, between, last) in cases {
            assert_eq!(clear_days_between(sent, sitting), between, "{sent} → {sitting}");
            assert_eq!(last_sending_day(sitting, 5), last, "{sitting}");
            assert_eq!(clear_days_between(last, sitting), 5, "{sitting}");
        }
    }

    /// CGCT L2121-11 and L2121-12 (urgency: one jour franc at least, reason recorded); CASF R123-16.
    #[test]
    fn check_sending_table() {
        use BodyKind::*;
        // (kind, population, sitting, sent, urgency reason, clear days required or parts of the message)
        type Case = (BodyKind, Option<u64>, Date, Date, Option<&'static str>, Result<i64, &'static [&'static str]>);
        let cases: [Case; 11] = [
            // Seed 004: Juvignac, convened 24 June 2019 for 1 July 2019: 6 clear days for 5 required.
            (MunicipalCouncil, Some(10_979), date!(2019 - 07 - 01), date!(2019 - 06 - 24), None, Ok(5)),
            // Off by one: sent 26 June leaves 4 clear days; the last day was 25 June.
            (
                MunicipalCouncil,
                Some(10_979),
                date!(2019 - 07 - 01),
                date!(2019 - 06 - 26),
                None,
                Err(&[
                    "envoyée le 26/06/2019",
                    "séance du 01/07/2019",
                    "4 jours francs au lieu des 5 jours francs",
                    "25/06/2019",
                    "(CGCT L2121-12)",
                ]),
            ),
            (MunicipalCouncil, Some(10_979), date!(2019 - 07 - 01), date!(2019 - 06 - 26), Some("crue du Lez : travaux de voirie"), Ok(1)),
            (
                MunicipalCouncil,
                Some(10_979),
                date!(2019 - 07 - 01),
                date!(2019 - 06 - 30),
                Some("crue du Lez"),
                Err(&["inférieur à 1 jour franc", "29/06/2019", "(CGCT L2121-12, urgence)"]),
            ),
            (
                MunicipalCouncil,
                Some(10_979),
                date!(2019 - 07 - 01),
                date!(2019 - 06 - 26),
                Some("  "),
                Err(&["sans motif", "(CGCT L2121-12, urgence)"]),
            ),
            // A small commune: 3 clear days, the weekend counting (sent Thursday for Monday).
            (MunicipalCouncil, Some(1_200), date!(2019 - 07 - 01), date!(2019 - 06 - 27), None, Ok(3)),
            (
                MunicipalCouncil,
                Some(1_200),
                date!(2019 - 07 - 01),
                date!(2019 - 06 - 28),
                None,
                Err(&["2 jours francs au lieu des 3", "27/06/2019", "(CGCT L2121-11)"]),
            ),
            (MetropolitanCouncil, None, date!(2021 - 12 - 14), date!(2021 - 12 - 08), None, Ok(5)),
            (
                MetropolitanCouncil,
                None,
                date!(2021 - 12 - 14),
                date!(2021 - 12 - 09),
                None,
                Err(&["08/12/2021", "(CGCT L5211-1 et L2121-12)"]),
            ),
            (CcasBoard, Some(10_979), date!(2019 - 07 - 01), date!(2019 - 06 - 27), None, Ok(3)),
            (
                CcasBoard,
                Some(10_979),
                date!(2019 - 07 - 01),
                date!(2019 - 06 - 29),
                Some("canicule"),
                Err(&["ne permet pas d'abréger", "(CASF R123-16)"]),
            ),
        ];
        for (kind, population, sitting, sent, reason, expected) in cases {
            match (check_sending(kind, population, sitting, sent, reason), expected) {
                (Ok(delay), Ok(days)) => assert_eq!(delay.days, days, "{kind:?} {sent} → {sitting}"),
                (Err(error), Err(parts)) => {
                    let text = error.to_string();
                    for part in parts {
                        assert!(text.contains(part), "{kind:?} {sent} → {sitting}: « {part} » not in « {text} »");
                    }
                }
                (got, want) => panic!("{kind:?} {sent} → {sitting}: {got:?} instead of {want:?}"),
            }
        }
    }

    /// CGCT L2121-12 al. 1 (not L2121-11), L5211-1; CASF R123-16.
    #[test]
    fn explanatory_note_table() {
        use BodyKind::*;
        let cases = [
            (MunicipalCouncil, Some(10_979), true),
            (MunicipalCouncil, Some(3_499), false),
            (MunicipalCouncil, None, true),
            (MetropolitanCouncil, None, true),
            (CcasBoard, Some(7_519), true),
            (CcasBoard, Some(900), false),
            (Bureau, None, false),
            (Commission, Some(10_979), false),
        ];
        for (kind, population, required) in cases {
            assert_eq!(explanatory_note_required(kind, population), required, "{kind:?} {population:?}");
        }
    }
}
