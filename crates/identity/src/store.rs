//! SQL of the identity slice. Membership rows are tenant data and go through [`store::tenant`].

use crate::model::{MemberView, Membership, Organisation, User};
use kernel::{OrganisationKind, Role};
use sqlx::Row;
use store::tenant::{scoped, scoped_as};
use store::{Db, OrgScope, StoreError, Tx, clock};

#[derive(sqlx::FromRow)]
struct OrganisationRow {
    id: i64,
    kind: String,
    name: String,
    slug: String,
    insee_code: Option<String>,
    siren: Option<String>,
    postal_codes: String,
    parent_id: Option<i64>,
    population_year: Option<i64>,
    population: Option<i64>,
}

impl From<OrganisationRow> for Organisation {
    fn from(row: OrganisationRow) -> Self {
        Organisation {
            id: row.id,
            kind: row.kind.parse().unwrap_or(OrganisationKind::Commune),
            name: row.name,
            slug: row.slug,
            insee_code: row.insee_code,
            siren: row.siren,
            postal_codes: row.postal_codes.split_whitespace().map(str::to_string).collect(),
            parent_id: row.parent_id,
            population: row.population_year.zip(row.population),
        }
    }
}

/// Fields of a new organisation, already validated.
pub struct OrganisationRecord<'a> {
    pub kind: OrganisationKind,
    pub name: &'a str,
    pub slug: &'a str,
    pub insee_code: Option<&'a str>,
    pub siren: Option<&'a str>,
    pub postal_codes: &'a [String],
    pub parent_id: Option<i64>,
}

pub async fn insert_organisation(tx: &mut Tx, org: &OrganisationRecord<'_>) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO organisations (kind, name, slug, insee_code, siren, postal_codes, parent_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(org.kind.code())
    .bind(org.name.to_string())
    .bind(org.slug.to_string())
    .bind(org.insee_code.map(str::to_string))
    .bind(org.siren.map(str::to_string))
    .bind(org.postal_codes.join(" "))
    .bind(org.parent_id)
    .bind(clock::now_millis())
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get(0)?)
}

pub async fn insert_population(tx: &mut Tx, organisation_id: i64, year: i64, population: i64) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO organisation_populations (organisation_id, year, population) VALUES ($1, $2, $3)")
        .bind(organisation_id)
        .bind(year)
        .bind(population)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Organisations with the population of their latest reference year.
macro_rules! select_organisations {
    () => {
        "SELECT o.id, o.kind, o.name, o.slug, o.insee_code, o.siren, o.postal_codes, o.parent_id, \
         p.year AS population_year, p.population FROM organisations o LEFT JOIN organisation_populations p \
         ON p.organisation_id = o.id AND p.year = (SELECT MAX(q.year) FROM organisation_populations q WHERE q.organisation_id = o.id)"
    };
}

/// Every organisation: the Métropole, then communes, CCAS and companies, each by name.
pub async fn list_organisations(db: &Db) -> Result<Vec<Organisation>, StoreError> {
    let rows: Vec<OrganisationRow> = sqlx::query_as(select_organisations!()).fetch_all(db.pool()).await?;
    let mut orgs: Vec<Organisation> = rows.into_iter().map(Organisation::from).collect();
    orgs.sort_by_key(|o| (kind_rank(o.kind), o.slug.clone()));
    Ok(orgs)
}

fn kind_rank(kind: OrganisationKind) -> u8 {
    match kind {
        OrganisationKind::Metropole => 0,
        OrganisationKind::Commune => 1,
        OrganisationKind::Ccas => 2,
        OrganisationKind::Company => 3,
    }
}

pub async fn find_organisation_by_slug(db: &Db, slug: &str) -> Result<Option<Organisation>, StoreError> {
    let row: Option<OrganisationRow> =
        sqlx::query_as(concat!(select_organisations!(), " WHERE o.slug = $1")).bind(slug.to_string()).fetch_optional(db.pool()).await?;
    Ok(row.map(Organisation::from))
}

