//! Use-cases of the identity slice: each loads, applies the rules, writes, and records its audit event
//! in the same transaction.

use crate::model::{MemberView, Organisation, Principal, User};
use crate::{IdentityError, password, rules, store as sql};
use kernel::audit::AuditAction;
use kernel::{InseeCode, OrganisationKind, PostalCode, Role, Siren, slug};
use serde_json::json;
use sha2::{Digest, Sha256};
use store::audit::{self, AuditEntry};
use store::{Db, OrgScope, clock};

/// Who performs an action, for the audit log.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub user_id: Option<i64>,
    pub label: &'a str,
    pub ip: Option<&'a str>,
}

impl<'a> Actor<'a> {
    /// The platform itself, acting from the command line.
    pub fn cli() -> Self {
        Self { user_id: None, label: "ligne de commande", ip: None }
    }

    pub fn person(principal: &'a Principal, ip: &'a str) -> Self {
        Self { user_id: Some(principal.user.id), label: &principal.user.email, ip: Some(ip) }
    }

    /// The audit-log entry of an action of this actor.
    pub fn entry<'b>(
        &self,
        organisation_id: Option<i64>,
        action: AuditAction,
        target: &'b str,
        details: serde_json::Value,
    ) -> AuditEntry<'b>
    where
        'a: 'b,
    {
        AuditEntry { organisation_id, actor_user_id: self.user_id, actor: self.label, action, target, details, ip: self.ip }
    }
}

/// An organisation to create, as typed or imported (not yet validated).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    /// `metropole`, `commune`, `ccas` or `company`.
    pub kind: String,
    pub name: String,
    /// Derived from the name when absent.
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub insee_code: Option<String>,
    #[serde(default)]
    pub siren: Option<String>,
    #[serde(default)]
    pub postal_codes: Vec<String>,
    #[serde(default)]
    pub population: Option<i64>,
    #[serde(default)]
    pub population_year: Option<i64>,
    /// INSEE code of the commune a CCAS belongs to.
    #[serde(default)]
    pub parent_insee_code: Option<String>,
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// An organisation whose fields passed every check.
pub struct ValidOrganisation {
    kind: OrganisationKind,
    name: String,
    slug: String,
    insee: Option<InseeCode>,
    siren: Option<Siren>,
    postal_codes: Vec<String>,
    population: Option<(i64, i64)>,
    parent_insee: Option<InseeCode>,
}

/// Checks every field of a new organisation (no I/O).
pub fn validate_organisation(new: &NewOrganisation) -> Result<ValidOrganisation, IdentityError> {
    let kind: OrganisationKind = new.kind.trim().parse().map_err(|e: String| IdentityError::invalid("kind", e))?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(IdentityError::invalid("name", "le nom est obligatoire (200 caractères au plus)"));
    }
    let slug = match non_empty(&new.slug) {
        Some(s) => s.to_string(),
        None => slug::slugify(name),
    };
    if !slug::is_valid(&slug) || slug::RESERVED.contains(&slug.as_str()) {
        return Err(IdentityError::invalid(
            "slug",
            format!("« {slug} » ne peut pas servir d'identifiant d'adresse (lettres minuscules, chiffres et tirets)"),
        ));
    }
    let insee =
        non_empty(&new.insee_code).map(InseeCode::parse).transpose().map_err(|e| IdentityError::invalid("insee_code", e.to_string()))?;
    if kind == OrganisationKind::Commune && insee.is_none() {
        return Err(IdentityError::invalid("insee_code", "le code INSEE est obligatoire pour une commune"));
    }
    let siren = non_empty(&new.siren).map(Siren::parse).transpose().map_err(|e| IdentityError::invalid("siren", e.to_string()))?;
    let postal_codes = new
        .postal_codes
        .iter()
        .flat_map(|p| p.split_whitespace())
        .map(|p| PostalCode::parse(p).map(|c| c.as_str().to_string()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| IdentityError::invalid("postal_codes", e.to_string()))?;
    let population = match (new.population, new.population_year) {
        (None, None) => None,
        (Some(p), Some(y)) if p > 0 && (1800..=2200).contains(&y) => Some((y, p)),
        (Some(p), _) if p <= 0 => {
            return Err(IdentityError::invalid("population", "la population doit être un entier strictement positif"));
        }
        _ => return Err(IdentityError::invalid("population_year", "la population et son année de référence vont ensemble")),
    };
    let parent_insee = non_empty(&new.parent_insee_code)
        .map(InseeCode::parse)
        .transpose()
        .map_err(|e| IdentityError::invalid("parent_insee_code", e.to_string()))?;
    if kind.requires_parent_commune() != parent_insee.is_some() {
        return Err(IdentityError::invalid(
            "parent_insee_code",
            "un CCAS, et lui seul, est rattaché à sa commune par le code INSEE de celle-ci",
        ));
    }
    Ok(ValidOrganisation { kind, name: name.to_string(), slug, insee, siren, postal_codes, population, parent_insee })
}

