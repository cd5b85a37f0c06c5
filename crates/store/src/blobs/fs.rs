//! Filesystem backend: `root/ab/cd/<sha256>`, written through `root/.tmp/` with fsync + rename + fsync of
//! the directories.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use futures::Stream;
use sha2::{Digest, Sha256};

use super::{BlobError, BlobPage, BlobRef, CHUNK, TempFile, hash_reader, is_valid_key, join_error, read_full, spool};

/// Temporary files older than this are leftovers of a crash, removed when the store opens.
const STALE_TEMP: Duration = Duration::from_secs(24 * 3600);

pub(super) struct FsBackend {
    root: PathBuf,
    tmp: PathBuf,
}

impl FsBackend {
    pub(super) async fn open(root: PathBuf) -> Result<Self, BlobError> {
        tokio::task::spawn_blocking(move || {
            let tmp = root.join(".tmp");
            fs::create_dir_all(&tmp)?;
            remove_stale_temporaries(&tmp);
            Ok(Self { root, tmp })
        })
        .await
        .map_err(join_error)?
    }

    pub(super) fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, key: &str) -> PathBuf {
        self.root.join(&key[..2]).join(&key[2..4]).join(key)
    }

    /// Blocking context for the closures below (paths are cheap to clone).
    fn paths(&self) -> Paths {
        Paths { root: self.root.clone(), tmp: self.tmp.clone() }
    }

    pub(super) async fn put(&self, content: Vec<u8>) -> Result<BlobRef, BlobError> {
        let paths = self.paths();
        blocking(move || {
            let blob = BlobRef::of(&content);
            let target = paths.target(&blob.sha256);
            if fs::metadata(&target).is_ok_and(|m| m.is_file() && m.len() == blob.size) {
                // Already stored. The fsync makes sure that a concurrent writer's rename is durable
                // before this put is acknowledged too.
                paths.sync_parents(&blob.sha256)?;
                return Ok(blob);
            }
            let (mut file, temp) = TempFile::create_in(&paths.tmp)?;
            file.write_all(&content)?;
            file.sync_all()?;
            drop(file);
            paths.persist(temp, &blob.sha256)?;
            Ok(blob)
        })
        .await
    }

    pub(super) async fn put_file(&self, source: PathBuf) -> Result<BlobRef, BlobError> {
        let paths = self.paths();
        blocking(move || {
            let mut input = File::open(&source)?;
            let (mut file, temp) = TempFile::create_in(&paths.tmp)?;
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            let mut buf = vec![0u8; CHUNK];
            loop {
                let n = read_full(&mut input, &mut buf)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                file.write_all(&buf[..n])?;
                size += n as u64;
            }
            file.sync_all()?;
            drop(file);
            let blob = BlobRef { sha256: hex::encode(hasher.finalize()), size };
            paths.persist(temp, &blob.sha256)?;
            Ok(blob)
        })
        .await
    }

    pub(super) async fn put_stream<S, B, E>(&self, stream: S) -> Result<BlobRef, BlobError>
    where
        S: Stream<Item = Result<B, E>>,
        B: AsRef<[u8]>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let (temp, blob) = spool(stream, self.tmp.clone(), true).await?;
        let paths = self.paths();
        let key = blob.sha256.clone();
        blocking(move || Ok(paths.persist(temp, &key)?)).await?;
        Ok(blob)
    }

    pub(super) async fn get(&self, key: &str) -> Result<Vec<u8>, BlobError> {
        let path = self.path_of(key);
        let key = key.to_owned();
        blocking(move || fs::read(&path).map_err(|e| not_found(e, &key))).await
    }

    pub(super) async fn read_stream(
        &self,
        key: &str,
    ) -> Result<impl Stream<Item = Result<Vec<u8>, BlobError>> + Send + 'static, BlobError> {
        let path = self.path_of(key);
        let key = key.to_owned();
        let file = blocking(move || File::open(&path).map_err(|e| not_found(e, &key))).await?;
        Ok(super::file_chunks(file))
    }

    /// Digest and size of the stored file (large reads on a blocking thread, at the speed of `sha256sum`).
    pub(super) async fn hash(&self, key: &str) -> Result<BlobRef, BlobError> {
        let path = self.path_of(key);
        let key = key.to_owned();
        blocking(move || {
            let mut file = File::open(&path).map_err(|e| not_found(e, &key))?;
            Ok(hash_reader(&mut file)?)
        })
        .await
    }

    pub(super) async fn exists(&self, key: &str) -> Result<bool, BlobError> {
        match tokio::fs::metadata(self.path_of(key)).await {
            Ok(meta) => Ok(meta.is_file()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    pub(super) async fn delete(&self, key: &str) -> Result<(), BlobError> {
        let path = self.path_of(key);
        blocking(move || {
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(e.into()),
            }
            sync_dir(path.parent().expect("a blob path has a parent"))?;
            Ok(())
        })
        .await
    }

    pub(super) async fn list_page(&self, start_after: Option<&str>, limit: usize) -> Result<BlobPage, BlobError> {
        let root = self.root.clone();
        let after = start_after.unwrap_or("").to_owned();
        blocking(move || list_page(&root, &after, limit)).await
    }
}

struct Paths {
    root: PathBuf,
    tmp: PathBuf,
}

impl Paths {
    fn target(&self, key: &str) -> PathBuf {
        self.root.join(&key[..2]).join(&key[2..4]).join(key)
    }

    /// Moves a complete, fsynced temporary file to its final name and makes the rename durable.
    fn persist(&self, temp: TempFile, key: &str) -> io::Result<()> {
        let level1 = self.root.join(&key[..2]);
        let level2 = level1.join(&key[2..4]);
        ensure_dir(&level1)?;
        ensure_dir(&level2)?;
        fs::rename(temp.path(), level2.join(key))?;
        temp.keep();
        self.sync_parents(key)
    }

    /// Fsyncs the directory of a blob and its parents, i.e. its name and the fan-out directories that
    /// may have just been created (the fsync of a directory that did not change is cheap).
    fn sync_parents(&self, key: &str) -> io::Result<()> {
        let level1 = self.root.join(&key[..2]);
        sync_dir(&level1.join(&key[2..4]))?;
        sync_dir(&level1)?;
        sync_dir(&self.root)
    }
}

fn ensure_dir(dir: &Path) -> io::Result<()> {
    match fs::create_dir(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

fn not_found(e: io::Error, key: &str) -> BlobError {
    if e.kind() == io::ErrorKind::NotFound { BlobError::NotFound(key.to_owned()) } else { BlobError::Io(e) }
}

async fn blocking<T, F>(f: F) -> Result<T, BlobError>
where
    F: FnOnce() -> Result<T, BlobError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f).await.map_err(join_error)?
}

fn remove_stale_temporaries(tmp: &Path) {
    let Ok(entries) = fs::read_dir(tmp) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let stale =
            entry.metadata().and_then(|m| m.modified()).is_ok_and(|modified| now.duration_since(modified).unwrap_or_default() > STALE_TEMP);
        if stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Sorted names of the entries of `dir` that are `len` lower-case hex characters (none if `dir` is gone).
fn hex_names(dir: &Path, len: usize) -> io::Result<Vec<String>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut names = Vec::new();
    for entry in entries {
        let name = entry?.file_name();
        if let Some(name) = name.to_str()
            && name.len() == len
            && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            names.push(name.to_owned());
        }
    }
    names.sort_unstable();
    Ok(names)
}

