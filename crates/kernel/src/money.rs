//! Exact money: integer cents, rational intermediate values, explicit half-up rounding to the cent
//! (annexe 2 of the 2019-2021 convention rounds each figure half-up from the unrounded value).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Sub};

/// An amount in euro cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cents(pub i64);

/// Why an amount or a percentage was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("« {0} » n'est pas un montant (chiffres, point ou virgule décimale, deux décimales au plus)")]
    Amount(String),
    #[error("« {0} » n'est pas un pourcentage entre 0 et 100 (six décimales au plus)")]
    Percent(String),
}

/// Parses a non-negative decimal number into an integer scaled by 10^`scale`, refusing more decimals.
fn parse_scaled(input: &str, scale: u32) -> Option<i128> {
    let s = input.trim().replace(',', ".");
    let (whole, fraction) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty()
        || fraction.len() > scale as usize
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || whole.len() > 15
    {
        return None;
    }
    let padded = format!("{fraction:0<width$}", width = scale as usize);
    Some(whole.parse::<i128>().ok()? * 10i128.pow(scale) + if padded.is_empty() { 0 } else { padded.parse::<i128>().ok()? })
}

impl Cents {
    /// Parses euros as written in a file or a form: `25000`, `25000.5`, `1234,56`.
    pub fn parse_euros(input: &str) -> Result<Self, AmountError> {
        parse_scaled(input, 2).and_then(|c| i64::try_from(c).ok()).map(Cents).ok_or_else(|| AmountError::Amount(input.to_string()))
    }

    /// The rational `numerator / denominator` (in cents), rounded half-up to the cent (half away from zero).
    pub fn round_half_up(numerator: i128, denominator: i128) -> Self {
        assert!(denominator > 0, "positive denominator");
        let magnitude = (2 * numerator.abs() + denominator) / (2 * denominator);
        let signed = if numerator < 0 { -magnitude } else { magnitude };
        Cents(i64::try_from(signed).expect("amount within i64 cents"))
    }

    /// `12345.60` — dot, two decimals, no grouping (files and APIs).
    pub fn to_plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", self.0.abs() / 100, self.0.abs() % 100)
    }

    /// `12345` when the amount is whole euros, else `12345.60` (as annexe 2 writes the global costs).
    pub fn to_plain_compact(self) -> String {
        if self.0 % 100 == 0 { (self.0 / 100).to_string() } else { self.to_plain() }
    }

    /// `12 345,60 €` — French grouping with a narrow no-break space, decimal comma (documents, pages).
    pub fn to_french(self) -> String {
        let plain = self.to_plain();
        let (whole, fraction) = plain.split_once('.').expect("two decimals");
        let (sign, digits) = whole.strip_prefix('-').map_or(("", whole), |d| ("-", d));
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push('\u{202f}');
            }
            grouped.push(c);
        }
        format!("{sign}{grouped},{fraction}\u{a0}€")
    }
}

impl Add for Cents {
    type Output = Cents;
    fn add(self, rhs: Self) -> Self {
        Cents(self.0 + rhs.0)
    }
}

impl Sub for Cents {
    type Output = Cents;
    fn sub(self, rhs: Self) -> Self {
        Cents(self.0 - rhs.0)
    }
}

impl std::iter::Sum for Cents {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        Cents(iter.map(|c| c.0).sum())
    }
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_french())
    }
}

/// A percentage between 0 and 100, exact to the millionth of a point (`50`, `80`, `33.333333`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Percent(i64);

impl Percent {
    /// Millionths of a percentage point in 100 %.
    pub const SCALE: i64 = 100_000_000;

    pub fn parse(input: &str) -> Result<Self, AmountError> {
        parse_scaled(input, 6)
            .filter(|v| *v <= i128::from(Self::SCALE))
            .map(|v| Percent(v as i64))
            .ok_or_else(|| AmountError::Percent(input.to_string()))
    }

    pub fn from_millionths(value: i64) -> Option<Self> {
        (0..=Self::SCALE).contains(&value).then_some(Percent(value))
    }

    /// Millionths of a percentage point: 50 % is 50 000 000.
    pub fn millionths(self) -> i64 {
        self.0
    }

    /// `50`, `33.5` — no trailing zeros.
    pub fn to_plain(self) -> String {
        let whole = self.0 / 1_000_000;
        let fraction = self.0 % 1_000_000;
        if fraction == 0 { whole.to_string() } else { format!("{whole}.{}", format!("{fraction:06}").trim_end_matches('0')) }
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\u{a0}%", self.to_plain().replace('.', ","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_up_rounding_table() {
        let cases = [
            (1, 2, 1),   // 0.5 cent → 1
            (1, 3, 0),   // 0.33 → 0
            (2, 3, 1),   // 0.67 → 1
            (5, 2, 3),   // 2.5 → 3
            (-5, 2, -3), // half away from zero
            (249, 100, 2),
            (250, 100, 3),
            // Juvignac, e-administration 2019-2021: 2 500 000 cents × 10 979 / 472 573 = 58 080.8…
            (2_500_000 * 10_979, 472_573, 58_081),
        ];
        for (n, d, expected) in cases {
            assert_eq!(Cents::round_half_up(n, d), Cents(expected), "{n}/{d}");
        }
    }

    #[test]
    fn parse_and_format_euros() {
        let cases = [
            ("25000", Some(2_500_000)),
            ("25000.5", Some(2_500_050)),
            ("1234,56", Some(123_456)),
            ("0", Some(0)),
            ("-3", None),
            ("1.234", None),
            ("", None),
            ("abc", None),
            ("1e3", None),
        ];
        for (input, expected) in cases {
            assert_eq!(Cents::parse_euros(input).ok().map(|c| c.0), expected, "{input}");
        }
        assert_eq!(Cents(58_081).to_plain(), "580.81");
        assert_eq!(Cents(5).to_plain(), "0.05");
        assert_eq!(Cents(-1_250).to_plain(), "-12.50");
        assert_eq!(Cents(2_500_000).to_plain_compact(), "25000");
        assert_eq!(Cents(2_500_050).to_plain_compact(), "25000.50");
        assert_eq!(Cents(47_257_300).to_french(), "472\u{202f}573,00\u{a0}€");
        assert_eq!(Cents(9_680).to_french(), "96,80\u{a0}€");
    }

    #[test]
    fn percent_table() {
        let cases = [
            ("50", Some(50_000_000)),
            ("80", Some(80_000_000)),
            ("33.333333", Some(33_333_333)),
            ("12,5", Some(12_500_000)),
            ("100", Some(100_000_000)),
            ("0", Some(0)),
            ("100.1", None),
            ("-5", None),
            ("33.3333333", None),
            ("x", None),
        ];
        for (input, expected) in cases {
            assert_eq!(Percent::parse(input).ok().map(Percent::millionths), expected, "{input}");
        }
        assert_eq!(Percent::parse("12.50").unwrap().to_plain(), "12.5");
        assert_eq!(Percent::parse("80").unwrap().to_plain(), "80");
        assert_eq!(Percent::parse("12.5").unwrap().to_string(), "12,5\u{a0}%");
    }
}
