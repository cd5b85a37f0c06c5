//! XML plumbing shared by the @ctes documents: a small element tree written as text, and helpers to read
//! documents with roxmltree.
//!
//! Written documents declare ISO-8859-1, the encoding of the schema and of the reference implementations, but
//! contain only ASCII: every other character is a numeric character reference (`&#233;`). The same bytes are
//! therefore valid whatever encoding a reader assumes. Read documents may be UTF-8 or ISO-8859-1.

use std::borrow::Cow;
use std::fmt::Write as _;

use roxmltree::Node;
use time::Date;
use time::macros::format_description;

use super::error::LegalityError;

/// Namespace of the @ctes schema v1.1, prefix `actes`.
pub const ACTES_NS: &str = "http://www.interieur.gouv.fr/ACTES#v1.1-20040216";
/// Namespace of the INSEE schemas (SIREN attribute), prefix `insee`.
pub const INSEE_NS: &str = "http://xml.insee.fr/schema";
const SCHEMA_LOCATION: &str = "http://www.interieur.gouv.fr/ACTES#v1.1-20040216 actesv1_1.xsd";

/// An element of the `actes` namespace, built before being written.
#[derive(Debug, Clone)]
pub(crate) struct Element {
    name: &'static str,
    attributes: Vec<(&'static str, String)>,
    content: Content,
}

#[derive(Debug, Clone)]
enum Content {
    Empty,
    Text(String),
    Children(Vec<Element>),
}

impl Element {
    /// `name` is the local name; the element is written `actes:{name}`.
    pub(crate) fn new(name: &'static str) -> Self {
        Self { name, attributes: Vec::new(), content: Content::Empty }
    }

    /// `name` is the qualified name as written, e.g. `actes:Date` or `insee:SIREN` (the schema qualifies attributes).
    pub(crate) fn attr(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.attributes.push((name, value.into()));
        self
    }

    pub(crate) fn text(mut self, text: impl Into<String>) -> Self {
        self.content = Content::Text(text.into());
        self
    }

    pub(crate) fn child(self, child: Element) -> Self {
        self.children([child])
    }

    pub(crate) fn children(mut self, children: impl IntoIterator<Item = Element>) -> Self {
        let mut list = match self.content {
            Content::Children(list) => list,
            Content::Empty | Content::Text(_) => Vec::new(),
        };
        list.extend(children);
        self.content = if list.is_empty() { Content::Empty } else { Content::Children(list) };
        self
    }

    /// A text child `<actes:{name}>{text}</actes:{name}>`.
    pub(crate) fn leaf(name: &'static str, text: impl Into<String>) -> Self {
        Self::new(name).text(text)
    }

    /// The whole document, with the XML declaration and the namespace declarations on this root element.
    pub(crate) fn document(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n");
        let namespaces = [
            ("xmlns:actes", ACTES_NS),
            ("xmlns:insee", INSEE_NS),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xsi:schemaLocation", SCHEMA_LOCATION),
        ];
        self.write(&mut out, 0, &namespaces);
        out
    }

    fn write(&self, out: &mut String, depth: usize, extra: &[(&str, &str)]) {
        let indent = "  ".repeat(depth);
        let _ = write!(out, "{indent}<actes:{}", self.name);
        for (name, value) in extra.iter().copied().chain(self.attributes.iter().map(|(n, v)| (*n, v.as_str()))) {
            let _ = write!(out, " {name}=\"");
            escape_into(out, value, true);
            out.push('"');
        }
        match &self.content {
            Content::Empty => out.push_str("/>\n"),
            Content::Text(text) => {
                out.push('>');
                escape_into(out, text, false);
                let _ = writeln!(out, "</actes:{}>", self.name);
            }
            Content::Children(children) => {
                out.push_str(">\n");
                for child in children {
                    child.write(out, depth + 1, &[]);
                }
                let _ = writeln!(out, "{indent}</actes:{}>", self.name);
            }
        }
    }
}

/// Whether XML 1.0 can carry the character at all (production `Char`).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes markup characters and writes every non-ASCII character as a character reference. Characters that
/// XML 1.0 cannot carry (most C0 controls) are dropped.
fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' | '\n' if !attribute => out.push(c),
            ' '..='~' => out.push(c),
            c if is_xml_char(c) => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            _ => {}
        }
    }
}

