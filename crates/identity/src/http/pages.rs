use super::safe_return_path;
use crate::access::{OrgAdmin, OrgMember, SignedIn, Viewer};
use crate::model::{MemberView, Organisation};
use crate::service::{self, NewMember};
use crate::{IdentityError, Principal};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kernel::Role;
use serde::Deserialize;
use store::audit::AuditEvent;
use web::{AppState, HtmlError, PageMeta, cookies};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/connexion", get(login_form).post(login))
        .route("/deconnexion", post(logout))
        .route("/mon-compte", get(account))
        .route("/mon-compte/mot-de-passe", post(change_password))
        .route("/{slug}", get(org_home_redirect))
        .route("/{slug}/", get(org_home))
        .route("/{slug}/utilisateurs", get(members).post(add_member))
        .route("/{slug}/utilisateurs/{user_id}/retrait", post(revoke_member))
        .route("/{slug}/journal", get(journal))
}

/// An organisation as listed on pages, with its French labels.
struct OrgRow {
    name: String,
    slug: String,
    kind_label: &'static str,
    insee_code: String,
    siren: String,
    postal_codes: String,
    population: String,
}

impl From<&Organisation> for OrgRow {
    fn from(o: &Organisation) -> Self {
        Self {
            name: o.name.clone(),
            slug: o.slug.clone(),
            kind_label: o.kind.label(),
            insee_code: o.insee_code.clone().unwrap_or_default(),
            siren: o.siren.clone().unwrap_or_default(),
            postal_codes: o.postal_codes.join(", "),
            population: o.population.map(|(year, p)| format!("{} ({year})", thousands(p))).unwrap_or_default(),
        }
    }
}

/// French digit grouping with a narrow no-break space: 472 573.
fn thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    page: PageMeta,
    organisations: Vec<OrgRow>,
    mine: Vec<(String, String, &'static str)>,
}

async fn home(State(state): State<AppState>, viewer: Viewer) -> Result<HomePage, HtmlError> {
    let organisations = service::organisations(&state.db).await?;
    let mine = viewer
        .principal
        .as_ref()
        .map(|p| p.memberships.iter().map(|m| (m.organisation_name.clone(), m.organisation_slug.clone(), m.role.label())).collect())
        .unwrap_or_default();
    Ok(HomePage { page: viewer.page("Accueil"), organisations: organisations.iter().map(OrgRow::from).collect(), mine })
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    page: PageMeta,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    suivant: Option<String>,
}

