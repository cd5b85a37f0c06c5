//! The vocabulary of the audit log (*journal d'audit*): what happened, written next to the change itself.

use serde::Serialize;

/// An action recorded in the audit log. The code is stable (stored); the label is French (shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    LoginSucceeded,
    LoginFailed,
    Logout,
    PasswordChanged,
    UserCreated,
    MembershipGranted,
    MembershipRevoked,
    OrganisationCreated,
    ConventionRecorded,
    RevenueOrderIssued,
    RevenueOrderPaid,
    ConventionRequestSubmitted,
    ConventionRequestAnswered,
    InterventionRecorded,
    InterventionDone,
    ConventionSigned,
    ConventionAmended,
    SittingImported,
    AssemblyPrepared,
    AttendanceRecorded,
    VoteRecorded,
    ConvocationsSent,
    ActCreated,
    ActCircuitDecision,
    ActTransmitted,
    ActPublished,
    SigningSettingsChanged,
}

impl AuditAction {
    pub const ALL: [AuditAction; 27] = [
        Self::LoginSucceeded,
        Self::LoginFailed,
        Self::Logout,
        Self::PasswordChanged,
        Self::UserCreated,
        Self::MembershipGranted,
        Self::MembershipRevoked,
        Self::OrganisationCreated,
        Self::ConventionRecorded,
        Self::RevenueOrderIssued,
        Self::RevenueOrderPaid,
        Self::ConventionRequestSubmitted,
        Self::ConventionRequestAnswered,
        Self::InterventionRecorded,
        Self::InterventionDone,
        Self::ConventionSigned,
        Self::ConventionAmended,
        Self::SittingImported,
        Self::AssemblyPrepared,
        Self::AttendanceRecorded,
        Self::VoteRecorded,
        Self::ConvocationsSent,
        Self::ActCreated,
        Self::ActCircuitDecision,
        Self::ActTransmitted,
        Self::ActPublished,
        Self::SigningSettingsChanged,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::Logout => "logout",
            Self::PasswordChanged => "password_changed",
            Self::UserCreated => "user_created",
            Self::MembershipGranted => "membership_granted",
            Self::MembershipRevoked => "membership_revoked",
            Self::OrganisationCreated => "organisation_created",
            Self::ConventionRecorded => "convention_recorded",
            Self::RevenueOrderIssued => "revenue_order_issued",
            Self::RevenueOrderPaid => "revenue_order_paid",
            Self::ConventionRequestSubmitted => "convention_request_submitted",
            Self::ConventionRequestAnswered => "convention_request_answered",
            Self::InterventionRecorded => "intervention_recorded",
            Self::InterventionDone => "intervention_done",
            Self::ConventionSigned => "convention_signed",
            Self::ConventionAmended => "convention_amended",
            Self::SittingImported => "sitting_imported",
            Self::AssemblyPrepared => "assembly_prepared",
            Self::AttendanceRecorded => "attendance_recorded",
            Self::VoteRecorded => "vote_recorded",
            Self::ConvocationsSent => "convocations_sent",
            Self::ActCreated => "act_created",
            Self::ActCircuitDecision => "act_circuit_decision",
            Self::ActTransmitted => "act_transmitted",
            Self::ActPublished => "act_published",
            Self::SigningSettingsChanged => "signing_settings_changed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::LoginSucceeded => "Connexion réussie",
            Self::LoginFailed => "Échec de connexion",
            Self::Logout => "Déconnexion",
            Self::PasswordChanged => "Mot de passe modifié",
            Self::UserCreated => "Compte créé",
            Self::MembershipGranted => "Rôle attribué",
            Self::MembershipRevoked => "Rôle retiré",
            Self::OrganisationCreated => "Organisation créée",
            Self::ConventionRecorded => "Convention enregistrée",
            Self::RevenueOrderIssued => "Titre de recette émis",
            Self::RevenueOrderPaid => "Paiement de titre enregistré",
            Self::ConventionRequestSubmitted => "Demande de modification de convention",
            Self::ConventionRequestAnswered => "Réponse à une demande de modification",
            Self::InterventionRecorded => "Intervention commandée",
            Self::InterventionDone => "Service fait d'une intervention",
            Self::ConventionSigned => "Signature de convention enregistrée",
            Self::ConventionAmended => "Avenant de convention enregistré",
            Self::SittingImported => "Séance passée importée du registre",
            Self::AssemblyPrepared => "Assemblée, membre, séance ou projet préparé",
            Self::AttendanceRecorded => "Présences et pouvoirs enregistrés",
            Self::VoteRecorded => "Vote ou extrait de délibération enregistré",
            Self::ConvocationsSent => "Convocations envoyées",
            Self::ActCreated => "Acte créé",
            Self::ActCircuitDecision => "Visa, signature ou refus dans un circuit",
            Self::ActTransmitted => "Acte transmis au contrôle de légalité",
            Self::ActPublished => "Acte publié",
            Self::SigningSettingsChanged => "Circuit, délégation ou certificat de signature modifié",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(action.code()), Some(action));
        }
        let mut codes: Vec<_> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), AuditAction::ALL.len());
    }
}
