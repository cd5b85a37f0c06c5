//! The documents of a sitting besides the extracts: the list of the deliberations examined, displayed
//! and put online within a week (CGCT L2121-25), and the minutes (*procès-verbal*) written by the
//! secretary, adopted at the beginning of the next sitting and signed by the president and the
//! secretary (L2121-15). Both are HTML documents, printed to PDF as they are.

use crate::extract::{Block, blocks};
use crate::service::SittingRecord;
use kernel::calendar::{format_fr, format_long_fr};

/// One deliberation in the list or the minutes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    pub number: String,
    pub title: String,
    pub rapporteur: String,
    /// « adoptée à l'unanimité », « rejetée ».
    pub result: String,
    /// `Pour : 26 ; contre : 0 ; …`.
    pub tally: String,
    pub decision: Vec<Block>,
}

/// What the list and the minutes print: the context of their templates.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SittingDocument {
    pub organisation: String,
    pub heading: String,
    pub opening: String,
    /// The last day to publish the list (L2121-25): a week after the sitting.
    pub publish_by: String,
    pub members_in_office: usize,
    pub present: Vec<String>,
    pub represented: Vec<String>,
    pub excused: Vec<String>,
    pub absent: Vec<String>,
    pub quorum: String,
    /// « Mme X quitte la séance à partir du projet 3 (pouvoir à M. Y) ».
    pub movements: Vec<String>,
    pub secretary: Option<String>,
    pub president: String,
    pub entries: Vec<Entry>,
}

impl SittingDocument {
    pub fn of(record: &SittingRecord, organisation: &str) -> Self {
        use crate::model::Presence;
        use crate::rules::votes::{Outcome, decision_sentence};
        let sitting = &record.sitting;
        let quorum = record.quorum();
        let names = |list: Vec<&crate::model::Attendance>| list.into_iter().map(|a| a.name.clone()).collect::<Vec<_>>();
        SittingDocument {
            organisation: organisation.to_string(),
            heading: format!("{} — séance {} du {}", sitting.body.name, sitting.kind.label(), format_long_fr(sitting.date)),
            opening: format!(
                "Séance tenue le {}{}, {}, {}, sous la présidence de {}.",
                format_long_fr(sitting.date),
                sitting.time.as_deref().map(|t| format!(" à {t}")).unwrap_or_default(),
                sitting.mode.label(),
                sitting.place,
                sitting.president
            ),
            publish_by: format_fr(sitting.date + time::Duration::days(7)),
            members_in_office: record.members_in_office.len(),
            present: names(record.present()),
            represented: record
                .represented()
                .into_iter()
                .map(|a| match &a.presence {
                    Presence::Represented { holder: Some(h) } => format!("{} (pouvoir à {h})", a.name),
                    _ => a.name.clone(),
                })
                .collect(),
            excused: names(record.excused()),
            absent: names(record.absent()),
            quorum: format!(
                "{} requis, {} comptés ({}) : {}",
                quorum.required,
                quorum.counted,
                quorum.rule,
                if quorum.met { "atteint" } else { "non atteint" }
            ),
            movements: record
                .movements
                .iter()
                .map(|m| match (m.arrives, &m.holder) {
                    (true, _) => format!("{} arrive à partir du projet {}", m.name, m.from_rank),
                    (false, Some(h)) => format!("{} quitte la séance à partir du projet {} (pouvoir à {h})", m.name, m.from_rank),
                    (false, None) => format!("{} quitte la séance à partir du projet {}", m.name, m.from_rank),
                })
                .collect(),
            secretary: sitting.secretary.clone(),
            president: sitting.president.clone(),
            entries: record
                .items
                .iter()
                .filter_map(|item| {
                    let vote = item.vote.as_ref()?;
                    let outcome = if vote.adopted { Outcome::Adopted } else { Outcome::Rejected };
                    Some(Entry {
                        number: item.number.clone()?,
                        title: item.title.clone(),
                        rapporteur: item.rapporteur.clone(),
                        result: decision_sentence(&vote.tally, outcome).to_string(),
                        tally: format!(
                            "Pour : {} ; contre : {}{} ; abstention : {}{} ; ne prend pas part au vote : {}{}",
                            vote.tally.for_,
                            vote.tally.against,
                            named(&vote.names.against),
                            vote.tally.abstention,
                            named(&vote.names.abstention),
                            vote.tally.not_voting,
                            named(&vote.names.not_voting)
                        ),
                        decision: blocks(&item.decision),
                    })
                })
                .collect(),
        }
    }
}

fn named(names: &[String]) -> String {
    if names.is_empty() { String::new() } else { format!(" ({})", names.join(", ")) }
}
