//! iCalendar invitations (RFC 5545, with the iTIP method of RFC 5546): one VCALENDAR holding the
//! Europe/Paris time zone and one VEVENT.

use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Longest content line in octets, CRLF excluded (RFC 5545 §3.1).
const LINE_OCTETS: usize = 75;

/// Definition of Europe/Paris with the EU rules in force since 1996 (Directive 2000/84/EC): summer time
/// from the last Sunday of March at 02:00 (CET) to the last Sunday of October at 03:00 (CEST), as yearly
/// RRULEs (RFC 5545 §3.6.5). The DTSTART dates of 1970 are the last Sundays of those months.
const EUROPE_PARIS: [&str; 17] = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Paris",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// An event to which one attendee is invited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Globally unique and stable across updates of the same event (RFC 5545 §3.8.4.7).
    pub uid: String,
    /// When this version of the invitation was made; written in UTC (RFC 5545 §3.8.7.2).
    pub stamp: OffsetDateTime,
    /// Local time in Europe/Paris.
    pub start: PrimitiveDateTime,
    /// Local time in Europe/Paris.
    pub end: PrimitiveDateTime,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub url: Option<String>,
    /// Name and address.
    pub organizer: (String, String),
    /// Name and address.
    pub attendee: (String, String),
    /// Revision of the event, to increase when it changes (RFC 5545 §3.8.7.4).
    pub sequence: u32,
}

/// The invitation as an iCalendar object: CRLF line ends, lines folded at 75 octets.
pub fn calendar(event: &Event) -> String {
    let stamp = event.stamp.to_offset(UtcOffset::UTC);
    let mut lines: Vec<String> = ["BEGIN:VCALENDAR", "PRODID:-//communs//FR", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:REQUEST"]
        .into_iter()
        .chain(EUROPE_PARIS)
        .chain(["BEGIN:VEVENT"])
        .map(str::to_owned)
        .collect();
    lines.extend([
        format!("UID:{}", escape_text(&event.uid)),
        format!("DTSTAMP:{}Z", date_time(PrimitiveDateTime::new(stamp.date(), stamp.time()))),
        format!("DTSTART;TZID=Europe/Paris:{}", date_time(event.start)),
        format!("DTEND;TZID=Europe/Paris:{}", date_time(event.end)),
        format!("SEQUENCE:{}", event.sequence),
        "STATUS:CONFIRMED".to_owned(),
        format!("SUMMARY:{}", escape_text(&event.summary)),
        format!("LOCATION:{}", escape_text(&event.location)),
        format!("DESCRIPTION:{}", escape_text(&event.description)),
    ]);
    if let Some(url) = &event.url {
        lines.push(format!("URL:{}", uri(url)));
    }
    let (organizer, organizer_address) = &event.organizer;
    lines.push(format!("ORGANIZER;CN={}:mailto:{}", param(organizer), uri(organizer_address)));
    let (attendee, attendee_address) = &event.attendee;
    lines.push(format!(
        "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{}",
        param(attendee),
        uri(attendee_address)
    ));
    lines.extend(["END:VEVENT".to_owned(), "END:VCALENDAR".to_owned()]);
    lines.iter().map(|line| fold(line)).collect()
}

/// DATE-TIME form `YYYYMMDDTHHMMSS` (RFC 5545 §3.3.5).
fn date_time(value: PrimitiveDateTime) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}",
        value.year(),
        u8::from(value.month()),
        value.day(),
        value.hour(),
        value.minute(),
        value.second()
    )
}

/// TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped with a backslash, line ends as
/// `\n`, other control characters (forbidden in TEXT) dropped.
fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.replace("\r\n", "\n").chars() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Parameter value (RFC 5545 §3.2), always quoted: a quoted-string cannot hold `"` nor control
/// characters, so `"` becomes `'` and control characters are dropped.
fn param(value: &str) -> String {
    let inner: String = value.chars().filter(|c| !c.is_control()).map(|c| if c == '"' { '\'' } else { c }).collect();
    format!("\"{inner}\"")
}

