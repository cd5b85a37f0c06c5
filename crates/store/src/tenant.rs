//! Tenant isolation in the storage layer.
//!
//! Every row of member data carries `organisation_id`. Queries on it are built with [`scoped`], which
//! takes an [`OrgScope`] and refuses SQL that does not filter on `organisation_id = $1`; the scope's id
//! is always bound as `$1`. An `OrgScope` is only handed out by the identity slice once it has checked
//! that the person may act for that organisation.

use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs};
use sqlx::{Any, FromRow, any::AnyRow};

/// The organisation whose data a query may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgScope {
    organisation_id: i64,
}

impl OrgScope {
    /// Grants access to one organisation's data. Call only after checking the person's rights
    /// (identity's access layer does), or for the platform's own operations (CLI, demo loading).
    pub fn granted(organisation_id: i64) -> Self {
        Self { organisation_id }
    }

    pub fn organisation_id(self) -> i64 {
        self.organisation_id
    }
}

const FILTER: &str = "organisation_id = $1";

/// A statement is scoped when it filters on the organisation, or inserts rows whose first column is
/// the organisation bound to `$1`.
fn check(sql: &str) {
    let insert_scoped = sql.starts_with("INSERT INTO") && sql.contains("(organisation_id, ") && sql.contains("VALUES ($1, ");
    assert!(sql.contains(FILTER) || insert_scoped, "tenant query without `{FILTER}`: {sql}");
}

/// A statement on member data, with the scope bound as `$1`. Further arguments start at `$2`.
pub fn scoped(scope: OrgScope, sql: &'static str) -> Query<'static, Any, AnyArguments> {
    check(sql);
    sqlx::query(sql).bind(scope.organisation_id)
}

/// Same as [`scoped`], mapping rows to `T`.
pub fn scoped_as<T>(scope: OrgScope, sql: &'static str) -> QueryAs<'static, Any, T, AnyArguments>
where
    T: for<'r> FromRow<'r, AnyRow>,
{
    check(sql);
    sqlx::query_as(sql).bind(scope.organisation_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "tenant query without")]
    fn unscoped_sql_is_refused() {
        let _ = scoped(OrgScope::granted(1), "SELECT * FROM memberships");
    }

    #[test]
    #[should_panic(expected = "tenant query without")]
    fn insert_with_organisation_elsewhere_is_refused() {
        let _ = scoped(OrgScope::granted(1), "INSERT INTO memberships (user_id, organisation_id) VALUES ($2, $1)");
    }

    #[test]
    fn scoped_sql_is_accepted() {
        let _ = scoped(OrgScope::granted(1), "SELECT * FROM memberships WHERE organisation_id = $1");
        let _ = scoped(OrgScope::granted(1), "INSERT INTO memberships (organisation_id, user_id) VALUES ($1, $2)");
    }
}
