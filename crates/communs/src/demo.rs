//! The demo data set, shipped inside the binary: Montpellier Méditerranée Métropole, its 31 communes
//! (INSEE code, SIREN, postal codes, 2019 population), the CCAS of Baillargues, and demo accounts.

use crate::config::Config;
use identity::IdentityError;
use identity::import::{ImportError, import_organisations};
use identity::service::{self, Actor};
use kernel::Role;
use store::blobs::BlobStore;
use store::{Db, OrgScope};

/// The organisations of the demo, in the import format of `communs admin import-organisations`.
pub const ORGANISATIONS_CSV: &str = include_str!("../../../data/organisations.csv");

/// The catalogue of applications and convention periods of Montpellier Méditerranée Métropole.
pub const CATALOGUE_TOML: &str = include_str!("../../../data/convention.toml");

/// Conventions of the demo: (organisation, period, deliberation, date, subscribed applications).
/// Juvignac: seed 004 (deliberation of 1 July 2019: 96,80 € + 77,44 € = 174,24 € a year).
/// CCAS of Baillargues: seed 002 (deliberation DLP2019-28 of 5 July 2019: 26,52 € + 15,91 € = 42,43 €).
pub const CONVENTIONS: &[(&str, &str, &str, &str, &[&str])] = &[
    ("juvignac", "2019-2021", "19.07.01.05", "2019-07-01", &["e-administration", "e-services", "open-data"]),
    ("ccas-baillargues", "2019-2021", "DLP2019-28", "2019-07-05", &["e-administration", "marches-publics"]),
];

/// Past sittings reproduced from their register extracts (seeds 000, 001, 003 and 004), in date order
/// per organisation.
pub const SITTINGS: [&str; 4] = [
    include_str!("../../../data/sittings/juvignac_2019-07-01.toml"),
    include_str!("../../../data/sittings/montpellier-mediterranee-metropole_2020-12-17.toml"),
    include_str!("../../../data/sittings/montpellier-mediterranee-metropole_2021-03-29.toml"),
    include_str!("../../../data/sittings/montpellier-mediterranee-metropole_2021-12-14.toml"),
];

/// Years of the 2019-2021 convention whose titres de recette the demo has issued, each on 15 September.
pub const DEMO_INVOICED_YEARS: std::ops::RangeInclusive<i32> = 2019..=2021;

/// Password of every demo account. The demo is for trying the platform out, never for real data.
pub const DEMO_PASSWORD: &str = "communs-demo-2026";

/// A demo account: e-mail, name, platform administrator, and its role in one organisation.
pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub platform_admin: bool,
    /// An archivist of the archive service (decides on eliminations).
    pub archivist: bool,
    pub organisation_slug: &'static str,
    pub role: Role,
}

pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        email: "dsi@montpellier3m.demo.communs.fr",
        name: "Équipe DSI de la Métropole",
        platform_admin: true,
        archivist: false,
        organisation_slug: "montpellier-mediterranee-metropole",
        role: Role::OrgAdmin,
    },
    DemoAccount {
        email: "elu@montpellier3m.demo.communs.fr",
        name: "Renaud Calvat",
        platform_admin: false,
        archivist: false,
        organisation_slug: "montpellier-mediterranee-metropole",
        role: Role::Elected,
    },
    DemoAccount {
        email: "archives@montpellier3m.demo.communs.fr",
        name: "Service des archives de la Métropole",
        platform_admin: false,
        archivist: true,
        organisation_slug: "montpellier-mediterranee-metropole",
        role: Role::Agent,
    },
    DemoAccount {
        email: "admin@juvignac.demo.communs.fr",
        name: "Claire Martin (Juvignac)",
        platform_admin: false,
        archivist: false,
        organisation_slug: "juvignac",
        role: Role::OrgAdmin,
    },
    DemoAccount {
        email: "agent@juvignac.demo.communs.fr",
        name: "Karim Benali (Juvignac)",
        platform_admin: false,
        archivist: false,
        organisation_slug: "juvignac",
        role: Role::Agent,
    },
    DemoAccount {
        email: "elu@juvignac.demo.communs.fr",
        name: "Sophie Garcia (Juvignac)",
        platform_admin: false,
        archivist: false,
        organisation_slug: "juvignac",
        role: Role::Elected,
    },
    DemoAccount {
        email: "admin@lattes.demo.communs.fr",
        name: "Paul Roux (Lattes)",
        platform_admin: false,
        archivist: false,
        organisation_slug: "lattes",
        role: Role::OrgAdmin,
    },
    DemoAccount {
        email: "admin@ccas-baillargues.demo.communs.fr",
        name: "Nadia Lopez (CCAS de Baillargues)",
        platform_admin: false,
        archivist: false,
        organisation_slug: "ccas-baillargues",
        role: Role::OrgAdmin,
    },
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("la plateforme contient déjà des organisations : les données de démonstration ne se chargent que dans une base vide")]
    NotEmpty,
    #[error("données de démonstration, {0}")]
    Import(#[from] ImportError),
    #[error("compte de démonstration : {0}")]
    Account(#[from] IdentityError),
    #[error("convention de démonstration : {0}")]
    Convention(#[from] convention::ConventionError),
    #[error("séance de démonstration : {0}")]
    Sitting(#[from] assembly::AssemblyError),
    #[error("acte de démonstration : {0}")]
    Act(#[from] acts::ActsError),
    #[error("données de démonstration : {0}")]
    Resource(String),
}

/// Loads the demo data set into an empty database (documents into the configured blob store, signing
/// keys sealed with the configured key, exchanges in the prefecture simulator of the data folder).
pub async fn load(db: &Db, config: &Config) -> Result<(), DemoError> {
    if service::organisation_count(db).await? > 0 {
        return Err(DemoError::NotEmpty);
    }
    import_organisations(db, Actor::cli(), ORGANISATIONS_CSV).await?;
    for account in ACCOUNTS {
        let organisation = service::organisation_by_slug(db, account.organisation_slug)
            .await?
            .ok_or_else(|| IdentityError::NotFound(format!("organisation {}", account.organisation_slug)))?;
        let role = Some((OrgScope::granted(organisation.id), account.role));
        let user_id = service::create_account(db, account.email, account.name, DEMO_PASSWORD, account.platform_admin, role).await?;
        if account.archivist {
            archive::archivists::designate(db, user_id).await.map_err(|e| DemoError::Resource(e.to_string()))?;
        }
    }
    convention::catalogue::load(db, CATALOGUE_TOML).await?;
    for (slug, period, reference, date, applications) in CONVENTIONS {
        let organisation =
            service::organisation_by_slug(db, slug).await?.ok_or_else(|| IdentityError::NotFound(format!("organisation {slug}")))?;
        convention::service::record_convention(db, Actor::cli(), OrgScope::granted(organisation.id), period, reference, date, applications)
            .await?;
    }
    for year in DEMO_INVOICED_YEARS {
        let issued_on = time::Date::from_calendar_date(year, time::Month::September, 15).expect("15 September exists");
        convention::invoicing::issue_year(db, Actor::cli(), i64::from(year), issued_on).await?;
    }
    demo_intervention(db).await?;
    demo_signatures(db).await?;
    for sitting in SITTINGS {
        assembly::import::past_sitting(db, Actor::cli(), sitting).await?;
    }
    demo_act(db, config).await?;
    Ok(())
}

/// Deliberation M2021-641 of the metropolitan council (seed 000) as an act: its extract signed on 20
/// December 2021 by the first vice-president, transmitted, acknowledged by the prefecture (simulator)
/// on 21 December 2021 and published that day, hence executory — every step through the acts slice.
async fn demo_act(db: &Db, config: &Config) -> Result<(), DemoError> {
    use acts::{circuit, publication, settings, transmission};
    use time::macros::{date, datetime};
    let resource = |e: &dyn std::fmt::Display| DemoError::Resource(e.to_string());
    let slug = "montpellier-mediterranee-metropole";
    let metropole = service::organisation_by_slug(db, slug).await?.ok_or_else(|| IdentityError::NotFound(slug.into()))?;
    let scope = OrgScope::granted(metropole.id);
    let blobs = BlobStore::open(config.blob_config()).await.map_err(|e| resource(&e))?;
    let vault = signing::KeyVault::open_or_create(&config.signing_key_file()).map_err(|e| resource(&e))?;
    let demo_settings = settings::LegalitySettings {
        departement: "034".into(),
        arrondissement: "3".into(),
        collectivity_nature: "34".into(),
        referent_name: "Direction des systèmes d'information".into(),
        referent_email: "dsi@montpellier3m.demo.communs.fr".into(),
        referent_phone: "0467136000".into(),
        return_email: "actes@montpellier3m.demo.communs.fr".into(),
        siret: "24340001700022".into(),
    };
    settings::save(db, scope, &metropole, &demo_settings).await?;

    let members = service::members(db, scope).await?;
    let member = |email: &str| members.iter().find(|m| m.email == email).ok_or_else(|| IdentityError::NotFound(email.into()));
    let (signatory, it_team) = (member("elu@montpellier3m.demo.communs.fr")?, member("dsi@montpellier3m.demo.communs.fr")?);
    let admin_roles = [Role::OrgAdmin];
    let clerk =
        circuit::Person { user_id: it_team.user_id, name: &it_team.display_name, email: &it_team.email, roles: &admin_roles, ip: None };
    let steps = [acts::model::CircuitStep {
        kind: acts::model::StepKind::Signature,
        assignee: acts::model::Assignee::Person { user_id: signatory.user_id, name: signatory.display_name.clone() },
    }];
    circuit::save_circuit(db, scope, &clerk, acts::legality::Nature::Deliberation, "Délibérations : signature de l'extrait", &steps)
        .await?;

    let act_id = acts::service::create_from_deliberation(
        db,
        &blobs,
        scope,
        (&metropole.name, slug),
        &it_team.display_name,
        "M2021-641",
        Some("174579"),
    )
    .await?;
    circuit::start(db, scope, &clerk, act_id).await?;
    let roles = [Role::Elected];
    let calvat =
        circuit::Person { user_id: signatory.user_id, name: &signatory.display_name, email: &signatory.email, roles: &roles, ip: None };
    let signed_at = datetime!(2021-12-20 10:00 UTC);
    circuit::decide_at(
        circuit::Signing { db, blobs: &blobs, vault: &vault },
        scope,
        &metropole.name,
        &calvat,
        act_id,
        circuit::Decision::Approve,
        signed_at,
    )
    .await?;

    transmission::transmit(db, scope, &metropole, &it_team.display_name, act_id).await?;
    let prefecture = acts::simulator::Prefecture::open(&config.prefecture_simulator_dir()).map_err(|e| resource(&e))?;
    let connector = acts::simulator::InProcessConnector::new(std::sync::Arc::new(prefecture), || date!(2021 - 12 - 21));
    let operator = acts::legality::Operator::new(&config.legality.trigram, &config.legality.application).map_err(|e| resource(&e))?;
    let legality = transmission::Legality {
        connector: std::sync::Arc::new(connector),
        operator,
        today: std::sync::Arc::new(|| date!(2021 - 12 - 20)),
    };
    let job = serde_json::json!({ "organisation_id": metropole.id, "act_id": act_id });
    transmission::run_transmission(db, &blobs, &legality, &job).await.map_err(|e| resource(&e))?;
    transmission::poll(db, &blobs, &legality, scope, act_id).await?;
    let published_at = store::clock::millis_of(datetime!(2021-12-21 09:00 UTC));
    publication::publish(db, scope, Actor::cli(), act_id, published_at).await?;
    let vice_president = acts::keys::Signatory { user_id: signatory.user_id, name: &signatory.display_name, email: &signatory.email };
    demo_revenue_flow(db, config, (&blobs, &vault), (scope, &metropole.name), &vice_president).await?;
    // The jobs archive the acknowledged deliberation and PES file; a checkpoint then seals the journal.
    settle_jobs(db, config, &blobs).await?;
    archive::checkpoint::take(db, &blobs, &vault, time::OffsetDateTime::now_utc()).await.map_err(|e| resource(&e))?;
    Ok(())
}

/// The titres of 2021 sent to the public accountant: their bordereaux signed by the first vice-president
/// on 22 December 2021, deposited and acknowledged by the accountant (simulator) the next day.
async fn demo_revenue_flow(
    db: &Db,
    config: &Config,
    (blobs, vault): (&BlobStore, &signing::KeyVault),
    organisation: (OrgScope, &str),
    signatory: &acts::keys::Signatory<'_>,
) -> Result<(), DemoError> {
    use acts::accounting::{Domain, Submission, flows, helios::Helios, submit};
    use time::macros::{date, datetime};
    let resource = |e: &dyn std::fmt::Display| DemoError::Resource(e.to_string());
    let submission = Submission { db, blobs, vault, organisation, signatory, year: 2021, now: datetime!(2021-12-22 10:00 UTC) };
    let flow = submit(Domain::Revenue, &submission).await?;
    let accountant = Helios::open(&config.accountant_simulator_dir(), || date!(2021 - 12 - 23)).map_err(|e| resource(&e))?;
    let job = serde_json::json!({ "organisation_id": organisation.0.organisation_id(), "flow_id": flow });
    flows::run_deposit(db, blobs, &accountant, &job).await.map_err(|e| resource(&e))?;
    flows::run_acquit(db, blobs, &accountant, &job).await.map_err(|e| resource(&e))
}

/// Runs the jobs the demo's acts queued (the notification of a step already signed, the transmission
/// and the polling already done): each finds its work done, and the demo starts with an empty queue.
async fn settle_jobs(db: &Db, config: &Config, blobs: &BlobStore) -> Result<(), DemoError> {
    let resource = |e: &dyn std::fmt::Display| DemoError::Resource(e.to_string());
    let mail = config.mail_config();
    let mailer = mail::Mailer {
        transport: mail::Transport::from_config(&mail).map_err(|e| resource(&e))?,
        sender: mail.sender().map_err(|e| resource(&e))?,
        public_url: config.public_url.clone().unwrap_or_else(|| format!("http://{}", config.addr)),
    };
    let services = crate::server::acts_services(config, &mailer.public_url.clone()).map_err(|e| resource(&e))?;
    let worker = crate::server::job_worker(db, blobs, mailer, services);
    while worker.run_once(db).await.map_err(|e| resource(&e))?.is_some() {}
    Ok(())
}

/// Juvignac's 2019-2021 convention signed by its mayor and the Métropole's president (named in seed
/// 004; the signing days are illustrative). The CCAS of Baillargues' stays unsigned, as a register shows it.
async fn demo_signatures(db: &Db) -> Result<(), DemoError> {
    use convention::signatures::{SignatureInput, sign};
    let juvignac = service::organisation_by_slug(db, "juvignac").await?.ok_or_else(|| IdentityError::NotFound("juvignac".into()))?;
    let scope = OrgScope::granted(juvignac.id);
    let conventions = convention::service::member_conventions(db, scope, &juvignac).await?;
    let Some(convention) = conventions.iter().find(|c| c.period.code == "2019-2021") else { return Ok(()) };
    for (party, name, title, date) in
        [("member", "Jean-Luc Savy", "Le Maire", "2019-07-10"), ("metropole", "Philippe Saurel", "Le Président", "2019-07-24")]
    {
        let input = SignatureInput { partie: party.into(), signataire: name.into(), qualite: title.into(), date: date.into() };
        sign(db, Actor::cli(), scope, convention.convention.id, &input).await?;
    }
    Ok(())
}

/// An intervention of 2021 for Juvignac (article 3): agreed, done, invoiced with VAT.
async fn demo_intervention(db: &Db) -> Result<(), DemoError> {
    use time::macros::date;
    let juvignac = service::organisation_by_slug(db, "juvignac").await?.ok_or_else(|| IdentityError::NotFound("juvignac".into()))?;
    let lines = [("chef-projet-junior".to_string(), "1".to_string()), ("technicien".to_string(), "2".to_string())];
    let intervention = convention::interventions::record(
        db,
        Actor::cli(),
        &juvignac,
        "Formulaire en ligne de réservation des salles municipales",
        "Courriels du 8 et du 15 mars 2021 entre la DSI de la Métropole et le service vie associative",
        date!(2021 - 03 - 15),
        &lines,
    )
    .await?;
    let issuer = OrgScope::granted(convention::invoicing::issuer(db).await?.id);
    convention::interventions::mark_done(db, Actor::cli(), issuer, intervention.id, date!(2021 - 09 - 28)).await?;
    convention::invoicing::invoice_intervention(db, Actor::cli(), issuer, intervention.id, date!(2021 - 10 - 05)).await?;
    Ok(())
}

/// The demo accounts, as printed at start-up.
pub fn accounts_notice() -> String {
    let mut out = format!("Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :\n");
    for a in ACCOUNTS {
        let admin = match (a.platform_admin, a.archivist) {
            (true, _) => ", administrateur de la plateforme",
            (false, true) => ", archiviste (/archives/eliminations)",
            (false, false) => "",
        };
        out.push_str(&format!("  {:<42} {} — {} de /{}/{admin}\n", a.email, a.name, a.role.label(), a.organisation_slug));
    }
    out
}
