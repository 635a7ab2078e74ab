//! The embedded durable log: the no-broker development default behind [`RecordTransport`].
//!
//! Layout under the data directory:
//! * `topics/<topic>/meta.json`: `{"partitions": n}`, written last when a topic is created,
//!   so a topic directory without it never held an acknowledged record and is ignored;
//! * `topics/<topic>/<p>.log` + `<p>.idx`: see [`partition`] and [`format`];
//! * `groups/<group>.json`: committed offsets, replaced atomically (group names are
//!   percent-encoded into file names, the real name is stored inside).
//!
//! A send is acknowledged only after its bytes are fsynced, so nothing acknowledged is lost
//! to `kill -9` or power loss; `open` cuts a torn or corrupt tail and rebuilds indexes.
//! One mutex per partition serialises writers; readers only take it to look up positions.
//! All file I/O runs on blocking threads.

mod consumer;
mod format;
mod partition;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use async_trait::async_trait;
use connect_api::{RecordMetadata, TopicPartition};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

pub use consumer::EmbeddedConsumer;
use partition::PartitionLog;

use super::{
    partition_for_key, OutboundMessage, RecordTransport, TopicSpec, TransportConsumer,
    TransportError, TransportResult,
};
use crate::storage::atomic;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedLogOptions {
    /// Partitions of auto-created topics (Kafka's `num.partitions`).
    pub default_partitions: u32,
    /// Largest accepted record payload (key + value + headers + fixed fields), in bytes.
    pub max_message_bytes: usize,
    /// fsync each append before acknowledging it. Only tests should turn this off.
    pub fsync: bool,
}

impl Default for EmbeddedLogOptions {
    fn default() -> Self {
        EmbeddedLogOptions {
            default_partitions: 1,
            max_message_bytes: 4 * 1024 * 1024,
            fsync: true,
        }
    }
}

/// Most bytes one partition contributes to one `poll`, so a `max` of large records can't
/// balloon memory.
const MAX_POLL_BYTES_PER_PARTITION: usize = 16 * 1024 * 1024;

pub struct EmbeddedLog {
    inner: Arc<Inner>,
}

struct Topic {
    partitions: Vec<Arc<PartitionLog>>,
    /// Round-robin cursor for records without key or partition.
    next: AtomicU32,
}

type GroupOffsets = BTreeMap<TopicPartition, i64>;

struct Inner {
    dir: PathBuf,
    options: EmbeddedLogOptions,
    topics: RwLock<BTreeMap<String, Arc<Topic>>>,
    /// Held (on a blocking thread) while a topic's files are created.
    create_lock: Mutex<()>,
    groups: Mutex<BTreeMap<String, GroupOffsets>>,
    /// Serialises group file rewrites so they land in call order.
    group_writer: tokio::sync::Mutex<()>,
    /// Woken after every successful append, for consumers waiting in `poll`.
    appended: Notify,
}

#[derive(Serialize, Deserialize)]
struct TopicMeta {
    partitions: u32,
}

#[derive(Serialize, Deserialize)]
struct GroupFile {
    group: String,
    offsets: Vec<GroupOffset>,
}

#[derive(Serialize, Deserialize)]
struct GroupOffset {
    topic: String,
    partition: i32,
    offset: i64,
}

