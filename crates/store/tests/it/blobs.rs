//! Blob store tests. Every scenario runs twice: `blobs::filesystem::*` on a temporary folder (always) and
//! `blobs::s3::*` on a real S3-compatible server, when one is configured (the variables are those of
//! `store::testing::s3_from_env`).
//! `scripts/s3-test-server.sh` starts such a server (s3s-fs) and prints these variables; CI always sets
//! them. Each S3 test works under its own random key prefix, so tests can share a bucket and run in parallel.

use std::io::Write;
use std::path::PathBuf;

use futures::StreamExt;
use sha2::{Digest, Sha256};
use store::blobs::{BlobConfig, BlobError, BlobRef, BlobStore, S3Config};

struct Fixture {
    store: BlobStore,
    /// Root folder of the filesystem backend (`None` on S3).
    root: Option<PathBuf>,
    _dir: Option<tempfile::TempDir>,
}

async fn filesystem() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("blobs");
    let store = BlobStore::open(BlobConfig::Filesystem { root: root.clone() }).await.unwrap();
    Fixture { store, root: Some(root), _dir: Some(dir) }
}

async fn s3() -> Option<Fixture> {
    let Some(config) = store::testing::s3_from_env(format!("test-{}/", random_hex(8))) else {
        eprintln!("COMMUNS_TEST_S3_ENDPOINT absent : test S3 ignoré (voir scripts/s3-test-server.sh)");
        return None;
    };
    let store = BlobStore::open(BlobConfig::S3(config)).await.unwrap();
    store.create_bucket_if_missing().await.unwrap();
    Some(Fixture { store, root: None, _dir: None })
}

/// Runs each scenario on both backends.
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        mod filesystem {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    super::$scenario(super::filesystem().await).await;
                }
            )*
        }
        mod s3 {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    if let Some(fixture) = super::s3().await {
                        super::$scenario(fixture).await;
                    }
                }
            )*
        }
    };
}

on_both_backends!(
    round_trip,
    same_content_is_stored_once,
    large_blob_streams_in_and_out,
    missing_blob_is_not_found,
    invalid_keys_are_rejected,
    list_returns_what_was_put_page_by_page,
    delete_removes_the_blob,
    failed_stream_stores_nothing,
);

fn random_hex(bytes: usize) -> String {
    let mut random = vec![0u8; bytes];
    getrandom::fill(&mut random).unwrap();
    hex::encode(random)
}

/// Deterministic pseudo-random content (xorshift), incompressible enough.
fn content(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

async fn round_trip(f: Fixture) {
    let text = "Délibération n° 2026-042 du conseil municipal".as_bytes();
    let blob = f.store.put(text).await.unwrap();
    assert_eq!(blob, BlobRef { sha256: sha256(text), size: text.len() as u64 });
    assert_eq!(f.store.get(&blob.sha256).await.unwrap(), text);
    assert!(f.store.exists(&blob.sha256).await.unwrap());
    assert_eq!(f.store.verify(&blob.sha256).await.unwrap(), blob);

    let empty = f.store.put(Vec::new()).await.unwrap();
    assert_eq!(empty.size, 0);
    assert_eq!(f.store.get(&empty.sha256).await.unwrap(), b"");

    if let Some(root) = &f.root {
        let k = &blob.sha256;
        assert!(root.join(&k[..2]).join(&k[2..4]).join(k).is_file(), "root/ab/cd/<sha256>");
        let leftovers = std::fs::read_dir(root.join(".tmp")).unwrap().count();
        assert_eq!(leftovers, 0, "no temporary file left behind");
    }
}

async fn same_content_is_stored_once(f: Fixture) {
    let bytes = content(10_000, 7);
    let first = f.store.put(bytes.clone()).await.unwrap();
    let second = f.store.put(bytes.as_slice()).await.unwrap();
    let third = f.store.put_stream(futures::stream::iter([Ok::<_, std::io::Error>(bytes.clone())])).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(first, third);
    assert_eq!(f.store.list().await.unwrap(), vec![first]);
}

async fn large_blob_streams_in_and_out(f: Fixture) {
    const SIZE: usize = 20 * 1024 * 1024 + 12_345;
    let bytes = content(SIZE, 42);
    let expected = BlobRef { sha256: sha256(&bytes), size: SIZE as u64 };

    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(&bytes).unwrap();
    file.flush().unwrap();
    assert_eq!(f.store.put_file(file.path()).await.unwrap(), expected);

    // The same content as a stream of small chunks, as an upload arrives.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = bytes.chunks(64 * 1024 + 3).map(|c| Ok(c.to_vec())).collect();
    assert_eq!(f.store.put_stream(futures::stream::iter(chunks)).await.unwrap(), expected);

    let mut stream = f.store.read_stream(&expected.sha256).await.unwrap();
    let mut hasher = Sha256::new();
    let mut read = 0usize;
    let mut chunks = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        assert_eq!(chunk, bytes[read..read + chunk.len()], "content at offset {read}");
        hasher.update(&chunk);
        read += chunk.len();
        chunks += 1;
    }
    assert_eq!(read, SIZE);
    assert!(chunks > 1, "streamed in several chunks");
    assert_eq!(hex::encode(hasher.finalize()), expected.sha256);

    assert_eq!(f.store.get(&expected.sha256).await.unwrap(), bytes);
    assert_eq!(f.store.verify(&expected.sha256).await.unwrap(), expected);
    assert_eq!(f.store.list().await.unwrap(), vec![expected]);
}

