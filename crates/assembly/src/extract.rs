//! The *extrait du registre des délibérations* of a deliberation, with the structure of seeds 000, 001
//! and 003: organisation, number, sitting and its mode, members in office, present, represented and
//! excused or absent members, title, rapporteur, text, decision, vote tally, "Fait à … le …", signatory,
//! publication and, once transmitted, the ACTES identifier and the prefecture's reception date. One HTML
//! document, printed to PDF as it is.

use crate::model::{Attendance, Item, Mode, Presence};
use crate::rules::convocation::BodyKind;
use crate::rules::votes::{Ballot, Outcome, decision_sentence};
use crate::service::SittingRecord;
use kernel::calendar::{format_fr, format_long_fr};

/// A block of running text: a paragraph, or a list written as `- ` lines. Templates read it as
/// `block.paragraph` or `block.list`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Block {
    Paragraph(String),
    List(Vec<String>),
}

/// Splits a text as typed (paragraphs separated by blank lines, `- ` lines forming lists) into blocks.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    for chunk in text.split("\n\n") {
        let (mut paragraph, mut list): (Vec<&str>, Vec<String>) = (Vec::new(), Vec::new());
        for line in chunk.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match line.strip_prefix("- ") {
                Some(entry) => {
                    if !paragraph.is_empty() {
                        blocks.push(Block::Paragraph(paragraph.join(" ")));
                        paragraph.clear();
                    }
                    list.push(entry.trim().to_string());
                }
                None => {
                    if !list.is_empty() {
                        blocks.push(Block::List(std::mem::take(&mut list)));
                    }
                    paragraph.push(line);
                }
            }
        }
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(paragraph.join(" ")));
        }
        if !list.is_empty() {
            blocks.push(Block::List(list));
        }
    }
    blocks
}

/// A line of the tally: « Contre : 2 voix (names) ».
#[derive(Debug, Clone, serde::Serialize)]
pub struct TallyLine {
    pub label: &'static str,
    pub count: u32,
    pub names: Vec<String>,
}

/// The ACTES acknowledgement of the prefecture.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Acknowledgement {
    /// `034-243400017-20211214-174579-DE-1-1`.
    pub message: String,
    pub received_on: Option<String>,
}

/// Everything the extract prints, in words: the context of its template.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Extract {
    pub organisation: String,
    pub number: String,
    /// « Séance ordinaire du mardi 14 décembre 2021 ».
    pub sitting_heading: String,
    pub opening: String,
    pub theme: Option<String>,
    pub members_in_office: usize,
    pub present: Vec<String>,
    /// « Tasnime AKBARALY », or « M. ROQUES (pouvoir à M. DE CHAMBRUN) ».
    pub represented: Vec<String>,
    pub proxy_articles: &'static str,
    pub excused: Vec<String>,
    pub absent: Vec<String>,
    pub voters: u32,
    pub title: String,
    pub rapporteur: String,
    pub text: Vec<Block>,
    pub decision: Vec<Block>,
    /// « À l'issue d'un vote à main levée, la présente délibération est adoptée à l'unanimité. »
    pub result: Option<String>,
    pub tally: Vec<TallyLine>,
    pub done_at: Option<String>,
    pub signatory_title: Option<String>,
    pub signatory: Option<String>,
    pub published_on: Option<String>,
    pub acknowledgement: Option<Acknowledgement>,
}

const WEEKDAYS: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];

/// The names of those of `attendance` whose presence has that code.
fn names(attendance: &[Attendance], code: &str) -> Vec<String> {
    attendance.iter().filter(|a| a.presence.code() == code).map(|a| a.name.clone()).collect()
}

