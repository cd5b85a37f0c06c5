//! Messages and calendars read back by independent parsers: Python's standard `email` package, and the
//! `icalendar` package when it is installed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use mail::ics::{Event, calendar};
use mail::{Attachment, Mailbox, Message};
use time::macros::datetime;

const SUBJECT: &str = "Convocation — Conseil municipal du 10 décembre 2026";
const PDF_NAME: &str = "Délibération n° 2026-117 — budget supplémentaire de l'exercice « 2027 ».pdf";

/// Reads a message with `email.policy.default` and checks what a mail client would show.
/// Arguments: message, subject, body file, calendar file, PDF file name, PDF file.
const CHECK_MESSAGE: &str = r#"
import email, sys
from email import policy
path, subject, body_path, calendar_path, pdf_name, pdf_path = sys.argv[1:]
with open(path, 'rb') as f:
    msg = email.message_from_binary_file(f, policy=policy.default)
assert not msg.defects, msg.defects
assert msg['Subject'] == subject, repr(msg['Subject'])
sender = msg['From'].addresses[0]
assert (sender.display_name, sender.addr_spec) == ('Mairie de Saint-Étienne-du-Rouvray', 'mairie@example.fr'), sender
recipient = msg['To'].addresses[0]
assert (recipient.display_name, recipient.addr_spec) == ('Élodie Martin', 'elodie.martin@example.org'), recipient
assert msg['Date'].datetime.isoformat() == '2026-11-23T17:05:09+01:00', msg['Date']
assert msg['Message-ID'] == '<convocation-117@example.fr>', msg['Message-ID']
assert msg.get_content_type() == 'multipart/mixed'
text, invitation, pdf = msg.iter_parts()
for part in (text, invitation, pdf):
    assert not part.defects, part.defects
assert text.get_content_type() == 'text/plain' and text.get_content_charset() == 'utf-8'
with open(body_path, encoding='utf-8', newline='') as f:
    body = f.read()
got = text.get_content().replace('\r\n', '\n')
assert got == body, (got, body)
assert invitation.get_content_type() == 'text/calendar', invitation.get_content_type()
assert invitation.get_param('method') == 'REQUEST'
assert invitation.get_filename() == 'invitation.ics'
assert invitation.get_content_disposition() == 'attachment'
with open(calendar_path, 'rb') as f:
    assert invitation.get_payload(decode=True) == f.read()
assert pdf.get_filename() == pdf_name, pdf.get_filename()
with open(pdf_path, 'rb') as f:
    assert pdf.get_payload(decode=True) == f.read()
print('ok')
"#;

/// Reads a calendar with the `icalendar` package and checks the event's values.
const CHECK_CALENDAR: &str = r#"
import sys, icalendar
from datetime import datetime, timezone
with open(sys.argv[1], 'rb') as f:
    cal = icalendar.Calendar.from_ical(f.read())
assert str(cal['METHOD']) == 'REQUEST'
zone = cal.walk('VTIMEZONE')[0]
assert str(zone['TZID']) == 'Europe/Paris'
event = cal.walk('VEVENT')[0]
with open(sys.argv[2], encoding='utf-8') as f:
    assert str(event['DESCRIPTION']) == f.read()
assert str(event['SUMMARY']) == 'Conseil municipal, séance ordinaire; à huis clos'
start = event.decoded('DTSTART')
assert start.astimezone(timezone.utc) == datetime(2026, 12, 10, 17, 30, tzinfo=timezone.utc), start
assert event.decoded('DTEND').astimezone(timezone.utc) == datetime(2026, 12, 10, 20, 0, tzinfo=timezone.utc)
assert event.decoded('DTSTAMP') == datetime(2026, 11, 23, 16, 5, 9, tzinfo=timezone.utc)
assert str(event['ATTENDEE']) == 'mailto:elodie.martin@example.org'
assert event['ATTENDEE'].params['CN'] == 'Élodie Martin'
assert event['ATTENDEE'].params['PARTSTAT'] == 'NEEDS-ACTION'
assert event['ORGANIZER'].params['CN'] == 'Mairie de Saint-Étienne-du-Rouvray'
print('ok')
"#;

