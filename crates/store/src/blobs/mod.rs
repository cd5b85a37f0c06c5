//! Content-addressed blob store: documents (signed PDFs, PES files, archived objects) are stored under the
//! lower-case hex SHA-256 of their content, on the filesystem (the default) or on an S3-compatible object
//! store.
//!
//! * The name is the digest: storing the same content twice stores it once, and every read checks the
//!   content against its name ([`BlobError::Corrupted`] otherwise).
//! * Filesystem layout: `root/ab/cd/abcd…` (the full 64-character digest, fanned out on its first two
//!   bytes). A write goes to a temporary file in `root/.tmp/` (same filesystem), which is fsynced, renamed
//!   to its final name, and then the directories are fsynced: a `put` that returned survives a kill -9 or a
//!   power cut. Readers never see a partial blob.
//! * S3 layout: `prefix` + digest, in one bucket. Our own small client signs requests with AWS Signature
//!   V4 and sends the real payload SHA-256 (`x-amz-content-sha256`), so the server also checks the upload.
//! * Listing is paged by key order with a "start after" cursor (the last key seen) on both backends, so a
//!   long walk over all blobs (archive integrity check) can be resumed after a restart.

mod fs;
mod s3;
mod sigv4;

use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;
use tokio::sync::mpsc;

/// Size of the chunks read from files and handed to streams (1 MiB).
const CHUNK: usize = 1 << 20;
/// Page size of [`BlobStore::list`].
const LIST_PAGE: usize = 1000;

/// A stored blob: its name (hex SHA-256 of the content) and its size in bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BlobRef {
    pub sha256: String,
    pub size: u64,
}

impl BlobRef {
    /// The reference `content` would be stored under.
    pub fn of(content: &[u8]) -> Self {
        Self { sha256: hex::encode(Sha256::digest(content)), size: content.len() as u64 }
    }
}

/// One page of a listing, in ascending key order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobPage {
    pub blobs: Vec<BlobRef>,
    /// Cursor for the next page (pass it as `start_after`); `None` when the listing is complete. A page may
    /// be empty while `next` is set.
    pub next: Option<String>,
}

/// A blob being read: chunks of content. When the content does not match its name the stream ends with
/// [`BlobError::Corrupted`] after the last chunk, so a consumer must not trust the data before the end.
pub type BlobStream = Pin<Box<dyn Stream<Item = Result<Vec<u8>, BlobError>> + Send>>;

/// Errors of the blob store. The `Display` messages are in French: they may reach a person.
#[derive(Debug, Error)]
pub enum BlobError {
    #[error("document introuvable dans le stockage (empreinte {0})")]
    NotFound(String),
    #[error("document corrompu dans le stockage : empreinte attendue {expected}, contenu lu {actual}")]
    Corrupted { expected: String, actual: String },
    #[error("identifiant de document invalide « {0} » (attendu : 64 caractères hexadécimaux minuscules)")]
    InvalidKey(String),
    #[error("stockage des documents : {0}")]
    Io(#[from] io::Error),
    #[error("stockage S3 : réponse HTTP {status} : {message}")]
    S3 { status: u16, message: String },
    /// No HTTP answer at all (connection refused, timeout, TLS failure).
    #[error("stockage S3 injoignable : {0}")]
    Network(String),
    #[error("configuration du stockage des documents invalide : {0}")]
    Config(String),
}

/// Where blobs live. Deserializable from the application configuration, tagged by `backend`:
///
/// ```toml
/// [blobs]
/// backend = "filesystem"
/// root = "/var/lib/communs/blobs"
/// ```
///
/// ```toml
/// [blobs]
/// backend = "s3"
/// endpoint = "https://s3.fr-par.scw.cloud"
/// bucket = "communs"
/// region = "fr-par"
/// access_key_id = "…"
/// secret_access_key = "…"
/// prefix = "blobs/"
/// path_style = true
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "backend", rename_all = "lowercase")]
pub enum BlobConfig {
    Filesystem { root: PathBuf },
    S3(S3Config),
}

/// Connection to an S3-compatible object store.
#[derive(Clone, Deserialize)]
pub struct S3Config {
    /// `http://host:port` or `https://host`, without a path.
    pub endpoint: String,
    pub bucket: String,
    #[serde(default = "default_region")]
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Prepended verbatim to every key (e.g. `blobs/`); empty by default.
    #[serde(default)]
    pub prefix: String,
    /// `endpoint/bucket/key` (true, the default: works with every server) or `bucket.endpoint/key`.
    #[serde(default = "default_path_style")]
    pub path_style: bool,
}

