//! S3-compatible backend: a small client (PUT, GET, HEAD, DELETE, ListObjectsV2, CreateBucket) signing its
//! requests with AWS Signature V4, over reqwest + rustls with the `ring` provider.

use std::path::PathBuf;
use std::time::Duration;

use futures::{Stream, StreamExt};
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, HOST, HeaderName, HeaderValue};
use reqwest::{Body, Method, Response, StatusCode};
use time::OffsetDateTime;
use time::macros::format_description;

use super::sigv4::{self, EMPTY_PAYLOAD_SHA256};
use super::{BlobError, BlobPage, BlobRef, S3Config, hash_reader, is_valid_key, join_error, spool, verifying};

const X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
const X_AMZ_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-amz-content-sha256");
/// Attempts of a request whose body can be sent again, on network errors and 5xx answers.
const ATTEMPTS: u32 = 3;

pub(super) struct S3Backend {
    client: reqwest::Client,
    scheme: &'static str,
    /// `Host` header (and URL authority) of every request.
    host: String,
    bucket: String,
    region: String,
    access_key_id: String,
    secret_access_key: String,
    prefix: String,
    path_style: bool,
}

/// The body of a request: none, in memory (can be retried) or streamed once with its length.
enum Payload {
    Empty,
    Bytes(Vec<u8>),
    Stream(Body, u64),
}

impl S3Backend {
    pub(super) fn new(config: S3Config) -> Result<Self, BlobError> {
        let (scheme, rest) = config
            .endpoint
            .split_once("://")
            .ok_or_else(|| BlobError::Config(format!("point d'accès S3 sans schéma « {} »", config.endpoint)))?;
        let scheme = match scheme {
            "http" => "http",
            "https" => "https",
            other => {
                return Err(BlobError::Config(format!("schéma « {other} » non pris en charge (http ou https)")));
            }
        };
        let authority = rest.trim_end_matches('/');
        if authority.is_empty() || authority.contains(['/', '?', '#', '@']) {
            return Err(BlobError::Config(format!(
                "point d'accès S3 invalide « {} » (attendu : http(s)://hôte[:port], sans chemin)",
                config.endpoint
            )));
        }
        if config.bucket.is_empty() || config.bucket.contains(['/', '?', '#']) {
            return Err(BlobError::Config(format!("nom de bucket S3 invalide « {} »", config.bucket)));
        }
        let host = if config.path_style { authority.to_owned() } else { format!("{}.{authority}", config.bucket) };
        Ok(Self {
            client: http_client()?,
            scheme,
            host,
            bucket: config.bucket,
            region: config.region,
            access_key_id: config.access_key_id,
            secret_access_key: config.secret_access_key,
            prefix: config.prefix,
            path_style: config.path_style,
        })
    }

    pub(super) fn describe(&self) -> String {
        format!("{}://{} bucket {} prefix « {} »", self.scheme, self.host, self.bucket, self.prefix)
    }

    /// Encoded path of the bucket (`/bucket` in path style, `/` otherwise).
    fn bucket_path(&self) -> String {
        if self.path_style { format!("/{}", sigv4::uri_encode(&self.bucket, false)) } else { "/".into() }
    }

    /// Encoded path of a blob.
    fn object_path(&self, key: &str) -> String {
        let object = sigv4::uri_encode(&format!("{}{key}", self.prefix), true);
        if self.path_style { format!("{}/{object}", self.bucket_path()) } else { format!("/{object}") }
    }

