//! `communs archive`: the integrity check of the whole archive, the import of another system's transfers,
//! exports, restitution to an organisation and the destruction of the platform's copies, and the
//! designation of the archive service's archivists.

use crate::config::Config;
use anyhow::Context;
use std::path::PathBuf;
use store::blobs::BlobStore;
use store::{Db, OrgScope};
use time::OffsetDateTime;

/// Who acts from the command line, as journals and certificates name them.
const CLI_ACTOR: &str = "équipe de la plateforme (ligne de commande)";

#[derive(Debug, clap::Subcommand)]
pub enum ArchiveCommand {
    /// Re-hash every archived object and the whole journal; name each object or entry altered, removed or
    /// inserted, and exit with a non-zero code if there is any.
    Verify,
    /// Import a SEDA 2.2 transfer of another system (the files it references beside it), each file checked
    /// against its digest.
    Import {
        /// Slug of the transferring organisation.
        #[arg(long)]
        org: String,
        /// deliberation, act or accounting_flow (sets the retention rule).
        #[arg(long)]
        category: String,
        /// The ArchiveTransfer XML file.
        transfer: PathBuf,
    },
    /// Write into OUT the SEDA 2.2 transfers of an organisation and the objects they reference.
    Export {
        /// Slug of the organisation.
        #[arg(long)]
        org: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Hand an organisation's archives back: its SEDA 2.2 packages, the journal extract that proves their
    /// integrity (journal.json, timestamp tokens, ca.pem) and a manifest, written into OUT.
    Restitute {
        #[arg(long)]
        org: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// After a restitution, destroy the platform's copies on the organisation's instruction, and write the
    /// certificate of destruction (PDF) to CERTIFICATE.
    Destroy {
        #[arg(long)]
        org: String,
        /// The restitution's number (REST-n: n), as `restitute` printed it.
        #[arg(long)]
        restitution: i64,
        /// The organisation's instruction (its letter or deliberation) that asks for the destruction.
        #[arg(long)]
        instruction: String,
        #[arg(long)]
        certificate: PathBuf,
    },
    /// Designate an account as an archivist of the archive service (decides on eliminations).
    Archivist {
        #[arg(long)]
        email: String,
    },
}

async fn open(config: &Config) -> anyhow::Result<(Db, BlobStore)> {
    let db = crate::server::open_database(config).await?;
    let blobs = BlobStore::open(config.blob_config()).await.context("stockage des documents")?;
    Ok((db, blobs))
}

async fn organisation(db: &Db, slug: &str) -> anyhow::Result<OrgScope> {
    let organisation =
        identity::service::organisation_by_slug(db, slug).await?.with_context(|| format!("aucune organisation « {slug} »"))?;
    Ok(OrgScope::granted(organisation.id))
}

pub async fn run(command: ArchiveCommand, config: &Config) -> anyhow::Result<()> {
    let (db, blobs) = open(config).await?;
    let now = OffsetDateTime::now_utc();
    match command {
        ArchiveCommand::Verify => {
            let report = archive::verify::verify(&db, &blobs).await?;
            println!("{} objet(s) ({} octets) et {} entrée(s) du journal vérifiés", report.objects, report.bytes, report.entries);
            for fault in &report.faults {
                println!("ANOMALIE : {fault}");
            }
            if !report.is_intact() {
                anyhow::bail!("{} anomalie(s) dans l'archive", report.faults.len());
            }
            println!("archive intègre");
        }
        ArchiveCommand::Import { org, category, transfer } => {
            let scope = organisation(&db, &org).await?;
            let category = archive::Category::parse(&category)
                .with_context(|| format!("catégorie « {category} » inconnue : deliberation, act ou accounting_flow"))?;
            let transferring = archive::sources::transferring(&db, scope).await?;
            let deposited = archive::import::import(&db, &blobs, transferring, category, &transfer, now).await?;
            println!("versement {} {}", deposited.identifier, if deposited.new { "archivé" } else { "déjà archivé : rien n'a changé" });
        }
        ArchiveCommand::Export { org, out } => {
            let scope = organisation(&db, &org).await?;
            let exported = archive::export::write(&db, &blobs, scope, &out, CLI_ACTOR).await?;
            println!("{} versement(s) et {} objet(s) écrits dans {}", exported.transfers, exported.objects, out.display());
        }
        ArchiveCommand::Restitute { org, out } => {
            let scope = organisation(&db, &org).await?;
            let done = archive::restitution::export(&db, &blobs, scope, &out, CLI_ACTOR, now).await?;
            println!(
                "restitution REST-{} : {} versement(s), {} objet(s) et l'extrait du journal écrits dans {} (manifeste restitution.json, SHA-256 {})",
                done.id,
                done.transfers,
                done.objects,
                out.display(),
                done.manifest_sha256
            );
            println!(
                "pour détruire les copies de la plateforme sur instruction : communs archive destroy --org {org} --restitution {} …",
                done.id
            );
        }
        ArchiveCommand::Destroy { org, restitution, instruction, certificate } => {
            let scope = organisation(&db, &org).await?;
            let pdf = archive::restitution::destroy(&db, &blobs, scope, restitution, &instruction, CLI_ACTOR, now).await?;
            std::fs::write(&certificate, pdf).with_context(|| format!("écriture de {}", certificate.display()))?;
            println!("copies détruites ; certificat de destruction écrit dans {}", certificate.display());
        }
        ArchiveCommand::Archivist { email } => {
            let user = identity::service::user_by_email(&db, &email).await?.with_context(|| format!("aucun compte actif pour {email}"))?;
            archive::archivists::designate(&db, user.id).await?;
            println!("{} est archiviste du service d'archives : il décide des éliminations sur /archives/eliminations", user.email);
        }
    }
    Ok(())
}
