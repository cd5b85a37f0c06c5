//! Building an Internet message: RFC 5322 headers, MIME bodies (RFC 2045, 2046), encoded-words in headers
//! (RFC 2047) and encoded attachment file names (RFC 2231).
//!
//! The output is 7-bit ASCII with CRLF line ends, so it passes any SMTP server without 8BITMIME.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

use crate::MailError;

/// Longest header line, CRLF excluded (RFC 5322 §2.1.1: "SHOULD be no more than 78 characters").
const HEADER_LINE: usize = 78;
/// Longest line of a quoted-printable or base64 body, CRLF excluded (RFC 2045 §6.7 rule 5, §6.8).
const BODY_LINE: usize = 76;
/// UTF-8 bytes per encoded-word: `=?UTF-8?B?` + 52 base64 characters + `?=` is 64 characters, under the
/// 75 of RFC 2047 §2, and short enough to follow any header name used here on the header's first line.
const WORD_BYTES: usize = 39;
/// Longest RFC 2231 continuation value of a file name, so that `filename*0*=UTF-8''…;` fits in a header line.
const FILENAME_SEGMENT: usize = 50;
/// MIME type of the invitation attached by [`Message::invitation`] (RFC 6047 §2.4: `method` repeats the
/// calendar's METHOD).
const INVITATION_TYPE: &str = "text/calendar; charset=UTF-8; method=REQUEST";

/// A display name and an address, as in `From: "Mairie" <mairie@example.fr>` (RFC 5322 §3.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    name: String,
    address: String,
}

impl Mailbox {
    /// Checks the name for line breaks (header injection) and the address minimally, see [`Mailbox::address`].
    pub fn new(name: impl Into<String>, address: impl Into<String>) -> Result<Self, MailError> {
        let (name, address) = (name.into(), address.into());
        check_text("From/To (nom)", &name)?;
        check_address(&address)?;
        Ok(Mailbox { name, address })
    }

    /// The display name, possibly empty.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The address: ASCII, exactly one `@` with text on both sides, no whitespace, control character, nor
    /// `<>,;"()\\` (RFC 5322 §3.2.3 specials that would end or split the address in a header). Deliverability is the server's business; internationalised addresses (RFC 6531) are refused
    /// because the message must stay 7-bit.
    pub fn address(&self) -> &str {
        &self.address
    }

    fn domain(&self) -> &str {
        self.address.rsplit('@').next().unwrap_or_default()
    }

    /// The mailbox as header tokens: the phrase, then `<address>` (RFC 5322 §3.4 name-addr).
    fn tokens(&self) -> Vec<String> {
        if self.name.is_empty() {
            return vec![self.address.clone()];
        }
        // A quoted-string (RFC 5322 §3.2.4) for plain ASCII names, encoded-words (RFC 2047 §5 (3)) otherwise.
        let quoted = format!("\"{}\"", self.name.replace('\\', "\\\\").replace('"', "\\\""));
        let mut tokens =
            if self.name.is_ascii() && quoted.len() <= HEADER_LINE - "From: ".len() { vec![quoted] } else { encoded_words(&self.name) };
        tokens.push(format!("<{}>", self.address));
        tokens
    }
}

/// Minimal address check shared by the builder and the transports.
pub(crate) fn check_address(address: &str) -> Result<(), MailError> {
    let invalid = || MailError::InvalidAddress(address.escape_debug().to_string());
    let (local, domain) = address.split_once('@').ok_or_else(invalid)?;
    let forbidden = |c: char| {
        !c.is_ascii()
            || c.is_ascii_whitespace()
            || c.is_ascii_control()
            || matches!(c, '<' | '>' | '@' | ',' | ';' | '"' | '(' | ')' | '\\')
    };
    if local.is_empty() || domain.is_empty() || local.contains(forbidden) || domain.contains(forbidden) {
        return Err(invalid());
    }
    Ok(())
}

/// Refuses line breaks and other control characters in a header value: they would let the value end the
/// header and start another one (header injection; RFC 5322 §2.2: a header field is one line once unfolded).
fn check_text(field: &'static str, value: &str) -> Result<(), MailError> {
    if value.contains(char::is_control) {
        return Err(MailError::InvalidHeader { field, reason: "les retours à la ligne et caractères de contrôle sont interdits" });
    }
    Ok(())
}

