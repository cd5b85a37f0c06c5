//! What an accountant's acknowledgement (`PES_Acquit`) means for the file: its state, and a French summary
//! naming each bordereau rejected with its anomalies.

use super::FlowState;
use pes::acquit::AckState;

/// The file's state and the summary shown beside it.
pub(super) fn outcome(acquit: &[u8]) -> Result<(FlowState, String), String> {
    let text = std::str::from_utf8(acquit).map_err(|_| "acquittement non UTF-8".to_string())?;
    let acquit = pes::acquit::read(text)?;
    let accepted = acquit.elements.iter().filter(|e| e.state == AckState::Accepted).count();
    let state = match accepted {
        0 => FlowState::Rejected,
        n if n == acquit.elements.len() => FlowState::Accepted,
        _ => FlowState::PartiallyAccepted,
    };
    let mut detail = format!(
        "Acquittement du {} : {accepted} bordereau(x) accepté(s) sur {}",
        kernel::calendar::format_fr(acquit.received_on),
        acquit.elements.len()
    );
    for element in acquit.elements.iter().filter(|e| e.state != AckState::Accepted) {
        let bordereau = element.bordereau.map_or_else(|| "le fichier".to_string(), |(year, number)| format!("bordereau {number}/{year}"));
        let errors: Vec<String> = element.errors.iter().map(|e| format!("{} ({})", e.code, e.message)).collect();
        detail.push_str(&format!(" ; {bordereau} rejeté : {}", errors.join(", ")));
    }
    Ok((state, detail))
}
