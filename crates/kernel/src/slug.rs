//! Slugs: the short names of organisations in URLs (`/juvignac/`, `/ccas-baillargues/`).

/// Turns a French name into a slug: lower case ASCII, accents folded, words joined by hyphens.
pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The text with French accents and ligatures folded to ASCII letters (`Pérols` → `Perols`), other
/// characters kept.
pub fn fold_accents(text: &str) -> String {
    text.chars().flat_map(fold_accent).collect()
}

fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' | 'Ä' => "a",
        'ç' | 'Ç' => "c",
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
        'î' | 'ï' | 'Î' | 'Ï' => "i",
        'ô' | 'ö' | 'Ô' | 'Ö' => "o",
        'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => "u",
        'ÿ' => "y",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        _ => "",
    };
    let single = if folded.is_empty() { Some(c) } else { None };
    folded.chars().chain(single)
}

/// Whether a string is a well-formed slug: 2 to 63 characters of `a-z`, `0-9` and inner hyphens.
pub fn is_valid(slug: &str) -> bool {
    (2..=63).contains(&slug.len())
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

/// Slugs that name platform routes and can never belong to an organisation.
pub const RESERVED: &[&str] = &["api", "admin", "connexion", "deconnexion", "mon-compte", "static", "healthz", "readyz", "metrics"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_table() {
        let cases = [
            ("Juvignac", "juvignac"),
            ("Castelnau-le-Lez", "castelnau-le-lez"),
            ("Saint-Jean-de-Védas", "saint-jean-de-vedas"),
            ("Fabrègues", "fabregues"),
            ("Pérols", "perols"),
            ("Montpellier Méditerranée Métropole", "montpellier-mediterranee-metropole"),
            ("CCAS de Baillargues", "ccas-de-baillargues"),
            ("Saint-Geniès-des-Mourgues", "saint-genies-des-mourgues"),
            ("  L'Œuvre  ", "l-oeuvre"),
        ];
        for (name, slug) in cases {
            assert_eq!(slugify(name), slug, "{name}");
            assert!(is_valid(slug), "{slug}");
        }
    }

    #[test]
    fn fold_accents_table() {
        for (input, expected) in
            [("Pérols", "Perols"), ("Saint-Geniès-des-Mourgues", "Saint-Genies-des-Mourgues"), ("Œuvre & Cie", "oeuvre & Cie")]
        {
            assert_eq!(fold_accents(input), expected);
        }
    }

    #[test]
    fn validity_table() {
        for (slug, ok) in [
            ("lattes", true),
            ("a", false),
            ("-lattes", false),
            ("lat--tes", false),
            ("Lattes", false),
            ("lattes-", false),
            ("la tes", false),
        ] {
            assert_eq!(is_valid(slug), ok, "{slug}");
        }
    }
}
