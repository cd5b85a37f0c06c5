//! The way PES files are written: every leaf is `<Tag V="…"/>`, only the root element is namespaced, the
//! order is the schema's; texts are upper-case ASCII and bounded, as Hélios reads them in Latin-1.

use kernel::slug;

/// An XML document being written, element by element.
pub struct Xml(pub String);

impl Xml {
    /// A document with its XML declaration and nothing else.
    pub fn document() -> Self {
        Xml(String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"))
    }

    pub fn open(&mut self, tag: &str) {
        self.0.push('<');
        self.0.push_str(tag);
        self.0.push('>');
    }

    pub fn close(&mut self, tag: &str) {
        self.0.push_str("</");
        self.0.push_str(tag);
        self.0.push('>');
    }

    /// `<tag V="value"/>`.
    pub fn leaf(&mut self, tag: &str, value: &str) {
        self.0.push_str(&format!("<{tag} V=\"{}\"/>", escape(value)));
    }

    /// A postal address in France (`TypAdr` 1, principal), resident (`CodRes` 0): its street line, postal
    /// code and town.
    pub fn address(&mut self, street: &str, postal_code: &str, town: &str) {
        self.open("Adresse");
        self.leaf("TypAdr", "1");
        self.leaf("Adr2", &text(street, 38));
        self.leaf("CP", postal_code);
        self.leaf("Ville", &text(town, 38));
        self.leaf("CodRes", "0");
        self.close("Adresse");
    }

    /// `<tag>text</tag>` (the base64 content of a supporting document).
    pub fn text_element(&mut self, tag: &str, attributes: &str, text: &str) {
        self.0.push_str(&format!("<{tag}{attributes}>{}</{tag}>", escape(text)));
    }
}

/// Upper-case ASCII, at most `max` characters, spaces collapsed.
pub fn text(value: &str, max: usize) -> String {
    let folded = slug::fold_accents(&value.split_whitespace().collect::<Vec<_>>().join(" ")).to_uppercase();
    folded.chars().take(max).collect::<String>().trim_end().to_string()
}

/// Escapes the XML special characters of an attribute value or a text.
pub fn escape(value: &str) -> String {
    value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_folded_and_bounded() {
        assert_eq!(text("Saint-Geniès-des-Mourgues", 38), "SAINT-GENIES-DES-MOURGUES");
        assert_eq!(text("Commune de Villeneuve-lès-Maguelone et plus encore", 38), "COMMUNE DE VILLENEUVE-LES-MAGUELONE ET");
        assert_eq!(text("  Deux   espaces ", 20), "DEUX ESPACES");
        assert_eq!(escape("A & B <\"C\">"), "A &amp; B &lt;&quot;C&quot;&gt;");
    }
}