    /// Signs and sends one request; retries requests without a streamed body on network errors and 5xx.
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        payload_sha256: &str,
        payload: Payload,
    ) -> Result<Response, BlobError> {
        let query = sigv4::canonical_query(query);
        let url = if query.is_empty() {
            format!("{}://{}{path}", self.scheme, self.host)
        } else {
            format!("{}://{}{path}?{query}", self.scheme, self.host)
        };
        let amz_date =
            OffsetDateTime::now_utc().format(format_description!("[year][month][day]T[hour][minute][second]Z")).expect("the date formats");
        let signer = sigv4::Signer {
            access_key_id: &self.access_key_id,
            secret_access_key: &self.secret_access_key,
            region: &self.region,
            service: "s3",
        };
        let authorization = signer.authorization(&sigv4::Request {
            method: method.as_str(),
            host: &self.host,
            canonical_uri: path,
            canonical_query: &query,
            extra_headers: &[],
            payload_sha256,
            amz_date: &amz_date,
        });
        let request = self
            .client
            .request(method, &url)
            .header(HOST, &self.host)
            .header(X_AMZ_DATE, &amz_date)
            .header(X_AMZ_CONTENT_SHA256, payload_sha256)
            .header(AUTHORIZATION, authorization);
        let mut request = match payload {
            Payload::Empty => request,
            Payload::Bytes(bytes) => request.body(bytes),
            Payload::Stream(body, length) => request.header(CONTENT_LENGTH, HeaderValue::from(length)).body(body),
        };
        // The signature stays valid for 15 minutes: a retry sends the same signed request again. A streamed
        // body cannot be cloned, so it is never retried.
        let mut attempt = 1;
        loop {
            let spare = request.try_clone();
            let result = request.send().await;
            let transient = match &result {
                Ok(response) => response.status().is_server_error(),
                Err(e) => !e.is_builder(),
            };
            match spare {
                Some(spare) if transient && attempt < ATTEMPTS => {
                    tracing::warn!(attempt, url, "requête S3 en échec, nouvel essai");
                    tokio::time::sleep(Duration::from_millis(200 * 4u64.pow(attempt - 1))).await;
                    request = spare;
                    attempt += 1;
                }
                _ => return result.map_err(network_error),
            }
        }
    }

    /// Size of a stored blob, `None` if absent.
    async fn head(&self, key: &str) -> Result<Option<u64>, BlobError> {
        let response = self.send(Method::HEAD, &self.object_path(key), &[], EMPTY_PAYLOAD_SHA256, Payload::Empty).await?;
        match response.status() {
            StatusCode::NOT_FOUND => Ok(None),
            status if status.is_success() => {
                Ok(Some(response.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0)))
            }
            _ => Err(s3_error(response).await),
        }
    }

    /// Whether the blob is already there (then the upload is skipped). A failed check is a "no": with
    /// a policy without `s3:ListBucket`, AWS answers 403 instead of 404 for a missing key.
    async fn already_stored(&self, blob: &BlobRef) -> bool {
        matches!(self.head(&blob.sha256).await, Ok(Some(size)) if size == blob.size)
    }

    pub(super) async fn put(&self, content: Vec<u8>) -> Result<BlobRef, BlobError> {
        let (content, blob) = tokio::task::spawn_blocking(move || {
            let blob = BlobRef::of(&content);
            (content, blob)
        })
        .await
        .map_err(join_error)?;
        if self.already_stored(&blob).await {
            return Ok(blob);
        }
        let response = self.send(Method::PUT, &self.object_path(&blob.sha256), &[], &blob.sha256, Payload::Bytes(content)).await?;
        expect_success(response).await?;
        Ok(blob)
    }

    pub(super) async fn put_file(&self, path: PathBuf) -> Result<BlobRef, BlobError> {
        // First pass: the digest (the key, and the signed payload hash); second pass: the upload.
        let (file, blob) = tokio::task::spawn_blocking(move || -> std::io::Result<_> {
            let mut file = std::fs::File::open(&path)?;
            let blob = hash_reader(&mut file)?;
            Ok((std::fs::File::open(&path)?, blob))
        })
        .await
        .map_err(join_error)??;
        if self.already_stored(&blob).await {
            return Ok(blob);
        }
        // The file is hashed again on the way: if it changed in between, the body ends with an error and
        // the upload is aborted (the server would refuse it anyway, the payload hash being signed).
        let body = Body::wrap_stream(verifying(super::file_chunks(file), blob.sha256.clone()));
        let response = self.send(Method::PUT, &self.object_path(&blob.sha256), &[], &blob.sha256, Payload::Stream(body, blob.size)).await?;
        expect_success(response).await?;
        Ok(blob)
    }

    pub(super) async fn put_stream<S, B, E>(&self, stream: S) -> Result<BlobRef, BlobError>
    where
        S: Stream<Item = Result<B, E>>,
        B: AsRef<[u8]>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let (temp, _) = spool(stream, std::env::temp_dir(), false).await?;
        let blob = self.put_file(temp.path().to_owned()).await;
        tokio::task::spawn_blocking(move || drop(temp)).await.map_err(join_error)?;
        blob
    }

    async fn get_response(&self, key: &str) -> Result<Response, BlobError> {
        let response = self.send(Method::GET, &self.object_path(key), &[], EMPTY_PAYLOAD_SHA256, Payload::Empty).await?;
        match response.status() {
            StatusCode::NOT_FOUND => Err(BlobError::NotFound(key.to_owned())),
            status if status.is_success() => Ok(response),
            _ => Err(s3_error(response).await),
        }
    }

    pub(super) async fn get(&self, key: &str) -> Result<Vec<u8>, BlobError> {
        let response = self.get_response(key).await?;
        Ok(response.bytes().await.map_err(network_error)?.into())
    }

    pub(super) async fn read_stream(
        &self,
        key: &str,
    ) -> Result<impl Stream<Item = Result<Vec<u8>, BlobError>> + Send + 'static, BlobError> {
        let response = self.get_response(key).await?;
        Ok(response.bytes_stream().map(|chunk| chunk.map(Vec::from).map_err(network_error)))
    }

    pub(super) async fn exists(&self, key: &str) -> Result<bool, BlobError> {
        Ok(self.head(key).await?.is_some())
    }

    pub(super) async fn delete(&self, key: &str) -> Result<(), BlobError> {
        let response = self.send(Method::DELETE, &self.object_path(key), &[], EMPTY_PAYLOAD_SHA256, Payload::Empty).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(());
        }
        expect_success(response).await
    }

    pub(super) async fn list_page(&self, start_after: Option<&str>, limit: usize) -> Result<BlobPage, BlobError> {
        let max_keys = limit.min(1000).to_string();
        let start = start_after.map(|after| format!("{}{after}", self.prefix));
        let mut query = vec![("list-type", "2"), ("max-keys", max_keys.as_str()), ("prefix", self.prefix.as_str())];
        if let Some(start) = &start {
            query.push(("start-after", start.as_str()));
        }
        let response = self.send(Method::GET, &self.bucket_path(), &query, EMPTY_PAYLOAD_SHA256, Payload::Empty).await?;
        if !response.status().is_success() {
            return Err(s3_error(response).await);
        }
        let xml = response.text().await.map_err(network_error)?;
        let mut blobs = Vec::new();
        let mut last_key = None;
        for contents in xml::elements(&xml, "Contents") {
            let Some(key) = xml::element(contents, "Key").map(xml::unescape) else {
                continue;
            };
            let Some(name) = key.strip_prefix(&self.prefix) else {
                continue;
            };
            if is_valid_key(name) {
                let size = xml::element(contents, "Size").and_then(|s| s.trim().parse().ok()).unwrap_or(0);
                blobs.push(BlobRef { sha256: name.to_owned(), size });
            }
            last_key = Some(name.to_owned());
        }
        let truncated = xml::element(&xml, "IsTruncated").is_some_and(|t| t.trim() == "true");
        Ok(BlobPage { blobs, next: if truncated { last_key } else { None } })
    }

    pub(super) async fn create_bucket_if_missing(&self) -> Result<(), BlobError> {
        let body = if self.region == "us-east-1" {
            Vec::new()
        } else {
            format!(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
                 <LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
                self.region
            )
            .into_bytes()
        };
        let payload_sha256 = BlobRef::of(&body).sha256;
        let response = self.send(Method::PUT, &self.bucket_path(), &[], &payload_sha256, Payload::Bytes(body)).await?;
        if response.status().is_success() {
            return Ok(());
        }
        match s3_error(response).await {
            BlobError::S3 { message, .. }
                if message.starts_with("BucketAlreadyOwnedByYou") || message.starts_with("BucketAlreadyExists") =>
            {
                Ok(())
            }
            other => Err(other),
        }
    }
}