/// Decodes a document's bytes following its XML declaration: UTF-8 (the default, with or without a byte order
/// mark) or ISO-8859-1.
pub(crate) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, LegalityError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let encoding = declared_encoding(bytes).unwrap_or_else(|| "utf-8".to_string());
    match encoding.to_ascii_lowercase().as_str() {
        "utf-8" | "utf8" => std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|e| LegalityError::Xml(format!("le document n'est pas en UTF-8 valide ({e})"))),
        "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "us-ascii" | "ascii" => {
            Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()))
        }
        _ => Err(LegalityError::Encoding(encoding)),
    }
}

fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = bytes.strip_prefix(b"<?xml")?;
    let end = head.windows(2).position(|w| w == b"?>")?;
    let declaration = std::str::from_utf8(&head[..end]).ok()?;
    let after = &declaration[declaration.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let value = &after[1..];
    Some(value[..value.find(quote)?].to_string())
}

/// Parses a decoded document.
pub(crate) fn parse(text: &str) -> Result<roxmltree::Document<'_>, LegalityError> {
    roxmltree::Document::parse(text).map_err(|e| LegalityError::Xml(e.to_string()))
}

/// The local name of the root element, after checking that it belongs to the @ctes namespace.
pub(crate) fn root_name<'a>(document: &'a roxmltree::Document<'_>) -> Result<&'a str, LegalityError> {
    let root = document.root_element();
    let name = root.tag_name().name();
    if root.tag_name().namespace() != Some(ACTES_NS) {
        return Err(LegalityError::Namespace(name.to_string()));
    }
    Ok(name)
}

fn is_actes(node: &Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name && node.tag_name().namespace() == Some(ACTES_NS)
}

fn missing(name: &str, parent: &Node<'_, '_>) -> LegalityError {
    LegalityError::Missing { name: format!("actes:{name}"), parent: format!("actes:{}", parent.tag_name().name()) }
}

pub(crate) fn optional_child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is_actes(c, name))
}

pub(crate) fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Result<Node<'a, 'i>, LegalityError> {
    optional_child(node, name).ok_or_else(|| missing(name, &node))
}

pub(crate) fn children<'a, 'i: 'a>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |c| is_actes(c, name))
}

/// An attribute of the `actes` namespace; an unqualified attribute of the same name is accepted too.
pub(crate) fn optional_attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute((ACTES_NS, name)).or_else(|| node.attribute(name))
}

pub(crate) fn attr<'a>(node: Node<'a, '_>, name: &str) -> Result<&'a str, LegalityError> {
    optional_attr(node, name).ok_or_else(|| missing(name, &node))
}

/// The `insee:SIREN` attribute.
pub(crate) fn siren_attr(node: Node<'_, '_>) -> Result<kernel::Siren, LegalityError> {
    let value = node
        .attribute((INSEE_NS, "SIREN"))
        .or_else(|| node.attribute("SIREN"))
        .ok_or_else(|| LegalityError::Missing { name: "insee:SIREN".into(), parent: format!("actes:{}", node.tag_name().name()) })?;
    Ok(kernel::Siren::parse(value)?)
}

/// The text of a child element, trimmed.
pub(crate) fn text(node: Node<'_, '_>) -> String {
    node.children().filter(Node::is_text).filter_map(|t| t.text()).collect::<String>().trim().to_string()
}

pub(crate) fn child_text(node: Node<'_, '_>, name: &str) -> Result<String, LegalityError> {
    child(node, name).map(text)
}

pub(crate) fn invalid(field: &str, value: &str) -> LegalityError {
    LegalityError::Invalid { field: field.to_string(), value: value.to_string() }
}

/// Parses an `xsd:date` (`YYYY-MM-DD`, possibly followed by a time zone, which a civil date ignores).
pub(crate) fn parse_date(value: &str, field: &str) -> Result<Date, LegalityError> {
    let value = value.trim();
    let day = value.get(..10).ok_or_else(|| invalid(field, value))?;
    let zone = &value[10..];
    let zone_ok = zone.is_empty() || zone == "Z" || (zone.len() == 6 && (zone.starts_with('+') || zone.starts_with('-')));
    if !zone_ok {
        return Err(invalid(field, value));
    }
    Date::parse(day, format_description!("[year]-[month]-[day]")).map_err(|_| invalid(field, value))
}

