//! `DatagenSourceConnector` / `DatagenSourceTask`: numbered records at a controlled rate, for
//! loss tests and benchmarks. Each task numbers its records 0, 1, 2, ... and stores the last
//! number as its offset, so a restarted task continues the sequence.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use connect_api::data::{primitive_schema, SchemaRef, SchemaType};
use connect_api::{
    ConfigDef, ConnectError, ConnectRecord, ConnectResult, Connector, ConnectorContext,
    ConnectorType, Headers, Props, SourceMap, SourceRecord, SourceTask, SourceTaskContext, Value,
};
use serde_json::Value as Json;
use tracing::{debug, info};

use super::config::{
    config_def, DatagenSettings, BINARY_HEADER, OFFSET_SEQ_FIELD, PARTITION_TASK_FIELD, SEQ_HEADER,
    TASK_CLASS, TASK_HEADER, TASK_ID_CONFIG,
};

/// Longest a poll sleeps (waiting for the rate limit or after `max.records`) before
/// returning `Ok(None)`, so the worker regains control regularly.
const MAX_POLL_WAIT: Duration = Duration::from_secs(1);
/// How much unused rate a slow consumer may bank: after a stall the task catches up by at
/// most this much instead of bursting without limit.
const MAX_CREDIT: Duration = Duration::from_secs(1);
/// Upper bound for the gap to the next record (about 30 years).
const FAR_FUTURE: Duration = Duration::from_secs(1 << 30);

#[derive(Default)]
pub struct DatagenSourceConnector {
    props: Props,
}

#[async_trait]
impl Connector for DatagenSourceConnector {
    fn connector_type(&self) -> ConnectorType {
        ConnectorType::Source
    }

    fn version(&self) -> String {
        connect_api::VERSION.to_string()
    }

    fn config_def(&self) -> ConfigDef {
        config_def()
    }

    async fn start(
        &mut self,
        _context: Arc<dyn ConnectorContext>,
        props: Props,
    ) -> ConnectResult<()> {
        DatagenSettings::parse(&props)?;
        self.props = props;
        Ok(())
    }

    fn task_class(&self) -> &'static str {
        TASK_CLASS
    }

    /// One config per task, told apart by `task.id`: each id is its own source partition.
    async fn task_configs(&mut self, max_tasks: usize) -> ConnectResult<Vec<Props>> {
        Ok((0..max_tasks)
            .map(|i| {
                let mut p = self.props.clone();
                p.insert(TASK_ID_CONFIG.to_string(), i.to_string());
                p
            })
            .collect())
    }

    async fn stop(&mut self) -> ConnectResult<()> {
        Ok(())
    }
}

pub struct DatagenSourceTask {
    settings: Option<DatagenSettings>,
    /// Sequence number of the next record.
    next_seq: u64,
    /// When the next record is due under `rate` (set on the first poll).
    next_due: Option<Instant>,
    /// `record.size` filler bytes; each value is its seq prefix plus the rest of this.
    filler: Vec<u8>,
    partition: SourceMap,
    key_schema: SchemaRef,
    value_schema: SchemaRef,
}

impl Default for DatagenSourceTask {
    fn default() -> Self {
        DatagenSourceTask {
            settings: None,
            next_seq: 0,
            next_due: None,
            filler: Vec::new(),
            partition: SourceMap::new(),
            key_schema: primitive_schema(SchemaType::String, false),
            // Optional: tombstones carry a null value under the same schema.
            value_schema: primitive_schema(SchemaType::Bytes, true),
        }
    }
}

/// The value of record `seq`: its decimal number, `|`, then filler up to `size` bytes.
pub fn value_bytes(seq: u64, filler: &[u8]) -> Vec<u8> {
    let prefix = format!("{seq}|");
    let mut v = Vec::with_capacity(filler.len().max(prefix.len()));
    v.extend_from_slice(prefix.as_bytes());
    if filler.len() > prefix.len() {
        v.extend_from_slice(&filler[prefix.len()..]);
    }
    v
}

