//! Opening the platform's resources and serving HTTP until asked to stop.

use crate::config::{Config, LogFormat};
use anyhow::Context;
use std::sync::Arc;
use std::time::Duration;
use store::jobs::{self, NewJob, Worker};
use store::{Db, blobs::BlobStore, redact};
use tokio::sync::watch;
use web::AppState;
use web::state::WebSettings;

/// Job kind of the housekeeping of sessions and login failures.
pub const PURGE_SESSIONS_JOB: &str = "maintenance.purge_sessions";
/// How often the housekeeping runs.
const PURGE_EVERY: Duration = Duration::from_secs(600);

pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("COMMUNS_LOG").unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

/// Connects to the database of the configuration and applies its migrations.
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(config.data_dir())
            .with_context(|| format!("impossible de créer le dossier de données {}", config.data_dir().display()))?;
    }
    let db = Db::connect(&url).await.with_context(|| format!("impossible de joindre la base de données {}", redact(&url)))?;
    db.migrate().await.context("impossible d'appliquer les migrations de la base de données")?;
    Ok(db)
}

/// The shared state of the HTTP application.
pub async fn app_state(config: &Config, db: Db) -> anyhow::Result<AppState> {
    let blobs = BlobStore::open(config.blob_config()).await.context("impossible d'ouvrir le stockage des documents")?;
    let secret = identity::service::csrf_secret(&db).await?;
    Ok(AppState {
        db,
        blobs,
        metrics: Arc::default(),
        settings: Arc::new(WebSettings { secret, secure_cookies: config.secure_cookies, trust_proxy: config.trust_proxy }),
        home_sections: Arc::new(vec![
            Arc::new(convention::http::SubscriptionsSection),
            Arc::new(convention::http::BillingSection),
            Arc::new(assembly::http::SittingsSection),
            Arc::new(acts::http::ActsSection),
        ]),
    })
}

/// The acts slice's services: the key vault, and the route to the legality control (the configured
/// gateway, or the prefecture simulator of the data folder, in process, answering with today's date).
pub fn acts_services(config: &Config, public_url: &str) -> anyhow::Result<acts::http::ActsServices> {
    let vault = signing::KeyVault::open_or_create(&config.signing_key_file()).context("clé de chiffrement des clés de signature")?;
    let operator = acts::legality::Operator::new(&config.legality.trigram, &config.legality.application).context("[legality]")?;
    let connector: Arc<dyn acts::transmission::connector::Connector> = match &config.legality.url {
        Some(url) => Arc::new(acts::transmission::http::HttpConnector::new(url).map_err(|e| anyhow::anyhow!("{e}"))?),
        None => {
            let prefecture = acts::simulator::Prefecture::open(&config.prefecture_simulator_dir()).map_err(|e| anyhow::anyhow!("{e}"))?;
            Arc::new(acts::simulator::InProcessConnector::new(Arc::new(prefecture), store::clock::today_paris))
        }
    };
    let accountant = acts::accounting::helios::Helios::open(&config.accountant_simulator_dir(), store::clock::today_paris)
        .context("simulateur du comptable public")?;
    Ok(acts::http::ActsServices {
        vault: Arc::new(vault),
        legality: acts::transmission::Legality { connector, operator, today: Arc::new(store::clock::today_paris) },
        accountant: Arc::new(accountant),
        public_url: public_url.to_string(),
    })
}

/// Serves until SIGINT or SIGTERM, then finishes the requests and the job in progress.
pub async fn serve(config: &Config, state: AppState, banner: Option<String>) -> anyhow::Result<()> {
    let listener =
        tokio::net::TcpListener::bind(&config.addr).await.with_context(|| format!("impossible d'écouter sur {}", config.addr))?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let local = listener.local_addr()?;
    let public_url = config.public_url.clone().unwrap_or_else(|| format!("http://{local}"));
    let mail = config.mail_config();
    let services = acts_services(config, &public_url)?;
    let mailer = mail::Mailer {
        transport: mail::Transport::from_config(&mail).context("messagerie")?,
        sender: mail.sender().context("expéditeur des courriels")?,
        public_url,
    };
    let worker = job_worker(&state.db, &state.blobs, mailer, services.clone());
    let worker_task = tokio::spawn(worker.run(state.db.clone(), stop_rx.clone()));
    let scheduler_task = tokio::spawn(schedule_housekeeping(state.db.clone(), stop_rx));
    let app = crate::app::router(state, services);
    announce(&format!("communs écoute sur http://{local}/\n{}", banner.unwrap_or_default()));
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    let _ = stop_tx.send(true);
    let _ = tokio::join!(worker_task, scheduler_task);
    tracing::info!("communs arrêté proprement");
    Ok(())
}

