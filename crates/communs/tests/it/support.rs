//! A test kit: the real application on a throw-away database, and a client that keeps cookies and
//! reads the CSRF token of the pages it is shown, like a browser.

use axum::Extension;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use std::collections::HashMap;
use std::net::SocketAddr;
use store::Db;
use store::testing::TestDb;
use tower::ServiceExt;

pub const DEMO_PASSWORD: &str = communs::demo::DEMO_PASSWORD;
pub const JUVIGNAC_ADMIN: &str = "admin@juvignac.demo.communs.fr";
pub const JUVIGNAC_AGENT: &str = "agent@juvignac.demo.communs.fr";
pub const JUVIGNAC_ELECTED: &str = "elu@juvignac.demo.communs.fr";
pub const LATTES_ADMIN: &str = "admin@lattes.demo.communs.fr";
pub const PLATFORM_ADMIN: &str = "dsi@montpellier3m.demo.communs.fr";

pub struct TestApp {
    pub db: Db,
    pub config: communs::config::Config,
    pub blobs: store::blobs::BlobStore,
    pub acts: acts::http::ActsServices,
    router: Router,
    _database: TestDb,
    _blobs: tempfile::TempDir,
}

impl TestApp {
    /// The application on an empty, migrated database.
    pub async fn empty() -> Self {
        Self::empty_on(None).await
    }

    /// The application on an empty, migrated database, its documents in `blobs` (the data folder's
    /// `blobs/` when `None`).
    pub async fn empty_on(blobs: Option<store::blobs::BlobConfig>) -> Self {
        let database = TestDb::new().await;
        let data = tempfile::tempdir().unwrap();
        let config = communs::config::Config {
            data_dir: data.path().to_path_buf(),
            database_url: Some(database.url.clone()),
            blobs,
            ..communs::config::Config::default()
        };
        let state = communs::server::app_state(&config, database.db.clone()).await.unwrap();
        let acts = communs::server::acts_services(&config, "http://communs.test").unwrap();
        let blob_store = state.blobs.clone();
        let router = communs::app::router(state, acts.clone());
        Self { db: database.db.clone(), config, blobs: blob_store, acts, router, _database: database, _blobs: data }
    }

    /// The application with the demo data set.
    pub async fn demo() -> Self {
        Self::demo_on(None).await
    }

    /// The application with the demo data set, its documents in `blobs`.
    pub async fn demo_on(blobs: Option<store::blobs::BlobConfig>) -> Self {
        let app = Self::empty_on(blobs).await;
        communs::demo::load(&app.db, &app.config).await.unwrap();
        app
    }

    /// The application with the demo data set on the test environment's S3-compatible server (under a
    /// key prefix of its own), when one is configured; `None` (with a message) otherwise.
    pub async fn demo_on_s3() -> Option<Self> {
        let mut random = [0u8; 6];
        getrandom::fill(&mut random).unwrap();
        let Some(config) = store::testing::s3_from_env(format!("test-{}/", hex::encode(random))) else {
            eprintln!("COMMUNS_TEST_S3_ENDPOINT absent : test S3 ignoré (voir scripts/s3-test-server.sh)");
            return None;
        };
        let blobs = store::blobs::BlobStore::open(store::blobs::BlobConfig::S3(config.clone())).await.unwrap();
        blobs.create_bucket_if_missing().await.unwrap();
        Some(Self::demo_on(Some(store::blobs::BlobConfig::S3(config))).await)
    }

    /// A browser coming from `ip`.
    pub fn client_from(&self, ip: [u8; 4]) -> Client {
        let addr = SocketAddr::from((ip, 40000));
        // As the real server does with `into_make_service_with_connect_info`.
        Client { router: self.router.clone().layer(Extension(ConnectInfo(addr))), cookies: HashMap::new(), csrf: None, headers: Vec::new() }
    }

    pub fn client(&self) -> Client {
        self.client_from([127, 0, 0, 1])
    }

