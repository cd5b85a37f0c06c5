//! Convocations (CGCT L2121-10 to L2121-12): sent to every member in office with the agenda, the
//! explanatory notes where the law asks for them and the documents, no later than the last sending day
//! of the delay (jours francs) unless the urgency procedure is used. Each member gets a personal link —
//! only its SHA-256 is stored — through which they read the documents, annotate them and answer
//! (present, absent, proxy to a named colleague). Sending, delivery and first opening are timestamped.

use crate::AssemblyError;
use crate::rules::convocation::{check_sending, explanatory_note_required};
use crate::service::{self, SittingRecord};
use identity::service::Actor;
use kernel::audit::AuditAction;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;
use store::jobs::{self, NewJob};
use store::tenant::{scoped, scoped_as};
use store::{Db, OrgScope, StoreError, Tx, audit, clock};
use time::Date;

/// Job kind of the delivery of one convocation.
pub const DELIVERY_JOB: &str = "assembly.convocation";

/// The member's answer before the sitting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Present,
    Absent,
    /// Proxy to the member of that id.
    Proxy(i64),
}

/// A convocation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Convocation {
    pub id: i64,
    pub sitting_id: i64,
    pub member_id: i64,
    pub member_name: String,
    /// `email` or `paper`.
    pub channel: String,
    pub email: Option<String>,
    /// Queued for sending (milliseconds).
    pub sent_at: i64,
    pub delivered_at: Option<i64>,
    pub delivery_report: Option<String>,
    pub opened_at: Option<i64>,
    pub answer: Option<Answer>,
    pub answered_at: Option<i64>,
}

impl Convocation {
    /// « Présent(e) », « Absent(e) », « Pouvoir à … » for the agents' table.
    pub fn answer_label(&self, names: &[crate::model::Member]) -> String {
        match &self.answer {
            None => "Pas de réponse".into(),
            Some(Answer::Present) => "Présent(e)".into(),
            Some(Answer::Absent) => "Absent(e)".into(),
            Some(Answer::Proxy(id)) => {
                format!(
                    "Pouvoir à {}",
                    names.iter().find(|m| m.id == *id).map_or("un membre qui n'est plus en exercice", |m| m.name.as_str())
                )
            }
        }
    }
}

/// The SHA-256 of a personal link's token, as stored.
fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    hex::encode(bytes)
}

/// Sends the convocations of a sitting on `today`: refused when the agenda is empty, when an explanatory
/// note the law requires is missing, or when it is too late without the urgency procedure. One
/// transaction: the sending day, a convocation per member in office, a delivery job per e-mail.
pub async fn send(
    db: &Db,
    actor: Actor<'_>,
    scope: OrgScope,
    sitting_id: i64,
    population: Option<u64>,
    today: Date,
) -> Result<usize, AssemblyError> {
    let record =
        service::sitting(db, scope, sitting_id).await?.ok_or_else(|| AssemblyError::NotFound(format!("aucune séance n° {sitting_id}")))?;
    if let Some(sent) = record.sitting.convocation_sent_on {
        return Err(AssemblyError::Conflict(format!("les convocations ont été envoyées le {}", kernel::calendar::format_fr(sent))));
    }
    if record.items.is_empty() {
        return Err(AssemblyError::Invalid("l'ordre du jour est vide : inscrivez au moins un projet avant de convoquer".into()));
    }
    let kind = record.sitting.body.kind;
    if explanatory_note_required(kind, population)
        && let Some(item) = record.items.iter().find(|i| i.explanatory_note.is_none())
    {
        return Err(AssemblyError::Rule(crate::rules::RuleError::new(
            "CGCT L2121-12",
            format!(
                "le projet {} « {} » n'a pas de note explicative de synthèse, qui doit accompagner la convocation",
                item.rank, item.title
            ),
        )));
    }
    check_sending(kind, population, record.sitting.date, today, record.sitting.urgency_reason.as_deref())?;
    if record.members_in_office.is_empty() {
        return Err(AssemblyError::Invalid("aucun membre en exercice à convoquer".into()));
    }
    let mut tx = db.begin().await?;
    sql::mark_sent(&mut tx, scope, sitting_id, &today.to_string()).await?;
    for member in &record.members_in_office {
        let token = new_token();
        let channel = if member.email.is_some() { "email" } else { "paper" };
        let id = sql::insert(&mut tx, scope, sitting_id, member.id, &token_hash(&token), channel, member.email.as_deref()).await?;
        if channel == "email" {
            let job =
                NewJob::new(DELIVERY_JOB, json!({ "organisation_id": scope.organisation_id(), "convocation_id": id, "token": token }))
                    .organisation(scope.organisation_id())
                    .idempotency_key(format!("{DELIVERY_JOB}:{id}"))
                    .max_attempts(8);
            jobs::enqueue(&mut tx, job).await?;
        }
    }
    let target = format!("seance:{sitting_id}");
    let entry = actor.entry(
        Some(scope.organisation_id()),
        AuditAction::ConvocationsSent,
        &target,
        json!({ "members": record.members_in_office.len(), "sent_on": today.to_string() }),
    );
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(record.members_in_office.len())
}