/// A file joined to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Suggested file name; any Unicode without control characters.
    pub filename: String,
    /// MIME type with its parameters, e.g. `application/pdf` (RFC 2045 §5.1).
    pub content_type: String,
    pub data: Vec<u8>,
}

/// A built message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// The Message-ID header's value, angle brackets included.
    pub message_id: String,
    /// The whole message: headers and body, CRLF line ends, ASCII only.
    pub bytes: Vec<u8>,
}

/// A message under construction: one sender, one recipient, a text body and attachments.
#[derive(Debug, Clone)]
pub struct Message {
    from: Mailbox,
    to: Mailbox,
    subject: String,
    date: OffsetDateTime,
    body: String,
    unique: Option<String>,
    attachments: Vec<Attachment>,
}

impl Message {
    /// The date is written as given (with its offset): the builder never reads the clock.
    pub fn new(from: Mailbox, to: Mailbox, subject: impl Into<String>, date: OffsetDateTime) -> Self {
        Message { from, to, subject: subject.into(), date, body: String::new(), unique: None, attachments: Vec::new() }
    }

    /// The text/plain body; `\n` and `\r\n` both end lines. Without attachments, the message ends with a
    /// line break, added if the body has none.
    pub fn body(mut self, text: impl Into<String>) -> Self {
        self.body = text.into();
        self
    }

    /// The unique part of the Message-ID, written `<unique@domain of From>` (RFC 5322 §3.6.4). It must be a
    /// dot-atom (letters, digits, ``!#$%&'*+-/=?^_`{|}~`` and inner dots). Without it, the part is derived
    /// from a hash of the message, so that the same message keeps the same identifier.
    pub fn message_id(mut self, unique: impl Into<String>) -> Self {
        self.unique = Some(unique.into());
        self
    }

    pub fn attach(mut self, attachment: Attachment) -> Self {
        self.attachments.push(attachment);
        self
    }

    /// Attaches an iCalendar invitation (see [`crate::ics::calendar`]) as `invitation.ics`, typed
    /// `text/calendar; charset=UTF-8; method=REQUEST` so that calendar clients offer to add it (RFC 6047).
    pub fn invitation(self, calendar: impl Into<String>) -> Self {
        self.attach(Attachment {
            filename: "invitation.ics".to_owned(),
            content_type: INVITATION_TYPE.to_owned(),
            data: calendar.into().into_bytes(),
        })
    }

    /// The message as bytes: a text/plain part alone, or a multipart/mixed (RFC 2046 §5.1.3) of the text
    /// and the attachments.
    pub fn build(&self) -> Result<Email, MailError> {
        check_text("Subject", &self.subject)?;
        let date = self.date.format(&Rfc2822).map_err(|_| MailError::InvalidHeader {
            field: "Date",
            reason: "l'année doit être comprise entre 1900 et 9999 (RFC 5322 §3.3)",
        })?;
        let digest = self.digest();
        let unique = match &self.unique {
            Some(unique) if is_dot_atom(unique) => unique.clone(),
            Some(_) => {
                return Err(MailError::InvalidHeader {
                    field: "Message-ID",
                    reason: "la partie unique doit être un dot-atom (RFC 5322 §3.6.4)",
                });
            }
            None => hex::encode(&digest[..16]),
        };
        let message_id = format!("<{unique}@{}>", self.from.domain());

        let mut out = String::new();
        out += &header("From", &self.from.tokens());
        out += &header("To", &self.to.tokens());
        out += &header("Subject", &unstructured("Subject", &self.subject));
        out += &header("Date", &[date]);
        out += &header("Message-ID", std::slice::from_ref(&message_id));
        out += "MIME-Version: 1.0\r\n";

        let text_headers = "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n";
        let text = quoted_printable(&self.body);
        if self.attachments.is_empty() {
            out += text_headers;
            out += "\r\n";
            out += &text;
            if !text.ends_with("\r\n") {
                out += "\r\n";
            }
            return Ok(Email { message_id, bytes: out.into_bytes() });
        }

        let mut parts = vec![(text_headers.to_owned(), text)];
        for attachment in &self.attachments {
            parts.push(attachment_part(attachment)?);
        }
        // RFC 2046 §5.1.1: the boundary must not occur in any part. "=_" cannot appear in quoted-printable
        // or base64 output; the check below keeps the guarantee independent of that argument.
        let mut boundary = format!("=_{}", hex::encode(&digest[16..28]));
        while parts.iter().any(|(headers, content)| headers.contains(&boundary) || content.contains(&boundary)) {
            boundary.push('_');
        }
        out += &header("Content-Type", &["multipart/mixed;".to_owned(), format!("boundary=\"{boundary}\"")]);
        out += "\r\n";
        for (headers, content) in &parts {
            // The CRLF before each delimiter belongs to the delimiter (RFC 2046 §5.1.1).
            write!(out, "--{boundary}\r\n{headers}\r\n{content}\r\n").expect("writing to a String");
        }
        write!(out, "--{boundary}--\r\n").expect("writing to a String");
        Ok(Email { message_id, bytes: out.into_bytes() })
    }