fn fatal_io(action: &str, path: &Path, e: impl std::fmt::Display) -> TransportError {
    TransportError::Fatal(format!(
        "embedded log: cannot {action} {}: {e}",
        path.display()
    ))
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The guarded maps are only updated by single inserts/removes after the matching file
    // operation succeeded, so a poisoned lock still guards consistent data.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Kafka's topic name rule (`Topic.validate`).
pub fn validate_topic_name(name: &str) -> Result<(), TransportError> {
    let reject = |m: String| Err(TransportError::Rejected(m));
    if name.is_empty() {
        return reject("Topic name is illegal, it can't be empty".into());
    }
    if name == "." || name == ".." {
        return reject("Topic name cannot be \".\" or \"..\"".into());
    }
    if name.len() > 249 {
        return reject(format!(
            "Topic name is illegal, it can't be longer than 249 characters, topic name: {name}"
        ));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return reject(format!(
            "Topic name \"{name}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"
        ));
    }
    Ok(())
}

/// A file-name-safe spelling of a group id: `[A-Za-z0-9_-]` kept, every other byte `%XX`
/// (including `.`, so `.`, `..` and hidden names can't occur).
fn group_file_name(group: &str) -> String {
    let mut out = String::with_capacity(group.len() + 5);
    for b in group.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.push_str(".json");
    out
}

fn check_group(group: &str) -> TransportResult<()> {
    if group.is_empty() {
        return Err(TransportError::Rejected(
            "The group id must not be empty".into(),
        ));
    }
    Ok(())
}

impl EmbeddedLog {
    /// Opens (creating if needed) the log in `dir`, recovering every partition. Blocking:
    /// call at startup or from `spawn_blocking`.
    pub fn open(
        dir: &Path,
        options: EmbeddedLogOptions,
    ) -> Result<Arc<EmbeddedLog>, TransportError> {
        if options.default_partitions == 0 {
            return Err(TransportError::Rejected(
                "embedded log: default_partitions must be at least 1".into(),
            ));
        }
        let topics_dir = dir.join("topics");
        let groups_dir = dir.join("groups");
        for d in [&topics_dir, &groups_dir] {
            std::fs::create_dir_all(d).map_err(|e| fatal_io("create", d, e))?;
        }
        atomic::sync_dir(dir).map_err(|e| fatal_io("sync", dir, e))?;

        let topics = load_topics(&topics_dir)?;
        let groups = load_groups(&groups_dir)?;
        Ok(Arc::new(EmbeddedLog {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                options,
                topics: RwLock::new(topics),
                create_lock: Mutex::new(()),
                groups: Mutex::new(groups),
                group_writer: tokio::sync::Mutex::new(()),
                appended: Notify::new(),
            }),
        }))
    }

    /// [`EmbeddedLog::open`] on a blocking thread.
    pub async fn open_async(
        dir: PathBuf,
        options: EmbeddedLogOptions,
    ) -> Result<Arc<EmbeddedLog>, TransportError> {
        tokio::task::spawn_blocking(move || EmbeddedLog::open(&dir, options))
            .await
            .map_err(|e| TransportError::Fatal(format!("embedded log: open task failed: {e}")))?
    }

    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }
}

fn load_topics(topics_dir: &Path) -> Result<BTreeMap<String, Arc<Topic>>, TransportError> {
    let mut topics = BTreeMap::new();
    let entries = std::fs::read_dir(topics_dir).map_err(|e| fatal_io("list", topics_dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| fatal_io("list", topics_dir, e))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let path = entry.path();
        if validate_topic_name(&name).is_err() || !path.is_dir() {
            continue;
        }
        let meta_path = path.join("meta.json");
        let bytes = match std::fs::read(&meta_path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tracing::warn!(dir = %path.display(), "embedded log: ignoring topic directory without meta.json (creation was interrupted)");
                continue;
            }
            Err(e) => return Err(fatal_io("read", &meta_path, e)),
        };
        let meta: TopicMeta =
            serde_json::from_slice(&bytes).map_err(|e| fatal_io("parse", &meta_path, e))?;
        if meta.partitions == 0 {
            return Err(fatal_io(
                "use",
                &meta_path,
                "a topic needs at least one partition",
            ));
        }
        let topic = open_partitions(&path, meta.partitions)?;
        topics.insert(name, Arc::new(topic));
    }
    Ok(topics)
}

