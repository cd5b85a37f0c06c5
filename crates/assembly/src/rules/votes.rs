//! Votes on a deliberation: the tally, its consistency, the outcome and the sentence of the extract.
//!
//! CGCT L2121-20 al. 2 and 3: « Les délibérations sont prises à la majorité absolue des suffrages exprimés.
//! Lorsqu'il y a partage égal des voix et sauf cas de scrutin secret, la voix du président est prépondérante. »

use super::RuleError;

/// How the council voted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ballot {
    ShowOfHands,
    Electronic,
    /// Secret ballot (CGCT L2121-21): no casting vote.
    Secret,
}

impl Ballot {
    pub const ALL: [Ballot; 3] = [Self::ShowOfHands, Self::Electronic, Self::Secret];

    /// Stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::ShowOfHands => "show_of_hands",
            Self::Electronic => "electronic",
            Self::Secret => "secret",
        }
    }

    /// The ballot whose [`code`](Self::code) this is.
    pub fn parse(code: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|ballot| ballot.code() == code)
            .ok_or_else(|| format!("mode de scrutin inconnu « {code} » (attendu : show_of_hands, electronic ou secret)"))
    }

    /// French label, as the register writes it.
    pub fn label(self) -> &'static str {
        match self {
            Self::ShowOfHands => "à main levée",
            Self::Electronic => "par vote électronique",
            Self::Secret => "au scrutin secret",
        }
    }
}

/// The votes of the members present or represented on one deliberation: *pour*, *contre*, *abstention*, *ne prend
/// pas part au vote*.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub for_: u32,
    pub against: u32,
    pub abstention: u32,
    pub not_voting: u32,
}

impl Tally {
    /// The *suffrages exprimés*: for and against. Abstentions and members not taking part are not counted.
    pub fn votes_cast(&self) -> u32 {
        self.for_ + self.against
    }
}

/// Whether a deliberation passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Adopted,
    Rejected,
}

/// Checks that every voter is in the tally once: for + against + abstention + not voting equals the members present
/// plus those represented, each holding one vote (CGCT L2121-20 al. 1).
pub fn check_tally(tally: &Tally, present: u32, represented: u32) -> Result<(), RuleError> {
    let counted = tally.votes_cast() + tally.abstention + tally.not_voting;
    let voters = present + represented;
    if counted == voters {
        return Ok(());
    }
    Err(RuleError::new(
        "CGCT L2121-20",
        format!(
            "décompte incohérent : {counted} voix (pour {}, contre {}, abstentions {}, ne prennent pas part au vote {}) \
             pour {voters} votants ({present} présents et {represented} représentés)",
            tally.for_, tally.against, tally.abstention, tally.not_voting
        ),
    ))
}

/// The outcome when the president's own vote is not known: adopted when the votes for outnumber the votes against
/// (CGCT L2121-20 al. 2); a tie is rejected. See [`outcome_with_casting`].
pub fn outcome(tally: &Tally, ballot: Ballot) -> Outcome {
    outcome_with_casting(tally, ballot, None)
}

/// The outcome of a vote. « Majorité absolue des suffrages exprimés » (CGCT L2121-20 al. 2): for more than half of
/// for + against, that is for > against. On a tie, « sauf cas de scrutin secret, la voix du président est
/// prépondérante » (al. 3): the side the president voted for wins (`president_voted_for`: `Some(true)` for,
/// `Some(false)` against, `None` abstained or unknown, then no majority: rejected). Under a secret ballot, a tie is
/// rejected.
pub fn outcome_with_casting(tally: &Tally, ballot: Ballot, president_voted_for: Option<bool>) -> Outcome {
    let adopted = match tally.for_.cmp(&tally.against) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => tally.for_ > 0 && ballot != Ballot::Secret && president_voted_for == Some(true),
    };
    if adopted { Outcome::Adopted } else { Outcome::Rejected }
}

/// Unanimity: some votes for, none against, no abstention. Members not taking part do not break it.
pub fn unanimity(tally: &Tally) -> bool {
    tally.for_ > 0 && tally.against == 0 && tally.abstention == 0
}

