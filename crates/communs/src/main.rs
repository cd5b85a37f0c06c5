//! `communs`: the command line of the platform.

use anyhow::Context;
use clap::{Parser, Subcommand};
use communs::config::{Config, ConfigArgs};
use communs::{demo, server};
use identity::service::Actor;
use kernel::Role;
use std::path::PathBuf;
use std::process::ExitCode;
use store::{Backend, OrgScope};

#[derive(Parser)]
#[command(name = "communs", version, about = "Services numériques mutualisés d'une métropole et de ses communes")]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the platform over HTTP (migrations are applied first).
    Serve {
        /// Listening address, e.g. 127.0.0.1:8080.
        #[arg(long)]
        addr: Option<String>,
        /// Load the demo data set if the database is empty, and print the demo accounts.
        #[arg(long)]
        demo: bool,
    },
    /// Apply the database migrations and exit.
    Migrate,
    /// Load the demo data set into an empty database.
    Demo,
    /// Administration of accounts and organisations.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Titres de recette of the convention: issue them, export them as PES V2.
    Invoices {
        #[command(subcommand)]
        command: communs::invoices::InvoicesCommand,
    },
    /// Cost-sharing tables of annexe 2 (CSV, JSON or HTML on standard output).
    Tariffs(communs::tariffs::TariffsArgs),
    /// Acts: export one with its @ctes messages, signatures and status.
    Acts {
        #[command(subcommand)]
        command: ActsCommand,
    },
    /// Probative archive: check its integrity, export an organisation's archives.
    Archive {
        #[command(subcommand)]
        command: communs::archive_cli::ArchiveCommand,
    },
    /// Serve a simulated prefecture (@ctes legality control) for tests and demonstrations.
    PrefectureSim {
        /// Listening address, e.g. 127.0.0.1:9400.
        #[arg(long, default_value = "127.0.0.1:9400")]
        addr: String,
        /// Folder of its transactions; `prefecture-sim` of the data folder when absent.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Write a consistent snapshot of the SQLite database while the platform runs.
    Backup {
        /// File to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ActsCommand {
    /// Write into OUT every @ctes XML message exchanged for the act, its signed PDF, ca.pem (the
    /// certificates that validate its signatures and timestamps) and status.json.
    Export {
        /// Slug of the organisation.
        #[arg(long)]
        org: String,
        /// Register number (e.g. M2021-641) or internal @ctes number of the act.
        #[arg(long)]
        number: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account, optionally with a role in an organisation.
    CreateUser {
        #[arg(long)]
        email: String,
        /// Name shown in the platform.
        #[arg(long)]
        name: String,
        /// Password (12 characters at least).
        #[arg(long, env = "COMMUNS_NEW_USER_PASSWORD", hide_env_values = true)]
        password: String,
        /// Slug of the organisation in which to grant `--role`.
        #[arg(long, requires = "role")]
        org: Option<String>,
        /// org_admin, agent or elected.
        #[arg(long, requires = "org")]
        role: Option<String>,
        /// Platform administrator (the Métropole's IT team).
        #[arg(long)]
        platform_admin: bool,
    },
    /// Import organisations from a CSV file (columns of data/organisations.csv); all or nothing.
    ImportOrganisations { file: PathBuf },
    /// Import the catalogue of applications and convention periods (TOML, as data/convention.toml).
    ImportCatalogue { file: PathBuf },
    /// Import past sittings from their register extracts (TOML, as data/sittings/*.toml), in date order.
    ImportSittings { files: Vec<PathBuf> },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(&cli.config) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("erreur : configuration invalide : {error}");
            return ExitCode::from(2);
        }
    };
    server::init_logging(config.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.downcast_ref::<communs::tariffs::BadInput>().is_some() => {
            eprintln!("erreur : {error}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("erreur : {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, mut config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { addr, demo } => {
            if let Some(addr) = addr {
                config.addr = addr;
            }
            let db = server::open_database(&config).await?;
            if demo {
                match demo::load(&db, &config).await {
                    Ok(()) => println!("Données de démonstration chargées."),
                    Err(demo::DemoError::NotEmpty) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            let state = server::app_state(&config, db).await?;
            server::serve(&config, state, demo.then(demo::accounts_notice)).await
        }
        Command::Migrate => {
            server::open_database(&config).await?;
            println!("Base de données à jour.");
            Ok(())
        }
        Command::Demo => {
            let db = server::open_database(&config).await?;
            demo::load(&db, &config).await?;
            println!("Données de démonstration chargées.\n{}", demo::accounts_notice());
            Ok(())
        }
        Command::Admin { command } => admin(command, &config).await,
        Command::Invoices { command } => {
            print!("{}", communs::invoices::run(&command, &config).await?);
            Ok(())
        }
        Command::Tariffs(args) => {
            let output = communs::tariffs::run(&args, &config).await?;
            print!("{output}");
            Ok(())
        }
        Command::Acts { command: ActsCommand::Export { org, number, out } } => {
            let db = server::open_database(&config).await?;
            let organisation =
                identity::service::organisation_by_slug(&db, &org).await?.with_context(|| format!("aucune organisation « {org} »"))?;
            let blobs = store::blobs::BlobStore::open(config.blob_config()).await.context("stockage des documents")?;
            let exported = acts::export::write(&db, &blobs, OrgScope::granted(organisation.id), &number, &out).await?;
            println!("{} fichier(s) écrit(s) dans {} : {}", exported.files.len(), out.display(), exported.files.join(", "));
            Ok(())
        }
        Command::Archive { command } => communs::archive_cli::run(command, &config).await,
        Command::PrefectureSim { addr, dir } => {
            let dir = dir.unwrap_or_else(|| config.prefecture_simulator_dir());
            let listener = tokio::net::TcpListener::bind(&addr).await.with_context(|| format!("impossible d'écouter sur {addr}"))?;
            println!("Préfecture simulée sur http://{}/ (transactions dans {})", listener.local_addr()?, dir.display());
            acts::simulator::http::serve(listener, dir).await?;
            Ok(())
        }
        Command::Backup { out } => {
            let db = server::open_database(&config).await?;
            if db.backend() == Backend::Postgres {
                anyhow::bail!(
                    "la sauvegarde intégrée concerne SQLite ; pour PostgreSQL, utilisez pg_dump (par exemple : pg_dump --format=custom --file=communs.dump \"$COMMUNS_DATABASE_URL\")"
                );
            }
            if out.exists() {
                anyhow::bail!("{} existe déjà : choisissez un autre fichier", out.display());
            }
            db.backup_sqlite(&out).await.with_context(|| format!("sauvegarde vers {}", out.display()))?;
            println!("Sauvegarde cohérente écrite dans {}", out.display());
            Ok(())
        }
    }
}

async fn admin(command: AdminCommand, config: &Config) -> anyhow::Result<()> {
    let db = server::open_database(config).await?;
    match command {
        AdminCommand::CreateUser { email, name, password, org, role, platform_admin } => {
            let grant = match (org, role) {
                (Some(slug), Some(role)) => {
                    let role: Role = role.parse().map_err(anyhow::Error::msg)?;
                    let organisation = identity::service::organisation_by_slug(&db, &slug)
                        .await?
                        .with_context(|| format!("aucune organisation « {slug} »"))?;
                    Some((OrgScope::granted(organisation.id), role))
                }
                _ => None,
            };
            identity::service::create_account(&db, &email, &name, &password, platform_admin, grant).await?;
            println!("Compte créé : {}", email.trim().to_lowercase());
            Ok(())
        }
        AdminCommand::ImportOrganisations { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("lecture de {}", file.display()))?;
            let count = identity::import::import_organisations(&db, Actor::cli(), &text)
                .await
                .with_context(|| format!("{} refusé, rien n'a été importé", file.display()))?;
            println!("{count} organisations importées.");
            Ok(())
        }
        AdminCommand::ImportCatalogue { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("lecture de {}", file.display()))?;
            let (applications, periods) = convention::catalogue::load(&db, &text)
                .await
                .with_context(|| format!("{} refusé, rien n'a été importé", file.display()))?;
            println!("{applications} applications et {periods} périodes importées.");
            Ok(())
        }
        AdminCommand::ImportSittings { files } => {
            for file in files {
                let text = std::fs::read_to_string(&file).with_context(|| format!("lecture de {}", file.display()))?;
                assembly::import::past_sitting(&db, Actor::cli(), &text)
                    .await
                    .with_context(|| format!("{} refusé, rien n'a été importé de cette séance", file.display()))?;
                println!("{} : séance importée.", file.display());
            }
            Ok(())
        }
    }
}
