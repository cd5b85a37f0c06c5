//! The convention of a member for a period (articles 1 to 11 and annexes 1 to 4) and the draft
//! deliberation of the member's council that approves it, as print-ready French HTML documents.
//!
//! Both documents are rendered from one [`DocumentView`], built by [`view`] from the member's
//! [`MemberConvention`]: the figures of the deliberation's cost sentences, of article 4 and of annexe 2
//! are the same [`CostLine`]s, so they cannot disagree (in seed 004, Juvignac's deliberation says
//! 580,41 € / 193,47 € while the annexe of its convention says 580,81 € / 193,60 €).

use crate::annex::MemberKind;
use crate::model::{Period, PeriodApplication};
use crate::rules::{self, Share};
use crate::service::MemberConvention;
use crate::signatures::Party;
use identity::Organisation;
use kernel::{Cents, OrganisationKind, Percent};

/// What each party does for one application (article 2 of the 2019-2021 conventions, seeds 002 and 004).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duties {
    pub metropole: &'static [&'static str],
    pub member: &'static [&'static str],
}

/// Article 2 of the 2019-2021 conventions, by application code. Applications added since (2022-2024)
/// have no such text in the seeds: the document then refers to their description in annexe 1.
fn duties_of(code: &str) -> Option<Duties> {
    let duties = match code {
        "e-administration" => Duties {
            metropole: &[
                "l'hébergement et la maintenance de la plateforme ;",
                "le support technique et fonctionnel ;",
                "la formation initiale des référents.",
            ],
            member: &[
                "l'acquisition et le renouvellement des certificats de signature électronique nécessaires au parapheur électronique ;",
                "les paramétrages qui lui sont propres, notamment au titre de sa charte graphique ;",
                "l'établissement de bordereaux de transmission adaptés ;",
                "la formation de ses agents utilisateurs.",
            ],
        },
        "e-services" => Duties {
            metropole: &[
                "l'hébergement et la maintenance de la plateforme informatique, avec garantie de bande passante ;",
                "le paramétrage de la charte graphique et l'installation de la solution informatique ;",
                "l'assistance à l'installation et à la prise en main de la solution (une journée de formation du référent, une journée d'accompagnement) ;",
                "l'intégration d'un seul nouveau formulaire absent du catalogue (paramétrage, intégration sur la plateforme) ; toute intégration supplémentaire relève des dispositions financières de l'article 3 ;",
                "le support technique et fonctionnel de maintenance pour l'ensemble des utilisateurs.",
            ],
            member: &[
                "la rédaction des cadres-types de réponse ;",
                "l'animation de sa plateforme ;",
                "le maintien des liens avec les plateformes communales et intercommunales.",
            ],
        },
        "marches-publics" => Duties {
            metropole: &[
                "l'acquisition et la maintenance des serveurs dédiés à la solution commune de dématérialisation ;",
                "l'hébergement et la sauvegarde des informations du système mutualisé, avec bande passante garantie ;",
                "la maintenance et la mise à jour du portail ;",
                "le paramétrage de la charte graphique, des messages de réponse et la mise en place de l'application ;",
                "l'assistance à la mise en œuvre du système de dématérialisation ;",
                "une formation d'une journée des agents référents en charge de la plateforme ;",
                "l'archivage des offres et des dossiers sur des supports dédiés.",
            ],
            member: &[
                "la mise en place et l'éventuelle évolution de la charte graphique de son site ;",
                "la rédaction et la mise en ligne de documents types ou de messages types ;",
                "la mise en ligne des avis d'appel public à la concurrence et des dossiers de consultation ;",
                "la gestion dématérialisée des procédures sur la plateforme ;",
                "l'archivage régulier des procédures à leur issue.",
            ],
        },
        "open-data" => Duties {
            metropole: &[
                "l'acquisition et la maintenance des serveurs dédiés à la plateforme open data mutualisée ;",
                "l'hébergement et la sauvegarde des informations du système mutualisé ;",
                "la maintenance et la mise à jour du portail ;",
                "le paramétrage de la charte graphique ;",
                "l'assistance à la mise en œuvre de la plateforme ; les agents chargés de la mise à jour des données peuvent suivre les formations que la Métropole propose sur la plateforme. Cette prestation, qui participe au développement économique du territoire et à l'amélioration des services publics, est effectuée à titre gratuit.",
            ],
            member: &[
                "la mise à jour régulière de ses données sur la plateforme mutualisée ; les données ouvertes sont mises à disposition du public sous la licence d'utilisation approuvée par son assemblée délibérante.",
            ],
        },
        _ => return None,
    };
    Some(duties)
}

