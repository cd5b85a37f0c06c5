//! The archive's journal (*journal des événements*): append-only, platform-wide, each entry carrying the
//! hash of the previous one, so that altering, removing or inserting an entry breaks the chain from there.

use sha2::{Digest, Sha256};
use sqlx::Row;
use store::{Db, StoreError, Tx};

/// How an entry's hash is computed, for the people who check a proof or an extract.
pub const VERIFICATION: &str = "content_sha256 = SHA-256 of seq, at (Unix ms), organisation id (empty for the platform), kind, \
     reference, object_sha256 (empty when none) and detail, joined by line feeds (a backslash in a text written \\\\, a line feed \\n); \
     hash = SHA-256 of content_sha256, a line feed and previous_hash (hexadecimal, lower case); the first entry's previous_hash is 64 zeros";

/// The `previous_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened to the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// An object entered the archive (*versement*).
    Deposit,
    /// An object was read (*consultation*).
    Access,
    /// Archives were copied out of the platform (*copie*: an export).
    Copy,
    /// An object left the platform (*élimination*).
    Elimination,
    /// The archives of an organisation were handed back (*restitution*).
    Restitution,
    /// The head of the chain was timestamped (*scellement*).
    Checkpoint,
}

impl EventKind {
    pub fn code(self) -> &'static str {
        match self {
            EventKind::Deposit => "deposit",
            EventKind::Access => "access",
            EventKind::Copy => "copy",
            EventKind::Elimination => "elimination",
            EventKind::Restitution => "restitution",
            EventKind::Checkpoint => "checkpoint",
        }
    }
}

/// An entry to append.
pub struct NewEntry<'a> {
    pub organisation_id: Option<i64>,
    pub kind: EventKind,
    /// What the entry is about (`objet:12`, `versement:ACT-…`).
    pub reference: &'a str,
    pub object_sha256: Option<&'a str>,
    pub detail: &'a str,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Entry {
    pub seq: i64,
    pub at: i64,
    pub organisation_id: Option<i64>,
    pub kind: String,
    pub reference: String,
    pub object_sha256: Option<String>,
    pub detail: String,
    pub previous_hash: String,
    pub hash: String,
}

impl Entry {
    /// The digest of the entry's own content: SHA-256 over its number, instant, organisation, kind,
    /// reference, object digest and detail, each on its own line (a field cannot hold a line feed
    /// unnoticed: it is escaped).
    pub fn content_digest(&self) -> String {
        let field = |text: &str| text.replace('\\', "\\\\").replace('\n', "\\n");
        let content = format!(
            "{}\n{}\n{}\n{}\n{}\n{}\n{}",
            self.seq,
            self.at,
            self.organisation_id.map(|o| o.to_string()).unwrap_or_default(),
            field(&self.kind),
            field(&self.reference),
            self.object_sha256.as_deref().unwrap_or_default(),
            field(&self.detail),
        );
        hex::encode(Sha256::digest(content.as_bytes()))
    }

    /// The hash this entry must carry: SHA-256 of its content digest and the previous hash, on two
    /// lines. An extract can thus prove the chain with other organisations' entries reduced to their
    /// content digest ([`chain_link`]).
    pub fn expected_hash(&self) -> String {
        chain_link(&self.content_digest(), &self.previous_hash)
    }
}

/// The hash of an entry from its content digest and the hash of the entry before it.
pub fn chain_link(content_digest: &str, previous_hash: &str) -> String {
    hex::encode(Sha256::digest(format!("{content_digest}\n{previous_hash}").as_bytes()))
}

/// Appends an entry after the last one, in `tx`; returns it. The head row is updated first: a concurrent
/// writer waits for this transaction and then reads the head it leaves.
pub async fn append(tx: &mut Tx, entry: &NewEntry<'_>, at: i64) -> Result<Entry, StoreError> {
    let head = sqlx::query("UPDATE archive_journal_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash").fetch_one(&mut **tx).await?;
    let (seq, previous_hash): (i64, String) = (head.try_get(0)?, head.try_get(1)?);
    let mut written = Entry {
        seq,
        at,
        organisation_id: entry.organisation_id,
        kind: entry.kind.code().to_string(),
        reference: entry.reference.to_string(),
        object_sha256: entry.object_sha256.map(str::to_string),
        detail: entry.detail.to_string(),
        previous_hash,
        hash: String::new(),
    };
    written.hash = written.expected_hash();
    sqlx::query("UPDATE archive_journal_head SET hash = $1 WHERE id = 1").bind(written.hash.clone()).execute(&mut **tx).await?;
    sqlx::query(
        "INSERT INTO archive_journal (seq, at, organisation_id, kind, reference, object_sha256, detail, previous_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(written.seq)
    .bind(written.at)
    .bind(written.organisation_id)
    .bind(written.kind.clone())
    .bind(written.reference.clone())
    .bind(written.object_sha256.clone())
    .bind(written.detail.clone())
    .bind(written.previous_hash.clone())
    .bind(written.hash.clone())
    .execute(&mut **tx)
    .await?;
    Ok(written)
}

/// Every entry, in order.
pub async fn entries(db: &Db) -> Result<Vec<Entry>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT seq, at, organisation_id, kind, reference, object_sha256, detail, previous_hash, hash FROM archive_journal ORDER BY seq",
    )
    .fetch_all(db.pool())
    .await?)
}

