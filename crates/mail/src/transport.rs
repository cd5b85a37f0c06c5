//! Delivering built messages: into an outbox directory, or to an SMTP server.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::Deserialize;
use time::OffsetDateTime;
use tokio::io::AsyncWriteExt;

use crate::MailError;
use crate::mime::{Mailbox, check_address};

/// Default for [`MailConfig::timeout_seconds`].
const DEFAULT_TIMEOUT_SECONDS: u64 = 30;
/// Longest message-id part of an outbox file name.
const FILE_ID_CHARS: usize = 80;

/// Numbers the outbox files of this process, so that two deliveries never get the same name.
static OUTBOX_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The `[mail]` section of the platform's configuration, e.g.
///
/// ```toml
/// [mail]
/// transport = "smtp"        # or "file" (the default): an outbox directory of .eml files
/// host = "smtp.example.fr"
/// security = "starttls"     # "tls" (implicit TLS) or "none" (local relay only)
/// port = 587                # default: 587 for starttls, 465 for tls, 25 for none
/// username = "communs"
/// password = "…"
/// timeout_seconds = 30
/// from_address = "ne-pas-repondre@example.fr"
/// from_name = "Mairie de Saint-Ouen"
/// ```
///
/// [`Transport::from_config`] checks it and makes the transport.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    #[serde(default)]
    pub transport: TransportKind,
    /// Outbox directory of the file transport.
    pub dir: Option<PathBuf>,
    pub host: Option<String>,
    pub port: Option<u16>,
    #[serde(default)]
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// Bound on connecting and on the whole SMTP exchange of one message.
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    pub from_address: String,
    #[serde(default)]
    pub from_name: String,
}

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_SECONDS
}

impl MailConfig {
    /// The demo default: messages written into `dir`, sent from `ne-pas-repondre@localhost`.
    pub fn file(dir: impl Into<PathBuf>) -> Self {
        MailConfig {
            transport: TransportKind::File,
            dir: Some(dir.into()),
            host: None,
            port: None,
            security: Security::default(),
            username: None,
            password: None,
            timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
            from_address: "ne-pas-repondre@localhost".to_owned(),
            from_name: "Communs".to_owned(),
        }
    }

    /// The sender of the platform's messages.
    pub fn sender(&self) -> Result<Mailbox, MailError> {
        Mailbox::new(&self.from_name, &self.from_address)
    }
}

/// `transport` key of [`MailConfig`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    #[default]
    File,
    Smtp,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS, which is required (RFC 3207); submission port 587.
    #[default]
    Starttls,
    /// TLS from the first byte (RFC 8314 §3.3); port 465.
    Tls,
    /// No encryption, for a relay on the same machine or network; port 25.
    #[serde(rename = "none")]
    Plain,
}

impl Security {
    fn default_port(self) -> u16 {
        match self {
            Security::Starttls => 587,
            Security::Tls => 465,
            Security::Plain => 25,
        }
    }
}

/// A password, kept out of `Debug` output and so out of logs.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(secret: impl Into<String>) -> Self {
        Secret(secret.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Connection to an SMTP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// User name and password for SMTP AUTH (RFC 4954).
    pub credentials: Option<(String, Secret)>,
    /// Bound on connecting and on the whole exchange of one message.
    pub timeout: Duration,
}

/// Where messages go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// An outbox directory: one `.eml` file per message, to open with any mail client.
    File {
        dir: PathBuf,
    },
    Smtp(SmtpConfig),
}

/// What became of a delivered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Written to this file of the outbox.
    Written(PathBuf),
    /// Accepted by the SMTP server, which answered this (code and text, e.g. `250 2.0.0 Ok: queued as X`).
    Accepted { response: String },
}

impl Transport {
    /// Checks the configuration (French errors, for the operator) and makes the transport.
    pub fn from_config(config: &MailConfig) -> Result<Transport, MailError> {
        config.sender()?;
        match config.transport {
            TransportKind::File => {
                let dir =
                    config.dir.clone().ok_or_else(|| MailError::Config("le transport « file » demande un répertoire « dir »".into()))?;
                Ok(Transport::File { dir })
            }
            TransportKind::Smtp => {
                let host = config.host.clone().filter(|host| !host.trim().is_empty());
                let host = host.ok_or_else(|| MailError::Config("le transport « smtp » demande un serveur « host »".into()))?;
                let credentials = match (&config.username, &config.password) {
                    (Some(username), Some(password)) => Some((username.clone(), password.clone())),
                    (None, None) => None,
                    _ => return Err(MailError::Config("« username » et « password » vont ensemble".into())),
                };
                if config.timeout_seconds == 0 {
                    return Err(MailError::Config("« timeout_seconds » doit être positif".into()));
                }
                Ok(Transport::Smtp(SmtpConfig {
                    host,
                    port: config.port.unwrap_or(config.security.default_port()),
                    security: config.security,
                    credentials,
                    timeout: Duration::from_secs(config.timeout_seconds),
                }))
            }
        }
    }

