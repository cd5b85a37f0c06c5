//! The rules of council sittings (*séances des assemblées délibérantes*), as pure functions: which rules applied
//! on a date, convocation delays, quorum, proxies and votes. No database and no I/O, except the embedded data file
//! of dated rule sets.
//!
//! Each rule cites its French legal article; refusals are [`RuleError`]s whose message, in French, names it.

pub mod convocation;
pub mod proxies;
pub mod quorum;
pub mod rule_sets;
pub mod votes;

/// A sitting, a convocation, a proxy or a vote that breaks a rule: a French sentence for people, and the rule
/// (article) it breaks, which the message ends with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({rule})")]
pub struct RuleError {
    /// The rule broken, as cited: `CGCT L2121-12`, `CASF R123-16`…
    pub rule: &'static str,
    /// What is wrong, in French, without the rule.
    pub message: String,
}

impl RuleError {
    pub fn new(rule: &'static str, message: impl Into<String>) -> Self {
        Self { rule, message: message.into() }
    }
}
