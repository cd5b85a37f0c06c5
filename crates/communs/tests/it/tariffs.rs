//! `communs tariffs`: the contract used by checks (annexe 2, byte for byte) and its refusals.

use std::path::Path;
use std::process::{Command, Output};
use store::testing::TestDb;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn communs(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_communs")).args(args).env_remove("COMMUNS_DATABASE_URL").env("COMMUNS_LOG", "warn").output().unwrap()
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

fn reference() -> String {
    std::fs::read_to_string(fixture("annexe2_tariffs_2019_2021.csv")).unwrap()
}

#[test]
fn the_186_figures_of_annexe_2_byte_for_byte() {
    let output = communs(&[
        "tariffs",
        "--members",
        &fixture("members_2019.csv"),
        "--applications",
        &fixture("applications_2019_2021.csv"),
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let produced = String::from_utf8(output.stdout).unwrap();
    let expected = reference();
    for (line, (a, b)) in produced.lines().zip(expected.lines()).enumerate() {
        assert_eq!(a, b, "line {}", line + 1);
    }
    assert_eq!(produced.lines().count(), 187);
    assert_eq!(produced, expected, "byte for byte, line ends included");
}

#[test]
fn json_and_html_carry_the_same_figures() {
    let args = ["tariffs", "--members", &fixture("members_2019.csv"), "--applications", &fixture("applications_2019_2021.csv")];
    let json = communs(&[&args[..], &["--format", "json"]].concat());
    assert!(json.status.success());
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(rows.len(), 186);
    let juvignac = rows
        .iter()
        .find(|r| r["insee_code"] == "34123" && r["application"] == "e-administration" && r["member_kind"] == "commune")
        .unwrap();
    assert_eq!(juvignac["cost_annual_after_participation_eur"], "96.80");
    let html = communs(&[&args[..], &["--format", "html"]].concat());
    let html = String::from_utf8(html.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<html lang=\"fr\">"));
    assert!(html.contains("96,80\u{a0}€") && html.contains("580,81\u{a0}€"), "Juvignac's figures, as annexe 2 prints them");
    assert_eq!(html.matches("<table>").count(), 6);
    assert!(html.contains("<tfoot>"));
}

#[test]
fn any_other_input_follows_the_same_rule_with_years() {
    let dir = tempfile::tempdir().unwrap();
    let members = dir.path().join("m.csv");
    let applications = dir.path().join("a.csv");
    std::fs::write(&members, "insee_code,name,population\n34001,Alpha,1\n34002,Beta,2\n").unwrap();
    std::fs::write(&applications, "application,global_cost_eur_ht,commune_participation_pct,ccas_participation_pct\nx,100,12.5,0\n")
        .unwrap();
    let output = communs(&[
        "tariffs",
        "--members",
        &members.display().to_string(),
        "--applications",
        &applications.display().to_string(),
        "--years",
        "2",
    ]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    // Alpha: 100 × 1/3 = 33.333… → 33.33; ÷ 2 = 16.67; × 0.875 = 14.58. Beta: 66.67, 33.33, 29.17.
    assert!(text.contains("x,100,commune,12.5,34001,Alpha,1,33.33,16.67,14.58\r\n"), "{text}");
    assert!(text.contains("x,100,commune,12.5,34002,Beta,2,66.67,33.33,29.17\r\n"), "{text}");
    assert!(text.contains("x,100,ccas,0,34002,Beta,2,66.67,33.33,33.33\r\n"), "{text}");
}

#[test]
fn bad_input_names_the_line_exits_2_and_prints_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good_members = fixture("members_2019.csv");
    let good_applications = fixture("applications_2019_2021.csv");
    let header_m = "insee_code,name,population\n";
    let header_a = "application,global_cost_eur_ht,commune_participation_pct,ccas_participation_pct\n";
    let cases: Vec<(&str, String, &str)> = vec![
        ("members", "insee_code,name\n34022,Baillargues\n".into(), "ligne 1"),
        ("members", format!("{header_m}34022,Baillargues,7519\n34027,Beaulieu,-1880\n"), "ligne 3"),
        ("members", format!("{header_m}34022,Baillargues,0\n"), "ligne 2"),
        ("members", format!("{header_m}34022,Baillargues,7519\n34022,Baillargues bis,1\n"), "ligne 3"),
        ("members", String::new(), "ligne 1"),
        ("applications", format!("{header_a}e-administration,25000,50,80\ne-services,20000,150,80\n"), "ligne 3"),
        ("applications", format!("{header_a}e-administration,25000,-1,80\n"), "ligne 2"),
        ("applications", "application,global_cost_eur_ht,commune_participation_pct\nx,1,2\n".into(), "ligne 1"),
        ("applications", String::new(), "ligne 1"),
    ];
    for (which, content, line) in cases {
        let path = dir.path().join(format!("{which}.csv"));
        std::fs::write(&path, &content).unwrap();
        let path = path.display().to_string();
        let (members, applications) =
            if which == "members" { (path.as_str(), good_applications.as_str()) } else { (good_members.as_str(), path.as_str()) };
        let output = communs(&["tariffs", "--members", members, "--applications", applications, "--format", "csv"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{which} {content:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{which} {content:?}: no output");
        assert!(stderr.contains(line), "{which} {content:?}: {stderr}");
    }
    let missing = communs(&["tariffs", "--members", "/nonexistent.csv", "--applications", &good_applications]);
    assert_eq!(missing.status.code(), Some(2));
}

#[tokio::test]
async fn from_the_database_the_demo_period_gives_the_same_figures() {
    let database = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let base = ["--data-dir", &dir.path().display().to_string(), "--database-url", &database.url].map(str::to_string);
    let base: Vec<&str> = base.iter().map(String::as_str).collect();
    assert!(communs(&[&base[..], &["demo"]].concat()).status.success());
    let output = communs(&[&base[..], &["tariffs", "--period", "2019-2021", "--format", "csv"]].concat());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), reference());
    let unknown = communs(&[&base[..], &["tariffs", "--period", "1999-2001"]].concat());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("1999-2001"));
    assert!(Path::new(FIXTURES).exists());
}