/// URI or CAL-ADDRESS value (RFC 5545 §3.3.13, §3.3.3): not escaped, so control characters are dropped to
/// keep the value on its line.
fn uri(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

/// One content line, folded (RFC 5545 §3.1): after at most 75 octets, CRLF and one space, never inside a
/// UTF-8 sequence; ends with CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 2);
    let mut octets = 0;
    for c in line.chars() {
        if octets + c.len_utf8() > LINE_OCTETS {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(c);
        octets += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;
    use time::{Month, Weekday};

    fn event() -> Event {
        Event {
            uid: "seance-2026-12-10@communs.example".into(),
            stamp: datetime!(2026-11-23 18:05:09 +1),
            start: datetime!(2026-12-10 18:30),
            end: datetime!(2026-12-10 21:00),
            summary: "Conseil municipal, séance ordinaire".into(),
            location: "Hôtel de ville; salle du conseil".into(),
            description: "Ordre du jour :\n1. Budget\n2. Écoles\\cantines".into(),
            url: Some("https://communs.example/s/abc?x=1&y=2".into()),
            organizer: ("Mairie de \"Saint-Ouen\"".into(), "mairie@example.fr".into()),
            attendee: ("Élodie Martin".into(), "elodie.martin@example.org".into()),
            sequence: 0,
        }
    }

    fn unfold(text: &str) -> String {
        text.replace("\r\n ", "")
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape_text("a\\b;c,d\ne\r\nf\rg\u{7}h\ti"), "a\\\\b\\;c\\,d\\ne\\nf\\ngh\ti");
        let ics = unfold(&calendar(&event()));
        assert!(ics.contains("\r\nSUMMARY:Conseil municipal\\, séance ordinaire\r\n"));
        assert!(ics.contains("\r\nLOCATION:Hôtel de ville\\; salle du conseil\r\n"));
        assert!(ics.contains("\r\nDESCRIPTION:Ordre du jour :\\n1. Budget\\n2. Écoles\\\\cantines\r\n"));
        assert!(ics.contains("\r\nORGANIZER;CN=\"Mairie de 'Saint-Ouen'\":mailto:mairie@example.fr\r\n"));
        assert!(ics.contains("\r\nURL:https://communs.example/s/abc?x=1&y=2\r\n"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        // Characters of 1 to 4 octets, shifted by 0 to 3 octets, so that every kind of character meets the
        // 75-octet limit at every position.
        let description: String = "Délibération — séance à huis clos 🏛, ".chars().cycle().take(300).collect();
        for shift in 0..4 {
            let line = format!("DESCRIPTION:{}{}", "x".repeat(shift), escape_text(&description));
            let folded = fold(&line);
            let lines: Vec<&[u8]> = folded.as_bytes().strip_suffix(b"\r\n").unwrap().split(|&b| b == b'\n').collect();
            assert!(lines.len() > 5);
            for (i, physical) in lines.iter().enumerate() {
                let physical = physical.strip_suffix(b"\r").unwrap_or(physical);
                assert!(physical.len() <= LINE_OCTETS, "shift {shift}, line {i} has {} octets", physical.len());
                assert!(std::str::from_utf8(physical).is_ok(), "shift {shift}, line {i} splits a UTF-8 sequence");
                assert_eq!(i > 0, physical.starts_with(b" "));
            }
            assert!(lines.iter().filter(|physical| physical.len() >= LINE_OCTETS - 3).count() >= lines.len() - 1, "lines are filled");
            assert_eq!(unfold(&folded), format!("{line}\r\n"));
        }
    }

    #[test]
    fn calendar_is_well_formed() {
        let ics = calendar(&event());
        assert!(ics.ends_with("\r\n"));
        assert!(!ics.replace("\r\n", "").contains(['\r', '\n']), "CRLF line ends only");
        let lines: Vec<&str> = ics.strip_suffix("\r\n").unwrap().split("\r\n").collect();
        assert!(lines.iter().all(|line| line.len() <= LINE_OCTETS));

        let unfolded = unfold(&ics);
        let mut stack = Vec::new();
        let mut properties: Vec<(Vec<&str>, &str)> = Vec::new();
        for line in unfolded.strip_suffix("\r\n").unwrap().split("\r\n") {
            if let Some(component) = line.strip_prefix("BEGIN:") {
                stack.push(component);
            } else if let Some(component) = line.strip_prefix("END:") {
                assert_eq!(stack.pop(), Some(component));
            } else {
                assert!(!stack.is_empty(), "{line} outside any component");
                properties.push((stack.clone(), line));
            }
        }
        assert!(stack.is_empty());
        let has = |path: &[&str], prefix: &str| properties.iter().any(|(p, line)| p == path && line.starts_with(prefix));
        for prefix in ["PRODID:-//communs//FR", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:REQUEST"] {
            assert!(has(&["VCALENDAR"], prefix), "{prefix}");
        }
        assert!(has(&["VCALENDAR", "VTIMEZONE"], "TZID:Europe/Paris"));
        assert!(has(&["VCALENDAR", "VTIMEZONE", "DAYLIGHT"], "TZOFFSETTO:+0200"));
        assert!(has(&["VCALENDAR", "VTIMEZONE", "STANDARD"], "TZOFFSETTO:+0100"));
        let event = ["VCALENDAR", "VEVENT"];
        for prefix in [
            "UID:seance-2026-12-10@communs.example",
            "DTSTAMP:20261123T170509Z",
            "DTSTART;TZID=Europe/Paris:20261210T183000",
            "DTEND;TZID=Europe/Paris:20261210T210000",
            "SUMMARY:",
            "LOCATION:",
            "DESCRIPTION:",
            "URL:",
            "ORGANIZER;CN=",
            "ATTENDEE;CN=\"Élodie Martin\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:elodie.martin@example.org",
            "SEQUENCE:0",
            "STATUS:CONFIRMED",
        ] {
            assert!(has(&event, prefix), "{prefix}");
        }
    }

    #[test]
    fn time_zone_rules_start_on_last_sundays() {
        for (line, month) in [("DTSTART:19700329T020000", Month::March), ("DTSTART:19701025T030000", Month::October)] {
            assert!(EUROPE_PARIS.contains(&line));
            let date = time::Date::from_calendar_date(1970, month, line[14..16].parse().unwrap()).unwrap();
            assert_eq!(date.weekday(), Weekday::Sunday);
            assert_ne!((date + time::Duration::weeks(1)).month(), month, "the last Sunday of the month");
        }
    }
}
