//! The standalone herder's persisted state (Kafka keeps it in the config topic; standalone
//! Kafka loses it on restart, we keep it so connectors come back).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use connect_api::Props;
use serde::{Deserialize, Serialize};

use super::{read_optional, write_atomic_blocking, StorageError};
use crate::herder::info::TargetState;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorConfigState {
    pub config: Props,
    pub target_state: TargetState,
    #[serde(default)]
    pub task_configs: Vec<Props>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigSnapshot {
    #[serde(default)]
    pub connectors: BTreeMap<String, ConnectorConfigState>,
    /// connector -> topics it has used (`GET /connectors/{name}/topics`).
    #[serde(default)]
    pub active_topics: BTreeMap<String, BTreeSet<String>>,
}

/// Saves whole snapshots to one JSON file, atomically; or nowhere (`memory()`).
#[derive(Debug)]
pub struct FileConfigBackingStore {
    path: Option<PathBuf>,
    /// Keeps concurrent saves in call order so an older snapshot never overwrites a newer one.
    writer: tokio::sync::Mutex<()>,
}

impl FileConfigBackingStore {
    /// Loads `path` (missing = empty). Blocking: call at startup or from `spawn_blocking`.
    pub fn open(path: impl Into<PathBuf>) -> Result<(Self, ConfigSnapshot), StorageError> {
        let path = path.into();
        let snapshot = match read_optional(&path)? {
            Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| StorageError::Corrupt {
                path: path.clone(),
                reason: e.to_string(),
            })?,
            None => ConfigSnapshot::default(),
        };
        let store = FileConfigBackingStore {
            path: Some(path),
            writer: tokio::sync::Mutex::new(()),
        };
        Ok((store, snapshot))
    }

    /// A store that keeps nothing: `save` succeeds without writing (tests, no config file).
    pub fn memory() -> Self {
        FileConfigBackingStore {
            path: None,
            writer: tokio::sync::Mutex::new(()),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Replaces the stored snapshot; resolves once it is durable.
    pub async fn save(&self, snapshot: &ConfigSnapshot) -> Result<(), StorageError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let bytes = serde_json::to_vec_pretty(snapshot).map_err(|e| {
            StorageError::io(
                "serialise config snapshot for",
                path,
                std::io::Error::other(e),
            )
        })?;
        let _writer = self.writer.lock().await;
        write_atomic_blocking(path.clone(), bytes).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> Props {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[tokio::test]
    async fn snapshot_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("configs.json");
        let (store, initial) = FileConfigBackingStore::open(&path).unwrap();
        assert_eq!(initial, ConfigSnapshot::default());

        let mut snapshot = ConfigSnapshot::default();
        snapshot.connectors.insert(
            "src".into(),
            ConnectorConfigState {
                config: props(&[("connector.class", "FileStreamSource"), ("tasks.max", "2")]),
                target_state: TargetState::Paused,
                task_configs: vec![props(&[("task", "0")]), props(&[("task", "1")])],
            },
        );
        snapshot
            .active_topics
            .insert("src".into(), BTreeSet::from(["t1".to_string()]));
        store.save(&snapshot).await.unwrap();

        let (_, reloaded) = FileConfigBackingStore::open(&path).unwrap();
        assert_eq!(reloaded, snapshot);
        let raw: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(raw["connectors"]["src"]["target_state"], "PAUSED");

        snapshot.connectors.clear();
        store.save(&snapshot).await.unwrap();
        let (_, reloaded) = FileConfigBackingStore::open(&path).unwrap();
        assert!(reloaded.connectors.is_empty());
    }

    #[tokio::test]
    async fn failed_save_keeps_previous_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("configs.json");
        let (store, mut snapshot) = FileConfigBackingStore::open(&path).unwrap();
        snapshot.connectors.insert(
            "a".into(),
            ConnectorConfigState {
                config: props(&[("k", "v")]),
                target_state: TargetState::Started,
                task_configs: vec![],
            },
        );
        store.save(&snapshot).await.unwrap();
        std::fs::create_dir(super::super::atomic::temp_path(&path).unwrap()).unwrap();
        let mut changed = snapshot.clone();
        changed.connectors.clear();
        let err = store.save(&changed).await.unwrap_err();
        assert!(err.to_string().contains("configs.json"), "{err}");
        let (_, reloaded) = FileConfigBackingStore::open(&path).unwrap();
        assert_eq!(reloaded, snapshot);
    }

    #[test]
    fn corrupt_file_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("configs.json");
        std::fs::write(&path, b"{\"connectors\": ").unwrap();
        let err = FileConfigBackingStore::open(&path).unwrap_err();
        assert!(err.to_string().contains(path.to_str().unwrap()), "{err}");
    }

    #[tokio::test]
    async fn memory_store_saves_nothing() {
        let store = FileConfigBackingStore::memory();
        assert!(store.path().is_none());
        store.save(&ConfigSnapshot::default()).await.unwrap();
    }
}
