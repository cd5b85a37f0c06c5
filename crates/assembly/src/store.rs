//! SQL of the assembly slice. Every row is the data of the organisation whose body it is, read and
//! written through `store::tenant`.

use sqlx::Row;
use store::tenant::{scoped, scoped_as};
use store::{Db, OrgScope, StoreError, Tx, clock};

#[derive(sqlx::FromRow)]
pub struct BodyRow {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub numbering: String,
}

pub async fn insert_body(tx: &mut Tx, scope: OrgScope, kind: &str, name: &str, numbering: &str) -> Result<i64, StoreError> {
    Ok(scoped(
        scope,
        "INSERT INTO assembly_bodies (organisation_id, kind, name, numbering, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(kind.to_string())
    .bind(name.to_string())
    .bind(numbering.to_string())
    .bind(clock::now_millis())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?)
}

pub async fn bodies(db: &Db, scope: OrgScope) -> Result<Vec<BodyRow>, StoreError> {
    Ok(scoped_as(scope, "SELECT id, kind, name, numbering FROM assembly_bodies WHERE organisation_id = $1 ORDER BY id")
        .fetch_all(db.pool())
        .await?)
}

/// A member to write.
pub struct MemberRecord<'a> {
    pub body_id: i64,
    pub name: &'a str,
    pub political_group: Option<&'a str>,
    pub substitute: Option<&'a str>,
    pub postal_address: Option<&'a str>,
    pub email: Option<&'a str>,
    pub mandate_start: &'a str,
    pub mandate_end: Option<&'a str>,
}

pub async fn insert_member(tx: &mut Tx, scope: OrgScope, m: &MemberRecord<'_>) -> Result<i64, StoreError> {
    Ok(scoped(
        scope,
        "INSERT INTO assembly_members (organisation_id, body_id, name, political_group, substitute, postal_address, email, mandate_start, \
         mandate_end, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(m.body_id)
    .bind(m.name.to_string())
    .bind(m.political_group.map(str::to_string))
    .bind(m.substitute.map(str::to_string))
    .bind(m.postal_address.map(str::to_string))
    .bind(m.email.map(str::to_string))
    .bind(m.mandate_start.to_string())
    .bind(m.mandate_end.map(str::to_string))
    .bind(clock::now_millis())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?)
}

#[derive(sqlx::FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub body_id: i64,
    pub name: String,
    pub political_group: Option<String>,
    pub substitute: Option<String>,
    pub email: Option<String>,
    pub postal_address: Option<String>,
    pub mandate_start: String,
    pub mandate_end: Option<String>,
}

pub async fn members(db: &Db, scope: OrgScope) -> Result<Vec<MemberRow>, StoreError> {
    Ok(scoped_as(
        scope,
        "SELECT id, body_id, name, political_group, substitute, email, postal_address, mandate_start, mandate_end \
         FROM assembly_members WHERE organisation_id = $1 ORDER BY body_id, name",
    )
    .fetch_all(db.pool())
    .await?)
}

/// A sitting to write.
pub struct SittingRecord<'a> {
    pub body_id: i64,
    pub date: &'a str,
    pub time: Option<&'a str>,
    pub kind: &'a str,
    pub mode: &'a str,
    pub place: &'a str,
    pub president: &'a str,
    pub secretary: Option<&'a str>,
    pub urgency_reason: Option<&'a str>,
    pub convocation_sent_on: Option<&'a str>,
    pub holders_known: bool,
    /// The sitting whose quorum failed, for a second convocation (CGCT L2121-17 al. 2).
    pub second_convocation_of: Option<i64>,
}