/// Writes a validated organisation inside the caller's transaction, with its audit event.
pub async fn insert_organisation(tx: &mut store::Tx, actor: Actor<'_>, org: ValidOrganisation) -> Result<Organisation, IdentityError> {
    let parent_id = match &org.parent_insee {
        Some(code) => Some(sql::find_organisation_id_by_insee(tx, code.as_str()).await?.ok_or_else(|| {
            IdentityError::invalid("parent_insee_code", format!("aucune commune de code INSEE {code} sur la plateforme"))
        })?),
        None => None,
    };
    let record = sql::OrganisationRecord {
        kind: org.kind,
        name: &org.name,
        slug: &org.slug,
        insee_code: org.insee.as_ref().map(InseeCode::as_str),
        siren: org.siren.as_ref().map(Siren::as_str),
        postal_codes: &org.postal_codes,
        parent_id,
    };
    let id = match sql::insert_organisation(tx, &record).await {
        Ok(id) => id,
        Err(e) if e.is_unique_violation() => {
            return Err(IdentityError::Conflict(format!("une organisation porte déjà l'identifiant « {} » ou ce SIREN", org.slug)));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some((year, count)) = org.population {
        sql::insert_population(tx, id, year, count).await?;
    }
    let target = format!("organisation:{}", org.slug);
    audit::record(
        tx,
        actor.entry(Some(id), AuditAction::OrganisationCreated, &target, json!({ "name": org.name, "kind": org.kind.code() })),
    )
    .await?;
    Ok(Organisation {
        id,
        kind: org.kind,
        name: org.name,
        slug: org.slug,
        insee_code: org.insee.map(|c| c.as_str().to_string()),
        siren: org.siren.map(|s| s.as_str().to_string()),
        postal_codes: org.postal_codes,
        parent_id,
        population: org.population,
    })
}

/// Creates an organisation after checking every field; nothing is written when one is wrong.
pub async fn create_organisation(db: &Db, actor: Actor<'_>, new: &NewOrganisation) -> Result<Organisation, IdentityError> {
    let valid = validate_organisation(new)?;
    let mut tx = db.begin().await?;
    let organisation = insert_organisation(&mut tx, actor, valid).await?;
    tx.commit().await?;
    Ok(organisation)
}

pub async fn organisations(db: &Db) -> Result<Vec<Organisation>, IdentityError> {
    Ok(sql::list_organisations(db).await?)
}

pub async fn organisation_by_slug(db: &Db, slug: &str) -> Result<Option<Organisation>, IdentityError> {
    Ok(sql::find_organisation_by_slug(db, slug).await?)
}

/// The organisation of id `id` (for jobs, which carry ids).
pub async fn organisation_by_id(db: &Db, id: i64) -> Result<Option<Organisation>, IdentityError> {
    Ok(organisations(db).await?.into_iter().find(|o| o.id == id))
}

pub async fn organisation_count(db: &Db) -> Result<i64, IdentityError> {
    Ok(sql::count_organisations(db).await?)
}

/// A person to add to an organisation.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub email: String,
    pub display_name: String,
    /// `org_admin`, `agent` or `elected`.
    pub role: String,
}

/// The outcome of adding a member: a new account comes with a temporary password, shown once.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AddedMember {
    pub user_id: i64,
    pub created_account: bool,
    /// Only for a new account: to hand to the person, who changes it at first login.
    pub temporary_password: Option<String>,
}