async fn missing_blob_is_not_found(f: Fixture) {
    let missing = sha256(b"jamais stocke");
    assert!(matches!(f.store.get(&missing).await, Err(BlobError::NotFound(k)) if k == missing));
    assert!(matches!(f.store.read_stream(&missing).await, Err(BlobError::NotFound(_))));
    assert!(matches!(f.store.verify(&missing).await, Err(BlobError::NotFound(_))));
    assert!(!f.store.exists(&missing).await.unwrap());
    f.store.delete(&missing).await.unwrap();
    let message = f.store.get(&missing).await.unwrap_err().to_string();
    assert!(message.contains("introuvable"), "{message}");
}

async fn invalid_keys_are_rejected(f: Fixture) {
    let valid = sha256(b"x");
    let invalid = [
        String::new(),
        "../../etc/passwd".to_owned(),
        format!("../{}", &valid[3..]),
        valid.to_uppercase(),
        valid[1..].to_owned(),
        format!("{valid}0"),
        format!("{}g", &valid[1..]),
        format!("{}/", &valid[1..]),
    ];
    for key in &invalid {
        assert!(matches!(f.store.get(key).await, Err(BlobError::InvalidKey(_))), "get {key:?}");
        assert!(matches!(f.store.read_stream(key).await, Err(BlobError::InvalidKey(_))), "read {key:?}");
        assert!(matches!(f.store.exists(key).await, Err(BlobError::InvalidKey(_))), "exists {key:?}");
        assert!(matches!(f.store.delete(key).await, Err(BlobError::InvalidKey(_))), "delete {key:?}");
        assert!(matches!(f.store.verify(key).await, Err(BlobError::InvalidKey(_))), "verify {key:?}");
    }
    let message = f.store.get("../x").await.unwrap_err().to_string();
    assert!(message.contains("identifiant de document invalide"), "{message}");
}

async fn list_returns_what_was_put_page_by_page(f: Fixture) {
    assert!(f.store.list().await.unwrap().is_empty());
    let mut expected = Vec::new();
    for seed in 0..7 {
        expected.push(f.store.put(content(100 + seed as usize, seed)).await.unwrap());
    }
    expected.sort();
    assert_eq!(f.store.list().await.unwrap(), expected);

    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = f.store.list_page(cursor.as_deref(), 3).await.unwrap();
        assert!(page.blobs.len() <= 3);
        paged.extend(page.blobs);
        pages += 1;
        assert!(pages <= 4, "the listing ends");
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert!(pages >= 3, "7 blobs by pages of 3");
    assert_eq!(paged, expected);

    // A cursor taken from a key resumes right after it.
    let rest = f.store.list_page(Some(&expected[4].sha256), 100).await.unwrap();
    assert_eq!(rest.blobs, expected[5..]);
    assert_eq!(rest.next, None);
}

async fn delete_removes_the_blob(f: Fixture) {
    let kept = f.store.put("gardé").await.unwrap();
    let gone = f.store.put("éliminé").await.unwrap();
    f.store.delete(&gone.sha256).await.unwrap();
    assert!(!f.store.exists(&gone.sha256).await.unwrap());
    assert!(matches!(f.store.get(&gone.sha256).await, Err(BlobError::NotFound(_))));
    assert_eq!(f.store.list().await.unwrap(), vec![kept.clone()]);
    f.store.delete(&gone.sha256).await.unwrap();
    assert_eq!(f.store.get(&kept.sha256).await.unwrap(), "gardé".as_bytes());
}

async fn failed_stream_stores_nothing(f: Fixture) {
    let items: Vec<Result<Vec<u8>, std::io::Error>> = vec![Ok(content(3 * 1024 * 1024, 3)), Err(std::io::Error::other("connexion coupée"))];
    let error = f.store.put_stream(futures::stream::iter(items)).await.unwrap_err();
    assert!(error.to_string().contains("connexion coupée"), "{error}");
    assert!(f.store.list().await.unwrap().is_empty());
    if let Some(root) = &f.root {
        assert_eq!(std::fs::read_dir(root.join(".tmp")).unwrap().count(), 0);
    }
}

// ---- filesystem only ----------------------------------------------------------------------------

fn blob_path(f: &Fixture, key: &str) -> PathBuf {
    f.root.as_ref().unwrap().join(&key[..2]).join(&key[2..4]).join(key)
}