/// The member party of the convention, with the words the documents use for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberParty {
    pub name: String,
    pub kind: MemberKind,
    /// « Commune », « Centre communal d'action sociale ».
    pub kind_label: &'static str,
    /// « la commune de Juvignac », « le CCAS de Baillargues ».
    pub designation: String,
    /// « La commune de Juvignac », « Le CCAS de Baillargues ».
    pub designation_capitalised: String,
    /// « de la commune de Juvignac », « du CCAS de Baillargues ».
    pub of_designation: String,
    /// « à la commune de Juvignac », « au CCAS de Baillargues ».
    pub to_designation: String,
    /// « la Commune », « le CCAS » (*ci-après dénommé·e*).
    pub short: &'static str,
    /// « de la Commune », « du CCAS ».
    pub of_short: &'static str,
    /// « à la Commune », « au CCAS ».
    pub to_short: &'static str,
    /// « La Commune », « Le CCAS ».
    pub short_capitalised: &'static str,
    /// « représentée par son maire », « représenté par son Président ».
    pub represented_by: &'static str,
    /// « dénommée », « dénommé ».
    pub named: &'static str,
    /// « Conseil municipal », « Conseil d'administration ».
    pub council: &'static str,
    /// « le Maire », « le Président ».
    pub signatory: &'static str,
    /// « Le Maire », « Le Président ».
    pub signatory_capitalised: &'static str,
}

impl MemberParty {
    pub fn of(organisation: &Organisation) -> Self {
        let name = organisation.name.clone();
        match organisation.kind {
            OrganisationKind::Ccas => {
                let lower = name.to_lowercase();
                let designation = if lower.starts_with("ccas") || lower.starts_with("centre communal") {
                    format!("le {name}")
                } else {
                    format!("le CCAS {}", of_name(&name))
                };
                MemberParty {
                    kind: MemberKind::Ccas,
                    kind_label: OrganisationKind::Ccas.label(),
                    designation_capitalised: capitalise(&designation),
                    of_designation: with_preposition("de", &designation),
                    to_designation: with_preposition("à", &designation),
                    designation,
                    short: "le CCAS",
                    of_short: "du CCAS",
                    to_short: "au CCAS",
                    short_capitalised: "Le CCAS",
                    represented_by: "représenté par son Président",
                    named: "dénommé",
                    council: "Conseil d'administration",
                    signatory: "le Président",
                    signatory_capitalised: "Le Président",
                    name,
                }
            }
            _ => {
                let designation = format!("la commune {}", of_name(&name));
                MemberParty {
                    kind: MemberKind::Commune,
                    kind_label: OrganisationKind::Commune.label(),
                    designation_capitalised: capitalise(&designation),
                    of_designation: with_preposition("de", &designation),
                    to_designation: with_preposition("à", &designation),
                    designation,
                    short: "la Commune",
                    of_short: "de la Commune",
                    to_short: "à la Commune",
                    short_capitalised: "La Commune",
                    represented_by: "représentée par son maire",
                    named: "dénommée",
                    council: "Conseil municipal",
                    signatory: "le Maire",
                    signatory_capitalised: "Le Maire",
                    name,
                }
            }
        }
    }

    pub fn is_ccas(&self) -> bool {
        self.kind == MemberKind::Ccas
    }
}