/// Gives a person a role in an organisation, creating their account if they have none.
pub async fn add_member(db: &Db, actor: Actor<'_>, scope: OrgScope, new: &NewMember) -> Result<AddedMember, IdentityError> {
    let email = rules::normalise_email(&new.email).map_err(|e| IdentityError::invalid("email", e))?;
    let display_name = new.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 120 {
        return Err(IdentityError::invalid("display_name", "le nom affiché est obligatoire (120 caractères au plus)"));
    }
    let role: Role = new.role.trim().parse().map_err(|e: String| IdentityError::invalid("role", e))?;
    let mut tx = db.begin().await?;
    let (user_id, temporary_password) = match sql::find_user_in_tx(&mut tx, &email).await? {
        Some(user) => (user.id, None),
        None => {
            let temporary = generate_password();
            let id = sql::insert_user(&mut tx, &email, display_name, &password::hash(&temporary), false).await?;
            let target = format!("user:{email}");
            audit::record(
                &mut tx,
                actor.entry(Some(scope.organisation_id()), AuditAction::UserCreated, &target, json!({ "display_name": display_name })),
            )
            .await?;
            (id, Some(temporary))
        }
    };
    if !sql::grant(&mut tx, scope, user_id, role).await? {
        return Err(IdentityError::Conflict(format!("{email} a déjà le rôle « {} » dans cette organisation", role.label())));
    }
    let target = format!("user:{email}");
    audit::record(
        &mut tx,
        actor.entry(Some(scope.organisation_id()), AuditAction::MembershipGranted, &target, json!({ "role": role.code() })),
    )
    .await?;
    tx.commit().await?;
    Ok(AddedMember { user_id, created_account: temporary_password.is_some(), temporary_password })
}