pub async fn find_organisation_id_by_insee(tx: &mut Tx, insee_code: &str) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query("SELECT id FROM organisations WHERE insee_code = $1 AND kind = 'commune'")
        .bind(insee_code.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(row) => Some(row.try_get(0)?),
        None => None,
    })
}

pub async fn count_organisations(db: &Db) -> Result<i64, StoreError> {
    Ok(sqlx::query("SELECT COUNT(*) FROM organisations").fetch_one(db.pool()).await?.try_get(0)?)
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    is_platform_admin: i64,
    password_hash: String,
}

impl UserRow {
    fn split(self) -> (User, String) {
        (
            User { id: self.id, email: self.email, display_name: self.display_name, is_platform_admin: self.is_platform_admin != 0 },
            self.password_hash,
        )
    }
}

pub async fn insert_user(
    tx: &mut Tx,
    email: &str,
    display_name: &str,
    password_hash: &str,
    is_platform_admin: bool,
) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO users (email, display_name, password_hash, is_platform_admin, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(email.to_string())
    .bind(display_name.to_string())
    .bind(password_hash.to_string())
    .bind(i64::from(is_platform_admin))
    .bind(clock::now_millis())
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get(0)?)
}

/// An active account and its password hash, by e-mail address.
pub async fn find_user_by_email(db: &Db, email: &str) -> Result<Option<(User, String)>, StoreError> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT id, email, display_name, is_platform_admin, password_hash FROM users WHERE email = $1 AND disabled_at IS NULL",
    )
    .bind(email.to_string())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(UserRow::split))
}

pub async fn find_user_in_tx(tx: &mut Tx, email: &str) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> =
        sqlx::query_as("SELECT id, email, display_name, is_platform_admin, password_hash FROM users WHERE email = $1")
            .bind(email.to_string())
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(|r| r.split().0))
}

pub async fn password_hash_of(db: &Db, user_id: i64) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT password_hash FROM users WHERE id = $1").bind(user_id).fetch_optional(db.pool()).await?;
    Ok(match row {
        Some(row) => Some(row.try_get(0)?),
        None => None,
    })
}

pub async fn update_password(tx: &mut Tx, user_id: i64, password_hash: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash.to_string())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Grants a role; granting a role already held changes nothing and returns false.
pub async fn grant(tx: &mut Tx, scope: OrgScope, user_id: i64, role: Role) -> Result<bool, StoreError> {
    let held = scoped(scope, "SELECT 1 FROM memberships WHERE organisation_id = $1 AND user_id = $2 AND role = $3")
        .bind(user_id)
        .bind(role.code())
        .fetch_optional(&mut **tx)
        .await?;
    if held.is_some() {
        return Ok(false);
    }
    scoped(scope, "INSERT INTO memberships (organisation_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(role.code())
        .bind(clock::now_millis())
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

/// Withdraws a role; returns whether it was held.
pub async fn revoke(tx: &mut Tx, scope: OrgScope, user_id: i64, role: Role) -> Result<bool, StoreError> {
    let done = scoped(scope, "DELETE FROM memberships WHERE organisation_id = $1 AND user_id = $2 AND role = $3")
        .bind(user_id)
        .bind(role.code())
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// How many administrators the organisation has (the last one cannot be removed).
pub async fn count_admins(tx: &mut Tx, scope: OrgScope) -> Result<i64, StoreError> {
    Ok(scoped(scope, "SELECT COUNT(*) FROM memberships WHERE organisation_id = $1 AND role = 'org_admin'")
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?)
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    user_id: i64,
    email: String,
    display_name: String,
    role: String,
}

/// The people holding a role in the organisation, by name, each with their roles.
pub async fn list_members(db: &Db, scope: OrgScope) -> Result<Vec<MemberView>, StoreError> {
    let rows: Vec<MemberRow> = scoped_as(
        scope,
        "SELECT m.user_id, u.email, u.display_name, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organisation_id = $1 ORDER BY u.display_name, u.id, m.role",
    )
    .fetch_all(db.pool())
    .await?;
    let mut members: Vec<MemberView> = Vec::new();
    for row in rows {
        match members.last_mut() {
            Some(last) if last.user_id == row.user_id => last.roles.push(row.role),
            _ => members.push(MemberView { user_id: row.user_id, email: row.email, display_name: row.display_name, roles: vec![row.role] }),
        }
    }
    Ok(members)
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    organisation_id: i64,
    slug: String,
    name: String,
    role: String,
}

/// Every role a person holds, in every organisation.
pub async fn memberships_of(db: &Db, user_id: i64) -> Result<Vec<Membership>, StoreError> {
    let rows: Vec<MembershipRow> = sqlx::query_as(
        "SELECT m.organisation_id, o.slug, o.name, m.role FROM memberships m JOIN organisations o ON o.id = m.organisation_id \
         WHERE m.user_id = $1 ORDER BY o.name, m.role",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Membership {
                organisation_id: r.organisation_id,
                organisation_slug: r.slug,
                organisation_name: r.name,
                role: r.role.parse().ok()?,
            })
        })
        .collect())
}

