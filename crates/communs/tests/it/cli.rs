//! The command line, run as a user would run it.

use std::process::{Command, Output};
use store::testing::TestDb;

fn communs(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_communs"))
        .args(args)
        .env_remove("COMMUNS_DATABASE_URL")
        .env("COMMUNS_LOG", "warn")
        .output()
        .expect("the communs binary runs")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// Arguments that point the command at a fresh database: a data folder, or the test PostgreSQL.
async fn target() -> (Vec<String>, TestDb, tempfile::TempDir) {
    let database = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let args = vec!["--data-dir".to_string(), dir.path().display().to_string(), "--database-url".to_string(), database.url.clone()];
    (args, database, dir)
}

fn with<'a>(base: &'a [String], extra: &[&'a str]) -> Vec<&'a str> {
    base.iter().map(String::as_str).chain(extra.iter().copied()).collect()
}

#[tokio::test]
async fn migrate_demo_and_create_user() {
    let (base, database, _dir) = target().await;
    let migrated = communs(&with(&base, &["migrate"]));
    assert!(migrated.status.success(), "{}", text(&migrated));
    let demo = communs(&with(&base, &["demo"]));
    assert!(demo.status.success(), "{}", text(&demo));
    assert!(text(&demo).contains("admin@juvignac.demo.communs.fr"));
    let again = communs(&with(&base, &["demo"]));
    assert!(!again.status.success());
    assert!(text(&again).contains("déjà des organisations"));

    let created = communs(&with(
        &base,
        &[
            "admin",
            "create-user",
            "--email",
            "Secretaire@Lattes.fr",
            "--name",
            "Secrétariat",
            "--password",
            "un mot de passe sûr",
            "--org",
            "lattes",
            "--role",
            "agent",
        ],
    ));
    assert!(created.status.success(), "{}", text(&created));
    let weak = communs(&with(&base, &["admin", "create-user", "--email", "x@lattes.fr", "--name", "X", "--password", "court"]));
    assert_eq!(weak.status.code(), Some(1));
    assert!(text(&weak).contains("12 caractères"));
    let members = identity::service::members(&database.db, store::OrgScope::granted(lattes_id(&database).await)).await.unwrap();
    assert!(members.iter().any(|m| m.email == "secretaire@lattes.fr" && m.roles == ["agent"]));
}

async fn lattes_id(database: &TestDb) -> i64 {
    identity::service::organisation_by_slug(&database.db, "lattes").await.unwrap().unwrap().id
}

#[tokio::test]
async fn an_import_with_a_bad_siren_is_refused_whole_naming_the_line() {
    let (base, database, dir) = target().await;
    let file = dir.path().join("orgs.csv");
    std::fs::write(
        &file,
        "kind,name,slug,insee_code,siren,postal_codes,population,population_year,parent_insee_code\n\
         commune,Sète,sete,34301,213403017,34200,44270,2019,\n\
         commune,Agde,agde,34003,213400030,34300,29000,2019,\n",
    )
    .unwrap();
    let refused = communs(&with(&base, &["admin", "import-organisations", &file.display().to_string()]));
    assert_eq!(refused.status.code(), Some(1));
    let message = text(&refused);
    assert!(message.contains("ligne 3") && message.contains("SIREN") && message.contains("rien n'a été importé"), "{message}");
    assert_eq!(identity::service::organisation_count(&database.db).await.unwrap(), 0);

    std::fs::write(
        &file,
        "kind,name,slug,insee_code,siren,postal_codes,population,population_year,parent_insee_code\n\
         commune,Sète,sete,3430,213403017,34200,44270,2019,\n",
    )
    .unwrap();
    let bad_insee = communs(&with(&base, &["admin", "import-organisations", &file.display().to_string()]));
    assert!(text(&bad_insee).contains("ligne 2") && text(&bad_insee).contains("INSEE"), "{}", text(&bad_insee));

    std::fs::write(
        &file,
        "kind,name,slug,insee_code,siren,postal_codes,population,population_year,parent_insee_code\n\
         commune,Sète,sete,34301,213403017,34200,44270,2019,\n\
         ccas,CCAS de Sète,ccas-sete,,,34200,,,34301\n",
    )
    .unwrap();
    let imported = communs(&with(&base, &["admin", "import-organisations", &file.display().to_string()]));
    assert!(imported.status.success(), "{}", text(&imported));
    assert_eq!(identity::service::organisation_count(&database.db).await.unwrap(), 2);
}

#[tokio::test]
async fn an_unreachable_database_is_one_clear_line_and_a_failure() {
    let output = communs(&["--database-url", "postgres://communs:secret@127.0.0.1:1/communs", "migrate"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("erreur : impossible de joindre la base de données postgres://communs:***@127.0.0.1:1/communs"),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"));
}

#[tokio::test]
async fn backup_writes_a_consistent_sqlite_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_arg = data.display().to_string();
    assert!(communs(&["--data-dir", &data_arg, "demo"]).status.success());
    let out = dir.path().join("backup.db");
    let backup = communs(&["--data-dir", &data_arg, "backup", "--out", &out.display().to_string()]);
    assert!(backup.status.success(), "{}", text(&backup));
    let copy = store::Db::connect(&format!("sqlite://{}", out.display())).await.unwrap();
    assert_eq!(identity::service::organisation_count(&copy).await.unwrap(), 33);
    let twice = communs(&["--data-dir", &data_arg, "backup", "--out", &out.display().to_string()]);
    assert!(!twice.status.success() && text(&twice).contains("existe déjà"));
}

#[tokio::test]
async fn backup_on_postgresql_points_to_pg_dump() {
    let (base, database, _dir) = target().await;
    if database.url.starts_with("sqlite:") {
        return; // covered by the SQLite test above
    }
    let output = communs(&with(&base, &["backup", "--out", "/tmp/never-written.db"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output).contains("pg_dump"));
}
