//! What the prefecture reads in a package it receives, and what it finds wrong with it.
//!
//! A package the prefecture cannot attribute (unreadable archive, missing or invalid envelope, message that
//! cannot be read) is refused on the spot. An act whose form can be read but breaks a rule of the protocol
//! (schema, file names, files missing or extra) opens a transaction answered by an anomaly (`AnomalieActe`).

use std::collections::HashSet;
use time::Date;

use super::SimulatorError;
use crate::legality::{
    ACCEPTED_EXTENSIONS, ActData, ActIdentifier, CollectivityMessage, Envelope, LegalityError, MessageKind, Package, PieceTypeCode, Sender,
    check_subject,
};
use crate::xsd::SchemaValidator;

/// A received package, read and checked.
pub(super) enum Incoming {
    /// 1-1 `Acte`; `problems` says why it is anomalous (none: it is acknowledged).
    Act { sender: Sender, act_id: ActIdentifier, act: Box<ActData>, problems: Vec<String> },
    /// A message about a transmitted act: cancellation, answer to a letter.
    AboutAct { act_id: ActIdentifier, message: CollectivityMessage },
    /// 7-1 `DemandeClassification`, with the date of the classification the collectivity uses.
    ClassificationRequest { sender: Sender, current: Option<Date> },
}

pub(super) fn inspect(archive_name: &str, archive: &[u8], schema: &SchemaValidator) -> Result<Incoming, SimulatorError> {
    let refused = |reason: String| SimulatorError::Refused(reason);
    let envelope_name = envelope_name(archive_name)?;
    let package = Package::read(archive_name, archive).map_err(|e| refused(e.to_string()))?;
    let envelope_xml = package
        .file(&envelope_name)
        .ok_or_else(|| refused(format!("l'enveloppe « {envelope_name} » qu'annonce le nom de l'archive est absente du paquet")))?;
    if let Some(reason) = schema.check(&envelope_name, envelope_xml)? {
        return Err(refused(reason));
    }
    let envelope = Envelope::parse(envelope_xml).map_err(|e| refused(format!("enveloppe « {envelope_name} » illisible : {e}")))?;
    let sender = envelope.sender;
    sender.check().map_err(|e| refused(e.to_string()))?;
    if envelope_name.split("--").nth(1) != Some(sender.siren.as_str()) {
        return Err(refused(format!("le nom de l'enveloppe « {envelope_name} » ne porte pas le SIREN de l'émetteur ({})", sender.siren)));
    }
    let [form] = envelope.forms.as_slice() else {
        return Err(refused(format!("le simulateur attend un message par enveloppe ; celle-ci en annonce {}", envelope.forms.len())));
    };
    let form_xml = package.file(form).ok_or_else(|| refused(LegalityError::MissingFile(form.clone()).to_string()))?;
    let schema_error = schema.check(form, form_xml)?;
    let message = CollectivityMessage::parse(form_xml).map_err(|e| refused(format!("message « {form} » illisible : {e}")))?;
    let skipped = [envelope_name.as_str(), form.as_str()];
    match message {
        CollectivityMessage::Act(act) => {
            let act_id = ActIdentifier {
                departement: sender.departement.clone(),
                siren: sender.siren.clone(),
                decision_date: act.decision_date,
                internal_number: act.internal_number.clone(),
                nature: act.nature,
            };
            // The schema limits the subject too; without xmllint, the legality layer's rule does.
            let mut problems: Vec<String> = match schema_error {
                Some(reason) => vec![reason],
                None => check_subject(&act.subject).err().map(|e| e.to_string()).into_iter().collect(),
            };
            let expected_form = act_id.file_name(MessageKind::Act, 0, "xml", None);
            if *form != expected_form {
                problems.push(format!("le formulaire « {form} » devrait s'appeler « {expected_form} »"));
            }
            for (index, name) in act.files().enumerate() {
                if !act_file_name_matches(&act_id, index + 1, name) {
                    problems.push(format!(
                        "le fichier « {name} » ne porte pas le nom de la pièce n° {} de l'acte : « [type de pièce-]{}_{}.extension »",
                        index + 1,
                        act_id.message_name(MessageKind::Act),
                        index + 1
                    ));
                }
            }
            problems.extend(file_problems(&package, &skipped, &act.files().collect::<Vec<_>>()));
            Ok(Incoming::Act { sender, act_id, act, problems })
        }
        CollectivityMessage::ClassificationRequest { current } => {
            check_message(schema_error, &package, &skipped, &[])?;
            Ok(Incoming::ClassificationRequest { sender, current })
        }
        message => {
            check_message(schema_error, &package, &skipped, &message.documents())?;
            let act_id = message.act_id().cloned().ok_or_else(|| refused(format!("le message « {form} » ne désigne aucun acte")))?;
            if act_id.siren != sender.siren || act_id.departement != sender.departement {
                return Err(refused(
                    LegalityError::ForeignAct {
                        identifier: act_id.to_string(),
                        siren: sender.siren.to_string(),
                        departement: sender.departement.to_string(),
                    }
                    .to_string(),
                ));
            }
            Ok(Incoming::AboutAct { act_id, message })
        }
    }
}