/// The convocations of a sitting, by member name.
pub async fn of_sitting(db: &Db, scope: OrgScope, sitting_id: i64) -> Result<Vec<Convocation>, AssemblyError> {
    sql::of_sitting(db, scope, sitting_id).await
}

/// How a member reaches their convocation: its personal link, or signed in as the member convened.
#[derive(Debug, Clone, Copy)]
pub enum Locator<'a> {
    Token(&'a str),
    Member { sitting_id: i64, member_id: i64 },
}

/// The member's view of their convocation and its sitting; `None` when there is no such convocation.
/// The first visit is timestamped as the first opening.
pub async fn open(db: &Db, scope: OrgScope, locator: Locator<'_>) -> Result<Option<(Convocation, SittingRecord)>, AssemblyError> {
    let found = match locator {
        Locator::Token(token) => sql::by_token(db, scope, &token_hash(token)).await?,
        Locator::Member { sitting_id, member_id } => {
            sql::of_sitting(db, scope, sitting_id).await?.into_iter().find(|c| c.member_id == member_id)
        }
    };
    let Some(convocation) = found else { return Ok(None) };
    if convocation.opened_at.is_none() {
        let mut tx = db.begin().await?;
        sql::mark_opened(&mut tx, scope, convocation.id).await?;
        tx.commit().await?;
    }
    let record = service::sitting(db, scope, convocation.sitting_id).await?.ok_or_else(|| AssemblyError::NotFound("séance".into()))?;
    Ok(Some((convocation, record)))
}

/// Records the member's answer before the sitting; a proxy names a colleague in office, not themself.
pub async fn answer(db: &Db, scope: OrgScope, locator: Locator<'_>, answer: Answer) -> Result<(), AssemblyError> {
    let (convocation, record) = open(db, scope, locator).await?.ok_or_else(|| AssemblyError::NotFound("convocation".into()))?;
    if record.sitting.attendance_recorded {
        return Err(AssemblyError::Conflict("la séance a eu lieu : les présences sont enregistrées".into()));
    }
    if let Answer::Proxy(holder) = answer
        && (holder == convocation.member_id || !record.members_in_office.iter().any(|m| m.id == holder))
    {
        return Err(AssemblyError::Rule(crate::rules::RuleError::new(
            "CGCT L2121-20 al. 1",
            "le pouvoir est donné à un collègue en exercice de son choix, autre que soi-même",
        )));
    }
    let (code, holder) = match answer {
        Answer::Present => ("present", None),
        Answer::Absent => ("absent", None),
        Answer::Proxy(holder) => ("proxy", Some(holder)),
    };
    let mut tx = db.begin().await?;
    sql::set_answer(&mut tx, scope, convocation.id, code, holder).await?;
    tx.commit().await?;
    Ok(())
}

/// A member's private annotation of a document of the sitting, at a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub document: String,
    pub page: i64,
    pub note: String,
}

/// The member's annotations, by document and page.
pub async fn annotations(db: &Db, scope: OrgScope, convocation_id: i64) -> Result<Vec<Annotation>, AssemblyError> {
    sql::annotations(db, scope, convocation_id).await
}

/// Saves (or, with an empty note, removes) the member's note on `document` at `page`.
pub async fn annotate(db: &Db, scope: OrgScope, locator: Locator<'_>, document: &str, page: &str, note: &str) -> Result<(), AssemblyError> {
    let (convocation, record) = open(db, scope, locator).await?.ok_or_else(|| AssemblyError::NotFound("convocation".into()))?;
    if !record.items.iter().any(|i| document == format!("projet-{}", i.rank)) {
        return Err(AssemblyError::Invalid(format!("document inconnu « {document} »")));
    }
    let page: i64 = page
        .trim()
        .parse()
        .ok()
        .filter(|p| *p >= 1)
        .ok_or_else(|| AssemblyError::Invalid(format!("« {} » : un numéro de page est attendu", page.trim())))?;
    if note.chars().count() > 5_000 {
        return Err(AssemblyError::Invalid("une annotation compte 5 000 caractères au plus".into()));
    }
    let mut tx = db.begin().await?;
    sql::save_annotation(&mut tx, scope, convocation.id, document, page, note.trim()).await?;
    tx.commit().await?;
    Ok(())
}