    /// A browser signed in as `email` with the demo password.
    pub async fn signed_in(&self, email: &str) -> Client {
        let mut client = self.client();
        let response = client.login(email, DEMO_PASSWORD).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "login of {email}: {}", response.body);
        client
    }

    pub async fn count(&self, table_sql: &'static str) -> i64 {
        use sqlx::Row;
        sqlx::query(table_sql).fetch_one(self.db.pool()).await.unwrap().get::<i64, _>(0)
    }
}

pub struct Client {
    router: Router,
    cookies: HashMap<String, String>,
    /// The CSRF token of the last page that had a form.
    csrf: Option<String>,
    headers: Vec<(&'static str, &'static str)>,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    /// The body as text (binary bodies are in `bytes`).
    pub body: String,
    pub bytes: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl Client {
    pub async fn request(&mut self, method: Method, path: &str, content_type: Option<&str>, body: Vec<u8>) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let cookie = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            builder = builder.header(header::COOKIE, cookie);
        }
        for (name, value) in &self.headers {
            builder = builder.header(*name, *value);
        }
        if let Some(content_type) = content_type {
            builder = builder.header(header::CONTENT_TYPE, content_type);
        }
        let response = self.router.clone().oneshot(builder.body(Body::from(body)).unwrap()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for set in headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (pair, attributes) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes().to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(token) = csrf_in(&body) {
            self.csrf = Some(token);
        }
        TestResponse { status, headers, body, bytes }
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.request(Method::GET, path, None, Vec::new()).await
    }

    /// Posts a form with the CSRF token of the last page seen (as a browser would).
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("csrf", &token)];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all).await
    }

    /// Posts exactly these fields (no token added).
    pub async fn post_form_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
        self.request(Method::POST, path, Some("application/x-www-form-urlencoded"), body.into_bytes()).await
    }

    /// Uploads a file as a browser does: `multipart/form-data`, the CSRF token of the last form in the URL.
    pub async fn upload(&mut self, path: &str, field: &str, filename: &str, content: &[u8]) -> TestResponse {
        let token = self.csrf.clone().unwrap_or_default();
        let boundary = "----communs-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.request(Method::POST, &format!("{path}?csrf={}", encode(&token)), Some(&content_type), body).await
    }

    /// Posts a `multipart/form-data` form with text fields and files (name, file name, content), the
    /// CSRF token of the last page in the URL.
    pub async fn upload_form(&mut self, path: &str, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> TestResponse {
        let token = self.csrf.clone().unwrap_or_default();
        let boundary = "----communs-test-boundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            );
        }
        for (name, filename, content) in files {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/pdf\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.request(Method::POST, &format!("{path}?csrf={}", encode(&token)), Some(&content_type), body).await
    }

    pub async fn send_json(&mut self, method: Method, path: &str, body: &str) -> TestResponse {
        self.request(method, path, Some("application/json"), body.as_bytes().to_vec()).await
    }

    /// Signs in through the login form.
    pub async fn login(&mut self, email: &str, password: &str) -> TestResponse {
        self.get("/connexion").await;
        self.post_form("/connexion", &[("email", email), ("password", password), ("next", "")]).await
    }

    /// Sends this header with every further request.
    pub fn extra_header(&mut self, name: &'static str, value: &'static str) {
        self.headers.push((name, value));
    }

    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies.contains_key(name)
    }
}

fn csrf_in(body: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')?;
    Some(body[start..start + end].to_string()).filter(|t| !t.is_empty())
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A mailer writing into the outbox folder `dir`, with links to `http://communs.test`.
pub fn outbox_mailer(dir: &std::path::Path) -> mail::Mailer {
    let config = mail::MailConfig::file(dir);
    mail::Mailer {
        transport: mail::Transport::from_config(&config).unwrap(),
        sender: config.sender().unwrap(),
        public_url: "http://communs.test".into(),
    }
}