fn list_page(root: &Path, after: &str, limit: usize) -> Result<BlobPage, BlobError> {
    let mut blobs = Vec::new();
    for level1 in hex_names(root, 2)? {
        // Every key under `level1` sorts before `after` when `level1` sorts before its first two characters.
        if level1.as_str() < after.get(..2).unwrap_or(after) {
            continue;
        }
        let dir1 = root.join(&level1);
        for level2 in hex_names(&dir1, 2)? {
            let prefix = format!("{level1}{level2}");
            if prefix.as_str() < after.get(..4).unwrap_or(after) {
                continue;
            }
            let dir2 = dir1.join(&level2);
            let mut keys: Vec<String> =
                hex_names(&dir2, 64)?.into_iter().filter(|k| k.as_str() > after && k.starts_with(&prefix) && is_valid_key(k)).collect();
            keys.sort_unstable();
            for key in keys {
                let size = match fs::metadata(dir2.join(&key)) {
                    Ok(meta) if meta.is_file() => meta.len(),
                    Ok(_) => continue,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => continue, // deleted meanwhile
                    Err(e) => return Err(e.into()),
                };
                blobs.push(BlobRef { sha256: key, size });
                if blobs.len() == limit {
                    let next = blobs.last().map(|b| b.sha256.clone());
                    return Ok(BlobPage { blobs, next });
                }
            }
        }
    }
    Ok(BlobPage { blobs, next: None })
}