/// The population a member's share is computed on (its commune's, for a CCAS) and the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Population {
    /// The commune whose population counts: the member, or the commune of a CCAS.
    pub commune: String,
    pub member: u64,
    pub total: u64,
    pub year: i64,
}

/// What a member pays for one subscribed, charged application: the figures of article 4, of annexe 2
/// and of the deliberation's cost sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostLine {
    pub code: String,
    pub name: String,
    /// Global cost of the application over the period, excluding VAT.
    pub global_cost: Cents,
    pub share: Share,
}

/// An application offered over the period (annexe 1), and whether the member subscribes to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedApplication {
    pub code: String,
    pub name: String,
    pub description: String,
    pub free_of_charge: bool,
    pub global_cost: Option<Cents>,
    pub subscribed: bool,
}

/// A subscribed application, with its duties (article 2) and what it costs the member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribedApplication {
    pub code: String,
    pub name: String,
    pub description: String,
    pub free_of_charge: bool,
    /// `None` for a free application or a cost not fixed yet.
    pub cost: Option<CostLine>,
    pub duties: Option<Duties>,
    /// `01/01/2019`.
    pub starts_on: String,
    pub ends_on: Option<String>,
}

/// Everything the convention document and the draft deliberation show, built once from the same data.
#[derive(Debug, Clone)]
pub struct DocumentView {
    pub slug: String,
    pub member: MemberParty,
    pub metropole: String,
    pub period: Period,
    /// `2019-2021`.
    pub period_label: String,
    /// `2019-2020-2021`.
    pub years_text: String,
    /// `1er janvier 2019`.
    pub first_day: String,
    /// `31 décembre 2021`.
    pub last_day: String,
    /// The days on which either party may terminate the convention (article 10): `1er janvier 2020`, ….
    pub termination_days: Vec<String>,
    pub deliberation_reference: String,
    /// `01/07/2019` (as recorded when it is not an ISO date).
    pub deliberation_date: String,
    /// The Métropole's participation for this kind of member.
    pub participation: Percent,
    pub population: Option<Population>,
    pub offered: Vec<OfferedApplication>,
    pub subscribed: Vec<SubscribedApplication>,
    /// The charged subscribed applications, in the order of the subscriptions.
    pub costs: Vec<CostLine>,
    /// What the member pays each year: [`MemberConvention::annual_total`].
    pub annual_total: Cents,
    /// The price list of annexe 3, from the catalogue of the period.
    pub rate_card: Vec<crate::model::DayRate>,
    /// Fixed compensation for recovery costs of a late payment (article 5).
    pub recovery_compensation: Cents,
    /// Points added to the ECB rate for late-payment interest (article 5): `8`.
    pub late_interest_margin: String,
    /// The member's signatory, once recorded: (name, title, `15/07/2019`).
    pub member_signature: Option<(String, String, String)>,
    /// The Métropole's signatory, once recorded.
    pub metropole_signature: Option<(String, String, String)>,
    /// `15 juillet 2019`, the later signature, once both parties signed.
    pub signed_on: Option<String>,
    /// The avenants: (number, object, `02/11/2020`).
    pub amendments: Vec<(i64, String, String)>,
}

impl DocumentView {
    /// Names of the applications offered over the period that the member does not subscribe to.
    pub fn not_subscribed(&self) -> Vec<&str> {
        self.offered.iter().filter(|o| !o.subscribed).map(|o| o.name.as_str()).collect()
    }

    /// Subscribed applications whose cost is not fixed yet.
    pub fn unpriced(&self) -> Vec<&str> {
        self.subscribed.iter().filter(|s| !s.free_of_charge && s.cost.is_none()).map(|s| s.name.as_str()).collect()
    }

    /// `10 979`, or `—` when unknown.
    pub fn member_population(&self) -> String {
        self.population.as_ref().map_or_else(|| "—".to_string(), |p| thousands(p.member))
    }

    /// `472 573`, or `—` when unknown.
    pub fn total_population(&self) -> String {
        self.population.as_ref().map_or_else(|| "—".to_string(), |p| thousands(p.total))
    }

