//! Offset and config backing stores (Kafka's `OffsetBackingStore` / `ConfigBackingStore`).
//!
//! Standalone mode keeps source offsets in `offset.storage.file.filename` and the herder's
//! connector configs in a JSON snapshot; both are rewritten atomically (see [`atomic`]).

pub(crate) mod atomic;
pub mod config;
pub mod offset;

use std::path::{Path, PathBuf};

pub use config::{ConfigSnapshot, ConnectorConfigState, FileConfigBackingStore};
pub use offset::{
    partition_key, ConnectorOffsetReader, FileOffsetBackingStore, MemoryOffsetBackingStore,
    OffsetBackingStore,
};

/// A store failure; every variant names the file involved and the cause.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("corrupt file {}: {reason}", path.display())]
    Corrupt { path: PathBuf, reason: String },
    /// The blocking write task panicked or was cancelled by runtime shutdown.
    #[error("write to {} did not complete: {reason}", path.display())]
    Interrupted { path: PathBuf, reason: String },
}

impl StorageError {
    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        StorageError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    /// The file this error is about.
    pub fn path(&self) -> &Path {
        match self {
            StorageError::Io { path, .. }
            | StorageError::Corrupt { path, .. }
            | StorageError::Interrupted { path, .. } => path,
        }
    }
}

/// Reads a whole file, treating a missing file as `None` (a store that was never written).
/// Blocking: call at startup or from `spawn_blocking`.
pub(crate) fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, StorageError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StorageError::io("read", path, e)),
    }
}

/// Replaces `path` with `bytes` on a blocking thread; resolves once the new content is durable.
pub(crate) async fn write_atomic_blocking(
    path: PathBuf,
    bytes: Vec<u8>,
) -> Result<(), StorageError> {
    let target = path.clone();
    match tokio::task::spawn_blocking(move || atomic::write_atomic(&target, &bytes)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(StorageError::io("write", &path, e)),
        Err(join) => Err(StorageError::Interrupted {
            path,
            reason: join.to_string(),
        }),
    }
}