impl Extract {
    pub fn of(record: &SittingRecord, organisation: &str, item: &Item) -> Self {
        let sitting = &record.sitting;
        let day = format!("{} {}", WEEKDAYS[usize::from(sitting.date.weekday().number_days_from_monday())], format_long_fr(sitting.date));
        let convened = sitting.convocation_sent_on.map(|d| format!(" le {}", format_long_fr(d))).unwrap_or_default();
        let assembled = match sitting.mode {
            Mode::InPerson => format!("au lieu de la séance, {}", sitting.place),
            Mode::Videoconference => "par visioconférence".to_string(),
            Mode::Mixed => format!("au lieu de la séance, {}, et par visioconférence", sitting.place),
        };
        let opening = format!(
            "Le {}, les membres du {}, légalement convoqués{convened}, se sont assemblés {assembled}, sous la présidence de {}.",
            format_long_fr(sitting.date),
            sitting.body.name,
            sitting.president
        );
        // Who attended when this item was examined, members arriving and leaving included.
        let attendance = record.attendance_at(item.rank);
        let represented = attendance
            .iter()
            .filter(|a| a.presence.code() == "represented")
            .map(|a| match &a.presence {
                Presence::Represented { holder: Some(holder) } => format!("{} (pouvoir à {holder})", a.name),
                _ => a.name.clone(),
            })
            .collect();
        let vote = item.vote.as_ref();
        let result = vote.map(|v| {
            let outcome = if v.adopted { Outcome::Adopted } else { Outcome::Rejected };
            let ballot = match v.ballot {
                Ballot::ShowOfHands => "d'un vote à main levée",
                Ballot::Electronic => "d'un vote électronique",
                Ballot::Secret => "d'un scrutin secret",
            };
            format!("À l'issue {ballot}, la présente délibération est {}.", decision_sentence(&v.tally, outcome))
        });
        let tally = vote.map_or_else(Vec::new, |v| {
            [
                ("Pour", v.tally.for_, Vec::new()),
                ("Contre", v.tally.against, v.names.against.clone()),
                ("Abstention", v.tally.abstention, v.names.abstention.clone()),
                ("Ne prend pas part au vote", v.tally.not_voting, v.names.not_voting.clone()),
            ]
            .into_iter()
            .map(|(label, count, names)| TallyLine { label, count, names })
            .collect()
        });
        let register = &item.register;
        let done_at = match (&register.signed_at, register.signed_on) {
            (Some(place), Some(day)) => Some(format!("Fait à {place}, le {}", format_fr(day))),
            (None, Some(day)) => Some(format!("Fait le {}", format_fr(day))),
            _ => None,
        };
        Extract {
            organisation: organisation.to_string(),
            number: item.number.clone().unwrap_or_default(),
            sitting_heading: format!("Séance {} du {day}", sitting.kind.label()),
            opening,
            theme: item.theme.clone(),
            members_in_office: record.members_in_office.len(),
            present: names(&attendance, "present"),
            represented,
            proxy_articles: match sitting.body.kind {
                BodyKind::MetropolitanCouncil => "des articles L 2121-20 et L 5211-1 du Code général des collectivités territoriales",
                _ => "de l'article L 2121-20 du Code général des collectivités territoriales",
            },
            excused: names(&attendance, "excused"),
            absent: names(&attendance, "absent"),
            voters: attendance.iter().filter(|a| matches!(a.presence.code(), "present" | "represented")).count() as u32,
            title: item.title.clone(),
            rapporteur: match &item.rapporteur_title {
                Some(title) => format!("{}, {title}, rapporte :", item.rapporteur),
                None => format!("{} rapporte :", item.rapporteur),
            },
            text: blocks(&item.draft_text),
            decision: blocks(&item.decision),
            result,
            tally,
            done_at,
            signatory_title: register.signatory_title.clone(),
            signatory: register.signatory.clone(),
            published_on: register.published_on.map(format_long_fr),
            acknowledgement: register
                .actes_id
                .as_ref()
                .map(|id| Acknowledgement { message: format!("{id}-1-1"), received_on: register.prefecture_received_on.map(format_fr) }),
        }
    }
}

/// The printed extract of the deliberation `number` (the organisation's template), or `None` when it
/// has no deliberation of that number.
pub async fn html(
    db: &store::Db,
    scope: store::OrgScope,
    organisation: &str,
    slug: &str,
    number: &str,
) -> Result<Option<String>, crate::AssemblyError> {
    let Some(record) = crate::service::deliberation(db, scope, number).await? else { return Ok(None) };
    let Some(item) = record.deliberation(number) else { return Ok(None) };
    let extract = Extract::of(&record, organisation, item);
    let back = format!("/{slug}/seances/{}", record.sitting.id);
    let context = serde_json::json!({ "e": extract, "back": back });
    Ok(Some(crate::printed::render(db, scope, crate::printed::Document::Extract, context).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_become_paragraphs_and_lists() {
        let text =
            "La liste des solutions :\n- Administration électronique ;\n- Open data.\n\nLa Métropole continuera\nà prendre en charge 50 %.";
        assert_eq!(
            blocks(text),
            vec![
                Block::Paragraph("La liste des solutions :".into()),
                Block::List(vec!["Administration électronique ;".into(), "Open data.".into()]),
                Block::Paragraph("La Métropole continuera à prendre en charge 50 %.".into()),
            ]
        );
        assert_eq!(blocks("- a\n- b\nfin"), vec![Block::List(vec!["a".into(), "b".into()]), Block::Paragraph("fin".into())]);
    }
}