/// The envelope an archive carries, from its name: `{trigram}-{envelope}.tar.gz` holds `{envelope}.xml`.
/// Refuses names that could not be stored as a plain file name.
fn envelope_name(archive_name: &str) -> Result<String, SimulatorError> {
    let plain = !archive_name.is_empty()
        && archive_name.len() <= 200
        && !archive_name.starts_with('.')
        && archive_name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    archive_name
        .strip_suffix(".tar.gz")
        .and_then(|stem| stem.split_once('-'))
        .filter(|(trigram, envelope)| plain && trigram.len() == 3 && !envelope.is_empty())
        .map(|(_, envelope)| format!("{envelope}.xml"))
        .ok_or_else(|| {
            SimulatorError::Refused(format!(
                "nom d'archive « {archive_name} » invalide : « {{trigramme}}-{{nom de l'enveloppe}}.tar.gz » attendu (lettres, chiffres, « - », « _ » et « . »)"
            ))
        })
}

/// Whether `name` is the protocol's name of the act's file number `index` (from 1), optionally prefixed
/// with its piece type: `99_DE-034-243400017-20211214-174579-DE-1-1_1.pdf`.
fn act_file_name_matches(act_id: &ActIdentifier, index: usize, name: &str) -> bool {
    let unprefixed = match name.split_once('-') {
        Some((prefix, rest)) if PieceTypeCode::parse(prefix).is_ok() => rest,
        _ => name,
    };
    unprefixed
        .strip_prefix(&format!("{}_{index}.", act_id.message_name(MessageKind::Act)))
        .is_some_and(|extension| ACCEPTED_EXTENSIONS.contains(&extension))
}

/// Besides the envelope and the form (`skipped`), the package must hold exactly the files `named`, once each,
/// none empty.
fn file_problems(package: &Package, skipped: &[&str], named: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for (name, bytes) in &package.files {
        if !seen.insert(name.as_str()) {
            problems.push(LegalityError::DuplicateFile(name.clone()).to_string());
        } else if bytes.is_empty() {
            problems.push(LegalityError::EmptyFile(name.clone()).to_string());
        } else if !skipped.contains(&name.as_str()) && !named.contains(&name.as_str()) {
            problems.push(LegalityError::UnexpectedFile(name.clone()).to_string());
        }
    }
    problems
        .extend(named.iter().filter(|name| !seen.contains(**name)).map(|name| LegalityError::MissingFile(name.to_string()).to_string()));
    problems
}

/// A message other than an act has no anomaly to answer with: any problem refuses it.
fn check_message(schema_error: Option<String>, package: &Package, skipped: &[&str], named: &[&str]) -> Result<(), SimulatorError> {
    let problems: Vec<String> = schema_error.into_iter().chain(file_problems(package, skipped, named)).collect();
    if problems.is_empty() { Ok(()) } else { Err(SimulatorError::Refused(problems.join(" ; "))) }
}
