//! End to end in a real browser (Debian `chromium`, headless, driven by Selenium through
//! `scripts/e2e.py`): an agent convenes a sitting, the member opens the link of the e-mail the job
//! worker wrote into the outbox, reads, annotates and answers; the agent records attendance and vote,
//! and the extract shows the counts.

use store::testing::TestDb;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/e2e.py");
const INSTALL: &str = "apt-get install chromium chromium-driver && python3 -m venv /tmp/fx-venv && /tmp/fx-venv/bin/pip install selenium \
                       && export COMMUNS_TEST_PYTHON=/tmp/fx-venv/bin/python";

#[tokio::test]
async fn a_sitting_from_convocation_to_extract_in_a_browser() {
    for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
        assert!(std::path::Path::new(tool).exists(), "{tool} is needed for the browser test: {INSTALL}");
    }
    let python = std::env::var("COMMUNS_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let database = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let mut server = crate::serve::start(&database.url, dir.path(), &[]);
    let output = std::process::Command::new(&python)
        .arg(SCRIPT)
        .arg(format!("http://{}", server.addr))
        .arg(dir.path().join("outbox"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python} ({e}): {INSTALL}"));
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(!report.contains("No module named 'selenium'"), "Selenium is not installed for {python}: {INSTALL}");
    assert!(output.status.success(), "the browser scenario failed:\n{report}");
    assert!(report.contains("adopted by"), "{report}");
}
