//! The server as a process: it prints its address and the demo accounts, logs JSON on request, stops
//! cleanly on SIGTERM, and loses nothing it acknowledged when killed outright.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use store::testing::TestDb;

pub struct Server {
    pub child: Child,
    pub addr: String,
    pub printed: Vec<String>,
}

/// Starts `communs serve` on a free port of the loopback and waits until it listens.
pub fn start(database_url: &str, data_dir: &std::path::Path, extra: &[&str]) -> Server {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_communs"))
        .args(["--data-dir", &data_dir.display().to_string(), "--database-url", database_url])
        .args(extra)
        .args(["serve", "--addr", "127.0.0.1:0", "--demo"])
        .env("COMMUNS_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let addr = loop {
        let line = lines.next().expect("the server prints its address").unwrap();
        printed.push(line.clone());
        if let Some(rest) = line.strip_prefix("communs écoute sur http://") {
            break rest.trim_end_matches('/').to_string();
        }
    };
    // The demo accounts follow the address (a heading and six accounts); the rest is drained.
    for _ in 0..7 {
        if let Some(Ok(line)) = lines.next() {
            printed.push(line);
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, addr, printed }
}

/// One HTTP/1.1 exchange; returns (status, headers, body).
fn http(addr: &str, method: &str, path: &str, cookie: Option<&str>, json: Option<&str>) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let body = json.unwrap_or("");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if json.is_some() {
        request.push_str("Content-Type: application/json\r\n");
    }
    if let Some(cookie) = cookie {
        request.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    if let Err(e) = stream.read_to_string(&mut response) {
        panic!("reading the answer to {method} {path}: {e} (read so far: {response:?})");
    }
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_string(), body.to_string())
}

fn session_cookie(head: &str) -> String {
    head.lines()
        .find_map(|l| l.strip_prefix("set-cookie: communs_session="))
        .map(|v| format!("communs_session={}", v.split(';').next().unwrap()))
        .expect("a session cookie")
}

#[tokio::test]
async fn an_acknowledged_write_survives_kill_9() {
    let database = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let mut server = start(&database.url, dir.path(), &[]);
    assert!(server.printed.iter().any(|l| l.contains("admin@juvignac.demo.communs.fr")), "{:?}", server.printed);

    let credentials = r#"{"email":"admin@juvignac.demo.communs.fr","password":"communs-demo-2026"}"#;
    let (status, head, _) = http(&server.addr, "POST", "/api/v1/session", None, Some(credentials));
    assert_eq!(status, 204);
    let cookie = session_cookie(&head);
    let member = r#"{"email":"durable@juvignac.fr","display_name":"Écriture acquittée","role":"agent"}"#;
    let (status, _, body) = http(&server.addr, "POST", "/api/v1/organisations/juvignac/members", Some(&cookie), Some(member));
    assert_eq!(status, 201, "{body}");

    server.child.kill().unwrap(); // SIGKILL: no shutdown of any kind
    server.child.wait().unwrap();

    let reopened = store::Db::connect(&database.url).await.unwrap();
    let juvignac = identity::service::organisation_by_slug(&reopened, "juvignac").await.unwrap().unwrap();
    let members = identity::service::members(&reopened, store::OrgScope::granted(juvignac.id)).await.unwrap();
    assert!(members.iter().any(|m| m.email == "durable@juvignac.fr"));
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly_and_logs_are_json() {
    let database = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let mut server = start(&database.url, dir.path(), &["--log-format", "json"]);
    let (status, _, body) = http(&server.addr, "GET", "/healthz", None, None);
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    let terminated = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap();
    assert!(terminated.success());
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let mut logs = String::new();
    server.child.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    assert!(!logs.is_empty());
    for line in logs.lines() {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(entry["level"].is_string() && entry["timestamp"].is_string(), "{line}");
    }
    assert!(logs.contains("communs arrêté proprement"));
}