fn default_region() -> String {
    "us-east-1".into()
}

fn default_path_style() -> bool {
    true
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .field("prefix", &self.prefix)
            .field("path_style", &self.path_style)
            .finish()
    }
}

/// The blob store; cheap to clone.
#[derive(Clone)]
pub struct BlobStore {
    backend: Arc<Backend>,
}

enum Backend {
    Fs(fs::FsBackend),
    S3(s3::S3Backend),
}

impl fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.backend {
            Backend::Fs(b) => write!(f, "BlobStore(filesystem {})", b.root().display()),
            Backend::S3(b) => write!(f, "BlobStore(s3 {})", b.describe()),
        }
    }
}

impl BlobStore {
    /// Opens the store: creates the root folder of the filesystem backend, builds the HTTP client of the S3
    /// backend (no request is sent).
    pub async fn open(config: BlobConfig) -> Result<Self, BlobError> {
        let backend = match config {
            BlobConfig::Filesystem { root } => Backend::Fs(fs::FsBackend::open(root).await?),
            BlobConfig::S3(config) => Backend::S3(s3::S3Backend::new(config)?),
        };
        Ok(Self { backend: Arc::new(backend) })
    }

    /// Stores `content` (idempotent: the same content gives the same reference and is stored once).
    pub async fn put(&self, content: impl Into<Vec<u8>>) -> Result<BlobRef, BlobError> {
        let content = content.into();
        match &*self.backend {
            Backend::Fs(b) => b.put(content).await,
            Backend::S3(b) => b.put(content).await,
        }
    }

    /// Stores the content of a file, streaming it (never held whole in memory).
    pub async fn put_file(&self, path: impl AsRef<Path>) -> Result<BlobRef, BlobError> {
        let path = path.as_ref().to_owned();
        match &*self.backend {
            Backend::Fs(b) => b.put_file(path).await,
            Backend::S3(b) => b.put_file(path).await,
        }
    }

    /// Stores the content of a stream of chunks (e.g. an upload), without holding it whole in memory: the
    /// filesystem backend writes it to its temporary folder, the S3 backend spools it to a temporary file to
    /// compute its digest before uploading it.
    pub async fn put_stream<S, B, E>(&self, stream: S) -> Result<BlobRef, BlobError>
    where
        S: Stream<Item = Result<B, E>>,
        B: AsRef<[u8]>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        match &*self.backend {
            Backend::Fs(b) => b.put_stream(stream).await,
            Backend::S3(b) => b.put_stream(stream).await,
        }
    }

    /// The whole content of a blob, checked against its name.
    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>, BlobError> {
        check_key(sha256)?;
        let content = match &*self.backend {
            Backend::Fs(b) => b.get(sha256).await?,
            Backend::S3(b) => b.get(sha256).await?,
        };
        // Hashing megabytes takes milliseconds: not on the async executor.
        let (content, actual) = tokio::task::spawn_blocking(move || {
            let actual = hex::encode(Sha256::digest(&content));
            (content, actual)
        })
        .await
        .map_err(join_error)?;
        if actual != sha256 {
            return Err(BlobError::Corrupted { expected: sha256.into(), actual });
        }
        Ok(content)
    }

    /// Reads a large blob chunk by chunk; [`BlobError::NotFound`] comes before the stream, a digest mismatch
    /// at its end (see [`BlobStream`]).
    pub async fn read_stream(&self, sha256: &str) -> Result<BlobStream, BlobError> {
        check_key(sha256)?;
        let chunks = match &*self.backend {
            Backend::Fs(b) => b.read_stream(sha256).await?.boxed(),
            Backend::S3(b) => b.read_stream(sha256).await?.boxed(),
        };
        Ok(verifying(chunks, sha256.to_owned()))
    }

    /// Whether a blob of that name is stored (its content is not checked).
    pub async fn exists(&self, sha256: &str) -> Result<bool, BlobError> {
        check_key(sha256)?;
        match &*self.backend {
            Backend::Fs(b) => b.exists(sha256).await,
            Backend::S3(b) => b.exists(sha256).await,
        }
    }

    /// Deletes a blob; deleting a missing blob is not an error. Content-addressed blobs are shared: only
    /// delete what no record references any more.
    pub async fn delete(&self, sha256: &str) -> Result<(), BlobError> {
        check_key(sha256)?;
        match &*self.backend {
            Backend::Fs(b) => b.delete(sha256).await,
            Backend::S3(b) => b.delete(sha256).await,
        }
    }

    /// Reads the whole blob and checks it against its name; returns its reference when it is intact.
    pub async fn verify(&self, sha256: &str) -> Result<BlobRef, BlobError> {
        check_key(sha256)?;
        let actual = match &*self.backend {
            Backend::Fs(b) => b.hash(sha256).await?,
            Backend::S3(b) => {
                let mut stream = b.read_stream(sha256).await?;
                let mut hasher = Sha256::new();
                let mut size = 0u64;
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk?;
                    size += chunk.len() as u64;
                    hasher.update(&chunk);
                }
                BlobRef { sha256: hex::encode(hasher.finalize()), size }
            }
        };
        if actual.sha256 != sha256 {
            return Err(BlobError::Corrupted { expected: sha256.into(), actual: actual.sha256 });
        }
        Ok(actual)
    }

    /// One page of at most `limit` blobs whose names come after `start_after` (`None`: from the start).
    /// Files or objects that are not blobs (wrong names) are skipped.
    pub async fn list_page(&self, start_after: Option<&str>, limit: usize) -> Result<BlobPage, BlobError> {
        let limit = limit.max(1);
        match &*self.backend {
            Backend::Fs(b) => b.list_page(start_after, limit).await,
            Backend::S3(b) => b.list_page(start_after, limit).await,
        }
    }

    /// Every blob, in ascending name order.
    pub async fn list(&self) -> Result<Vec<BlobRef>, BlobError> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self.list_page(cursor.as_deref(), LIST_PAGE).await?;
            all.extend(page.blobs);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(all),
            }
        }
    }

    /// Creates the bucket of the S3 backend if it does not exist (test and demo setups); does nothing on the
    /// filesystem backend.
    pub async fn create_bucket_if_missing(&self) -> Result<(), BlobError> {
        match &*self.backend {
            Backend::Fs(_) => Ok(()),
            Backend::S3(b) => b.create_bucket_if_missing().await,
        }
    }
}