#[tokio::test]
async fn filesystem_tampered_blob_is_detected() {
    let f = filesystem().await;
    let original = content(3 * 1024 * 1024 + 17, 9);
    let blob = f.store.put(original.clone()).await.unwrap();

    let mut tampered = original.clone();
    tampered[2_000_000] ^= 0x01;
    std::fs::write(blob_path(&f, &blob.sha256), &tampered).unwrap();
    let actual_digest = sha256(&tampered);

    match f.store.get(&blob.sha256).await {
        Err(BlobError::Corrupted { expected, actual }) => {
            assert_eq!(expected, blob.sha256);
            assert_eq!(actual, actual_digest);
        }
        other => panic!("expected Corrupted, got {other:?}"),
    }
    assert!(matches!(f.store.verify(&blob.sha256).await, Err(BlobError::Corrupted { .. })));
    let message = f.store.verify(&blob.sha256).await.unwrap_err().to_string();
    assert!(message.starts_with("document corrompu"), "{message}");

    // A stream hands out the content, then ends with the error.
    let items: Vec<_> = f.store.read_stream(&blob.sha256).await.unwrap().collect().await;
    let (last, data) = items.split_last().unwrap();
    assert!(matches!(last, Err(BlobError::Corrupted { .. })), "{last:?}");
    assert_eq!(data.iter().map(|c| c.as_ref().unwrap().len()).sum::<usize>(), tampered.len());

    // A truncated file too.
    std::fs::write(blob_path(&f, &blob.sha256), &original[..1000]).unwrap();
    assert!(matches!(f.store.get(&blob.sha256).await, Err(BlobError::Corrupted { .. })));

    // Storing the content again repairs it (the size differs from the stored one).
    f.store.put(original.clone()).await.unwrap();
    assert_eq!(f.store.get(&blob.sha256).await.unwrap(), original);
}

#[tokio::test]
async fn filesystem_listing_skips_foreign_files_and_reopens() {
    let f = filesystem().await;
    let blob = f.store.put("contenu").await.unwrap();
    let root = f.root.clone().unwrap();
    let dir = blob_path(&f, &blob.sha256).parent().unwrap().to_owned();
    std::fs::write(dir.join("notes.txt"), "pas un blob").unwrap();
    std::fs::write(dir.join(blob.sha256.to_uppercase()), "pas un blob").unwrap();
    std::fs::create_dir_all(root.join("zz")).unwrap();
    std::fs::write(root.join(".tmp").join("tmp-recent"), "upload en cours").unwrap();
    assert_eq!(f.store.list().await.unwrap(), vec![blob.clone()]);

    // Another store on the same root sees the same blobs, and keeps a recent temporary file.
    let again = BlobStore::open(BlobConfig::Filesystem { root: root.clone() }).await.unwrap();
    assert_eq!(again.get(&blob.sha256).await.unwrap(), b"contenu");
    assert!(root.join(".tmp").join("tmp-recent").exists());
}

#[tokio::test]
async fn put_file_of_a_missing_file_is_an_io_error() {
    let f = filesystem().await;
    let error = f.store.put_file("/nonexistent/communs/file.pdf").await.unwrap_err();
    assert!(matches!(error, BlobError::Io(_)), "{error:?}");
}

// ---- S3 only ------------------------------------------------------------------------------------

#[tokio::test]
async fn s3_wrong_secret_is_refused() {
    let Some(mut config) = store::testing::s3_from_env(format!("test-{}/", random_hex(8))) else {
        eprintln!("COMMUNS_TEST_S3_ENDPOINT absent : test S3 ignoré");
        return;
    };
    config.secret_access_key.push_str("-faux");
    let store = BlobStore::open(BlobConfig::S3(config)).await.unwrap();
    match store.put("refusé").await {
        Err(BlobError::S3 { status, message }) => assert_eq!(status, 403, "{message}"),
        other => panic!("expected a 403, got {other:?}"),
    }
}

#[tokio::test]
async fn s3_prefixes_keep_stores_apart() {
    let (Some(a), Some(b)) = (s3().await, s3().await) else {
        return;
    };
    let blob = a.store.put("seulement dans a").await.unwrap();
    assert!(!b.store.exists(&blob.sha256).await.unwrap());
    assert!(b.store.list().await.unwrap().is_empty());
}

#[tokio::test]
async fn unreachable_s3_is_a_network_error() {
    let config = S3Config {
        endpoint: "http://127.0.0.1:1".into(),
        bucket: "b".into(),
        region: "us-east-1".into(),
        access_key_id: "k".into(),
        secret_access_key: "s".into(),
        prefix: String::new(),
        path_style: true,
    };
    let store = BlobStore::open(BlobConfig::S3(config)).await.unwrap();
    let error = store.exists(&sha256(b"x")).await.unwrap_err();
    assert!(matches!(error, BlobError::Network(_)), "{error:?}");
    assert!(error.to_string().starts_with("stockage S3 injoignable"), "{error}");
}

#[tokio::test]
async fn https_endpoints_build_a_client_with_the_ring_provider() {
    let config = S3Config {
        endpoint: "https://s3.fr-par.scw.cloud".into(),
        bucket: "communs".into(),
        region: "fr-par".into(),
        access_key_id: "k".into(),
        secret_access_key: "s".into(),
        prefix: "blobs/".into(),
        path_style: false,
    };
    let store = BlobStore::open(BlobConfig::S3(config)).await.unwrap();
    assert!(format!("{store:?}").contains("communs.s3.fr-par.scw.cloud"));
}