/// The sentence of the register extract: « adoptée à l'unanimité », « adoptée à l'unanimité des suffrages
/// exprimés » (none against, some abstentions), « adoptée à la majorité », « adoptée, la voix du président étant
/// prépondérante » (a tie decided by the casting vote), or « rejetée ».
pub fn decision_sentence(tally: &Tally, outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Rejected => "rejetée",
        Outcome::Adopted if unanimity(tally) => "adoptée à l'unanimité",
        Outcome::Adopted if tally.against == 0 => "adoptée à l'unanimité des suffrages exprimés",
        Outcome::Adopted if tally.for_ == tally.against => "adoptée, la voix du président étant prépondérante",
        Outcome::Adopted => "adoptée à la majorité",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(for_: u32, against: u32, abstention: u32, not_voting: u32) -> Tally {
        Tally { for_, against, abstention, not_voting }
    }

    #[test]
    fn ballot_codes_round_trip() {
        for ballot in Ballot::ALL {
            assert_eq!(Ballot::parse(ballot.code()), Ok(ballot));
        }
        assert!(Ballot::parse("assis-debout").unwrap_err().contains("« assis-debout »"));
        assert_eq!(Ballot::Secret.label(), "au scrutin secret");
    }

    /// CGCT L2121-20: every member present or represented votes once.
    #[test]
    fn check_tally_table() {
        let cases = [
            (tally(82, 0, 0, 0), 37, 45, Ok(())), // seed 000: 37 present and 45 represented
            (tally(20, 3, 2, 1), 18, 8, Ok(())),  // seed 004: 26 voters
            (tally(26, 0, 0, 0), 18, 8, Ok(())),
            (
                tally(80, 0, 0, 0),
                37,
                45,
                Err("80 voix (pour 80, contre 0, abstentions 0, ne prennent pas part au vote 0) \
                     pour 82 votants (37 présents et 45 représentés)"),
            ),
            (tally(20, 3, 2, 2), 18, 8, Err("27 voix")),
        ];
        for (tally, present, represented, expected) in cases {
            match (check_tally(&tally, present, represented), expected) {
                (Ok(()), Ok(())) => {}
                (Err(error), Err(part)) => {
                    assert_eq!(error.rule, "CGCT L2121-20");
                    assert!(error.to_string().contains(part), "{error}");
                }
                (got, want) => panic!("{tally:?}: {got:?} instead of {want:?}"),
            }
        }
    }

    /// CGCT L2121-20 al. 2 (majorité absolue des suffrages exprimés) and al. 3 (voix prépondérante, sauf scrutin secret).
    #[test]
    fn outcome_table() {
        use Ballot::*;
        use Outcome::*;
        let cases = [
            // (tally, ballot, president voted for, outcome, sentence, unanimity)
            (tally(82, 0, 0, 0), ShowOfHands, None, Adopted, "adoptée à l'unanimité", true), // seed 000
            (tally(26, 0, 0, 0), ShowOfHands, Some(true), Adopted, "adoptée à l'unanimité", true), // seed 004
            (tally(20, 3, 2, 1), ShowOfHands, Some(true), Adopted, "adoptée à la majorité", false), // seed 004, opposition
            (tally(24, 0, 2, 0), Electronic, Some(true), Adopted, "adoptée à l'unanimité des suffrages exprimés", false),
            (tally(10, 0, 0, 16), ShowOfHands, None, Adopted, "adoptée à l'unanimité", true), // not voting: not counted
            (tally(3, 2, 21, 0), ShowOfHands, None, Adopted, "adoptée à la majorité", false), // abstentions not counted
            (tally(12, 12, 2, 0), ShowOfHands, Some(true), Adopted, "adoptée, la voix du président étant prépondérante", false),
            (tally(12, 12, 2, 0), Electronic, Some(false), Rejected, "rejetée", false),
            (tally(12, 12, 2, 0), ShowOfHands, None, Rejected, "rejetée", false),
            (tally(12, 12, 2, 0), Secret, Some(true), Rejected, "rejetée", false), // no casting vote in a secret ballot
            (tally(11, 13, 2, 0), ShowOfHands, Some(true), Rejected, "rejetée", false),
            (tally(0, 0, 26, 0), ShowOfHands, None, Rejected, "rejetée", false),
            (tally(0, 0, 26, 0), ShowOfHands, Some(true), Rejected, "rejetée", false), // no vote for: no casting vote
        ];
        for (tally, ballot, president, expected, sentence, unanimous) in cases {
            let result = outcome_with_casting(&tally, ballot, president);
            assert_eq!(result, expected, "{tally:?} {ballot:?} {president:?}");
            assert_eq!(decision_sentence(&tally, result), sentence, "{tally:?}");
            assert_eq!(unanimity(&tally), unanimous, "{tally:?}");
        }
        assert_eq!(outcome(&tally(12, 12, 0, 0), ShowOfHands), Rejected);
        assert_eq!(outcome(&tally(13, 12, 0, 0), Secret), Adopted);
        assert_eq!(tally(20, 3, 2, 1).votes_cast(), 23);
    }
}