    /// Delivers `message` (as built by [`crate::Message::build`]) from `envelope_from` to `to`. The file
    /// transport checks the envelope addresses but keeps only the message, whose headers name both.
    pub async fn deliver(&self, envelope_from: &str, to: &str, message: &[u8]) -> Result<Delivery, MailError> {
        check_address(envelope_from)?;
        check_address(to)?;
        match self {
            Transport::File { dir } => write_outbox(dir, message).await.map(Delivery::Written),
            Transport::Smtp(config) => send_smtp(config, envelope_from, to, message).await,
        }
    }
}

/// Writes `{dir}/{UTC time}-{counter}-{message id}.eml` atomically: a hidden temporary file of the same
/// directory, synced, then renamed, so that a reader never sees half a message.
async fn write_outbox(dir: &Path, message: &[u8]) -> Result<PathBuf, MailError> {
    let failed = |path: &Path| {
        let path = path.to_owned();
        move |source| MailError::Write { path, source }
    };
    tokio::fs::create_dir_all(dir).await.map_err(failed(dir))?;
    let now = OffsetDateTime::now_utc();
    let count = OUTBOX_COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}-{:09}-{count:04}-{}.eml",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.nanosecond(),
        file_id(message)
    );
    let path = dir.join(&name);
    let temporary = dir.join(format!(".{name}.tmp"));
    let written = async {
        let mut file = tokio::fs::OpenOptions::new().write(true).create_new(true).open(&temporary).await?;
        file.write_all(message).await?;
        file.sync_all().await?;
        drop(file);
        tokio::fs::rename(&temporary, &path).await
    };
    if let Err(source) = written.await {
        // Best effort: the temporary file may not exist, and the write error is the one to report.
        let _ = tokio::fs::remove_file(&temporary).await;
        return Err(MailError::Write { path, source });
    }
    Ok(path)
}

/// The Message-ID of `message` reduced to characters safe in a file name on any system, or `message`.
fn file_id(message: &[u8]) -> String {
    let head = message.split(|&b| b == b'\n').take_while(|line| !line.is_empty() && *line != b"\r");
    let id = head
        .filter_map(|line| {
            let line = String::from_utf8_lossy(line);
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("message-id").then(|| value.trim().trim_start_matches('<').trim_end_matches('>').to_owned())
        })
        .next()
        .unwrap_or_default();
    let safe: String =
        id.chars().take(FILE_ID_CHARS).map(|c| if c.is_ascii_alphanumeric() || "@.-_+".contains(c) { c } else { '_' }).collect();
    if safe.is_empty() { "message".to_owned() } else { safe }
}

/// Sends through lettre: envelope given apart from the message (RFC 5321 §2.3.1), the whole exchange bounded
/// by the timeout, since lettre bounds only the connection.
async fn send_smtp(config: &SmtpConfig, envelope_from: &str, to: &str, message: &[u8]) -> Result<Delivery, MailError> {
    let server = format!("{}:{}", config.host, config.port);
    let address = |text: &str| text.parse::<Address>().map_err(|_| MailError::InvalidAddress(text.to_owned()));
    let envelope =
        Envelope::new(Some(address(envelope_from)?), vec![address(to)?]).map_err(|_| MailError::InvalidAddress(to.to_owned()))?;
    let smtp_error = |source: lettre::transport::smtp::Error| MailError::Smtp { server: server.clone(), reason: reason(&source), source };

    let tls = match config.security {
        Security::Plain => Tls::None,
        Security::Starttls => Tls::Required(TlsParameters::new(config.host.clone()).map_err(smtp_error)?),
        Security::Tls => Tls::Wrapper(TlsParameters::new(config.host.clone()).map_err(smtp_error)?),
    };
    let mut builder =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host).port(config.port).tls(tls).timeout(Some(config.timeout));
    if let Some((username, password)) = &config.credentials {
        builder = builder.credentials(Credentials::new(username.clone(), password.expose().to_owned()));
    }
    let transport = builder.build();
    // lettre ends the data with CRLF "." CRLF, whose first CRLF ends the message's last line (RFC 5321
    // §4.1.1.4): the message's own final CRLF is left to it, so the server receives the bytes as built.
    let data = message.strip_suffix(b"\r\n").unwrap_or(message);
    match tokio::time::timeout(config.timeout, transport.send_raw(&envelope, data)).await {
        Err(_) => Err(MailError::Timeout { server, seconds: config.timeout.as_secs() }),
        Ok(Err(source)) => Err(smtp_error(source)),
        Ok(Ok(response)) => {
            let text: Vec<&str> = response.message().collect();
            Ok(Delivery::Accepted { response: format!("{} {}", response.code(), text.join(" ")) })
        }
    }
}

