//! Building URLs.

/// Percent-encodes a text for a query-string value or a path segment: letters, digits and `-_.~` stay,
/// every other byte of the UTF-8 text becomes `%XX`.
pub fn encode_component(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_what_must_be() {
        assert_eq!(super::encode_component("/juvignac/utilisateurs"), "%2Fjuvignac%2Futilisateurs");
        assert_eq!(super::encode_component("émis 2 titres"), "%C3%A9mis%202%20titres");
    }
}