pub async fn insert_sitting(tx: &mut Tx, scope: OrgScope, s: &SittingRecord<'_>) -> Result<i64, StoreError> {
    Ok(scoped(
        scope,
        "INSERT INTO assembly_sittings (organisation_id, body_id, sitting_date, sitting_time, kind, mode, place, president, secretary, \
         urgency_reason, convocation_sent_on, holders_known, second_convocation_of, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(s.body_id)
    .bind(s.date.to_string())
    .bind(s.time.map(str::to_string))
    .bind(s.kind.to_string())
    .bind(s.mode.to_string())
    .bind(s.place.to_string())
    .bind(s.president.to_string())
    .bind(s.secretary.map(str::to_string))
    .bind(s.urgency_reason.map(str::to_string))
    .bind(s.convocation_sent_on.map(str::to_string))
    .bind(i64::from(s.holders_known))
    .bind(s.second_convocation_of)
    .bind(clock::now_millis())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?)
}

#[derive(sqlx::FromRow)]
pub struct SittingRow {
    pub id: i64,
    pub body_id: i64,
    pub sitting_date: String,
    pub sitting_time: Option<String>,
    pub kind: String,
    pub mode: String,
    pub place: String,
    pub president: String,
    pub secretary: Option<String>,
    pub urgency_reason: Option<String>,
    pub convocation_sent_on: Option<String>,
    pub second_convocation_of: Option<i64>,
    pub holders_known: i64,
    pub attendance_recorded: i64,
}

/// The organisation's sittings, latest first.
pub async fn sittings(db: &Db, scope: OrgScope) -> Result<Vec<SittingRow>, StoreError> {
    Ok(scoped_as(
        scope,
        "SELECT id, body_id, sitting_date, sitting_time, kind, mode, place, president, secretary, urgency_reason, convocation_sent_on, \
         second_convocation_of, holders_known, attendance_recorded FROM assembly_sittings WHERE organisation_id = $1 ORDER BY sitting_date DESC, id DESC",
    )
    .fetch_all(db.pool())
    .await?)
}

/// Records a member's attendance at a sitting.
pub async fn insert_attendance(
    tx: &mut Tx,
    scope: OrgScope,
    sitting_id: i64,
    member_id: i64,
    status: &str,
    holder_id: Option<i64>,
) -> Result<(), StoreError> {
    scoped(
        scope,
        "INSERT INTO assembly_attendance (organisation_id, sitting_id, member_id, status, proxy_holder_id) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(sitting_id)
    .bind(member_id)
    .bind(status.to_string())
    .bind(holder_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks a sitting's attendance as recorded.
pub async fn mark_attendance_recorded(tx: &mut Tx, scope: OrgScope, sitting_id: i64) -> Result<(), StoreError> {
    scoped(scope, "UPDATE assembly_sittings SET attendance_recorded = 1 WHERE organisation_id = $1 AND id = $2")
        .bind(sitting_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct AttendanceRow {
    pub member_id: i64,
    pub name: String,
    pub status: String,
    pub holder: Option<String>,
}

/// The attendance of a sitting, in the order it was recorded.
pub async fn attendance(db: &Db, scope: OrgScope, sitting_id: i64) -> Result<Vec<AttendanceRow>, StoreError> {
    Ok(scoped_as(
        scope,
        "SELECT a.member_id, m.name, a.status, h.name AS holder FROM assembly_attendance a \
         JOIN assembly_members m ON m.id = a.member_id LEFT JOIN assembly_members h ON h.id = a.proxy_holder_id \
         WHERE a.organisation_id = $1 AND a.sitting_id = $2 ORDER BY a.id",
    )
    .bind(sitting_id)
    .fetch_all(db.pool())
    .await?)
}

/// An agenda item to write, with its vote and register data when imported from a past sitting.
pub struct ItemRecord<'a> {
    pub sitting_id: i64,
    pub rank: i64,
    pub title: &'a str,
    pub theme: Option<&'a str>,
    pub matiere: Option<&'a str>,
    pub rapporteur: &'a str,
    pub rapporteur_title: Option<&'a str>,
    pub draft_text: &'a str,
    pub explanatory_note: Option<&'a str>,
    pub decision: &'a str,
}

pub async fn insert_item(tx: &mut Tx, scope: OrgScope, i: &ItemRecord<'_>) -> Result<i64, StoreError> {
    Ok(scoped(
        scope,
        "INSERT INTO assembly_items (organisation_id, sitting_id, rank, title, theme, matiere, rapporteur, rapporteur_title, draft_text, \
         explanatory_note, decision, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(i.sitting_id)
    .bind(i.rank)
    .bind(i.title.to_string())
    .bind(i.theme.map(str::to_string))
    .bind(i.matiere.map(str::to_string))
    .bind(i.rapporteur.to_string())
    .bind(i.rapporteur_title.map(str::to_string))
    .bind(i.draft_text.to_string())
    .bind(i.explanatory_note.map(str::to_string))
    .bind(i.decision.to_string())
    .bind(clock::now_millis())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?)
}

/// A vote to write on an item, which becomes the deliberation `number`.
pub struct VoteRecord<'a> {
    pub item_id: i64,
    pub number: &'a str,
    pub seq: Option<i64>,
    pub ballot: &'a str,
    pub tally: [i64; 4],
    pub adopted: bool,
    pub vote_names: Option<&'a str>,
}

/// Records the vote of an item; false when it was already voted.
pub async fn record_vote(tx: &mut Tx, scope: OrgScope, v: &VoteRecord<'_>) -> Result<bool, StoreError> {
    let done = scoped(
        scope,
        "UPDATE assembly_items SET number = $3, seq = $4, ballot = $5, votes_for = $6, votes_against = $7, votes_abstention = $8, \
         votes_not_voting = $9, adopted = $10, vote_names = $11 WHERE organisation_id = $1 AND id = $2 AND number IS NULL",
    )
    .bind(v.item_id)
    .bind(v.number.to_string())
    .bind(v.seq)
    .bind(v.ballot.to_string())
    .bind(v.tally[0])
    .bind(v.tally[1])
    .bind(v.tally[2])
    .bind(v.tally[3])
    .bind(i64::from(v.adopted))
    .bind(v.vote_names.map(str::to_string))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The register data of a deliberation, to write.
pub struct RegisterRecord<'a> {
    pub item_id: i64,
    pub signed_at: Option<&'a str>,
    pub signed_on: Option<String>,
    pub signatory: Option<&'a str>,
    pub signatory_title: Option<&'a str>,
    pub published_on: Option<String>,
    pub actes_id: Option<&'a str>,
    pub prefecture_received_on: Option<String>,
}

pub async fn record_register(tx: &mut Tx, scope: OrgScope, r: RegisterRecord<'_>) -> Result<(), StoreError> {
    scoped(
        scope,
        "UPDATE assembly_items SET signed_at = $3, signed_on = $4, signatory = $5, signatory_title = $6, published_on = $7, actes_id = $8, \
         prefecture_received_on = $9 WHERE organisation_id = $1 AND id = $2",
    )
    .bind(r.item_id)
    .bind(r.signed_at.map(str::to_string))
    .bind(r.signed_on)
    .bind(r.signatory.map(str::to_string))
    .bind(r.signatory_title.map(str::to_string))
    .bind(r.published_on)
    .bind(r.actes_id.map(str::to_string))
    .bind(r.prefecture_received_on)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct ItemRow {
    pub id: i64,
    pub sitting_id: i64,
    pub rank: i64,
    pub title: String,
    pub theme: Option<String>,
    pub matiere: Option<String>,
    pub rapporteur: String,
    pub rapporteur_title: Option<String>,
    pub draft_text: String,
    pub explanatory_note: Option<String>,
    pub decision: String,
    pub number: Option<String>,
    pub ballot: Option<String>,
    pub votes_for: Option<i64>,
    pub votes_against: Option<i64>,
    pub votes_abstention: Option<i64>,
    pub votes_not_voting: Option<i64>,
    pub adopted: Option<i64>,
    pub vote_names: Option<String>,
    pub signed_at: Option<String>,
    pub signed_on: Option<String>,
    pub signatory: Option<String>,
    pub signatory_title: Option<String>,
    pub published_on: Option<String>,
    pub actes_id: Option<String>,
    pub prefecture_received_on: Option<String>,
}

/// The agenda of a sitting, by rank.
pub async fn items(db: &Db, scope: OrgScope, sitting_id: i64) -> Result<Vec<ItemRow>, StoreError> {
    Ok(scoped_as(
        scope,
        "SELECT id, sitting_id, rank, title, theme, matiere, rapporteur, rapporteur_title, draft_text, explanatory_note, decision, number, \
         ballot, votes_for, votes_against, votes_abstention, votes_not_voting, adopted, vote_names, signed_at, signed_on, signatory, \
         signatory_title, published_on, actes_id, prefecture_received_on FROM assembly_items WHERE organisation_id = $1 AND sitting_id = $2 ORDER BY rank",
    )
    .bind(sitting_id)
    .fetch_all(db.pool())
    .await?)
}

/// The deliberation numbered `number`, in a transaction.
pub async fn item_by_number(tx: &mut Tx, scope: OrgScope, number: &str) -> Result<Option<ItemRow>, StoreError> {
    Ok(scoped_as(
        scope,
        "SELECT id, sitting_id, rank, title, theme, matiere, rapporteur, rapporteur_title, draft_text, explanatory_note, decision, number, \
         ballot, votes_for, votes_against, votes_abstention, votes_not_voting, adopted, vote_names, signed_at, signed_on, signatory, \
         signatory_title, published_on, actes_id, prefecture_received_on FROM assembly_items WHERE organisation_id = $1 AND number = $2",
    )
    .bind(number.to_string())
    .fetch_optional(&mut **tx)
    .await?)
}

/// The sitting of the deliberation numbered `number`, if any.
pub async fn sitting_of_number(db: &Db, scope: OrgScope, number: &str) -> Result<Option<i64>, StoreError> {
    let row = scoped(scope, "SELECT sitting_id FROM assembly_items WHERE organisation_id = $1 AND number = $2")
        .bind(number.to_string())
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// The highest `{seq}` of a body's deliberations in a year (0 when none).
pub async fn last_seq(tx: &mut Tx, scope: OrgScope, body_id: i64, year: i64) -> Result<i64, StoreError> {
    Ok(scoped(
        scope,
        "SELECT COALESCE(MAX(i.seq), 0) FROM assembly_items i JOIN assembly_sittings s ON s.id = i.sitting_id \
         WHERE i.organisation_id = $1 AND s.body_id = $2 AND s.sitting_date >= $3 AND s.sitting_date <= $4",
    )
    .bind(body_id)
    .bind(format!("{year}-01-01"))
    .bind(format!("{year}-12-31"))
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?)
}

/// Removes the attendance of a sitting, before it is recorded again.
pub async fn clear_attendance(tx: &mut Tx, scope: OrgScope, sitting_id: i64) -> Result<(), StoreError> {
    scoped(scope, "DELETE FROM assembly_attendance WHERE organisation_id = $1 AND sitting_id = $2")
        .bind(sitting_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Ends a member's mandate on `last_day`.
pub async fn end_mandate(tx: &mut Tx, scope: OrgScope, member_id: i64, last_day: &str) -> Result<(), StoreError> {
    scoped(scope, "UPDATE assembly_members SET mandate_end = $3 WHERE organisation_id = $1 AND id = $2")
        .bind(member_id)
        .bind(last_day.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct MovementRow {
    pub member_id: i64,
    pub name: String,
    pub from_rank: i64,
    pub movement: String,
    pub holder: Option<String>,
}

/// The arrivals and departures of a sitting, in the order they happened.
pub async fn movements(db: &Db, scope: OrgScope, sitting_id: i64) -> Result<Vec<MovementRow>, StoreError> {
    Ok(scoped_as(
        scope,
        "SELECT v.member_id, m.name, v.from_rank, v.movement, h.name AS holder FROM assembly_movements v \
         JOIN assembly_members m ON m.id = v.member_id LEFT JOIN assembly_members h ON h.id = v.proxy_holder_id \
         WHERE v.organisation_id = $1 AND v.sitting_id = $2 ORDER BY v.from_rank, v.id",
    )
    .bind(sitting_id)
    .fetch_all(db.pool())
    .await?)
}

pub async fn insert_movement(
    tx: &mut Tx,
    scope: OrgScope,
    sitting_id: i64,
    member_id: i64,
    from_rank: i64,
    movement: &str,
    holder_id: Option<i64>,
) -> Result<(), StoreError> {
    scoped(
        scope,
        "INSERT INTO assembly_movements (organisation_id, sitting_id, member_id, from_rank, movement, proxy_holder_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(sitting_id)
    .bind(member_id)
    .bind(from_rank)
    .bind(movement.to_string())
    .bind(holder_id)
    .bind(clock::now_millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