/// The kind of an SMTP failure, in French.
fn reason(error: &lettre::transport::smtp::Error) -> &'static str {
    if error.is_timeout() {
        "délai dépassé"
    } else if error.is_permanent() {
        "refus définitif du serveur"
    } else if error.is_transient() {
        "refus temporaire du serveur, à réessayer"
    } else if error.is_tls() {
        "échec de la négociation TLS"
    } else {
        "connexion impossible ou interrompue"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use figment::Figment;
    use figment::providers::{Format, Toml};

    fn parse(toml: &str) -> MailConfig {
        Figment::from(Toml::string(toml)).extract_inner("mail").unwrap()
    }

    #[test]
    fn smtp_configuration_is_read_from_toml() {
        let config = parse(
            r#"
            [mail]
            transport = "smtp"
            host = "smtp.example.fr"
            username = "communs"
            password = "s3cret"
            from_address = "ne-pas-repondre@example.fr"
            from_name = "Mairie"
            "#,
        );
        let Transport::Smtp(smtp) = Transport::from_config(&config).unwrap() else { panic!("SMTP expected") };
        assert_eq!((smtp.host.as_str(), smtp.port, smtp.security), ("smtp.example.fr", 587, Security::Starttls));
        assert_eq!(smtp.timeout, Duration::from_secs(30));
        assert_eq!(smtp.credentials, Some(("communs".to_owned(), Secret::new("s3cret"))));
        assert!(!format!("{config:?}{smtp:?}").contains("s3cret"), "passwords stay out of logs");
        assert_eq!(config.sender().unwrap().name(), "Mairie");

        let relay = parse("[mail]\ntransport = \"smtp\"\nhost = \"localhost\"\nsecurity = \"none\"\nfrom_address = \"a@b\"");
        let Transport::Smtp(relay) = Transport::from_config(&relay).unwrap() else { panic!("SMTP expected") };
        assert_eq!((relay.port, relay.security, relay.credentials), (25, Security::Plain, None));
    }

    #[test]
    fn file_transport_is_the_default() {
        let config = parse("[mail]\ndir = \"/var/lib/communs/outbox\"\nfrom_address = \"a@b\"");
        assert_eq!(Transport::from_config(&config).unwrap(), Transport::File { dir: "/var/lib/communs/outbox".into() });
        let demo = MailConfig::file("outbox");
        assert_eq!(Transport::from_config(&demo).unwrap(), Transport::File { dir: "outbox".into() });
    }

    #[test]
    fn incomplete_configurations_are_refused_in_french() {
        let cases = [
            (
                "[mail]\nfrom_address = \"a@b\"",
                "configuration de la messagerie invalide : le transport « file » demande un répertoire « dir »",
            ),
            (
                "[mail]\ntransport = \"smtp\"\nfrom_address = \"a@b\"",
                "configuration de la messagerie invalide : le transport « smtp » demande un serveur « host »",
            ),
            (
                "[mail]\ntransport = \"smtp\"\nhost = \"h\"\nusername = \"u\"\nfrom_address = \"a@b\"",
                "configuration de la messagerie invalide : « username » et « password » vont ensemble",
            ),
            ("[mail]\ndir = \"d\"\nfrom_address = \"pas une adresse\"", "adresse électronique invalide : « pas une adresse »"),
        ];
        for (toml, message) in cases {
            assert_eq!(Transport::from_config(&parse(toml)).unwrap_err().to_string(), message);
        }
        let typo: Result<MailConfig, _> = Figment::from(Toml::string("[mail]\nhots = \"h\"\nfrom_address = \"a@b\"")).extract_inner("mail");
        assert!(typo.is_err(), "unknown keys are refused");
    }

    #[test]
    fn outbox_file_names_carry_a_safe_message_id() {
        assert_eq!(file_id(b"From: a@b\r\nMessage-ID: <x/y:z@example.fr>\r\n\r\nMessage-ID: <body>\r\n"), "x_y_z@example.fr");
        assert_eq!(file_id(b"From: a@b\r\n\r\nMessage-ID: <body>\r\n"), "message");
    }
}
