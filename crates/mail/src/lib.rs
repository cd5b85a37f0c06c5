//! E-mail for the platform: building messages and delivering them.
//!
//! - [`Message`] builds an RFC 5322 / MIME message as bytes (CRLF line ends, 7-bit clean: headers are
//!   encoded with RFC 2047, the text body with quoted-printable, attachments with base64). The date and,
//!   optionally, the unique part of the Message-ID are passed in, so the output is deterministic.
//! - [`ics::calendar`] writes an RFC 5545 invitation (one VEVENT in Europe/Paris time), which
//!   [`Message::invitation`] attaches as `text/calendar; method=REQUEST`.
//! - [`Transport`] delivers the bytes: into an outbox directory of `.eml` files (the demo mode, read with
//!   any mail client) or to an SMTP server (through `lettre`, rustls with the ring provider).
//!
//! Error messages are in French: they reach the platform's users and logs as they are.
//!
//! ```no_run
//! # async fn example(event: mail::ics::Event) -> Result<(), mail::MailError> {
//! use mail::{MailConfig, Mailbox, Message, Transport};
//! use time::OffsetDateTime;
//!
//! let config = MailConfig::file("/var/lib/communs/outbox");
//! let email = Message::new(config.sender()?, Mailbox::new("Élodie Martin", "elodie@example.org")?, "Convocation", OffsetDateTime::now_utc())
//!     .body("Madame,\nVous êtes convoquée…\n")
//!     .invitation(mail::ics::calendar(&event))
//!     .build()?;
//! let delivery = Transport::from_config(&config)?.deliver(config.sender()?.address(), "elodie@example.org", &email.bytes).await?;
//! # Ok(()) }
//! ```

pub mod ics;
mod mime;
mod transport;

pub use mime::{Attachment, Email, Mailbox, Message};
pub use transport::{Delivery, MailConfig, Secret, Security, SmtpConfig, Transport, TransportKind};

use std::path::PathBuf;

/// Why a message could not be built or delivered.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("adresse électronique invalide : « {0} »")]
    InvalidAddress(String),
    #[error("en-tête {field} invalide : {reason}")]
    InvalidHeader { field: &'static str, reason: &'static str },
    #[error("configuration de la messagerie invalide : {0}")]
    Config(String),
    #[error("impossible d'écrire le message dans « {path} » : {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("envoi au serveur SMTP {server} impossible ({reason}) : {source}")]
    Smtp { server: String, reason: &'static str, source: lettre::transport::smtp::Error },
    #[error("le serveur SMTP {server} n'a pas répondu dans le délai de {seconds} s")]
    Timeout { server: String, seconds: u64 },
}

/// How the platform's e-mails leave it: the transport, the sender, and the public address of the
/// platform for the links the messages carry.
pub struct Mailer {
    pub transport: Transport,
    pub sender: Mailbox,
    pub public_url: String,
}
