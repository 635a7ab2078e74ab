//! Source offsets (Kafka's `OffsetBackingStore`).
//!
//! A key is Kafka's `["<connector>", {<source partition>}]`, a value the offset object.
//! Partitions compare canonically (object keys sorted, recursively), so `{"a":1,"b":2}` and
//! `{"b":2,"a":1}` name the same source partition whatever order a connector builds its map
//! in (`serde_json` here preserves insertion order, so this must be done explicitly).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use async_trait::async_trait;
use connect_api::{OffsetStorageReader, SourceMap};
use serde_json::{Map, Value as Json};

use super::{read_optional, write_atomic_blocking, StorageError};

#[async_trait]
pub trait OffsetBackingStore: Send + Sync + 'static {
    /// The committed offset of one source partition of `connector`.
    fn get(&self, connector: &str, partition: &SourceMap) -> Option<SourceMap>;
    /// Every `(partition, offset)` of `connector`, partitions in canonical order.
    fn connector_offsets(&self, connector: &str) -> Vec<(SourceMap, SourceMap)>;
    /// Applies all entries at once (`None` deletes). Returns only once durable; on error
    /// nothing is applied.
    async fn set(
        &self,
        connector: &str,
        entries: Vec<(SourceMap, Option<SourceMap>)>,
    ) -> Result<(), StorageError>;
    /// Connectors that have at least one offset, sorted.
    fn connectors(&self) -> Vec<String>;
}