/// The worker of this node, with the handlers of every job kind.
pub fn job_worker(db: &Db, blobs: &BlobStore, mailer: mail::Mailer, acts: acts::http::ActsServices) -> Worker {
    let mailer = Arc::new(mailer);
    let legality = Arc::new(acts.legality);
    let accountant = acts.accountant;
    Worker::new(format!("{}-{}", hostname(), std::process::id()))
        .handle(PURGE_SESSIONS_JOB, {
            let db = db.clone();
            move |_payload| {
                let db = db.clone();
                async move { identity::service::purge_expired(&db).await.map(|_| ()).map_err(|e| e.to_string()) }
            }
        })
        .handle(assembly::convocations::DELIVERY_JOB, {
            let db = db.clone();
            let mailer = mailer.clone();
            move |payload| {
                let (db, mailer) = (db.clone(), mailer.clone());
                async move { assembly::convocations::deliver(&db, &mailer, &payload).await }
            }
        })
        .handle(acts::circuit::NOTIFY_JOB, {
            let db = db.clone();
            let mailer = mailer.clone();
            move |payload| {
                let (db, mailer) = (db.clone(), mailer.clone());
                async move { acts::notify::deliver(&db, &mailer, &payload).await.map(|_| ()) }
            }
        })
        .handle(acts::transmission::TRANSMIT_JOB, {
            let (db, blobs, legality) = (db.clone(), blobs.clone(), legality.clone());
            move |payload| {
                let (db, blobs, legality) = (db.clone(), blobs.clone(), legality.clone());
                async move { acts::transmission::run_transmission(&db, &blobs, &legality, &payload).await }
            }
        })
        .handle(acts::accounting::flows::DEPOSIT_JOB, {
            let (db, blobs, accountant) = (db.clone(), blobs.clone(), accountant.clone());
            move |payload| {
                let (db, blobs, accountant) = (db.clone(), blobs.clone(), accountant.clone());
                async move { acts::accounting::flows::run_deposit(&db, &blobs, accountant.as_ref(), &payload).await }
            }
        })
        .handle(acts::accounting::flows::ACQUIT_JOB, {
            let (db, blobs, accountant) = (db.clone(), blobs.clone(), accountant.clone());
            move |payload| {
                let (db, blobs, accountant) = (db.clone(), blobs.clone(), accountant.clone());
                async move { acts::accounting::flows::run_acquit(&db, &blobs, accountant.as_ref(), &payload).await }
            }
        })
        .handle(archive::checkpoint::CHECKPOINT_JOB, {
            let (db, blobs, vault) = (db.clone(), blobs.clone(), acts.vault.clone());
            move |_payload| {
                let (db, blobs, vault) = (db.clone(), blobs.clone(), vault.clone());
                async move {
                    archive::checkpoint::take(&db, &blobs, &vault, time::OffsetDateTime::now_utc())
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                }
            }
        })
        .handle(acts::transmission::ARCHIVE_JOB, {
            let (db, blobs) = (db.clone(), blobs.clone());
            move |payload| {
                let (db, blobs) = (db.clone(), blobs.clone());
                async move { archive::sources::run_job(&db, &blobs, archive::sources::Flow::Act, &payload).await }
            }
        })
        .handle(acts::accounting::flows::ARCHIVE_JOB, {
            let (db, blobs) = (db.clone(), blobs.clone());
            move |payload| {
                let (db, blobs) = (db.clone(), blobs.clone());
                async move { archive::sources::run_job(&db, &blobs, archive::sources::Flow::AccountingFile, &payload).await }
            }
        })
        .handle(acts::transmission::POLL_JOB, {
            let (db, blobs, legality) = (db.clone(), blobs.clone(), legality.clone());
            move |payload| {
                let (db, blobs, legality) = (db.clone(), blobs.clone(), legality.clone());
                async move { acts::transmission::run_poll(&db, &blobs, &legality, &payload).await }
            }
        })
}

/// Enqueues the housekeeping once per period. The idempotency key names the period, so several nodes
/// enqueue it once between them.
async fn schedule_housekeeping(db: Db, mut stop: watch::Receiver<bool>) {
    loop {
        let slot = store::clock::now_millis() / PURGE_EVERY.as_millis() as i64;
        let result = async {
            let mut tx = db.begin().await?;
            // The sessions to purge, and a checkpoint of the archive's journal (taken only if it grew).
            for kind in [PURGE_SESSIONS_JOB, archive::checkpoint::CHECKPOINT_JOB] {
                let job = NewJob::new(kind, serde_json::json!({})).idempotency_key(format!("{kind}:{slot}")).max_attempts(3);
                jobs::enqueue(&mut tx, job).await?;
            }
            tx.commit().await?;
            Ok::<_, store::StoreError>(())
        }
        .await;
        if let Err(error) = result {
            tracing::warn!(%error, "could not schedule housekeeping");
        }
        tokio::select! {
            _ = tokio::time::sleep(PURGE_EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Writes to standard output, ignoring a closed output: a server whose launcher stopped reading must go on.
fn announce(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn hostname() -> String {
    std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "communs".into())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("arrêt demandé : fin des requêtes en cours");
}