fn open_partitions(topic_dir: &Path, count: u32) -> Result<Topic, TransportError> {
    let partitions = (0..count)
        .map(|p| {
            PartitionLog::open(topic_dir, p)
                .map(Arc::new)
                .map_err(|e| fatal_io(&format!("open partition {p} in"), topic_dir, e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Topic {
        partitions,
        next: AtomicU32::new(0),
    })
}

fn load_groups(groups_dir: &Path) -> Result<BTreeMap<String, GroupOffsets>, TransportError> {
    let mut groups = BTreeMap::new();
    let entries = std::fs::read_dir(groups_dir).map_err(|e| fatal_io("list", groups_dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| fatal_io("list", groups_dir, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Skip leftovers of interrupted atomic writes (`.<name>.tmp`).
        if name.starts_with('.') || !name.ends_with(".json") {
            continue;
        }
        let path = entry.path();
        let bytes = std::fs::read(&path).map_err(|e| fatal_io("read", &path, e))?;
        let file: GroupFile =
            serde_json::from_slice(&bytes).map_err(|e| fatal_io("parse", &path, e))?;
        let offsets = file
            .offsets
            .into_iter()
            .map(|o| (TopicPartition::new(o.topic, o.partition), o.offset))
            .collect();
        groups.insert(file.group, offsets);
    }
    Ok(groups)
}

impl Inner {
    fn topic(&self, name: &str) -> Option<Arc<Topic>> {
        self.topics
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .cloned()
    }

    fn partition(&self, tp: &TopicPartition) -> Option<Arc<PartitionLog>> {
        let topic = self.topic(&tp.topic)?;
        let index = usize::try_from(tp.partition).ok()?;
        topic.partitions.get(index).cloned()
    }

    /// Blocking. Returns the topic and whether this call created it.
    fn create_topic_blocking(
        &self,
        name: &str,
        partitions: u32,
    ) -> TransportResult<(Arc<Topic>, bool)> {
        if let Some(t) = self.topic(name) {
            return Ok((t, false));
        }
        let _creating = lock(&self.create_lock);
        if let Some(t) = self.topic(name) {
            return Ok((t, false));
        }
        let topic_dir = self.dir.join("topics").join(name);
        std::fs::create_dir_all(&topic_dir).map_err(|e| fatal_io("create", &topic_dir, e))?;
        let topic = Arc::new(open_partitions(&topic_dir, partitions)?);
        // meta.json last: its presence marks a complete topic. The atomic write also fsyncs
        // the topic directory, making the partition files' entries durable.
        let meta = serde_json::to_vec(&TopicMeta { partitions })
            .map_err(|e| TransportError::Fatal(e.to_string()))?;
        let meta_path = topic_dir.join("meta.json");
        atomic::write_atomic(&meta_path, &meta).map_err(|e| fatal_io("write", &meta_path, e))?;
        let topics_dir = self.dir.join("topics");
        atomic::sync_dir(&topics_dir).map_err(|e| fatal_io("sync", &topics_dir, e))?;
        self.topics
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_string(), topic.clone());
        tracing::info!(topic = name, partitions, "embedded log: created topic");
        Ok((topic, true))
    }

    /// Blocking: validates, routes and appends a batch (one write + fsync per partition).
    fn send_blocking(&self, batch: &[OutboundMessage]) -> Vec<TransportResult<RecordMetadata>> {
        let mut results: Vec<Option<TransportResult<RecordMetadata>>> = vec![None; batch.len()];
        // (topic, partition) -> indexes into `batch`, in input order.
        let mut routed: BTreeMap<(String, i32), (Arc<PartitionLog>, Vec<usize>)> = BTreeMap::new();
        for (i, msg) in batch.iter().enumerate() {
            match self.route(msg) {
                Ok((partition, log)) => {
                    routed
                        .entry((msg.topic.clone(), partition))
                        .or_insert_with(|| (log, Vec::new()))
                        .1
                        .push(i);
                }
                Err(e) => results[i] = Some(Err(e)),
            }
        }
        let mut appended = false;
        for ((topic, partition), (log, indexes)) in routed {
            let msgs: Vec<&OutboundMessage> = indexes.iter().map(|&i| &batch[i]).collect();
            match log.append(&msgs, self.options.fsync) {
                Ok(base) => {
                    appended = true;
                    for (k, &i) in indexes.iter().enumerate() {
                        results[i] = Some(Ok(RecordMetadata {
                            topic: topic.clone(),
                            partition,
                            offset: base + k as i64,
                            timestamp: batch[i].timestamp,
                        }));
                    }
                }
                Err(e) => {
                    for &i in &indexes {
                        results[i] = Some(Err(e.clone()));
                    }
                }
            }
        }
        if appended {
            self.appended.notify_waiters();
        }
        results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| Err(TransportError::Fatal("message was not routed".into())))
            })
            .collect()
    }

    fn route(&self, msg: &OutboundMessage) -> TransportResult<(i32, Arc<PartitionLog>)> {
        validate_topic_name(&msg.topic)?;
        let size = format::payload_len(msg);
        let limit = self.options.max_message_bytes.min(i32::MAX as usize);
        if size > limit {
            return Err(TransportError::Rejected(format!(
                "The message is {size} bytes when serialized which is larger than {limit}, the maximum message size of the embedded log (max_message_bytes)"
            )));
        }
        let (topic, _) = self.create_topic_blocking(&msg.topic, self.options.default_partitions)?;
        let count = topic.partitions.len() as u32;
        let partition = match (msg.partition, &msg.key) {
            (Some(p), _) => p,
            (None, Some(key)) => partition_for_key(key, count),
            (None, None) => (topic.next.fetch_add(1, Ordering::Relaxed) % count) as i32,
        };
        let log = usize::try_from(partition)
            .ok()
            .and_then(|i| topic.partitions.get(i))
            .ok_or_else(|| {
                TransportError::Rejected(format!(
                    "Invalid partition given with record: {partition} is not in the range [0...{count})."
                ))
            })?;
        Ok((partition, log.clone()))
    }

    fn committed(&self, group: &str) -> GroupOffsets {
        lock(&self.groups).get(group).cloned().unwrap_or_default()
    }

    async fn commit(&self, group: &str, offsets: &GroupOffsets) -> TransportResult<()> {
        check_group(group)?;
        if let Some((tp, o)) = offsets.iter().find(|(_, &o)| o < 0) {
            return Err(TransportError::Rejected(format!(
                "Invalid negative offset {o} for {tp}"
            )));
        }
        let _writer = self.group_writer.lock().await;
        let mut next = self.committed(group);
        next.extend(offsets.iter().map(|(tp, o)| (tp.clone(), *o)));
        let file = GroupFile {
            group: group.to_string(),
            offsets: next
                .iter()
                .map(|(tp, &offset)| GroupOffset {
                    topic: tp.topic.clone(),
                    partition: tp.partition,
                    offset,
                })
                .collect(),
        };
        let bytes =
            serde_json::to_vec_pretty(&file).map_err(|e| TransportError::Fatal(e.to_string()))?;
        let path = self.dir.join("groups").join(group_file_name(group));
        let result = tokio::task::spawn_blocking(move || {
            atomic::write_atomic(&path, &bytes).map_err(|e| fatal_io("write", &path, e))
        })
        .await
        .map_err(|e| TransportError::Fatal(format!("embedded log: commit task failed: {e}")))?;
        result?;
        // Visible only once durable.
        lock(&self.groups).insert(group.to_string(), next);
        Ok(())
    }

    async fn delete_group(&self, group: &str) -> TransportResult<()> {
        if group.is_empty() {
            return Ok(());
        }
        let _writer = self.group_writer.lock().await;
        let dir = self.dir.join("groups");
        let path = dir.join(group_file_name(group));
        tokio::task::spawn_blocking(move || {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(fatal_io("delete", &path, e)),
            }
            atomic::sync_dir(&dir).map_err(|e| fatal_io("sync", &dir, e))
        })
        .await
        .map_err(|e| TransportError::Fatal(format!("embedded log: delete task failed: {e}")))??;
        lock(&self.groups).remove(group);
        Ok(())
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> TransportResult<T> + Send + 'static,
) -> TransportResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| TransportError::Fatal(format!("embedded log: I/O task failed: {e}")))?
}