    /// Title of the convention document.
    pub fn convention_title(&self) -> String {
        format!("Convention de gestion de services numériques communs {} — {}", self.period_label, self.member.name)
    }

    /// Title of the draft deliberation.
    pub fn deliberation_title(&self) -> String {
        format!(
            "Projet de délibération — {} — convention de gestion de services numériques communs {}",
            self.member.name, self.period_label
        )
    }
}

/// Builds the view of both documents from a member's convention, the applications offered over its
/// period, the member organisation, the Métropole's name and the population its shares count.
pub fn view(
    member: &MemberConvention,
    offers: &[PeriodApplication],
    organisation: &Organisation,
    metropole: &str,
    population: Option<Population>,
    rate_card: Vec<crate::model::DayRate>,
) -> DocumentView {
    let party = MemberParty::of(organisation);
    let period = &member.period;
    let participation = match party.kind {
        MemberKind::Ccas => period.ccas_participation,
        MemberKind::Commune => period.commune_participation,
    };
    let subscribed: Vec<SubscribedApplication> = member
        .charges
        .iter()
        .map(|charge| {
            let application = &charge.application.application;
            let cost = match (charge.application.global_cost, charge.share) {
                (Some(global_cost), Some(share)) => {
                    Some(CostLine { code: application.code.clone(), name: application.name.clone(), global_cost, share })
                }
                _ => None,
            };
            SubscribedApplication {
                code: application.code.clone(),
                name: application.name.clone(),
                description: application.description.clone(),
                free_of_charge: application.free_of_charge,
                cost,
                duties: duties_of(&application.code),
                starts_on: french_date(&charge.subscription.starts_on),
                ends_on: charge.subscription.ends_on.as_deref().map(french_date),
            }
        })
        .collect();
    let offered = offers
        .iter()
        .map(|o| OfferedApplication {
            code: o.application.code.clone(),
            name: o.application.name.clone(),
            description: o.application.description.clone(),
            free_of_charge: o.application.free_of_charge,
            global_cost: o.global_cost,
            subscribed: subscribed.iter().any(|s| s.code == o.application.code),
        })
        .collect();
    let years: Vec<i64> = (period.first_year..=period.last_year()).collect();
    DocumentView {
        slug: organisation.slug.clone(),
        member: party,
        metropole: metropole.to_string(),
        period_label: period.label(),
        years_text: years.iter().map(i64::to_string).collect::<Vec<_>>().join("-"),
        first_day: format!("1er janvier {}", period.first_year),
        last_day: format!("31 décembre {}", period.last_year()),
        termination_days: years.iter().skip(1).map(|y| format!("1er janvier {y}")).collect(),
        deliberation_reference: member.convention.deliberation_reference.clone(),
        deliberation_date: french_date(&member.convention.deliberation_date),
        participation,
        population,
        offered,
        costs: subscribed.iter().filter_map(|s| s.cost.clone()).collect(),
        subscribed,
        annual_total: member.annual_total(),
        rate_card,
        recovery_compensation: rules::invoicing::RECOVERY_COMPENSATION,
        late_interest_margin: Percent::from_millionths(rules::invoicing::LATE_INTEREST_MARGIN_MILLIONTHS)
            .map_or_else(|| "8".to_string(), |p| p.to_plain().replace('.', ",")),
        member_signature: signatory(member, Party::Member),
        metropole_signature: signatory(member, Party::Metropole),
        signed_on: member.signed_on().map(kernel::calendar::format_long_fr),
        amendments: member.amendments.iter().map(|a| (a.number, a.object.clone(), kernel::calendar::format_fr(a.signed_on))).collect(),
        period: period.clone(),
    }
}

fn signatory(member: &MemberConvention, party: Party) -> Option<(String, String, String)> {
    member.signature(party).map(|s| (s.name.clone(), s.title.clone(), kernel::calendar::format_fr(s.signed_on)))
}

#[derive(askama::Template)]
#[template(path = "convention_document.html")]
struct ConventionDocument<'a> {
    v: &'a DocumentView,
}