/// Recursively sorts object keys.
fn canonical(value: &Json) -> Json {
    match value {
        Json::Object(map) => Json::Object(canonical_map(map)),
        Json::Array(items) => Json::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

fn canonical_map(map: &Map<String, Json>) -> Map<String, Json> {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    keys.into_iter()
        .map(|k| (k.clone(), canonical(&map[k.as_str()])))
        .collect()
}

/// The comparison key of a partition: its canonical JSON text.
pub fn partition_key(partition: &SourceMap) -> String {
    // Serialising a `Value` can't fail (all keys are strings).
    serde_json::to_string(&Json::Object(canonical_map(partition))).unwrap_or_default()
}

/// connector -> canonical partition text -> (canonical partition, offset).
#[derive(Debug, Clone, Default, PartialEq)]
struct OffsetTable {
    entries: BTreeMap<String, BTreeMap<String, (SourceMap, SourceMap)>>,
}

impl OffsetTable {
    fn get(&self, connector: &str, partition: &SourceMap) -> Option<SourceMap> {
        self.entries
            .get(connector)?
            .get(&partition_key(partition))
            .map(|(_, offset)| offset.clone())
    }

    fn connector_offsets(&self, connector: &str) -> Vec<(SourceMap, SourceMap)> {
        self.entries
            .get(connector)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    fn connectors(&self) -> Vec<String> {
        self.entries.keys().cloned().collect()
    }

    fn apply(&mut self, connector: &str, entries: Vec<(SourceMap, Option<SourceMap>)>) {
        for (partition, offset) in entries {
            let key = partition_key(&partition);
            match offset {
                Some(offset) => {
                    self.entries
                        .entry(connector.to_string())
                        .or_default()
                        .insert(key, (canonical_map(&partition), offset));
                }
                None => {
                    if let Some(m) = self.entries.get_mut(connector) {
                        m.remove(&key);
                        if m.is_empty() {
                            self.entries.remove(connector);
                        }
                    }
                }
            }
        }
    }

    /// `[[["connector", {partition}], {offset}], ...]`
    fn to_json(&self) -> Json {
        let pairs = self
            .entries
            .iter()
            .flat_map(|(connector, m)| {
                m.values().map(move |(partition, offset)| {
                    Json::Array(vec![
                        Json::Array(vec![
                            Json::String(connector.clone()),
                            Json::Object(partition.clone()),
                        ]),
                        Json::Object(offset.clone()),
                    ])
                })
            })
            .collect();
        Json::Array(pairs)
    }

    fn from_json(json: &Json) -> Result<Self, String> {
        let pairs = json
            .as_array()
            .ok_or("expected a JSON array of [key, value] pairs")?;
        let mut table = OffsetTable::default();
        for (i, pair) in pairs.iter().enumerate() {
            let bad = |what: &str| format!("entry {i}: {what}");
            let [key, value] = pair.as_array().map(Vec::as_slice).unwrap_or(&[]) else {
                return Err(bad("expected a [key, value] pair"));
            };
            let [connector, partition] = key.as_array().map(Vec::as_slice).unwrap_or(&[]) else {
                return Err(bad("key must be [\"<connector>\", {<partition>}]"));
            };
            let (Some(connector), Some(partition)) = (connector.as_str(), partition.as_object())
            else {
                return Err(bad("key must be [\"<connector>\", {<partition>}]"));
            };
            let offset = match value {
                Json::Null => None,
                Json::Object(o) => Some(o.clone()),
                _ => return Err(bad("value must be an object or null")),
            };
            table.apply(connector, vec![(partition.clone(), offset)]);
        }
        Ok(table)
    }
}

fn read_lock(lock: &RwLock<OffsetTable>) -> RwLockReadGuard<'_, OffsetTable> {
    // A panic while holding the lock can't leave the table half-updated (updates are a
    // single assignment), so a poisoned lock is still consistent.
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write_lock(lock: &RwLock<OffsetTable>) -> RwLockWriteGuard<'_, OffsetTable> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

/// Offsets kept in memory only (tests, `offset.storage` not configured).
#[derive(Debug, Default)]
pub struct MemoryOffsetBackingStore {
    table: RwLock<OffsetTable>,
}

impl MemoryOffsetBackingStore {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl OffsetBackingStore for MemoryOffsetBackingStore {
    fn get(&self, connector: &str, partition: &SourceMap) -> Option<SourceMap> {
        read_lock(&self.table).get(connector, partition)
    }
    fn connector_offsets(&self, connector: &str) -> Vec<(SourceMap, SourceMap)> {
        read_lock(&self.table).connector_offsets(connector)
    }
    async fn set(
        &self,
        connector: &str,
        entries: Vec<(SourceMap, Option<SourceMap>)>,
    ) -> Result<(), StorageError> {
        write_lock(&self.table).apply(connector, entries);
        Ok(())
    }
    fn connectors(&self) -> Vec<String> {
        read_lock(&self.table).connectors()
    }
}

/// Standalone mode's `offset.storage.file.filename`: the whole table as one JSON file,
/// rewritten atomically on every `set`.
#[derive(Debug)]
pub struct FileOffsetBackingStore {
    path: PathBuf,
    table: RwLock<OffsetTable>,
    /// Serialises writers so files land in the order their `set` calls were made, and a
    /// later write always contains every earlier acknowledged entry.
    writer: tokio::sync::Mutex<()>,
}

impl FileOffsetBackingStore {
    /// Loads `path` (missing or empty = no offsets). Blocking: call at startup or from
    /// `spawn_blocking`.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, StorageError> {
        let path = path.into();
        let table = match read_optional(&path)? {
            Some(bytes) if !bytes.iter().all(u8::is_ascii_whitespace) => {
                let json: Json =
                    serde_json::from_slice(&bytes).map_err(|e| StorageError::Corrupt {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?;
                OffsetTable::from_json(&json).map_err(|reason| StorageError::Corrupt {
                    path: path.clone(),
                    reason,
                })?
            }
            _ => OffsetTable::default(),
        };
        Ok(FileOffsetBackingStore {
            path,
            table: RwLock::new(table),
            writer: tokio::sync::Mutex::new(()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[async_trait]
impl OffsetBackingStore for FileOffsetBackingStore {
    fn get(&self, connector: &str, partition: &SourceMap) -> Option<SourceMap> {
        read_lock(&self.table).get(connector, partition)
    }
    fn connector_offsets(&self, connector: &str) -> Vec<(SourceMap, SourceMap)> {
        read_lock(&self.table).connector_offsets(connector)
    }
    async fn set(
        &self,
        connector: &str,
        entries: Vec<(SourceMap, Option<SourceMap>)>,
    ) -> Result<(), StorageError> {
        let _writer = self.writer.lock().await;
        let mut next = read_lock(&self.table).clone();
        next.apply(connector, entries);
        let bytes = serde_json::to_vec_pretty(&next.to_json()).map_err(|e| {
            StorageError::io(
                "serialise offsets for",
                &self.path,
                std::io::Error::other(e),
            )
        })?;
        write_atomic_blocking(self.path.clone(), bytes).await?;
        // Readers see the new offsets only once they are on disk.
        *write_lock(&self.table) = next;
        Ok(())
    }
    fn connectors(&self) -> Vec<String> {
        read_lock(&self.table).connectors()
    }
}

/// Kafka's `OffsetStorageReaderImpl`: one connector's view of the store, handed to its tasks.
#[derive(Clone)]
pub struct ConnectorOffsetReader {
    store: Arc<dyn OffsetBackingStore>,
    connector: String,
}

impl ConnectorOffsetReader {
    pub fn new(store: Arc<dyn OffsetBackingStore>, connector: impl Into<String>) -> Self {
        ConnectorOffsetReader {
            store,
            connector: connector.into(),
        }
    }
}

impl OffsetStorageReader for ConnectorOffsetReader {
    fn offset(&self, partition: &SourceMap) -> Option<SourceMap> {
        self.store.get(&self.connector, partition)
    }
    fn snapshot(&self) -> Vec<(SourceMap, SourceMap)> {
        self.store.connector_offsets(&self.connector)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Json) -> SourceMap {
        match v {
            Json::Object(m) => m,
            other => panic!("not an object: {other}"),
        }
    }

    #[tokio::test]
    async fn partition_key_order_does_not_matter() {
        let store = MemoryOffsetBackingStore::new();
        let ab = map(json!({"a": 1, "b": "x"}));
        let ba = map(json!({"b": "x", "a": 1}));
        store
            .set("c", vec![(ab.clone(), Some(map(json!({"pos": 5}))))])
            .await
            .unwrap();
        assert_eq!(store.get("c", &ba), Some(map(json!({"pos": 5}))));
        store
            .set("c", vec![(ba.clone(), Some(map(json!({"pos": 6}))))])
            .await
            .unwrap();
        assert_eq!(store.connector_offsets("c").len(), 1);
        assert_eq!(store.get("c", &ab), Some(map(json!({"pos": 6}))));
        assert_eq!(store.get("other", &ab), None);
        assert_eq!(store.get("c", &map(json!({"a": 2, "b": "x"}))), None);
    }

    #[tokio::test]
    async fn none_deletes_and_empty_connector_disappears() {
        let store = MemoryOffsetBackingStore::new();
        let p1 = map(json!({"f": "1"}));
        let p2 = map(json!({"f": "2"}));
        store
            .set(
                "c",
                vec![
                    (p1.clone(), Some(map(json!({"o": 1})))),
                    (p2.clone(), Some(map(json!({"o": 2})))),
                ],
            )
            .await
            .unwrap();
        store.set("c", vec![(p1.clone(), None)]).await.unwrap();
        assert_eq!(store.get("c", &p1), None);
        assert_eq!(store.connectors(), vec!["c".to_string()]);
        store.set("c", vec![(p2, None)]).await.unwrap();
        assert!(store.connectors().is_empty());
        assert!(store.connector_offsets("c").is_empty());
    }

    #[tokio::test]
    async fn file_store_survives_reopen_in_kafka_key_format() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("connect.offsets");
        let store = FileOffsetBackingStore::open(&path).unwrap();
        assert!(store.connectors().is_empty());
        store
            .set(
                "file-src",
                vec![(
                    map(json!({"filename": "/tmp/in.txt"})),
                    Some(map(json!({"position": 42}))),
                )],
            )
            .await
            .unwrap();
        store
            .set(
                "other",
                vec![(map(json!({"z": 1, "a": 2})), Some(map(json!({"o": "x"}))))],
            )
            .await
            .unwrap();

        let on_disk: Json = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(
            on_disk,
            json!([
                [["file-src", {"filename": "/tmp/in.txt"}], {"position": 42}],
                [["other", {"a": 2, "z": 1}], {"o": "x"}]
            ])
        );

        drop(store);
        let reopened = FileOffsetBackingStore::open(&path).unwrap();
        assert_eq!(
            reopened.connectors(),
            vec!["file-src".to_string(), "other".to_string()]
        );
        assert_eq!(
            reopened.get("file-src", &map(json!({"filename": "/tmp/in.txt"}))),
            Some(map(json!({"position": 42})))
        );
        assert_eq!(
            reopened.get("other", &map(json!({"a": 2, "z": 1}))),
            Some(map(json!({"o": "x"})))
        );
    }

    #[tokio::test]
    async fn failed_write_keeps_file_and_memory_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("offsets.json");
        let store = FileOffsetBackingStore::open(&path).unwrap();
        let p = map(json!({"p": 0}));
        store
            .set("c", vec![(p.clone(), Some(map(json!({"o": 1}))))])
            .await
            .unwrap();
        let before = std::fs::read(&path).unwrap();

        // Root ignores permissions, so block the temp file with a directory of its name.
        let blocker = super::super::atomic::temp_path(&path).unwrap();
        std::fs::create_dir(&blocker).unwrap();
        let err = store
            .set("c", vec![(p.clone(), Some(map(json!({"o": 2}))))])
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("offsets.json"),
            "error should name the file: {err}"
        );
        assert_eq!(store.get("c", &p), Some(map(json!({"o": 1}))));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n != ".offsets.json.tmp")
            .collect();
        assert_eq!(names, vec!["offsets.json".to_string()]);

        // Once the obstacle is gone the next write works and the failed one stays unapplied.
        std::fs::remove_dir(&blocker).unwrap();
        store
            .set("d", vec![(p.clone(), Some(map(json!({"o": 9}))))])
            .await
            .unwrap();
        let reopened = FileOffsetBackingStore::open(&path).unwrap();
        assert_eq!(reopened.get("c", &p), Some(map(json!({"o": 1}))));
        assert_eq!(reopened.get("d", &p), Some(map(json!({"o": 9}))));
    }

    #[tokio::test]
    async fn parent_is_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_dir = dir.path().join("plain");
        std::fs::write(&not_a_dir, b"x").unwrap();
        let path = not_a_dir.join("offsets.json");
        // Reading under a file fails with ENOTDIR, which is not "missing": report it.
        let err = FileOffsetBackingStore::open(&path).unwrap_err();
        assert!(err.to_string().contains("plain/offsets.json"), "{err}");
    }

    #[test]
    fn corrupt_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("offsets.json");
        std::fs::write(&path, b"[[\"c\", {\"p\": 1}], ").unwrap();
        let err = FileOffsetBackingStore::open(&path).unwrap_err();
        assert!(matches!(err, StorageError::Corrupt { .. }), "{err:?}");
        assert!(err.to_string().contains(path.to_str().unwrap()), "{err}");

        std::fs::write(&path, br#"[[["c", "not-a-map"], {"o": 1}]]"#).unwrap();
        let err = FileOffsetBackingStore::open(&path).unwrap_err();
        assert!(err.to_string().contains("entry 0"), "{err}");
    }

    #[tokio::test]
    async fn reader_sees_only_its_connector() {
        let store: Arc<dyn OffsetBackingStore> = Arc::new(MemoryOffsetBackingStore::new());
        let p = map(json!({"t": "a"}));
        store
            .set("mine", vec![(p.clone(), Some(map(json!({"o": 3}))))])
            .await
            .unwrap();
        store
            .set("theirs", vec![(p.clone(), Some(map(json!({"o": 4}))))])
            .await
            .unwrap();
        let reader = ConnectorOffsetReader::new(store, "mine");
        let missing = map(json!({"t": "b"}));
        assert_eq!(
            reader.offsets(&[p.clone(), missing.clone()]),
            vec![(p, Some(map(json!({"o": 3})))), (missing, None)]
        );
    }
}