/// A binary key: 0xFF can never appear in UTF-8, followed by the key id big-endian.
pub fn binary_key(id: u64) -> Vec<u8> {
    let mut k = vec![0xFF, 0xFE];
    k.extend_from_slice(&id.to_be_bytes());
    k
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl DatagenSourceTask {
    fn remaining(&self, s: &DatagenSettings) -> Option<u64> {
        s.max_records.map(|m| m.saturating_sub(self.next_seq))
    }

    /// Builds `n` records and advances the sequence. Synchronous, so a dropped poll future
    /// never loses numbers.
    fn generate(&mut self, s: &DatagenSettings, n: u64) -> Vec<SourceRecord> {
        let ts = now_millis();
        let task = s.task_id.to_string();
        let mut out = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let seq = self.next_seq;
            self.next_seq = self.next_seq.saturating_add(1);
            let key_id = seq % s.key_cardinality;
            let (key_schema, key) = if s.binary_keys {
                (
                    primitive_schema(SchemaType::Bytes, false),
                    Value::Bytes(binary_key(key_id)),
                )
            } else {
                (
                    self.key_schema.clone(),
                    Value::String(format!("key-{key_id}")),
                )
            };
            let tombstone = s
                .tombstone_every
                .is_some_and(|every| seq.wrapping_add(1).checked_rem(every) == Some(0));
            let value = if tombstone {
                Value::Null
            } else {
                Value::Bytes(value_bytes(seq, &self.filler))
            };
            let mut headers = Headers::new();
            headers.add_string(TASK_HEADER, task.clone());
            headers.add_string(SEQ_HEADER, seq.to_string());
            if s.binary_headers {
                let mut raw = vec![0xC3, 0x28];
                raw.extend_from_slice(&seq.to_be_bytes());
                headers.add(
                    BINARY_HEADER,
                    Some(primitive_schema(SchemaType::Bytes, false)),
                    Value::Bytes(raw),
                );
            }
            let mut record =
                ConnectRecord::new(s.topic.clone(), Some(self.value_schema.clone()), value)
                    .with_key(Some(key_schema), key)
                    .with_timestamp(Some(ts));
            record.headers = headers;
            let mut offset = SourceMap::new();
            offset.insert(OFFSET_SEQ_FIELD.to_string(), Json::from(seq));
            out.push(SourceRecord::new(self.partition.clone(), offset, record));
        }
        if s.rate > 0.0 {
            if let Some(due) = self.next_due.as_mut() {
                // A tiny rate can make the step absurdly long; cap it rather than overflow.
                let step = Duration::try_from_secs_f64(n as f64 / s.rate)
                    .unwrap_or(Duration::MAX)
                    .min(FAR_FUTURE);
                if let Some(next) = due.checked_add(step) {
                    *due = next;
                }
            }
        }
        out
    }
}

#[async_trait]
impl SourceTask for DatagenSourceTask {
    fn version(&self) -> String {
        connect_api::VERSION.to_string()
    }

    async fn start(
        &mut self,
        context: Arc<dyn SourceTaskContext>,
        props: Props,
    ) -> ConnectResult<()> {
        let s = DatagenSettings::parse(&props)?;
        self.partition = SourceMap::new();
        self.partition
            .insert(PARTITION_TASK_FIELD.to_string(), Json::from(s.task_id));
        self.next_seq = 0;
        self.next_due = None;
        if let Some(stored) = context.offset_storage_reader().offset(&self.partition) {
            match stored.get(OFFSET_SEQ_FIELD) {
                None | Some(Json::Null) => {}
                Some(v) => {
                    let last = v.as_u64().ok_or_else(|| {
                        ConnectError::connect(format!(
                            "Stored datagen offset {v} for task {} is not a non-negative integer",
                            s.task_id
                        ))
                    })?;
                    self.next_seq = last.saturating_add(1);
                }
            }
        }
        info!(
            "Datagen task {} starts at sequence {}",
            s.task_id, self.next_seq
        );
        self.filler = (0..s.record_size).map(|i| b'a' + (i % 26) as u8).collect();
        self.settings = Some(s);
        Ok(())
    }

    async fn poll(&mut self) -> ConnectResult<Option<Vec<SourceRecord>>> {
        let Some(s) = self.settings.clone() else {
            return Err(ConnectError::connect("DatagenSourceTask was not started"));
        };
        let deadline = Instant::now() + MAX_POLL_WAIT;
        loop {
            let mut n = s.batch_size as u64;
            if let Some(left) = self.remaining(&s) {
                if left == 0 {
                    debug!("Datagen task {} reached max.records", s.task_id);
                    tokio::time::sleep_until(deadline.into()).await;
                    return Ok(None);
                }
                n = n.min(left);
            }
            if s.rate > 0.0 {
                let now = Instant::now();
                let due = self.next_due.get_or_insert(now);
                if let Some(floor) = now.checked_sub(MAX_CREDIT) {
                    if *due < floor {
                        *due = floor;
                    }
                }
                if now < *due {
                    // Sleep until the next record is due (never a busy loop).
                    let wake = (*due).min(deadline);
                    tokio::time::sleep_until(wake.into()).await;
                    if Instant::now() >= deadline {
                        return Ok(None);
                    }
                    continue;
                }
                let owed = ((now - *due).as_secs_f64() * s.rate) as u64 + 1;
                n = n.min(owed);
            }
            return Ok(Some(self.generate(&s, n)));
        }
    }

    async fn stop(&mut self) -> ConnectResult<()> {
        Ok(())
    }
}