pub async fn insert_session(tx: &mut Tx, token_hash: &str, user_id: i64, expires_at: i64, ip: &str) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash.to_string())
        .bind(user_id)
        .bind(clock::now_millis())
        .bind(expires_at)
        .bind(ip.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The account behind a live session.
pub async fn find_session_user(db: &Db, token_hash: &str, now: i64) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.is_platform_admin, u.password_hash FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
    )
    .bind(token_hash.to_string())
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|r| r.split().0))
}

pub async fn delete_session(tx: &mut Tx, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash.to_string()).execute(&mut **tx).await?;
    Ok(())
}

/// Ends every other session of a person (after a password change).
pub async fn delete_other_sessions(tx: &mut Tx, user_id: i64, keep_token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep_token_hash.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Removes expired sessions and login failures older than the throttling window.
pub async fn purge_expired(db: &Db, now: i64, failures_before: i64) -> Result<u64, StoreError> {
    let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(db.pool()).await?;
    let failures = sqlx::query("DELETE FROM login_failures WHERE at < $1").bind(failures_before).execute(db.pool()).await?;
    Ok(sessions.rows_affected() + failures.rows_affected())
}

/// Failed logins since `since`: (for this login, from this address).
pub async fn count_failures(db: &Db, login: &str, ip: &str, since: i64) -> Result<(i64, i64), StoreError> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM login_failures WHERE login = $1 AND at >= $3), \
                (SELECT COUNT(*) FROM login_failures WHERE ip = $2 AND at >= $3)",
    )
    .bind(login.to_string())
    .bind(ip.to_string())
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

pub async fn record_failure(tx: &mut Tx, login: &str, ip: &str) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO login_failures (login, ip, at) VALUES ($1, $2, $3)")
        .bind(login.to_string())
        .bind(ip.to_string())
        .bind(clock::now_millis())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn clear_failures(tx: &mut Tx, login: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM login_failures WHERE login = $1").bind(login.to_string()).execute(&mut **tx).await?;
    Ok(())
}

/// The platform secret of the given name, created at random on first use (shared by every node).
pub async fn platform_secret(db: &Db, key: &str) -> Result<[u8; 32], StoreError> {
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?;
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key.to_string())
        .bind(hex::encode(fresh))
        .execute(db.pool())
        .await?;
    let stored: String =
        sqlx::query("SELECT value FROM settings WHERE key = $1").bind(key.to_string()).fetch_one(db.pool()).await?.try_get(0)?;
    let mut secret = [0u8; 32];
    hex::decode_to_slice(stored, &mut secret)
        .map_err(|e| StoreError::Io(std::io::Error::other(format!("secret « {key} » corrompu : {e}"))))?;
    Ok(secret)
}
