//! Print-ready HTML to PDF, so that a document has one source: the HTML template an organisation may adapt,
//! whose PDF therefore cannot say something else than the page.
//!
//! The HTML is our own (askama templates, well-formed), so a small tolerant parser suffices: it turns the
//! document into a tree of elements and texts, serialised to JSON, that a generic typst template
//! (`templates/html.typ`) walks. Only what prints is kept: the content of `<main>` (else `<body>`, else the
//! whole input), without comments, scripts, styles, `<nav>` and `.no-print` elements; the title comes from
//! `<title>`. An element becomes `{"t": tag, "c": class, "s": colspan, "n": ol type, "k": [children]}`
//! (`c`, `s` and `n` only when present), a text a JSON string, which the template prints as a string, never as
//! markup.

use crate::{DocError, render_pdf};
use serde_json::{Map, Value, json};

const TEMPLATE: &str = include_str!("../templates/html.typ");

/// Elements without content or end tag.
const VOID: [&str; 7] = ["br", "hr", "img", "meta", "link", "input", "wbr"];
/// Elements whose whitespace-only texts are only source indentation, between blocks, and whose content starts
/// and ends lines.
const BLOCK_CONTAINERS: [&str; 15] =
    ["main", "body", "section", "article", "header", "footer", "div", "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr"];
/// Elements holding lines of text, whose content starts and ends lines.
const INLINE_CONTAINERS: [&str; 14] = ["p", "li", "td", "th", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "blockquote"];

/// Prints a print-ready HTML document as a PDF (A4, French typography, title and page numbers in the footer).
pub fn html_pdf(html: &str) -> Result<Vec<u8>, DocError> {
    render_pdf(TEMPLATE, &document_data(html))
}

#[derive(Debug)]
struct Element {
    tag: String,
    class: Option<String>,
    colspan: Option<u32>,
    /// The `type` of an `<ol>` (1, a, A, i, I): "annexe A, B…" must not print as 1, 2…
    numbering: Option<String>,
    children: Vec<Node>,
}

#[derive(Debug)]
enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    fn new(tag: &str) -> Self {
        Self { tag: tag.to_string(), class: None, colspan: None, numbering: None, children: Vec::new() }
    }

    fn has_class(&self, name: &str) -> bool {
        self.class.as_deref().is_some_and(|class| class.split(' ').any(|c| c == name))
    }

    /// The first descendant with this tag, in document order.
    fn find(&self, tag: &str) -> Option<&Element> {
        self.children.iter().find_map(|node| match node {
            Node::Element(e) if e.tag == tag => Some(e),
            Node::Element(e) => e.find(tag),
            Node::Text(_) => None,
        })
    }

    fn text(&self) -> String {
        self.children
            .iter()
            .map(|node| match node {
                Node::Element(e) => e.text(),
                Node::Text(t) => t.clone(),
            })
            .collect()
    }
}

/// The data of the template: `{"title": …, "body": tree}`.
fn document_data(html: &str) -> Value {
    let root = parse(html);
    let title = root.find("title").map(|title| collapse(&title.text()).trim_matches(' ').to_string()).filter(|t| !t.is_empty());
    let body = root.find("main").or_else(|| root.find("body")).unwrap_or(&root);
    json!({ "title": title, "body": to_json(body) })
}

/// Parses HTML into a tree whose root stands for `<body>`, so that a fragment prints as a body would.
/// Scripts, styles and comments are dropped here; a close tag closes the elements left open inside it.
fn parse(html: &str) -> Element {
    let mut stack = vec![Element::new("body")];
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut stack, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
        } else if let Some(close) = rest.strip_prefix("</") {
            let end = close.find('>').unwrap_or(close.len());
            let tag = close[..end].trim().to_ascii_lowercase();
            if let Some(open) = stack.iter().rposition(|e| e.tag == tag)
                && open > 0
            {
                while stack.len() > open {
                    close_last(&mut stack);
                }
            }
            rest = close.get(end + 1..).unwrap_or("");
        } else if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            let (element, self_closing, after) = open_tag(&rest[1..]);
            rest = after;
            if matches!(element.tag.as_str(), "script" | "style") {
                // Raw text, which may hold `<`: skip to the end tag.
                let end = format!("</{}", element.tag);
                rest = rest.to_ascii_lowercase().find(&end).map_or("", |at| rest[at..].find('>').map_or("", |gt| &rest[at + gt + 1..]));
                continue;
            }
            while stack.len() > 1 && closes(&element.tag, &stack[stack.len() - 1].tag) {
                close_last(&mut stack);
            }
            if self_closing || VOID.contains(&element.tag.as_str()) {
                stack.last_mut().expect("the root stays open").children.push(Node::Element(element));
            } else {
                stack.push(element);
            }
        } else {
            push_text(&mut stack, "<");
            rest = &rest[1..];
        }
    }
    push_text(&mut stack, rest);
    while stack.len() > 1 {
        close_last(&mut stack);
    }
    stack.pop().expect("the root")
}