/// Records the delivery of a convocation (by the job that sent it); false when it was already recorded.
pub async fn mark_delivered(db: &Db, scope: OrgScope, convocation_id: i64, report: &str) -> Result<bool, AssemblyError> {
    let mut tx = db.begin().await?;
    let done = sql::mark_delivered(&mut tx, scope, convocation_id, report).await?;
    tx.commit().await?;
    Ok(done)
}

/// A convocation to deliver: the member's, its sitting, and the member's e-mail address.
pub async fn to_deliver(db: &Db, scope: OrgScope, convocation_id: i64) -> Result<Option<(Convocation, SittingRecord)>, AssemblyError> {
    let Some(convocation) = sql::by_id(db, scope, convocation_id).await? else { return Ok(None) };
    let record = service::sitting(db, scope, convocation.sitting_id).await?.ok_or_else(|| AssemblyError::NotFound("séance".into()))?;
    Ok(Some((convocation, record)))
}

mod sql {
    use super::*;

    pub async fn mark_sent(tx: &mut Tx, scope: OrgScope, sitting_id: i64, day: &str) -> Result<(), StoreError> {
        scoped(scope, "UPDATE assembly_sittings SET convocation_sent_on = $3 WHERE organisation_id = $1 AND id = $2")
            .bind(sitting_id)
            .bind(day.to_string())
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    pub async fn insert(
        tx: &mut Tx,
        scope: OrgScope,
        sitting_id: i64,
        member_id: i64,
        hash: &str,
        channel: &str,
        email: Option<&str>,
    ) -> Result<i64, StoreError> {
        Ok(scoped(
            scope,
            "INSERT INTO assembly_convocations (organisation_id, sitting_id, member_id, token_hash, channel, email, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(sitting_id)
        .bind(member_id)
        .bind(hash.to_string())
        .bind(channel.to_string())
        .bind(email.map(str::to_string))
        .bind(clock::now_millis())
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?)
    }

    #[derive(sqlx::FromRow)]
    struct Row_ {
        id: i64,
        sitting_id: i64,
        member_id: i64,
        member_name: String,
        channel: String,
        email: Option<String>,
        created_at: i64,
        delivered_at: Option<i64>,
        delivery_report: Option<String>,
        opened_at: Option<i64>,
        answer: Option<String>,
        answer_holder_id: Option<i64>,
        answered_at: Option<i64>,
    }

    impl From<Row_> for Convocation {
        fn from(r: Row_) -> Self {
            let answer = match (r.answer.as_deref(), r.answer_holder_id) {
                (Some("present"), _) => Some(Answer::Present),
                (Some("absent"), _) => Some(Answer::Absent),
                (Some("proxy"), Some(holder)) => Some(Answer::Proxy(holder)),
                _ => None,
            };
            Convocation {
                id: r.id,
                sitting_id: r.sitting_id,
                member_id: r.member_id,
                member_name: r.member_name,
                channel: r.channel,
                email: r.email,
                sent_at: r.created_at,
                delivered_at: r.delivered_at,
                delivery_report: r.delivery_report,
                opened_at: r.opened_at,
                answer,
                answered_at: r.answered_at,
            }
        }
    }

    /// The columns of a convocation with its member's name, and the join that gives the name.
    macro_rules! select_convocation {
        () => {
            "SELECT c.id, c.sitting_id, c.member_id, m.name AS member_name, c.channel, c.email, c.created_at, c.delivered_at, \
             c.delivery_report, c.opened_at, c.answer, c.answer_holder_id, c.answered_at \
             FROM assembly_convocations c JOIN assembly_members m ON m.id = c.member_id WHERE c.organisation_id = $1 AND "
        };
    }

    pub async fn of_sitting(db: &Db, scope: OrgScope, sitting_id: i64) -> Result<Vec<Convocation>, AssemblyError> {
        let rows: Vec<Row_> = scoped_as(scope, concat!(select_convocation!(), "c.sitting_id = $2 ORDER BY m.name"))
            .bind(sitting_id)
            .fetch_all(db.pool())
            .await?;
        Ok(rows.into_iter().map(Convocation::from).collect())
    }

    pub async fn by_token(db: &Db, scope: OrgScope, hash: &str) -> Result<Option<Convocation>, AssemblyError> {
        let row: Option<Row_> =
            scoped_as(scope, concat!(select_convocation!(), "c.token_hash = $2")).bind(hash.to_string()).fetch_optional(db.pool()).await?;
        Ok(row.map(Convocation::from))
    }

    pub async fn by_id(db: &Db, scope: OrgScope, id: i64) -> Result<Option<Convocation>, AssemblyError> {
        let row: Option<Row_> = scoped_as(scope, concat!(select_convocation!(), "c.id = $2")).bind(id).fetch_optional(db.pool()).await?;
        Ok(row.map(Convocation::from))
    }

    pub async fn mark_opened(tx: &mut Tx, scope: OrgScope, id: i64) -> Result<(), StoreError> {
        scoped(scope, "UPDATE assembly_convocations SET opened_at = $3 WHERE organisation_id = $1 AND id = $2 AND opened_at IS NULL")
            .bind(id)
            .bind(clock::now_millis())
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    pub async fn mark_delivered(tx: &mut Tx, scope: OrgScope, id: i64, report: &str) -> Result<bool, StoreError> {
        let done = scoped(
            scope,
            "UPDATE assembly_convocations SET delivered_at = $3, delivery_report = $4 WHERE organisation_id = $1 AND id = $2 AND delivered_at IS NULL",
        )
        .bind(id)
        .bind(clock::now_millis())
        .bind(report.to_string())
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn set_answer(tx: &mut Tx, scope: OrgScope, id: i64, answer: &str, holder: Option<i64>) -> Result<(), StoreError> {
        scoped(
            scope,
            "UPDATE assembly_convocations SET answer = $3, answer_holder_id = $4, answered_at = $5 WHERE organisation_id = $1 AND id = $2",
        )
        .bind(id)
        .bind(answer.to_string())
        .bind(holder)
        .bind(clock::now_millis())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub async fn annotations(db: &Db, scope: OrgScope, convocation_id: i64) -> Result<Vec<Annotation>, AssemblyError> {
        let rows = scoped(
            scope,
            "SELECT document, page, note FROM assembly_annotations WHERE organisation_id = $1 AND convocation_id = $2 ORDER BY document, page",
        )
        .bind(convocation_id)
        .fetch_all(db.pool())
        .await?;
        rows.iter()
            .map(|r| Ok(Annotation { document: r.try_get(0)?, page: r.try_get(1)?, note: r.try_get(2)? }))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(AssemblyError::from)
    }

    /// Saves a note at a page (replacing the previous one there), or removes it when empty.
    pub async fn save_annotation(
        tx: &mut Tx,
        scope: OrgScope,
        convocation_id: i64,
        document: &str,
        page: i64,
        note: &str,
    ) -> Result<(), StoreError> {
        scoped(
            scope,
            "DELETE FROM assembly_annotations WHERE organisation_id = $1 AND convocation_id = $2 AND document = $3 AND page = $4",
        )
        .bind(convocation_id)
        .bind(document.to_string())
        .bind(page)
        .execute(&mut **tx)
        .await?;
        if !note.is_empty() {
            scoped(
                scope,
                "INSERT INTO assembly_annotations (organisation_id, convocation_id, document, page, note, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(convocation_id)
            .bind(document.to_string())
            .bind(page)
            .bind(note.to_string())
            .bind(clock::now_millis())
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

/// The subject and text of a convocation e-mail: the sitting, its agenda, the personal link, the delay.
pub fn message_text(organisation: &str, record: &SittingRecord, convocation: &Convocation, link: &str) -> (String, String) {
    use kernel::calendar::format_long_fr;
    let sitting = &record.sitting;
    let day = format_long_fr(sitting.date);
    let subject = format!("Convocation — {} du {day}", sitting.body.name);
    let mut text = format!(
        "{},\n\nVous êtes convoqué(e) à la séance {} du {} de {organisation} qui se tiendra le {day}{}, {}{}, sous la présidence de {}.\n",
        convocation.member_name,
        sitting.kind.label(),
        sitting.body.name,
        sitting.time.as_deref().map(|t| format!(" à {t}")).unwrap_or_default(),
        sitting.mode.label(),
        if sitting.mode == crate::model::Mode::Videoconference { String::new() } else { format!(" ({})", sitting.place) },
        sitting.president,
    );
    if let Some(reason) = &sitting.urgency_reason {
        text.push_str(&format!(
            "\nCette séance est convoquée en urgence : {reason}. Le conseil se prononcera sur l'urgence à l'ouverture de la séance.\n"
        ));
    }
    text.push_str("\nOrdre du jour :\n");
    for item in &record.items {
        text.push_str(&format!("{}. {} (rapporteur : {})\n", item.rank, item.title, item.rapporteur));
    }
    text.push_str(&format!(
        "\nLes projets de délibération{} sont à votre disposition sur votre espace personnel, où vous pouvez les annoter et indiquer si vous serez présent(e), absent(e) ou si vous donnez pouvoir à un collègue :\n{link}\n\nCe lien vous est personnel : ne le transmettez pas.\n\nL'invitation jointe (invitation.ics) ajoute la séance à votre agenda.\n",
        if record.items.iter().any(|i| i.explanatory_note.is_some()) { " et les notes explicatives de synthèse" } else { "" }
    ));
    (subject, text)
}

/// How convocations leave the platform (the mail crate's transport, sender and public address).
pub use mail::Mailer;

/// Delivers one convocation (the job of [`DELIVERY_JOB`]): the e-mail with the agenda, the personal link
/// and the iCalendar invitation; then its delivery is timestamped. Delivering twice sends once.
pub async fn deliver(db: &Db, mailer: &Mailer, payload: &serde_json::Value) -> Result<(), String> {
    let field = |name: &str| payload.get(name).ok_or_else(|| format!("tâche sans « {name} »"));
    let organisation_id = field("organisation_id")?.as_i64().ok_or("organisation_id invalide")?;
    let convocation_id = field("convocation_id")?.as_i64().ok_or("convocation_id invalide")?;
    let token = field("token")?.as_str().ok_or("token invalide")?;
    let scope = OrgScope::granted(organisation_id);
    let organisation = identity::service::organisation_by_id(db, organisation_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("organisation {organisation_id} inconnue"))?;
    let Some((convocation, record)) = to_deliver(db, scope, convocation_id).await.map_err(|e| e.to_string())? else {
        return Err(format!("convocation {convocation_id} inconnue"));
    };
    if convocation.delivered_at.is_some() {
        return Ok(());
    }
    let address = convocation.email.clone().ok_or_else(|| format!("convocation {convocation_id} sans adresse électronique"))?;
    let link = format!("{}/{}/convocations/{token}", mailer.public_url.trim_end_matches('/'), organisation.slug);
    let (subject, text) = message_text(&organisation.name, &record, &convocation, &link);
    let sitting = &record.sitting;
    let start_time = sitting.time.as_deref().and_then(|t| time::Time::parse(t, time::macros::format_description!("[hour]:[minute]")).ok());
    let start = time::PrimitiveDateTime::new(sitting.date, start_time.unwrap_or(time::macros::time!(09:00)));
    let event = mail::ics::Event {
        uid: format!("seance-{}-membre-{}@{}", sitting.id, convocation.member_id, organisation.slug),
        stamp: time::OffsetDateTime::now_utc(),
        start,
        end: start + time::Duration::hours(3),
        summary: subject.clone(),
        location: if sitting.mode == crate::model::Mode::Videoconference { "Visioconférence".into() } else { sitting.place.clone() },
        description: text.clone(),
        url: Some(link.clone()),
        organizer: (organisation.name.clone(), mailer.sender.address().to_string()),
        attendee: (convocation.member_name.clone(), address.clone()),
        sequence: 0,
    };
    let to = mail::Mailbox::new(&convocation.member_name, &address).map_err(|e| e.to_string())?;
    let email = mail::Message::new(mailer.sender.clone(), to, subject, time::OffsetDateTime::now_utc())
        .body(text)
        .message_id(format!("convocation-{convocation_id}"))
        .invitation(mail::ics::calendar(&event))
        .build()
        .map_err(|e| e.to_string())?;
    let delivery = mailer.transport.deliver(mailer.sender.address(), &address, &email.bytes).await.map_err(|e| e.to_string())?;
    let report = match delivery {
        mail::Delivery::Written(path) => format!("déposé dans {}", path.display()),
        mail::Delivery::Accepted { response } => format!("accepté par le serveur : {response}"),
    };
    mark_delivered(db, scope, convocation_id, &report).await.map_err(|e| e.to_string())?;
    Ok(())
}