fn description() -> String {
    let mut text = String::from("Ordre du jour :\n1. Approbation du procès-verbal; 2. Budget, décision modificative n° 2\n");
    text.push_str(&"Questions diverses — écoles, cantines et équipements sportifs. ".repeat(5));
    text
}

fn event() -> Event {
    Event {
        uid: "seance-117@communs.example".into(),
        stamp: datetime!(2026-11-23 17:05:09 +1),
        start: datetime!(2026-12-10 18:30),
        end: datetime!(2026-12-10 21:00),
        summary: "Conseil municipal, séance ordinaire; à huis clos".into(),
        location: "Hôtel de ville, salle du conseil".into(),
        description: description(),
        url: Some("https://communs.example/convocations/117?jeton=abc".into()),
        organizer: ("Mairie de Saint-Étienne-du-Rouvray".into(), "mairie@example.fr".into()),
        attendee: ("Élodie Martin".into(), "elodie.martin@example.org".into()),
        sequence: 0,
    }
}

fn body() -> String {
    let long = "Nous vous prions de bien vouloir assister à la séance du conseil municipal qui se tiendra le jeudi 10 décembre 2026 à 18 h 30 en l'hôtel de ville, salle du conseil ; l'ordre du jour est joint.";
    format!(
        "Madame,\n\n{long}\n.\nVotre lien personnel : https://communs.example/c/AbC-123=xyz\nLigne finie par des espaces   \n\nLe maire,\n"
    )
}

fn pdf() -> Vec<u8> {
    (0..3000u32).map(|i| (i * 7 % 256) as u8).collect()
}

fn message() -> Vec<u8> {
    let from = Mailbox::new("Mairie de Saint-Étienne-du-Rouvray", "mairie@example.fr").unwrap();
    let to = Mailbox::new("Élodie Martin", "elodie.martin@example.org").unwrap();
    Message::new(from, to, SUBJECT, datetime!(2026-11-23 17:05:09 +1))
        .message_id("convocation-117")
        .body(body())
        .invitation(calendar(&event()))
        .attach(Attachment { filename: PDF_NAME.into(), content_type: "application/pdf".into(), data: pdf() })
        .build()
        .unwrap()
        .bytes
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mail-interop");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn check_message(name: &str, message: &[u8]) -> Output {
    let [path, body_path, calendar_path, pdf_path] = ["eml", "body.txt", "ics", "pdf"].map(|ext| scratch(&format!("{name}.{ext}")));
    std::fs::write(&path, message).unwrap();
    std::fs::write(&body_path, body()).unwrap();
    std::fs::write(&calendar_path, calendar(&event())).unwrap();
    std::fs::write(&pdf_path, pdf()).unwrap();
    Command::new("python3")
        .args(["-c", CHECK_MESSAGE])
        .arg(&path)
        .arg(SUBJECT)
        .args([&body_path, &calendar_path])
        .arg(PDF_NAME)
        .arg(&pdf_path)
        .output()
        .expect("python3 runs")
}

#[test]
fn python_email_reads_the_message_back() {
    let message = message();
    let output = check_message("convocation", &message);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "ok");
}

#[test]
fn python_check_fails_on_a_damaged_message() {
    // The checker must be able to fail: one base64 character of the invitation changed.
    let mut message = message();
    let text = String::from_utf8(message.clone()).unwrap();
    let invitation = text.find("filename=\"invitation.ics\"").unwrap();
    let content = invitation + text[invitation..].find("\r\n\r\n").unwrap() + 4;
    message[content] = if message[content] == b'Q' { b'R' } else { b'Q' };
    let output = check_message("damaged", &message);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("AssertionError"));
}

#[test]
fn icalendar_package_reads_the_calendar_back() {
    let available = Command::new("python3").args(["-c", "import icalendar"]).output().is_ok_and(|output| output.status.success());
    if !available {
        eprintln!("SKIPPED: the Python package `icalendar` is not installed; `pip install icalendar` to run this check");
        return;
    }
    let [path, description_path] = ["calendar.ics", "description.txt"].map(scratch);
    std::fs::write(&path, calendar(&event())).unwrap();
    std::fs::write(&description_path, description()).unwrap();
    let output = Command::new("python3").args(["-c", CHECK_CALENDAR]).arg(&path).arg(&description_path).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}