/// Whether opening `opening` ends the still open `open`, as in HTML: `<li>` ends the previous item, `<td>` the
/// previous cell, `<tr>` the previous row, `<p>` the previous paragraph.
fn closes(opening: &str, open: &str) -> bool {
    match opening {
        "p" => open == "p",
        "li" => matches!(open, "p" | "li"),
        "dt" | "dd" => matches!(open, "p" | "dt" | "dd"),
        "td" | "th" => matches!(open, "p" | "td" | "th"),
        "tr" => matches!(open, "p" | "td" | "th" | "tr"),
        _ => false,
    }
}

fn close_last(stack: &mut Vec<Element>) {
    let element = stack.pop().expect("an open element");
    stack.last_mut().expect("the root stays open").children.push(Node::Element(element));
}

/// Appends decoded text to the current element, merging it with a text just before (across a comment).
fn push_text(stack: &mut [Element], raw: &str) {
    if raw.is_empty() {
        return;
    }
    let children = &mut stack.last_mut().expect("the root stays open").children;
    match children.last_mut() {
        Some(Node::Text(text)) => text.push_str(&decode(raw)),
        _ => children.push(Node::Text(decode(raw))),
    }
}

/// Parses an open tag after its `<`: the element with the attributes that print (class, colspan, ol type),
/// whether it ends with `/>`, and the input after it.
fn open_tag(input: &str) -> (Element, bool, &str) {
    let name_end = input.find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/').unwrap_or(input.len());
    let mut element = Element::new(&input[..name_end].to_ascii_lowercase());
    let mut rest = &input[name_end..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
        if let Some(after) = rest.strip_prefix("/>") {
            return (element, true, after);
        }
        if let Some(after) = rest.strip_prefix('>') {
            return (element, false, after);
        }
        if let Some(after) = rest.strip_prefix('/') {
            rest = after;
            continue;
        }
        if rest.is_empty() {
            return (element, false, rest);
        }
        let name_end = rest.find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/')).unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
            if let Some(quote) = after.chars().next().filter(|c| matches!(c, '"' | '\'')) {
                let end = after[1..].find(quote).map_or(after.len(), |end| end + 1);
                value = &after[1..end];
                rest = after.get(end + 1..).unwrap_or("");
            } else {
                let end = after.find(|c: char| c.is_ascii_whitespace() || c == '>').unwrap_or(after.len());
                value = &after[..end];
                rest = &after[end..];
            }
        }
        let value = decode(value);
        match name.as_str() {
            "class" => element.class = Some(value.split_ascii_whitespace().collect::<Vec<_>>().join(" ")).filter(|c| !c.is_empty()),
            "colspan" => element.colspan = value.trim().parse().ok().filter(|&n| n > 0),
            "type" if element.tag == "ol" && matches!(value.as_str(), "1" | "a" | "A" | "i" | "I") => element.numbering = Some(value),
            _ => {}
        }
    }
}