/// reqwest with rustls: built with `rustls-no-provider`, it takes the process-wide rustls crypto provider
/// (and verifies certificates with rustls-platform-verifier, i.e. the system roots). We install `ring` as
/// that provider when none is installed yet.
fn http_client() -> Result<reqwest::Client, BlobError> {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // An error means another thread installed a provider first: fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| BlobError::Config(format!("client HTTP : {e}")))
}

fn network_error(e: reqwest::Error) -> BlobError {
    // The full chain (e.g. "connection refused") is more useful than the top-level message.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        message.push_str(" : ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    BlobError::Network(message)
}

async fn expect_success(response: Response) -> Result<(), BlobError> {
    if response.status().is_success() { Ok(()) } else { Err(s3_error(response).await) }
}

/// The error of a failed answer: `Code: Message` from the S3 XML error body when there is one.
async fn s3_error(response: Response) -> BlobError {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    let message = match (xml::element(&body, "Code"), xml::element(&body, "Message")) {
        (Some(code), Some(message)) => {
            format!("{}: {}", xml::unescape(code), xml::unescape(message))
        }
        (Some(code), None) => xml::unescape(code),
        _ => status.canonical_reason().unwrap_or("erreur").to_owned(),
    };
    BlobError::S3 { status: status.as_u16(), message }
}

