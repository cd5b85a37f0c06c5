//! A small XML writer for SEDA messages: one namespace on the root, text escaped.

use time::OffsetDateTime;

pub(super) struct Writer {
    out: String,
    root: &'static str,
}

impl Writer {
    pub(super) fn new(namespace: &str, root: &'static str) -> Self {
        Writer { out: format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} xmlns=\"{namespace}\">"), root }
    }

    pub(super) fn open(&mut self, element: &str) {
        self.open_with(element, &[]);
    }

    pub(super) fn open_with(&mut self, element: &str, attributes: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(element);
        for (name, value) in attributes {
            self.out.push_str(&format!(" {name}=\"{}\"", escape(value)));
        }
        self.out.push('>');
    }

    pub(super) fn close(&mut self, element: &str) {
        self.out.push_str(&format!("</{element}>"));
    }

    pub(super) fn text(&mut self, element: &str, text: &str) {
        self.text_with(element, &[], text);
    }

    pub(super) fn text_with(&mut self, element: &str, attributes: &[(&str, &str)], text: &str) {
        self.open_with(element, attributes);
        self.out.push_str(&escape(text));
        self.close(element);
    }

    pub(super) fn finish(mut self) -> String {
        self.out.push_str(&format!("</{}>\n", self.root));
        self.out
    }
}

/// Text or an attribute value as XML 1.0 character data: markup characters escaped, carriage returns kept
/// (a parser would normalise them away), characters XML 1.0 cannot carry (controls) dropped.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if c < ' ' || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

/// `raw` as an `xsd:ID` (an XML name without colon): characters other than ASCII letters, digits, `.`,
/// `-` and `_` become `_`, and a name that would not start with a letter is prefixed by `_`.
pub(super) fn id(raw: &str) -> String {
    let name: String = raw.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    if name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') { name } else { format!("_{name}") }
}

/// `xsd:dateTime` in UTC, to the second.
pub(super) fn date_time(at: OffsetDateTime) -> String {
    let utc = at.to_offset(time::UtcOffset::UTC);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.year(), u8::from(utc.month()), utc.day(), utc.hour(), utc.minute(), utc.second())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn texts_are_escaped_and_dates_in_utc() {
        let mut x = Writer::new("urn:x", "Root");
        x.text_with("A", &[("b", "\"c\" & d")], "1 < 2 & 3 > 2");
        assert_eq!(
            x.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Root xmlns=\"urn:x\"><A b=\"&quot;c&quot; &amp; d\">1 &lt; 2 &amp; 3 &gt; 2</A></Root>\n"
        );
        assert_eq!(date_time(datetime!(2021-12-21 10:00 +01:00)), "2021-12-21T09:00:00Z");
        assert_eq!(escape("a\r\nb\u{1}\tc"), "a&#13;\nb\tc");
    }

    #[test]
    fn ids_are_xml_names() {
        let cases =
            [("AU1", "AU1"), ("M2021-641", "M2021-641"), ("2021-641", "_2021-641"), ("acte:034 DE", "acte_034_DE"), ("", "_"), ("é", "_")];
        for (raw, expected) in cases {
            assert_eq!(id(raw), expected, "{raw}");
        }
    }
}