/// Decodes the character references we emit or may meet: `&amp; &lt; &gt; &quot; &apos; &nbsp;` and numeric
/// ones (`&#39;`, `&#x27;`). Anything else is kept as written.
fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match reference(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character of the reference starting `text` (at its `&`), and the reference's length.
fn reference(text: &str) -> Option<(char, usize)> {
    let end = text.find(';')?;
    let c = match &text[1..end] {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        name => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

/// Collapses each run of HTML whitespace to one space, as a browser does; no-break spaces stay.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_ascii_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// Whether an element and its content stay off paper.
fn skipped(element: &Element) -> bool {
    matches!(element.tag.as_str(), "nav" | "head" | "title") || element.has_class("no-print")
}

/// The JSON tree of an element, with what a browser would not print left out: skipped elements, and the
/// whitespace that only indents the source, which typst would print as spaces: whitespace between blocks, and
/// spaces at the start or end of a line (a container's content, or around a `<br>`).
fn to_json(element: &Element) -> Value {
    let mut children: Vec<Value> = element
        .children
        .iter()
        .filter_map(|node| match node {
            Node::Element(e) if skipped(e) => None,
            Node::Element(e) => Some(to_json(e)),
            Node::Text(t) => Some(Value::String(collapse(t))),
        })
        .collect();
    let tag = element.tag.as_str();
    if BLOCK_CONTAINERS.contains(&tag) {
        children.retain(|child| child != " ");
    }
    let container = BLOCK_CONTAINERS.contains(&tag) || INLINE_CONTAINERS.contains(&tag);
    let line_break = |child: &Value| child["t"] == "br";
    for i in 0..children.len() {
        let starts_line = if i == 0 { container } else { line_break(&children[i - 1]) };
        let ends_line = children.get(i + 1).map_or(container, line_break);
        if let Value::String(text) = &mut children[i] {
            if starts_line {
                *text = text.trim_start_matches(' ').to_string();
            }
            if ends_line {
                *text = text.trim_end_matches(' ').to_string();
            }
        }
    }
    children.retain(|child| child != "");
    let mut object = Map::new();
    object.insert("t".into(), tag.into());
    if let Some(class) = &element.class {
        object.insert("c".into(), class.clone().into());
    }
    if let Some(colspan) = element.colspan {
        object.insert("s".into(), colspan.into());
    }
    if let Some(numbering) = &element.numbering {
        object.insert("n".into(), numbering.clone().into());
    }
    object.insert("k".into(), children.into());
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::process::{Command, Stdio};

    fn body(html: &str) -> Value {
        document_data(html)["body"].clone()
    }

    #[test]
    fn decodes_character_references() {
        let html = "<p>a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&apos; f&nbsp;g &#233;&#xE9;&#XE9; &eacute; &#xZZ; AT&T &</p>";
        assert_eq!(body(html)["k"][0]["k"], json!(["a & b <c> \"d\" 'e' f\u{a0}g ééé &eacute; &#xZZ; AT&T &"]));
        assert_eq!(body(r#"<td class="a&amp;b">x</td>"#)["k"][0]["c"], "a&b");
    }

    #[test]
    fn void_and_self_closing_elements_have_no_content() {
        let html = r#"<p>a<br>b<br/>c<img src="x.png" alt="x">d<wbr>e<input value=1>f<hr>g</p><meta charset="utf-8"><link rel=x>"#;
        let br = json!({ "t": "br", "k": [] });
        assert_eq!(
            body(html),
            json!({ "t": "body", "k": [
                { "t": "p", "k": ["a", br, "b", br, "c", { "t": "img", "k": [] }, "d", { "t": "wbr", "k": [] }, "e",
                    { "t": "input", "k": [] }, "f", { "t": "hr", "k": [] }, "g"] },
                { "t": "meta", "k": [] }, { "t": "link", "k": [] }] })
        );
    }

    #[test]
    fn source_whitespace_does_not_print() {
        let html = "<section>\n  <h2>\n   Un   titre\n  </h2>\n  <p>\n  Du  texte\tsur <strong> deux </strong> lignes\n  </p>\n  \
                    <ul>\n <li><strong>Terme</strong> : suite </li>\n </ul>\n  <div>\n   Pour la commune,<br>\n   le Maire, <em>signé</em> \n  </div>\n</section>";
        assert_eq!(
            body(html)["k"][0],
            json!({ "t": "section", "k": [
                { "t": "h2", "k": ["Un titre"] },
                { "t": "p", "k": ["Du texte sur ", { "t": "strong", "k": [" deux "] }, " lignes"] },
                { "t": "ul", "k": [{ "t": "li", "k": [{ "t": "strong", "k": ["Terme"] }, " : suite"] }] },
                { "t": "div", "k": ["Pour la commune,", { "t": "br", "k": [] }, "le Maire, ", { "t": "em", "k": ["signé"] }] }] })
        );
        // No-break spaces are content, not source whitespace.
        assert_eq!(body("<p>&nbsp;1&#8239;234,56&nbsp;€ </p>")["k"][0]["k"], json!(["\u{a0}1\u{202f}234,56\u{a0}€"]));
    }

    #[test]
    fn what_does_not_print_is_left_out() {
        let html = r#"<!DOCTYPE html><html><head><title>
              Convention   &amp; annexes </title><style>p { color: red }</style></head>
            <body><nav><a href="/">Retour</a></nav><!-- <p>commentaire</p> -->
            <main><script>if (a < b) { document.write("</p>") }</script><p class="aide no-print">Aide</p>
            <p>Im<!-- coupé -->primé</p><div class="no-printer">gardé</div></main><footer>Pied</footer></body></html>"#;
        assert_eq!(
            document_data(html),
            json!({ "title": "Convention & annexes", "body": { "t": "main", "k": [
                { "t": "p", "k": ["Imprimé"] }, { "t": "div", "c": "no-printer", "k": ["gardé"] }] } })
        );
    }

    #[test]
    fn body_then_whole_input_when_there_is_no_main() {
        let document = document_data("<html><body><p>Corps</p></body></html>");
        assert_eq!(document, json!({ "title": null, "body": { "t": "body", "k": [{ "t": "p", "k": ["Corps"] }] } }));
        assert_eq!(
            body("<h1>Fragment</h1>\n<p>Texte</p>\n"),
            json!({ "t": "body", "k": [{ "t": "h1", "k": ["Fragment"] }, { "t": "p", "k": ["Texte"] }] })
        );
    }

    #[test]
    fn unclosed_and_stray_tags_are_tolerated() {
        let html = "<ul><li>un<li>deux <em>trois</ul></div><p>a<p>b<table><tr><td>1<td>2<tr><th>3</table><dl><dt>t<dd>d</dl><p>fin";
        let cell = |tag: &str, text: &str| json!({ "t": tag, "k": [text] });
        assert_eq!(
            body(html)["k"],
            json!([
                { "t": "ul", "k": [cell("li", "un"), { "t": "li", "k": ["deux ", cell("em", "trois")] }] },
                cell("p", "a"),
                { "t": "p", "k": ["b", { "t": "table", "k": [
                    { "t": "tr", "k": [cell("td", "1"), cell("td", "2")] }, { "t": "tr", "k": [cell("th", "3")] }] },
                    { "t": "dl", "k": [cell("dt", "t"), cell("dd", "d")] }] },
                cell("p", "fin"),
            ])
        );
    }

    #[test]
    fn keeps_class_colspan_and_ol_type() {
        let html = "<tr><td colspan=\"2\" class=\" num \n total \">1</td><td colspan=x class=''>2</td><TD ColSpan=3>3</TD></tr>\
                    <ol type=\"A\"><li>a</li></ol><ol type=\"disc\"></ol><ul type=\"A\"></ul>";
        assert_eq!(
            body(html)["k"],
            json!([
                { "t": "tr", "k": [{ "t": "td", "c": "num total", "s": 2, "k": ["1"] }, { "t": "td", "k": ["2"] }, { "t": "td", "s": 3, "k": ["3"] }] },
                { "t": "ol", "n": "A", "k": [{ "t": "li", "k": ["a"] }] },
                { "t": "ol", "k": [] },
                { "t": "ul", "k": [] },
            ])
        );
    }

    /// French amounts group thousands with U+202F; Libertinus has the glyph, so typst needs no fallback font.
    #[test]
    fn libertinus_has_the_narrow_no_break_space() {
        let libertinus = crate::FONTS.fonts.iter().find(|font| font.info().family == "Libertinus Serif").expect("Libertinus Serif");
        assert!(libertinus.info().coverage.contains(0x202f) && libertinus.info().coverage.contains(0xa0));
    }

    /// Runs pdftotext on a PDF with these options; pages end with a form feed.
    fn pdftotext(pdf: &[u8], option: &str) -> String {
        let mut pdftotext = Command::new("pdftotext")
            .args([option, "-", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("pdftotext (poppler-utils) is installed");
        // pdftotext reads the whole PDF before it writes anything, so writing all of it first cannot block.
        pdftotext.stdin.take().expect("stdin").write_all(pdf).expect("PDF sent to pdftotext");
        let output = pdftotext.wait_with_output().expect("pdftotext ran");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        // pdftotext extracts both no-break spaces as plain spaces; mapping them too keeps assertions readable either way.
        String::from_utf8(output.stdout).expect("UTF-8 text").replace(['\u{a0}', '\u{202f}'], " ")
    }

    /// The pages of a PDF as their non-empty text lines, laid out as on paper but with single spaces.
    fn pages(pdf: &[u8]) -> Vec<Vec<String>> {
        let text = pdftotext(pdf, "-layout");
        let mut pages: Vec<&str> = text.split('\x0c').collect();
        assert_eq!(pages.pop(), Some(""), "the text ends with a page");
        let single_spaced = |line: &str| line.split_whitespace().collect::<Vec<_>>().join(" ");
        pages.iter().map(|page| page.lines().map(single_spaced).filter(|line| !line.is_empty()).collect()).collect()
    }

    /// The words of pdftotext's word boxes (`-bbox`) with their horizontal extent (xMin, xMax).
    fn words(bbox: &str) -> Vec<(String, f64, f64)> {
        let words = bbox.lines().filter_map(|line| line.trim().strip_prefix("<word ")?.strip_suffix("</word>"));
        let attribute = |word: &str, name: &str| -> f64 {
            let value = &word[word.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2..];
            value[..value.find('"').expect("closing quote")].parse().expect("a number")
        };
        words
            .map(|word| (word[word.find('>').expect("word") + 1..].to_string(), attribute(word, "xMin"), attribute(word, "xMax")))
            .collect()
    }

    const DOCUMENT: &str = r#"<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>Convention 2024-2026 &amp; annexes</title><style>body { margin: 2rem; }</style></head>
<body>
<nav class="no-print"><a href="/">Retour à la convention</a></nav>
<main>
<h1>Convention de gestion</h1>
<p>La prestation globale annuelle s&#39;élève à <strong>174,24&nbsp;€</strong> et se décompose comme suit :</p>
<ul>
  <li>Services en ligne : 96,80&nbsp;€ ;</li>
  <li>Parapheur électronique : 77,44&nbsp;€.</li>
</ul>
<ol type="A"><li>Préambule</li></ol>
<section>
  <h2>Article 11 — Litiges</h2>
  <p class="no-print"><a href="modifier">Modifier</a></p>
  <p>Fait à Montpellier,</p><p>en deux exemplaires.</p>
  <div class="signatures">
    <div><p>Pour la commune,<br>le Maire,</p></div>
    <div><p>Pour la Métropole,<br>le Président,</p></div>
  </div>
</section>
<section class="annexe">
  <h2>Annexe 2 — Tarification</h2>
  <table>
    <caption>Coût des applications</caption>
    <thead><tr><th>Application</th><th class="num">Coût global</th><th class="num">Après participation</th></tr></thead>
    <tbody>
      <tr><th>Services en ligne</th><td class="num">121,00&nbsp;€</td><td class="num">96,80&nbsp;€</td></tr>
      <tr><th>Parapheur</th><td class="num">1&#8239;234,56&nbsp;€</td><td class="num">77,44&nbsp;€</td></tr>
    </tbody>
    <tfoot><tr><th colspan="2">Montant annuel total</th><td class="num">174,24&nbsp;€</td></tr></tfoot>
  </table>
</section>
</main>
</body>
</html>"#;

    #[test]
    fn prints_the_document() {
        let pdf = html_pdf(DOCUMENT).expect("a PDF");
        let pages = pages(&pdf);
        assert_eq!(pages.len(), 2, "{pages:#?}");
        let (first, annexe) = (&pages[0], &pages[1]);

        assert_eq!(first[0], "Convention de gestion");
        for expected in [
            "La prestation globale annuelle s'élève à 174,24 € et se décompose comme suit :",
            "A. Préambule",
            "Article 11 — Litiges",
            "Fait à Montpellier,",
            "en deux exemplaires.",
        ] {
            assert!(first.iter().any(|line| line == expected), "{expected:?} in {first:#?}");
        }
        for item in ["Services en ligne : 96,80 € ;", "Parapheur électronique : 77,44 €."] {
            assert!(first.iter().any(|line| line.ends_with(item) && line.len() > item.len()), "bulleted {item:?} in {first:#?}");
        }
        // Signatures side by side, each broken by its <br>.
        let signatures = first.iter().position(|line| line.starts_with("Pour la commune,")).expect("signatures");
        assert!(first[signatures].ends_with("Pour la Métropole,"), "{first:#?}");
        assert!(first[signatures + 1].starts_with("le Maire,") && first[signatures + 1].ends_with("le Président,"), "{first:#?}");
        assert!(pages.concat().iter().all(|line| !line.contains("Retour") && !line.contains("Modifier") && !line.contains("margin")));
        for (page, number) in [(first, "page 1 / 2"), (annexe, "page 2 / 2")] {
            let footer = page.last().expect("a footer");
            assert!(footer.starts_with("Convention 2024-2026 & annexes") && footer.ends_with(number), "{footer:?}");
        }

        // The annexe starts the second page, with its whole table.
        assert_eq!(
            annexe[..6],
            [
                "Annexe 2 — Tarification",
                "Coût des applications",
                "Application Coût global Après participation",
                "Services en ligne 121,00 € 96,80 €",
                "Parapheur 1 234,56 € 77,44 €",
                "Montant annuel total 174,24 €",
            ]
        );
        // `num` cells are right-aligned, others left-aligned, and the spanning total stays in the last column.
        // Words are those of the table when last found; an amount's end is that of the "€" after it.
        let bbox = pdftotext(&pdf, "-bbox");
        assert!(bbox.contains("<title>Convention 2024-2026 &amp; annexes</title>"), "the PDF's title");
        let words = words(&bbox);
        let last = |text: &str| words.iter().rposition(|word| word.0.contains(text)).unwrap_or_else(|| panic!("{text:?} in {words:?}"));
        let left = |text: &str| words[last(text)].1;
        let end = |amount: &str| words[last(amount) + 1].2;
        let same = |a: f64, b: f64| (a - b).abs() < 0.01;
        assert!(same(end("121,00"), end("234,56")) && same(end("96,80"), end("77,44")) && same(end("77,44"), end("174,24")));
        assert!(end("121,00") < left("96,80"), "two columns");
        assert!(same(left("Services"), left("Parapheur")) && same(left("Parapheur"), left("Montant")));
    }

    #[test]
    fn text_is_printed_literally_never_as_typst_markup() {
        let injection = r#"#panic("x") $x$ *bold* _em_ [ \ = titre <lab> @ref // c"#;
        let escaped = injection.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        let html =
            format!("<title>{escaped}</title><h2>{escaped}</h2><p>{escaped}</p><table><tr><td class='num'>{escaped}</td></tr></table>");
        let pages = pages(&html_pdf(&html).expect("no typst code runs"));
        assert_eq!(pages.len(), 1);
        let lines = &pages[0];
        assert_eq!(lines[..3], [injection, injection, injection], "{lines:#?}");
        assert!(lines[3].starts_with(injection) && lines[3].ends_with("page 1 / 1"), "{lines:#?}");
    }

    #[test]
    fn odd_structures_print_rather_than_fail() {
        // Empty elements, a row narrower than the table (padded, so that the next row starts a new line), and an
        // annexe where typst cannot break the page.
        let html = r#"<table></table><table><caption>Vide</caption><tr></tr></table><ul></ul><ol></ol><p></p><h2></h2><dl></dl>
            <table><tr><td colspan=2>x</td></tr><tr><td>y</td></tr><tr><td>z</td><td>w</td></tr></table>
            <div class="signatures"></div><div class="signatures"><div>a</div><div class="annexe">b</div></div>"#;
        assert_eq!(pages(&html_pdf(html).expect("a PDF")), [["x", "y", "z w", "a b", "page 1 / 1"]]);
    }
}