#[async_trait]
impl RecordTransport for EmbeddedLog {
    fn kind(&self) -> &'static str {
        "embedded"
    }

    async fn create_topic(&self, topic: &str, spec: &TopicSpec) -> TransportResult<bool> {
        validate_topic_name(topic)?;
        if spec.partitions == 0 {
            return Err(TransportError::Rejected(format!(
                "Number of partitions must be larger than 0 (topic {topic})"
            )));
        }
        let inner = self.inner.clone();
        let (name, partitions) = (topic.to_string(), spec.partitions);
        blocking(move || {
            inner
                .create_topic_blocking(&name, partitions)
                .map(|(_, created)| created)
        })
        .await
    }

    async fn partition_count(&self, topic: &str) -> TransportResult<Option<u32>> {
        Ok(self.inner.topic(topic).map(|t| t.partitions.len() as u32))
    }

    async fn list_topics(&self) -> TransportResult<Vec<String>> {
        Ok(self
            .inner
            .topics
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect())
    }

    async fn send(&self, batch: Arc<[OutboundMessage]>) -> Vec<TransportResult<RecordMetadata>> {
        if batch.is_empty() {
            return Vec::new();
        }
        let len = batch.len();
        let inner = self.inner.clone();
        match tokio::task::spawn_blocking(move || inner.send_blocking(&batch)).await {
            Ok(results) => results,
            Err(e) => {
                let err = TransportError::Fatal(format!("embedded log: send task failed: {e}"));
                vec![Err(err); len]
            }
        }
    }

    async fn consumer(&self, group: &str) -> TransportResult<Box<dyn TransportConsumer>> {
        check_group(group)?;
        Ok(Box::new(EmbeddedConsumer::new(self.inner.clone(), group)))
    }

    async fn committed_offsets(&self, group: &str) -> TransportResult<GroupOffsets> {
        Ok(self.inner.committed(group))
    }

    async fn commit_offsets(&self, group: &str, offsets: &GroupOffsets) -> TransportResult<()> {
        self.inner.commit(group, offsets).await
    }

    async fn delete_group(&self, group: &str) -> TransportResult<()> {
        self.inner.delete_group(group).await
    }

    async fn end_offset(&self, tp: &TopicPartition) -> TransportResult<i64> {
        self.inner
            .partition(tp)
            .map(|p| p.end_offset())
            .ok_or_else(|| TransportError::UnknownTopic(tp.to_string()))
    }
}