/// Whether `key` is a blob name: 64 lower-case hex characters (which also rules out path traversal).
pub fn is_valid_key(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check_key(key: &str) -> Result<(), BlobError> {
    if is_valid_key(key) { Ok(()) } else { Err(BlobError::InvalidKey(key.chars().take(80).collect())) }
}

fn join_error(e: tokio::task::JoinError) -> BlobError {
    BlobError::Io(io::Error::other(e))
}

/// Reads into `buf` until it is full or the file ends; returns the number of bytes read.
fn read_full(file: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// SHA-256 and size of everything `reader` yields (blocking).
fn hash_reader(reader: &mut impl Read) -> io::Result<BlobRef> {
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = read_full(reader, &mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok(BlobRef { sha256: hex::encode(hasher.finalize()), size })
}

/// Streams a file in chunks, read on a blocking thread a few chunks ahead of the consumer.
fn file_chunks(mut file: std::fs::File) -> impl Stream<Item = Result<Vec<u8>, BlobError>> + Send + 'static {
    let (tx, rx) = mpsc::channel::<io::Result<Vec<u8>>>(4);
    tokio::task::spawn_blocking(move || {
        loop {
            let mut buf = vec![0u8; CHUNK];
            match read_full(&mut file, &mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    buf.truncate(n);
                    if tx.blocking_send(Ok(buf)).is_err() {
                        break; // the reader went away
                    }
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    break;
                }
            }
        }
    });
    futures::stream::unfold(rx, |mut rx| async move {
        let item = rx.recv().await?;
        Some((item.map_err(BlobError::Io), rx))
    })
}

/// Passes chunks through, hashing them; ends with [`BlobError::Corrupted`] when the digest differs from
/// `expected`. Stops after the first error.
fn verifying<S>(chunks: S, expected: String) -> BlobStream
where
    S: Stream<Item = Result<Vec<u8>, BlobError>> + Send + 'static,
{
    let state = (Box::pin(chunks), Some(Sha256::new()), expected);
    Box::pin(futures::stream::unfold(state, |(mut chunks, mut hasher, expected)| async move {
        let running = hasher.as_mut()?;
        match chunks.next().await {
            Some(Ok(chunk)) => {
                running.update(&chunk);
                Some((Ok(chunk), (chunks, hasher, expected)))
            }
            Some(Err(e)) => Some((Err(e), (chunks, None, expected))),
            None => {
                let actual = hex::encode(hasher.take()?.finalize());
                if actual == expected {
                    None
                } else {
                    Some((Err(BlobError::Corrupted { expected: expected.clone(), actual }), (chunks, None, expected)))
                }
            }
        }
    }))
}

/// A temporary file deleted on drop unless [`TempFile::keep`] was called.
struct TempFile {
    path: Option<PathBuf>,
}

impl TempFile {
    /// Creates a new empty file with a random name in `dir` (blocking).
    fn create_in(dir: &Path) -> io::Result<(std::fs::File, TempFile)> {
        loop {
            let mut random = [0u8; 12];
            getrandom::fill(&mut random).map_err(|e| io::Error::other(e.to_string()))?;
            let path = dir.join(format!("tmp-{}", hex::encode(random)));
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => return Ok((file, TempFile { path: Some(path) })),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn path(&self) -> &Path {
        self.path.as_deref().expect("a temporary file has a path until it is kept")
    }

    /// The file is now someone else's business (it was renamed).
    fn keep(mut self) {
        self.path = None;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Writes a stream to a new temporary file in `dir`, hashing it on the way; fsyncs it when `durable`.
async fn spool<S, B, E>(stream: S, dir: PathBuf, durable: bool) -> Result<(TempFile, BlobRef), BlobError>
where
    S: Stream<Item = Result<B, E>>,
    B: AsRef<[u8]>,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    use std::io::Write;

    let (file, temp) = tokio::task::spawn_blocking(move || TempFile::create_in(&dir)).await.map_err(join_error)??;
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(4);
    let writer = tokio::task::spawn_blocking(move || -> io::Result<BlobRef> {
        let mut file = io::BufWriter::with_capacity(CHUNK, file);
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = rx.blocking_recv() {
            hasher.update(&chunk);
            file.write_all(&chunk)?;
            size += chunk.len() as u64;
        }
        let file = file.into_inner().map_err(|e| e.into_error())?;
        if durable {
            file.sync_all()?;
        }
        Ok(BlobRef { sha256: hex::encode(hasher.finalize()), size })
    });

    let mut stream = std::pin::pin!(stream);
    let mut failure = None;
    let mut pending = Vec::with_capacity(CHUNK);
    while let Some(item) = stream.next().await {
        match item {
            Ok(chunk) => {
                pending.extend_from_slice(chunk.as_ref());
                if pending.len() >= CHUNK {
                    let full = std::mem::replace(&mut pending, Vec::with_capacity(CHUNK));
                    if tx.send(full).await.is_err() {
                        break; // the writer failed: its error is reported below
                    }
                }
            }
            Err(e) => {
                failure = Some(BlobError::Io(io::Error::other(e)));
                break;
            }
        }
    }
    if failure.is_none() && !pending.is_empty() {
        let _ = tx.send(pending).await;
    }
    drop(tx);
    let written = writer.await.map_err(join_error)?;
    if let Some(failure) = failure {
        return Err(failure);
    }
    Ok((temp, written?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_64_lowercase_hex() {
        let good = BlobRef::of(b"bonjour").sha256;
        assert!(is_valid_key(&good));
        assert!(!is_valid_key(&good.to_uppercase()));
        assert!(!is_valid_key(&good[1..]));
        assert!(!is_valid_key(&format!("../{}", &good[3..])));
        assert!(!is_valid_key(""));
    }

    #[test]
    fn config_deserializes_from_tagged_maps() {
        let fs: BlobConfig = serde_json::from_str(r#"{"backend":"filesystem","root":"/data/blobs"}"#).unwrap();
        assert!(matches!(fs, BlobConfig::Filesystem { ref root } if root == Path::new("/data/blobs")));
        let s3: BlobConfig = serde_json::from_str(
            r#"{"backend":"s3","endpoint":"http://127.0.0.1:9000","bucket":"b","access_key_id":"k","secret_access_key":"s"}"#,
        )
        .unwrap();
        let BlobConfig::S3(s3) = s3 else { panic!("expected S3") };
        assert_eq!((s3.region.as_str(), s3.prefix.as_str(), s3.path_style), ("us-east-1", "", true));
        assert!(!format!("{s3:?}").contains("\"s\""), "the secret is not printed");
        assert!(serde_json::from_str::<BlobConfig>(r#"{"backend":"ftp"}"#).is_err());
    }
}