pub(crate) fn date_attr(node: Node<'_, '_>, name: &str) -> Result<Date, LegalityError> {
    parse_date(attr(node, name)?, name)
}

pub(crate) fn date_child(node: Node<'_, '_>, name: &str) -> Result<Date, LegalityError> {
    parse_date(&child_text(node, name)?, name)
}

/// `YYYY-MM-DD`, as `xsd:date` writes it.
pub(crate) fn format_date(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]")).expect("a civil date always formats")
}

/// `YYYYMMDD`, as identifiers and file names write it.
pub(crate) fn compact_date(date: Date) -> String {
    date.format(format_description!("[year][month][day]")).expect("a civil date always formats")
}

/// The `<actes:NomFichier>` of a `FichierSigne` element (file name and optional signature, which @ctes no
/// longer uses: signatures travel inside the PDF).
pub(crate) fn file_element(name: &'static str, file_name: &str) -> Element {
    Element::new(name).child(Element::leaf("NomFichier", file_name))
}

pub(crate) fn file_name(node: Node<'_, '_>) -> Result<String, LegalityError> {
    child_text(node, "NomFichier")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_documents_ascii() {
        let xml = Element::new("Objet").text("Délibération « n° 1 » & <tarifs> – œuvre\u{1}").document();
        assert!(xml.is_ascii());
        assert!(xml.contains("D&#233;lib&#233;ration &#171; n&#176; 1 &#187; &amp; &lt;tarifs&gt; &#8211; &#339;uvre<"));
        let decoded = decode(xml.as_bytes()).unwrap();
        let document = parse(&decoded).unwrap();
        assert_eq!(text(document.root_element()), "Délibération « n° 1 » & <tarifs> – œuvre");
    }

    #[test]
    fn attributes_escape_quotes_and_line_breaks() {
        let xml = Element::new("Annulation").attr("actes:IDActe", "a\"b\nc").document();
        let decoded = decode(xml.as_bytes()).unwrap();
        let document = parse(&decoded).unwrap();
        assert_eq!(attr(document.root_element(), "IDActe").unwrap(), "a\"b\nc");
    }

    #[test]
    fn decodes_latin1_and_utf8() {
        let latin1 = b"<?xml version='1.0' encoding='ISO-8859-1' ?><a>D\xE9lib\xE9ration</a>";
        assert_eq!(decode(latin1).unwrap(), "<?xml version='1.0' encoding='ISO-8859-1' ?><a>Délibération</a>");
        let utf8 = "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>Délibération</a>";
        assert_eq!(decode(utf8.as_bytes()).unwrap(), "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>Délibération</a>");
        assert_eq!(decode("<a>é</a>".as_bytes()).unwrap(), "<a>é</a>");
        assert_eq!(decode(b"<?xml version=\"1.0\" encoding=\"EBCDIC\"?><a/>"), Err(LegalityError::Encoding("EBCDIC".into())));
        assert!(matches!(decode(b"<a>\xE9</a>"), Err(LegalityError::Xml(_))));
    }

    #[test]
    fn dates_table() {
        let cases = [
            ("2021-12-14", Some((2021, 12, 14))),
            ("2021-12-14Z", Some((2021, 12, 14))),
            ("2021-12-14+01:00", Some((2021, 12, 14))),
            (" 2021-12-14 ", Some((2021, 12, 14))),
            ("2021-02-30", None),
            ("14/12/2021", None),
            ("2021-12-14T10:00:00", None),
            ("", None),
        ];
        for (input, expected) in cases {
            let parsed = parse_date(input, "Date").ok().map(|d| (d.year(), u8::from(d.month()), d.day()));
            assert_eq!(parsed, expected, "{input}");
        }
        let date = Date::from_calendar_date(2021, time::Month::December, 4).unwrap();
        assert_eq!(format_date(date), "2021-12-04");
        assert_eq!(compact_date(date), "20211204");
    }
}
