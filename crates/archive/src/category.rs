//! Document categories and their retention rules (*durée d'utilité administrative* and final disposition),
//! after the sorting instructions for the archives of communes and intercommunal bodies (instruction
//! DAF/DPACI/RES/2009/018): deliberations and acts are kept for ever once their ten years of
//! administrative use are over; accounting flows are destroyed after ten years.

/// What an archived transfer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// A deliberation with its legality-control exchanges.
    Deliberation,
    /// Another act (order, contract …) with its legality-control exchanges.
    Act,
    /// A PES V2 file with the accountant's acknowledgement.
    AccountingFlow,
}

/// What becomes of an archive when its retention period ends (*sort final*).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinalAction {
    Keep,
    Destroy,
}

impl Category {
    pub fn code(self) -> &'static str {
        match self {
            Category::Deliberation => "deliberation",
            Category::Act => "act",
            Category::AccountingFlow => "accounting_flow",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Category::Deliberation, Category::Act, Category::AccountingFlow].into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Deliberation => "Délibération",
            Category::Act => "Acte administratif",
            Category::AccountingFlow => "Flux comptable PES",
        }
    }

    /// Retention period in years and final disposition.
    pub fn retention(self) -> (u8, FinalAction) {
        match self {
            Category::Deliberation | Category::Act => (10, FinalAction::Keep),
            Category::AccountingFlow => (10, FinalAction::Destroy),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_rules_table() {
        let cases = [
            (Category::Deliberation, 10, FinalAction::Keep),
            (Category::Act, 10, FinalAction::Keep),
            (Category::AccountingFlow, 10, FinalAction::Destroy),
        ];
        for (category, years, action) in cases {
            assert_eq!(category.retention(), (years, action), "{category:?}");
            assert_eq!(Category::parse(category.code()), Some(category));
        }
        assert_eq!(Category::parse("autre"), None);
    }
}