#[derive(askama::Template)]
#[template(path = "deliberation_document.html")]
struct DeliberationDocument<'a> {
    v: &'a DocumentView,
}

/// The convention, articles 1 to 11 and annexes 1 to 4, as a standalone HTML document.
pub fn render_convention(view: &DocumentView) -> Result<String, askama::Error> {
    askama::Template::render(&ConventionDocument { v: view })
}

/// The draft deliberation approving the convention, as a standalone HTML document.
pub fn render_deliberation(view: &DocumentView) -> Result<String, askama::Error> {
    askama::Template::render(&DeliberationDocument { v: view })
}

/// « de Juvignac », « du Crès », « d'Aniane », « des Matelles ».
fn of_name(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("Le ") {
        format!("du {rest}")
    } else if let Some(rest) = name.strip_prefix("Les ") {
        format!("des {rest}")
    } else if name.starts_with(|c: char| "AEIOUYÂÊÎÔÉÈaeiouyâêîôéè".contains(c)) {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

/// « de » or « à » before a designation, contracted with « le » (« du CCAS », « au CCAS »).
fn with_preposition(preposition: &str, designation: &str) -> String {
    match (preposition, designation.strip_prefix("le ")) {
        ("de", Some(rest)) => format!("du {rest}"),
        ("à", Some(rest)) => format!("au {rest}"),
        _ => format!("{preposition} {designation}"),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// `10 979`: French grouping with a narrow no-break space, as amounts are written.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    grouped
}

/// `2019-07-01` → `01/07/2019`; anything else is shown as recorded.
fn french_date(iso: &str) -> String {
    let mut parts = iso.splitn(3, '-');
    let date = (|| {
        let year = parts.next()?.parse::<i32>().ok()?;
        let month = time::Month::try_from(parts.next()?.parse::<u8>().ok()?).ok()?;
        let day = parts.next()?.parse::<u8>().ok()?;
        time::Date::from_calendar_date(year, month, day).ok()
    })();
    date.map_or_else(|| iso.to_string(), kernel::calendar::format_fr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Application, Convention, Subscription};
    use crate::service::Charge;

    fn organisation(kind: OrganisationKind, name: &str) -> Organisation {
        Organisation {
            id: 1,
            kind,
            name: name.into(),
            slug: kernel::slug::slugify(name),
            insee_code: None,
            siren: None,
            postal_codes: Vec::new(),
            parent_id: None,
            population: None,
        }
    }

    fn offer(code: &str, cost: Option<i64>, free: bool) -> PeriodApplication {
        PeriodApplication {
            application: Application {
                code: code.into(),
                name: format!("Application {code}"),
                description: "…".into(),
                free_of_charge: free,
            },
            global_cost: cost.map(|euros| Cents(euros * 100)),
        }
    }

    /// Juvignac 2019-2021 (seed 004): e-administration and e-services charged, open data free.
    fn juvignac() -> (MemberConvention, Vec<PeriodApplication>) {
        let period = Period {
            code: "2019-2021".into(),
            first_year: 2019,
            years: 3,
            population_year: 2019,
            commune_participation: Percent::parse("50").unwrap(),
            ccas_participation: Percent::parse("80").unwrap(),
        };
        let offers = vec![
            offer("e-administration", Some(25_000), false),
            offer("e-services", Some(20_000), false),
            offer("marches-publics", Some(15_000), false),
            offer("open-data", Some(0), true),
        ];
        let charges = ["e-administration", "e-services", "open-data"]
            .iter()
            .enumerate()
            .map(|(i, code)| {
                let application = offers.iter().find(|o| o.application.code == *code).unwrap().clone();
                let share = (!application.application.free_of_charge)
                    .then(|| rules::share(application.global_cost.unwrap(), 10_979, 472_573, 3, period.commune_participation));
                Charge {
                    application,
                    subscription: Subscription {
                        id: i as i64,
                        convention_id: 1,
                        application_code: code.to_string(),
                        starts_on: "2019-01-01".into(),
                        ends_on: None,
                    },
                    share,
                }
            })
            .collect();
        let convention = Convention {
            id: 1,
            period_code: "2019-2021".into(),
            deliberation_reference: "19.07.01.05".into(),
            deliberation_date: "2019-07-01".into(),
        };
        (MemberConvention { period, convention, charges, signatures: Vec::new(), amendments: Vec::new() }, offers)
    }

    #[test]
    fn both_documents_show_the_same_figures() {
        let (member, offers) = juvignac();
        let population = Population { commune: "Juvignac".into(), member: 10_979, total: 472_573, year: 2019 };
        let v = view(
            &member,
            &offers,
            &organisation(OrganisationKind::Commune, "Juvignac"),
            "Montpellier Méditerranée Métropole",
            Some(population),
            vec![crate::model::DayRate {
                profile: "technicien".into(),
                label: "Technicien / développeur".into(),
                price: kernel::Cents(30_000),
            }],
        );
        let figures: Vec<(&str, i64, i64, i64)> = v
            .costs
            .iter()
            .map(|c| (c.code.as_str(), c.share.cost_period.0, c.share.cost_annual.0, c.share.cost_annual_after_participation.0))
            .collect();
        assert_eq!(figures, vec![("e-administration", 58_081, 19_360, 9_680), ("e-services", 46_465, 15_488, 7_744)]);
        assert_eq!(v.annual_total, Cents(17_424));
        assert_eq!((v.deliberation_date.as_str(), v.years_text.as_str()), ("01/07/2019", "2019-2020-2021"));
        assert_eq!(v.termination_days, vec!["1er janvier 2020", "1er janvier 2021"]);
        assert_eq!(v.not_subscribed(), vec!["Application marches-publics"]);
        let convention = render_convention(&v).unwrap();
        let deliberation = render_deliberation(&v).unwrap();
        for figure in ["580,81\u{a0}€", "96,80\u{a0}€", "464,65\u{a0}€", "77,44\u{a0}€", "174,24\u{a0}€"] {
            assert!(convention.contains(figure) && deliberation.contains(figure), "{figure}");
        }
        assert!(
            deliberation.contains(
                "Le coût de ce service pour la commune de Juvignac est établi à 580,81\u{a0}€ pour 3 ans, soit 96,80\u{a0}€ par an"
            )
        );
        for document in [&convention, &deliberation] {
            assert_eq!(document.matches("<h1").count(), 1);
            assert!(document.starts_with("<!DOCTYPE html>") && document.contains("<html lang=\"fr\">"));
        }
    }

    #[test]
    fn member_words() {
        let ccas = MemberParty::of(&organisation(OrganisationKind::Ccas, "CCAS de Baillargues"));
        assert_eq!(
            (ccas.designation.as_str(), ccas.short, ccas.council),
            ("le CCAS de Baillargues", "le CCAS", "Conseil d'administration")
        );
        assert_eq!((ccas.of_designation.as_str(), ccas.to_designation.as_str()), ("du CCAS de Baillargues", "au CCAS de Baillargues"));
        let juvignac = MemberParty::of(&organisation(OrganisationKind::Commune, "Juvignac"));
        assert_eq!(
            (juvignac.of_designation.as_str(), juvignac.to_designation.as_str()),
            ("de la commune de Juvignac", "à la commune de Juvignac")
        );
        let cases = [("Juvignac", "la commune de Juvignac"), ("Le Crès", "la commune du Crès"), ("Assas", "la commune d'Assas")];
        for (name, designation) in cases {
            assert_eq!(MemberParty::of(&organisation(OrganisationKind::Commune, name)).designation, designation);
        }
        assert_eq!(MemberParty::of(&organisation(OrganisationKind::Commune, "Le Crès")).designation_capitalised, "La commune du Crès");
        assert_eq!((thousands(472_573), thousands(999), french_date("n° 12")), ("472\u{202f}573".into(), "999".into(), "n° 12".into()));
    }
}