async fn login_form(viewer: Viewer, Query(q): Query<NextQuery>) -> Response {
    if viewer.principal.is_some() {
        return Redirect::to("/").into_response();
    }
    LoginPage {
        page: viewer.page("Connexion"),
        email: String::new(),
        next: safe_return_path(q.suivant.as_deref()).unwrap_or_default(),
        error: None,
    }
    .into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(State(state): State<AppState>, viewer: Viewer, Form(form): Form<LoginForm>) -> Response {
    match service::login(&state.db, &form.email, &form.password, &viewer.ip).await {
        Ok((user, token)) => {
            let destination = match safe_return_path(Some(&form.next)) {
                Some(path) => path,
                None => landing_for(&state, user.id).await,
            };
            let cookie =
                cookies::set(cookies::SESSION, &token, Some(crate::rules::SESSION_LIFETIME_MS / 1000), state.settings.secure_cookies);
            ([(header::SET_COOKIE, cookie)], Redirect::to(&destination)).into_response()
        }
        Err(error) => {
            let status = match error {
                IdentityError::Throttled => StatusCode::TOO_MANY_REQUESTS,
                IdentityError::BadCredentials => StatusCode::UNAUTHORIZED,
                _ => return HtmlError::from(error).into_response(),
            };
            let page = LoginPage { page: viewer.page("Connexion"), email: form.email, next: form.next, error: Some(error.to_string()) };
            (status, page).into_response()
        }
    }
}

/// Where a person lands after login: their organisation when they have exactly one.
async fn landing_for(state: &AppState, user_id: i64) -> String {
    let memberships = crate::store::memberships_of(&state.db, user_id).await.unwrap_or_default();
    let mut slugs: Vec<&str> = memberships.iter().map(|m| m.organisation_slug.as_str()).collect();
    slugs.dedup();
    match slugs.as_slice() {
        [only] => format!("/{only}/"),
        _ => "/".to_string(),
    }
}

async fn logout(State(state): State<AppState>, viewer: Viewer) -> Result<Response, HtmlError> {
    if let Some(principal) = &viewer.principal {
        service::logout(&state.db, principal, &viewer.ip).await?;
    }
    let cookie = cookies::set(cookies::SESSION, "", Some(0), state.settings.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    page: PageMeta,
    email: String,
    memberships: Vec<(String, String, &'static str)>,
    error: Option<String>,
    success: bool,
}

fn account_page(signed_in: &SignedIn, error: Option<String>, success: bool) -> AccountPage {
    let principal: &Principal = &signed_in.principal;
    AccountPage {
        page: PageMeta {
            title: "Mon compte".into(),
            user_name: Some(principal.user.display_name.clone()),
            csrf: signed_in.csrf.clone(),
            is_platform_admin: principal.user.is_platform_admin,
            breadcrumbs: Vec::new(),
        },
        email: principal.user.email.clone(),
        memberships: principal
            .memberships
            .iter()
            .map(|m| (m.organisation_name.clone(), m.organisation_slug.clone(), m.role.label()))
            .collect(),
        error,
        success,
    }
}

#[derive(Deserialize)]
struct DoneQuery {
    fait: Option<String>,
}

async fn account(signed_in: SignedIn, Query(q): Query<DoneQuery>) -> AccountPage {
    account_page(&signed_in, None, q.fait.is_some())
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirmation: String,
}

async fn change_password(State(state): State<AppState>, signed_in: SignedIn, Form(form): Form<PasswordForm>) -> Response {
    if form.new_password != form.confirmation {
        let page = account_page(&signed_in, Some("La confirmation ne correspond pas au nouveau mot de passe.".into()), false);
        return (StatusCode::UNPROCESSABLE_ENTITY, page).into_response();
    }
    match service::change_password(&state.db, &signed_in.principal, &form.current_password, &form.new_password, &signed_in.ip).await {
        Ok(()) => Redirect::to("/mon-compte?fait=1").into_response(),
        Err(e) if e.is_user_error() => {
            (StatusCode::UNPROCESSABLE_ENTITY, account_page(&signed_in, Some(e.to_string()), false)).into_response()
        }
        Err(e) => HtmlError::from(e).into_response(),
    }
}

async fn org_home_redirect(Path(slug): Path<String>) -> Redirect {
    Redirect::permanent(&format!("/{slug}/"))
}

#[derive(Template, WebTemplate)]
#[template(path = "org_home.html")]
struct OrgHomePage {
    page: PageMeta,
    org: OrgRow,
    roles: Vec<&'static str>,
    is_admin: bool,
    parent: Option<(String, String)>,
    /// HTML sections of the slices, each escaped by its own template.
    sections: Vec<String>,
}

async fn org_home(State(state): State<AppState>, OrgMember(access): OrgMember) -> Result<OrgHomePage, HtmlError> {
    let parent = match access.organisation.parent_id {
        Some(parent_id) => service::organisations(&state.db).await?.into_iter().find(|o| o.id == parent_id).map(|o| (o.name, o.slug)),
        None => None,
    };
    let slug = access.organisation.slug.clone();
    let mut sections = Vec::with_capacity(state.home_sections.len());
    for section in state.home_sections.iter() {
        sections.push(section.render(&state.db, access.scope, &slug).await?);
    }
    Ok(OrgHomePage {
        page: access
            .page(&access.organisation.name)
            .with_breadcrumbs(&[("Accueil", "/"), (&access.organisation.name, &format!("/{slug}/"))]),
        org: OrgRow::from(&access.organisation),
        roles: access.roles.iter().map(|r| r.label()).collect(),
        is_admin: access.is_admin(),
        parent,
        sections,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "org_members.html")]
struct MembersPage {
    page: PageMeta,
    org: OrgRow,
    members: Vec<MemberView>,
    roles: Vec<(&'static str, &'static str)>,
    form: MemberForm,
    error: Option<String>,
    created: Option<(String, String)>,
}

impl MembersPage {
    fn role_label(code: &str) -> &'static str {
        code.parse::<Role>().map(Role::label).unwrap_or("inconnu")
    }
}

#[derive(Deserialize, Default, Clone)]
struct MemberForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
}

async fn members_page(
    state: &AppState,
    access: &crate::access::OrgAccess,
    form: MemberForm,
    error: Option<String>,
    created: Option<(String, String)>,
) -> Result<MembersPage, HtmlError> {
    let slug = access.organisation.slug.clone();
    Ok(MembersPage {
        page: access.page(&format!("Utilisateurs — {}", access.organisation.name)).with_breadcrumbs(&[
            ("Accueil", "/"),
            (&access.organisation.name, &format!("/{slug}/")),
            ("Utilisateurs", &format!("/{slug}/utilisateurs")),
        ]),
        org: OrgRow::from(&access.organisation),
        members: service::members(&state.db, access.scope).await?,
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        form,
        error,
        created,
    })
}

async fn members(State(state): State<AppState>, OrgAdmin(access): OrgAdmin) -> Result<MembersPage, HtmlError> {
    members_page(&state, &access, MemberForm { role: Role::Agent.code().into(), ..MemberForm::default() }, None, None).await
}

async fn add_member(
    State(state): State<AppState>,
    OrgAdmin(access): OrgAdmin,
    Form(form): Form<MemberForm>,
) -> Result<Response, HtmlError> {
    let new = NewMember { email: form.email.clone(), display_name: form.display_name.clone(), role: form.role.clone() };
    match service::add_member(&state.db, access.actor(), access.scope, &new).await {
        Ok(added) => {
            let created = added.temporary_password.map(|p| (form.email.trim().to_lowercase(), p));
            let blank = MemberForm { role: Role::Agent.code().into(), ..MemberForm::default() };
            Ok(members_page(&state, &access, blank, None, created).await?.into_response())
        }
        Err(e) if e.is_user_error() => {
            let page = members_page(&state, &access, form, Some(e.to_string()), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct RevokeForm {
    #[serde(default)]
    role: String,
}

async fn revoke_member(
    State(state): State<AppState>,
    OrgAdmin(access): OrgAdmin,
    Path((_, user_id)): Path<(String, i64)>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, HtmlError> {
    let role: Role = form.role.parse().map_err(HtmlError::bad_request)?;
    match service::revoke_member(&state.db, access.actor(), access.scope, user_id, role).await {
        Ok(()) => Ok(Redirect::to(&format!("/{}/utilisateurs", access.organisation.slug)).into_response()),
        Err(IdentityError::Conflict(message)) => {
            let blank = MemberForm { role: Role::Agent.code().into(), ..MemberForm::default() };
            let page = members_page(&state, &access, blank, Some(message), None).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// An audit event as shown in the journal.
struct JournalRow {
    at: String,
    actor: String,
    action: &'static str,
    target: String,
    details: String,
    ip: String,
}

impl From<AuditEvent> for JournalRow {
    fn from(e: AuditEvent) -> Self {
        Self {
            at: store::clock::format_paris(e.occurred_at),
            actor: e.actor,
            action: kernel::audit::AuditAction::from_code(&e.action).map_or("Action inconnue", |a| a.label()),
            target: e.target,
            details: if e.details == "{}" { String::new() } else { e.details },
            ip: e.ip.unwrap_or_default(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "org_journal.html")]
struct JournalPage {
    page: PageMeta,
    org: OrgRow,
    events: Vec<JournalRow>,
    next_before: Option<i64>,
}

#[derive(Deserialize)]
struct JournalQuery {
    avant: Option<i64>,
}

const JOURNAL_PAGE_SIZE: i64 = 50;

async fn journal(
    State(state): State<AppState>,
    OrgAdmin(access): OrgAdmin,
    Query(q): Query<JournalQuery>,
) -> Result<JournalPage, HtmlError> {
    let events = store::audit::list(&state.db, access.scope, JOURNAL_PAGE_SIZE, q.avant).await?;
    let next_before = (events.len() as i64 == JOURNAL_PAGE_SIZE).then(|| events.last().map(|e| e.id)).flatten();
    let slug = access.organisation.slug.clone();
    Ok(JournalPage {
        page: access.page(&format!("Journal d'audit — {}", access.organisation.name)).with_breadcrumbs(&[
            ("Accueil", "/"),
            (&access.organisation.name, &format!("/{slug}/")),
            ("Journal d'audit", &format!("/{slug}/journal")),
        ]),
        org: OrgRow::from(&access.organisation),
        events: events.into_iter().map(JournalRow::from).collect(),
        next_before,
    })
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_table() {
        for (n, s) in [
            (0, "0"),
            (999, "999"),
            (1000, "1\u{202f}000"),
            (472573, "472\u{202f}573"),
            (286098, "286\u{202f}098"),
            (-1500, "-1\u{202f}500"),
        ] {
            assert_eq!(thousands(n), s);
        }
    }
}