/// Just enough XML for S3 answers: flat elements without attributes, entities.
mod xml {
    /// Inner text of every `<tag>…</tag>`, in order.
    pub(super) fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        let mut found = Vec::new();
        let mut rest = xml;
        while let Some(start) = rest.find(&open) {
            let after = &rest[start + open.len()..];
            let Some(end) = after.find(&close) else { break };
            found.push(&after[..end]);
            rest = &after[end + close.len()..];
        }
        found
    }

    /// Inner text of the first `<tag>…</tag>`.
    pub(super) fn element<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
        let open = format!("<{tag}>");
        let start = xml.find(&open)? + open.len();
        let end = xml[start..].find(&format!("</{tag}>"))?;
        Some(&xml[start..start + end])
    }

    /// Replaces the predefined entities and character references.
    pub(super) fn unescape(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            let after = &rest[amp..];
            rest = after;
            let Some(semi) = after.find(';') else { break };
            let entity = &after[1..semi];
            let decoded = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            match decoded {
                Some(c) => {
                    out.push(c);
                    rest = &after[semi + 1..];
                }
                None => {
                    out.push('&');
                    rest = &after[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn reads_a_list_objects_v2_answer() {
            let answer = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>p/</Prefix>
<KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
<Contents><Key>p/a&amp;b</Key><Size>3</Size></Contents><Contents><Key>p/c</Key><Size>10</Size></Contents>
<NextContinuationToken>x</NextContinuationToken></ListBucketResult>"#;
            let contents = elements(answer, "Contents");
            assert_eq!(contents.len(), 2);
            assert_eq!(unescape(element(contents[0], "Key").unwrap()), "p/a&b");
            assert_eq!(element(contents[1], "Size"), Some("10"));
            assert_eq!(element(answer, "IsTruncated"), Some("true"));
            assert_eq!(unescape("&lt;&#233;&#xE9;&bogus; &"), "<éé&bogus; &");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(endpoint: &str, path_style: bool) -> S3Config {
        S3Config {
            endpoint: endpoint.into(),
            bucket: "communs".into(),
            region: "us-east-1".into(),
            access_key_id: "k".into(),
            secret_access_key: "s".into(),
            prefix: "blobs/".into(),
            path_style,
        }
    }

    #[test]
    fn builds_paths_for_both_addressing_styles() {
        let key = "ab".repeat(32);
        let path = S3Backend::new(config("http://127.0.0.1:9000/", true)).unwrap();
        assert_eq!(path.host, "127.0.0.1:9000");
        assert_eq!(path.object_path(&key), format!("/communs/blobs/{key}"));
        assert_eq!(path.bucket_path(), "/communs");
        let virtual_host = S3Backend::new(config("https://s3.example.fr", false)).unwrap();
        assert_eq!(virtual_host.host, "communs.s3.example.fr");
        assert_eq!(virtual_host.object_path(&key), format!("/blobs/{key}"));
        assert_eq!(virtual_host.bucket_path(), "/");
    }

    #[test]
    fn rejects_bad_endpoints() {
        for endpoint in ["127.0.0.1:9000", "ftp://host", "http://host/path", "https://"] {
            assert!(matches!(S3Backend::new(config(endpoint, true)), Err(BlobError::Config(_))), "{endpoint}");
        }
    }
}