    /// SHA-256 of everything the message says, each field length-prefixed so that fields cannot run into
    /// each other.
    fn digest(&self) -> [u8; 32] {
        let mut hash = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hash.update((bytes.len() as u64).to_be_bytes());
            hash.update(bytes);
        };
        for text in [&self.from.name, &self.from.address, &self.to.name, &self.to.address, &self.subject, &self.body] {
            field(text.as_bytes());
        }
        field(&self.date.unix_timestamp_nanos().to_be_bytes());
        field(&self.date.offset().whole_seconds().to_be_bytes());
        for attachment in &self.attachments {
            field(attachment.filename.as_bytes());
            field(attachment.content_type.as_bytes());
            field(&attachment.data);
        }
        hash.finalize().into()
    }
}

/// The headers and base64 content of one attachment part.
fn attachment_part(attachment: &Attachment) -> Result<(String, String), MailError> {
    check_text("Content-Disposition (nom de fichier)", &attachment.filename)?;
    if attachment.filename.is_empty() {
        return Err(MailError::InvalidHeader { field: "Content-Disposition", reason: "le nom de fichier est vide" });
    }
    let content_type = &attachment.content_type;
    if !content_type.contains('/') || !content_type.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return Err(MailError::InvalidHeader {
            field: "Content-Type",
            reason: "type MIME attendu, en ASCII sur une ligne (RFC 2045 §5.1)",
        });
    }
    let mut headers = header("Content-Type", &content_type.split(' ').filter(|t| !t.is_empty()).map(str::to_owned).collect::<Vec<_>>());
    headers += "Content-Transfer-Encoding: base64\r\n";
    headers += &header("Content-Disposition", &disposition(&attachment.filename));
    Ok((headers, base64_lines(&attachment.data)))
}

/// One header field, folded (RFC 5322 §2.2.3) between tokens so that lines stay within 78 characters.
fn header(name: &str, tokens: &[String]) -> String {
    let mut out = format!("{name}:");
    let mut line = out.len();
    for (i, token) in tokens.iter().enumerate() {
        if i > 0 && line + 1 + token.len() > HEADER_LINE {
            out += "\r\n";
            line = 0;
        }
        out.push(' ');
        out += token;
        line += 1 + token.len();
    }
    out += "\r\n";
    out
}

/// An unstructured value (RFC 5322 §3.2.5): as is when it is printable ASCII fitting on the header's line,
/// as UTF-8 "B" encoded-words otherwise (RFC 2047 §4.1; `=?` is encoded too, so that it is not mistaken
/// for an encoded-word).
fn unstructured(name: &str, value: &str) -> Vec<String> {
    let plain = value.bytes().all(|b| (b' '..=b'~').contains(&b)) && !value.contains("=?");
    if plain && name.len() + 2 + value.len() <= HEADER_LINE { vec![value.to_owned()] } else { encoded_words(value) }
}

/// Encoded-words of at most [`WORD_BYTES`] bytes of UTF-8 each, never splitting a character (RFC 2047 §5:
/// "each 'encoded-word' MUST represent an integral number of characters"). Decoders join adjacent
/// encoded-words without the whitespace between them (RFC 2047 §6.2).
fn encoded_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + WORD_BYTES).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        words.push(format!("=?UTF-8?B?{}?=", BASE64.encode(&text[start..end])));
        start = end;
    }
    words
}