/// The head as recorded: the number and hash of the last entry appended.
pub async fn head(db: &Db) -> Result<(i64, String), StoreError> {
    let row = sqlx::query("SELECT seq, hash FROM archive_journal_head WHERE id = 1").fetch_one(db.pool()).await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// The faults of the recorded head against the last entry: entries removed or rewritten at the end.
pub fn head_faults(entries: &[Entry], head: &(i64, String)) -> Vec<String> {
    let (last_seq, last_hash) = entries.last().map_or((0, GENESIS), |e| (e.seq, e.hash.as_str()));
    if head.0 != last_seq {
        vec![format!(
            "journal : la tête enregistrée est l'entrée {}, le journal s'arrête à l'entrée {last_seq} : entrée(s) supprimée(s) en fin de journal",
            head.0
        )]
    } else if head.1 != last_hash {
        vec![format!("journal : l'entrée {last_seq} ne porte plus l'empreinte enregistrée en tête du journal : réécrite")]
    } else {
        Vec::new()
    }
}

/// The faults of a chain of entries, in French, naming each entry: altered (its hash), removed (a gap in
/// the numbering) or inserted / reordered (the link to the previous entry).
pub fn chain_faults(entries: &[Entry]) -> Vec<String> {
    let mut faults = Vec::new();
    let mut expected_seq = 1;
    let mut previous = GENESIS.to_string();
    for entry in entries {
        if entry.seq > expected_seq {
            faults.push(format!("journal : entrée(s) {} à {} supprimée(s)", expected_seq, entry.seq - 1));
        }
        if entry.hash != entry.expected_hash() {
            faults.push(format!("journal : entrée {} altérée ({} {})", entry.seq, entry.kind, entry.reference));
        } else if entry.previous_hash != previous {
            faults.push(format!("journal : entrée {} mal chaînée à la précédente (entrée insérée, supprimée ou déplacée)", entry.seq));
        }
        previous = entry.hash.clone();
        expected_seq = entry.seq + 1;
    }
    faults
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
        let mut previous = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = Entry {
                    seq,
                    at: 1_000 * seq,
                    organisation_id: Some(7),
                    kind: "deposit".into(),
                    reference: format!("objet:{seq}"),
                    object_sha256: Some(format!("{seq:064}")),
                    detail: "Délibération\nM2021-641".into(),
                    previous_hash: previous.clone(),
                    hash: String::new(),
                };
                e.hash = e.expected_hash();
                previous = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn every_kind_of_tampering_is_named() {
        assert!(chain_faults(&chain(5)).is_empty());
        type Tamper = fn(&mut Vec<Entry>);
        let cases: [(Tamper, &str); 5] = [
            (|c| c[2].detail = "autre chose".into(), "entrée 3 altérée"),
            (|c| c[1].object_sha256 = None, "entrée 2 altérée"),
            (|c| drop(c.remove(2)), "entrée(s) 3 à 3 supprimée(s)"),
            (|c| drop(c.pop()), ""),
            (
                |c| {
                    // An entry forged with a valid hash but not chained to the real one before it.
                    let mut forged = c[3].clone();
                    forged.previous_hash = GENESIS.into();
                    forged.hash = forged.expected_hash();
                    c[3] = forged;
                },
                "entrée 4 mal chaînée",
            ),
        ];
        for (tamper, expected) in cases {
            let mut entries = chain(5);
            tamper(&mut entries);
            let faults = chain_faults(&entries);
            if expected.is_empty() {
                assert!(faults.is_empty(), "the last entry's removal is seen by the head and checkpoints, not by the chain: {faults:?}");
            } else {
                assert!(faults.iter().any(|f| f.contains(expected)), "{expected}: {faults:?}");
            }
        }
    }

    #[test]
    fn the_head_names_entries_removed_or_rewritten_at_the_end() {
        let entries = chain(3);
        let head = (3, entries[2].hash.clone());
        assert!(head_faults(&entries, &head).is_empty());
        assert!(head_faults(&entries[..2], &head)[0].contains("la tête enregistrée est l'entrée 3, le journal s'arrête à l'entrée 2"));
        let mut rewritten = entries.clone();
        rewritten[2].detail = "autre".into();
        rewritten[2].hash = rewritten[2].expected_hash();
        assert!(head_faults(&rewritten, &head)[0].contains("entrée 3 ne porte plus l'empreinte"));
        assert!(head_faults(&[], &(0, GENESIS.to_string())).is_empty());
    }
}