/// Withdraws a role. The last administrator of an organisation keeps theirs.
pub async fn revoke_member(db: &Db, actor: Actor<'_>, scope: OrgScope, user_id: i64, role: Role) -> Result<(), IdentityError> {
    let mut tx = db.begin().await?;
    if !sql::revoke(&mut tx, scope, user_id, role).await? {
        return Err(IdentityError::NotFound("ce rôle n'est pas attribué dans cette organisation".into()));
    }
    // Dropping `tx` without commit rolls the withdrawal back.
    if role == Role::OrgAdmin && sql::count_admins(&mut tx, scope).await? == 0 {
        return Err(IdentityError::Conflict("l'organisation doit garder au moins un administrateur".into()));
    }
    let target = format!("user:{user_id}");
    audit::record(
        &mut tx,
        actor.entry(Some(scope.organisation_id()), AuditAction::MembershipRevoked, &target, json!({ "role": role.code() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn members(db: &Db, scope: OrgScope) -> Result<Vec<MemberView>, IdentityError> {
    Ok(sql::list_members(db, scope).await?)
}

/// Creates an account from the command line or the demo loader, optionally with a role.
pub async fn create_account(
    db: &Db,
    email: &str,
    display_name: &str,
    password_text: &str,
    platform_admin: bool,
    role: Option<(OrgScope, Role)>,
) -> Result<i64, IdentityError> {
    let email = rules::normalise_email(email).map_err(|e| IdentityError::invalid("email", e))?;
    rules::check_password(password_text, &email).map_err(|e| IdentityError::invalid("password", e))?;
    let mut tx = db.begin().await?;
    let id = match sql::insert_user(&mut tx, &email, display_name.trim(), &password::hash(password_text), platform_admin).await {
        Ok(id) => id,
        Err(e) if e.is_unique_violation() => return Err(IdentityError::Conflict(format!("un compte existe déjà pour {email}"))),
        Err(e) => return Err(e.into()),
    };
    let actor = Actor::cli();
    let target = format!("user:{email}");
    let organisation_id = role.map(|(scope, _)| scope.organisation_id());
    audit::record(&mut tx, actor.entry(organisation_id, AuditAction::UserCreated, &target, json!({ "platform_admin": platform_admin })))
        .await?;
    if let Some((scope, role)) = role {
        sql::grant(&mut tx, scope, id, role).await?;
        audit::record(&mut tx, actor.entry(organisation_id, AuditAction::MembershipGranted, &target, json!({ "role": role.code() })))
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// The account of an e-mail address, typed as people type it.
pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<User>, IdentityError> {
    let email = rules::normalise_email(email).map_err(|e| IdentityError::invalid("email", e))?;
    Ok(sql::find_user_by_email(db, &email).await?.map(|(user, _)| user))
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Checks credentials and opens a session. Unknown account and wrong password get the same answer,
/// after the same work; repeated failures lock the login for the throttling window.
pub async fn login(db: &Db, email_typed: &str, password_text: &str, ip: &str) -> Result<(User, String), IdentityError> {
    let login = email_typed.trim().to_lowercase();
    let now = clock::now_millis();
    let (for_login, from_ip) = sql::count_failures(db, &login, ip, now - rules::THROTTLE_WINDOW_MS).await?;
    if rules::is_throttled(for_login, from_ip) {
        return Err(IdentityError::Throttled);
    }
    let account = sql::find_user_by_email(db, &login).await?;
    let verified = match &account {
        Some((_, hash)) => password::verify(password_text, hash),
        None => {
            // Same work as for a real account, so that timing does not tell which addresses exist.
            let _ = password::verify(password_text, password::decoy_hash());
            false
        }
    };
    let mut tx = db.begin().await?;
    let Some((user, _)) = account.filter(|_| verified) else {
        sql::record_failure(&mut tx, &login, ip).await?;
        let entry = AuditEntry {
            organisation_id: None,
            actor_user_id: None,
            actor: &login,
            action: AuditAction::LoginFailed,
            target: "session",
            details: json!({}),
            ip: Some(ip),
        };
        audit::record(&mut tx, entry).await?;
        tx.commit().await?;
        return Err(IdentityError::BadCredentials);
    };
    let token = web::cookies::random_token();
    sql::clear_failures(&mut tx, &login).await?;
    sql::insert_session(&mut tx, &token_hash(&token), user.id, now + rules::SESSION_LIFETIME_MS, ip).await?;
    let entry = AuditEntry {
        organisation_id: None,
        actor_user_id: Some(user.id),
        actor: &user.email,
        action: AuditAction::LoginSucceeded,
        target: "session",
        details: json!({}),
        ip: Some(ip),
    };
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok((user, token))
}

/// The person behind a session cookie, if the session is live.
pub async fn resolve_session(db: &Db, token: &str) -> Result<Option<Principal>, IdentityError> {
    let Some(user) = sql::find_session_user(db, &token_hash(token), clock::now_millis()).await? else {
        return Ok(None);
    };
    let memberships = sql::memberships_of(db, user.id).await?;
    Ok(Some(Principal { user, memberships, session_token: token.to_string() }))
}

pub async fn logout(db: &Db, principal: &Principal, ip: &str) -> Result<(), IdentityError> {
    let mut tx = db.begin().await?;
    sql::delete_session(&mut tx, &token_hash(&principal.session_token)).await?;
    audit::record(&mut tx, Actor::person(principal, ip).entry(None, AuditAction::Logout, "session", json!({}))).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes one's own password; other sessions of the account are closed.
pub async fn change_password(db: &Db, principal: &Principal, current: &str, new: &str, ip: &str) -> Result<(), IdentityError> {
    let hash = sql::password_hash_of(db, principal.user.id).await?.ok_or(IdentityError::Forbidden)?;
    if !password::verify(current, &hash) {
        return Err(IdentityError::invalid("current_password", "le mot de passe actuel est incorrect"));
    }
    rules::check_password(new, &principal.user.email).map_err(|e| IdentityError::invalid("new_password", e))?;
    let mut tx = db.begin().await?;
    sql::update_password(&mut tx, principal.user.id, &password::hash(new)).await?;
    sql::delete_other_sessions(&mut tx, principal.user.id, &token_hash(&principal.session_token)).await?;
    audit::record(&mut tx, Actor::person(principal, ip).entry(None, AuditAction::PasswordChanged, "session", json!({}))).await?;
    tx.commit().await?;
    Ok(())
}

/// Housekeeping: forgets expired sessions and stale login failures. Returns how many rows went.
pub async fn purge_expired(db: &Db) -> Result<u64, IdentityError> {
    let now = clock::now_millis();
    Ok(sql::purge_expired(db, now, now - rules::THROTTLE_WINDOW_MS).await?)
}

/// The platform-wide secret used for CSRF tokens.
pub async fn csrf_secret(db: &Db) -> Result<[u8; 32], IdentityError> {
    Ok(sql::platform_secret(db, "csrf_secret").await?)
}

/// A 16-character password from an alphabet without look-alike characters.
fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_pass_the_policy() {
        let p = generate_password();
        assert_eq!(p.len(), 16);
        assert!(rules::check_password(&p, "x@y.fr").is_ok());
        assert_ne!(p, generate_password());
    }
}