/// `Content-Disposition: attachment` with the file name quoted when it is plain ASCII, otherwise encoded
/// as `filename*=UTF-8''…` (RFC 2231 §4) and split in continuations (RFC 2231 §3) between characters, since
/// some decoders decode each continuation on its own.
fn disposition(filename: &str) -> Vec<String> {
    let mut tokens = vec!["attachment;".to_owned()];
    let quoted = format!("filename=\"{filename}\"");
    if filename.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\') && quoted.len() < HEADER_LINE {
        tokens.push(quoted);
        return tokens;
    }
    let mut segments = vec![String::new()];
    for c in filename.chars() {
        let mut unit = String::new();
        if c.is_ascii_alphanumeric() || "!#$&+-.^_`|~".contains(c) {
            unit.push(c); // attribute-char (RFC 2231 §7)
        } else {
            for byte in c.encode_utf8(&mut [0; 4]).bytes() {
                write!(unit, "%{byte:02X}").expect("writing to a String");
            }
        }
        let last = segments.last_mut().expect("one segment at least");
        if last.len() + unit.len() > FILENAME_SEGMENT {
            segments.push(unit);
        } else {
            *last += &unit;
        }
    }
    if let [single] = segments.as_slice() {
        tokens.push(format!("filename*=UTF-8''{single}"));
        return tokens;
    }
    let count = segments.len();
    for (i, segment) in segments.into_iter().enumerate() {
        let charset = if i == 0 { "UTF-8''" } else { "" };
        let separator = if i + 1 < count { ";" } else { "" };
        tokens.push(format!("filename*{i}*={charset}{segment}{separator}"));
    }
    tokens
}

/// Quoted-printable (RFC 2045 §6.7): printable ASCII but `=` as is (rule 2), spaces and tabs as is except at
/// the end of a line (rule 3), line ends as CRLF (rule 4), soft line breaks `=` keeping lines within 76
/// characters (rule 5), and never inside an `=XX` triplet.
fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 11 / 10);
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        let bytes = line.strip_suffix('\r').unwrap_or(line).as_bytes();
        let mut width = 0;
        for (i, &byte) in bytes.iter().enumerate() {
            let at_end = i + 1 == bytes.len();
            let literal = ((b'!'..=b'~').contains(&byte) && byte != b'=') || (matches!(byte, b' ' | b'\t') && !at_end);
            let size = if literal { 1 } else { 3 };
            if width + size > BODY_LINE - 1 {
                out += "=\r\n";
                width = 0;
            }
            if literal {
                out.push(char::from(byte));
            } else {
                write!(out, "={byte:02X}").expect("writing to a String");
            }
            width += size;
        }
        if lines.peek().is_some() {
            out += "\r\n";
        }
    }
    out
}

/// Base64 (RFC 2045 §6.8) in lines of 76 characters joined by CRLF.
fn base64_lines(data: &[u8]) -> String {
    let encoded = BASE64.encode(data);
    let lines: Vec<&str> = encoded.as_bytes().chunks(BODY_LINE).map(|line| std::str::from_utf8(line).expect("base64 is ASCII")).collect();
    lines.join("\r\n")
}

