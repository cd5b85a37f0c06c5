//! How an organisation numbers its deliberations: a pattern per deliberative body, e.g. the Métropole's
//! `M{yyyy}-{seq}` (`M2021-641`: the 641st deliberation of 2021) or Juvignac's `{yy}.{mm}.{dd}.{rank}`
//! (`19.07.01.05`: the 5th item of the sitting of 1 July 2019).

use time::Date;

/// The fields a pattern may use, replaced by the date, the rank or the sequence number.
pub const FIELDS: [&str; 6] = ["{yyyy}", "{yy}", "{mm}", "{dd}", "{rank}", "{seq}"];

/// The pattern of a new body of this kind, until the organisation sets its own.
pub fn default_pattern(kind: crate::rules::convocation::BodyKind) -> &'static str {
    use crate::rules::convocation::BodyKind;
    match kind {
        BodyKind::MetropolitanCouncil => "M{yyyy}-{seq}",
        BodyKind::MunicipalCouncil => "{yy}.{mm}.{dd}.{rank}",
        BodyKind::CcasBoard => "CA{yyyy}-{seq}",
        BodyKind::Bureau => "B{yyyy}-{seq}",
        BodyKind::Commission => "C{yyyy}-{seq}",
    }
}

/// Checks a pattern: it must place at least `{rank}` or `{seq}` (else two deliberations would share a
/// number), use only known fields, and give a number the @ctes internal number can carry once its
/// separators are dropped (letters, digits, `.`, `-`, `_`).
pub fn check(pattern: &str) -> Result<(), String> {
    let mut rest = pattern.to_string();
    for field in FIELDS {
        rest = rest.replace(field, "");
    }
    if rest.contains('{') || rest.contains('}') {
        return Err(format!("numérotation « {pattern} » : seuls {} sont reconnus", FIELDS.join(", ")));
    }
    if !rest.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')) {
        return Err(format!("numérotation « {pattern} » : lettres, chiffres, points, tirets et soulignés seulement"));
    }
    if !pattern.contains("{rank}") && !pattern.contains("{seq}") {
        return Err(format!("numérotation « {pattern} » : {{rank}} ou {{seq}} est nécessaire pour distinguer les délibérations"));
    }
    Ok(())
}

/// The number of the deliberation of rank `rank` (from 1) of a sitting held on `date`, `seq` being its
/// order among the body's deliberations of the year (from 1).
pub fn format(pattern: &str, date: Date, rank: i64, seq: i64) -> String {
    pattern
        .replace("{yyyy}", &date.year().to_string())
        .replace("{yy}", &format!("{:02}", date.year() % 100))
        .replace("{mm}", &format!("{:02}", u8::from(date.month())))
        .replace("{dd}", &format!("{:02}", date.day()))
        .replace("{rank}", &format!("{rank:02}"))
        .replace("{seq}", &seq.to_string())
}

/// The `{seq}` a number carries under a pattern, for a deliberation of rank `rank` of a sitting on
/// `date`: how an imported register continues its series (`M2021-641` → 641).
pub fn seq_of(pattern: &str, date: Date, rank: i64, number: &str) -> Option<i64> {
    const MARK: &str = "\u{0}";
    let shape = format(&pattern.replace("{seq}", MARK), date, rank, 0);
    let (prefix, suffix) = shape.split_once(MARK)?;
    number.strip_prefix(prefix)?.strip_suffix(suffix)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn numbers_of_the_seeds_table() {
        let cases = [
            ("M{yyyy}-{seq}", date!(2021 - 12 - 14), 12, 641, "M2021-641"), // seed 000
            ("M{yyyy}-{seq}", date!(2021 - 03 - 29), 3, 162, "M2021-162"),  // seed 001
            ("{yy}.{mm}.{dd}.{rank}", date!(2019 - 07 - 01), 5, 40, "19.07.01.05"), // seed 004
            ("CA{yyyy}-{seq}", date!(2020 - 01 - 09), 1, 1, "CA2020-1"),
        ];
        for (pattern, day, rank, seq, number) in cases {
            assert_eq!(format(pattern, day, rank, seq), number, "{pattern}");
        }
    }

    #[test]
    fn imported_numbers_give_their_seq() {
        assert_eq!(seq_of("M{yyyy}-{seq}", date!(2021 - 12 - 14), 1, "M2021-641"), Some(641));
        assert_eq!(seq_of("M{yyyy}-{seq}", date!(2021 - 12 - 14), 1, "M2020-641"), None, "another year");
        assert_eq!(seq_of("{yy}.{mm}.{dd}.{rank}", date!(2019 - 07 - 01), 5, "19.07.01.05"), None, "no seq in the pattern");
    }

    #[test]
    fn patterns_are_checked() {
        assert!(check("M{yyyy}-{seq}").is_ok() && check("{yy}.{mm}.{dd}.{rank}").is_ok());
        for (bad, reason) in [("M{yyyy}", "{rank} ou {seq}"), ("M{annee}-{seq}", "seuls"), ("M {seq}", "lettres")] {
            assert!(check(bad).unwrap_err().contains(reason), "{bad}");
        }
    }
}