/// RFC 5322 §3.2.3 dot-atom-text.
fn is_dot_atom(text: &str) -> bool {
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    !text.is_empty() && text.split('.').all(|atom| !atom.is_empty() && atom.chars().all(atext))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn mairie() -> Mailbox {
        Mailbox::new("Mairie de Saint-Étienne-du-Rouvray", "mairie@example.fr").unwrap()
    }

    fn elu() -> Mailbox {
        Mailbox::new("Élodie Martin", "elodie.martin@example.org").unwrap()
    }

    fn message() -> Message {
        Message::new(mairie(), elu(), "Convocation — Conseil municipal du 10 décembre 2026", datetime!(2026-11-23 17:05:09 +1))
            .body("Madame,\nVous êtes convoquée à la séance.\n")
    }

    fn as_text(email: &Email) -> &str {
        std::str::from_utf8(&email.bytes).unwrap()
    }

    /// The header section, unfolded: one entry per field.
    fn unfolded_headers(message: &str) -> Vec<String> {
        let head = message.split("\r\n\r\n").next().unwrap();
        head.replace("\r\n ", " ").split("\r\n").map(str::to_owned).collect()
    }

    fn decode_words(value: &str) -> String {
        let bytes: Vec<u8> = value
            .split(' ')
            .flat_map(|word| BASE64.decode(word.strip_prefix("=?UTF-8?B?").unwrap().strip_suffix("?=").unwrap()).unwrap())
            .collect();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn line_breaks_in_header_values_are_refused() {
        let injected = Mailbox::new("Jean\r\nBcc: espion@example.com", "jean@example.fr");
        assert!(matches!(injected, Err(MailError::InvalidHeader { .. })));
        let error =
            Message::new(mairie(), elu(), "Convocation\nBcc: espion@example.com", datetime!(2026-11-23 17:05 UTC)).build().unwrap_err();
        assert_eq!(error.to_string(), "en-tête Subject invalide : les retours à la ligne et caractères de contrôle sont interdits");
        let attachment = Attachment { filename: "a\r\n.pdf".into(), content_type: "application/pdf".into(), data: vec![1] };
        assert!(message().attach(attachment).build().is_err());
        let attachment = Attachment { filename: "a.pdf".into(), content_type: "application/pdf\r\nX-Evil: 1".into(), data: vec![1] };
        assert!(message().attach(attachment).build().is_err());
    }

    #[test]
    fn addresses_are_checked_minimally() {
        for good in ["a@b", "jean.dupont+conseil@mairie.example.fr"] {
            assert!(check_address(good).is_ok(), "{good}");
        }
        for bad in ["", "jean", "@b", "a@", "a@b@c", "a b@c", "a@b\r\n", "<a@b>", "é@b.fr", "a,b@c", "a@b;c"] {
            assert!(matches!(check_address(bad), Err(MailError::InvalidAddress(_))), "{bad:?}");
        }
        assert_eq!(check_address("a b@c").unwrap_err().to_string(), "adresse électronique invalide : « a b@c »");
    }

    #[test]
    fn headers_are_written_and_folded_within_78_characters() {
        let email = message().build().unwrap();
        let text = as_text(&email);
        assert!(text.is_ascii());
        let head = text.split("\r\n\r\n").next().unwrap();
        for line in head.split("\r\n") {
            assert!(line.len() <= HEADER_LINE, "{line:?}");
        }
        let headers = unfolded_headers(text);
        let subject = headers.iter().find_map(|h| h.strip_prefix("Subject: ")).unwrap();
        assert!(subject.split(' ').count() > 1, "a long subject spans several encoded-words");
        assert!(subject.split(' ').all(|word| word.len() <= 75));
        assert_eq!(decode_words(subject), "Convocation — Conseil municipal du 10 décembre 2026");
        let from = headers.iter().find_map(|h| h.strip_prefix("From: ")).unwrap();
        let (name, address) = from.rsplit_once(' ').unwrap();
        assert_eq!(decode_words(name), "Mairie de Saint-Étienne-du-Rouvray");
        assert_eq!(address, "<mairie@example.fr>");
        assert!(headers.contains(&"Date: Mon, 23 Nov 2026 17:05:09 +0100".to_owned()));
        assert!(headers.contains(&"MIME-Version: 1.0".to_owned()));

        let plain =
            Message::new(Mailbox::new("Jean \"JD\" Dupont", "jd@example.fr").unwrap(), elu(), "Bonjour", datetime!(2026-11-23 17:05 UTC));
        let headers = unfolded_headers(as_text(&plain.build().unwrap()));
        assert!(headers.contains(&r#"From: "Jean \"JD\" Dupont" <jd@example.fr>"#.to_owned()));
        assert!(headers.contains(&"Subject: Bonjour".to_owned()));
        let tricky = unstructured("Subject", "=?UTF-8?B?QQ==?=");
        assert_eq!(decode_words(&tricky.join(" ")), "=?UTF-8?B?QQ==?=");
    }

    #[test]
    fn message_id_is_given_or_derived_from_the_content() {
        let email = message().message_id("convocation.42.7").build().unwrap();
        assert_eq!(email.message_id, "<convocation.42.7@example.fr>");
        assert!(as_text(&email).contains("\r\nMessage-ID: <convocation.42.7@example.fr>\r\n"));
        for bad in ["", "a b", "a..b", ".a", "a\r\nb", "<a>"] {
            assert!(message().message_id(bad).build().is_err(), "{bad:?}");
        }

        let derived = message().build().unwrap();
        assert_eq!(derived, message().build().unwrap(), "deterministic");
        assert_ne!(derived.message_id, message().body("Autre texte").build().unwrap().message_id);
        let unique = derived.message_id.strip_prefix('<').unwrap().strip_suffix("@example.fr>").unwrap();
        assert_eq!(unique.len(), 32);
    }

    #[test]
    fn quoted_printable_keeps_lines_within_76_characters() {
        let body = format!("Ligne courte ; fin avec espace \n{}\n=\tégal", "é".repeat(100));
        let encoded = quoted_printable(&body);
        for line in encoded.split("\r\n") {
            assert!(line.len() <= BODY_LINE, "{line:?}");
        }
        assert!(encoded.starts_with("Ligne courte ; fin avec espace=20\r\n"));
        assert!(encoded.ends_with("=3D\t=C3=A9gal"));
        // Decoding (RFC 2045 §6.7) gives the body back, with CRLF line ends.
        let unsoft = encoded.replace("=\r\n", "");
        let mut decoded = Vec::new();
        let mut bytes = unsoft.bytes();
        while let Some(byte) = bytes.next() {
            if byte == b'=' {
                let hex: Vec<u8> = bytes.by_ref().take(2).collect();
                decoded.push(u8::from_str_radix(std::str::from_utf8(&hex).unwrap(), 16).unwrap());
            } else {
                decoded.push(byte);
            }
        }
        assert_eq!(String::from_utf8(decoded).unwrap(), body.replace('\n', "\r\n"));
    }

    #[test]
    fn attachments_are_base64_in_lines_of_76_and_a_boundary_absent_from_content() {
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let attachment = Attachment { filename: "ordre-du-jour.pdf".into(), content_type: "application/pdf".into(), data: data.clone() };
        let email = message().attach(attachment).build().unwrap();
        let text = as_text(&email);
        let headers = unfolded_headers(text);
        let content_type = headers.iter().find_map(|h| h.strip_prefix("Content-Type: multipart/mixed; boundary=\"")).unwrap();
        let boundary = content_type.strip_suffix('"').unwrap();
        assert_eq!(text.matches(boundary).count(), 4, "header, two delimiters, close delimiter");
        assert!(text.ends_with(&format!("\r\n--{boundary}--\r\n")));

        let part = text.split(&format!("--{boundary}")).nth(2).unwrap();
        assert!(part.contains("Content-Disposition: attachment; filename=\"ordre-du-jour.pdf\"\r\n"));
        let content = part.split("\r\n\r\n").nth(1).unwrap().trim_end();
        let lines: Vec<&str> = content.split("\r\n").collect();
        assert!(lines.iter().all(|line| line.len() <= BODY_LINE));
        assert!(lines[..lines.len() - 1].iter().all(|line| line.len() == BODY_LINE));
        assert_eq!(BASE64.decode(lines.concat()).unwrap(), data);
        assert!(text.split("\r\n").all(|line| line.len() <= HEADER_LINE));
    }

    #[test]
    fn non_ascii_file_names_use_rfc_2231() {
        assert_eq!(disposition("Procès-verbal.pdf"), ["attachment;", "filename*=UTF-8''Proc%C3%A8s-verbal.pdf"]);
        let name = "Délibération n° 2026-117 — budget supplémentaire de l'exercice.pdf";
        let long = disposition(name);
        assert_eq!(long[1], "filename*0*=UTF-8''D%C3%A9lib%C3%A9ration%20n%C2%B0%202026-117%20;");
        assert!(long[1..].iter().all(|token| token.len() < HEADER_LINE));
        let mut joined = String::new();
        for (i, token) in long[1..].iter().enumerate() {
            let value = token.strip_prefix(&format!("filename*{i}*=")).unwrap();
            joined += value.strip_suffix(';').unwrap_or(value);
        }
        let mut bytes = joined.strip_prefix("UTF-8''").unwrap().bytes();
        let mut decoded = Vec::new();
        while let Some(byte) = bytes.next() {
            if byte == b'%' {
                let hex: Vec<u8> = bytes.by_ref().take(2).collect();
                decoded.push(u8::from_str_radix(std::str::from_utf8(&hex).unwrap(), 16).unwrap());
            } else {
                decoded.push(byte);
            }
        }
        assert_eq!(String::from_utf8(decoded).unwrap(), name);
    }

    #[test]
    fn dates_outside_rfc_5322_are_refused() {
        let error = Message::new(mairie(), elu(), "x", datetime!(1850-01-01 00:00 UTC)).build().unwrap_err();
        assert!(matches!(error, MailError::InvalidHeader { field: "Date", .. }));
    }
}
