//! `JvmSinkTask`: a Kafka `SinkTask` in the JVM on its own thread. Records cross as consumed
//! (one byte batch per `put`); Kafka's converters and SMTs run on the Java side.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use connect_api::record::TimestampType;
use connect_api::{
    CommitOffsets, ConnectError, ConnectResult, Props, SinkRecord, SinkTask, SinkTaskContext,
    TopicPartition, Value,
};
use serde::Deserialize;
use serde_json::{json, Value as Json};

use crate::error::JavaError;
use crate::host::{host, TaskSpec};
use crate::runtime::{call_handle, call_str, sink_put, JvmThread};
use crate::wire::{encode_sink_batch, SinkWireRecord, Writer};

pub struct JvmSinkTask {
    spec: TaskSpec,
    running: Option<Running>,
    context: Option<Arc<dyn SinkTaskContext>>,
    version: String,
}

struct Running {
    thread: JvmThread,
    handle: i64,
}

/// A record Java could not deliver: dropped under `errors.tolerance=all`, or handed to the
/// task's `errantRecordReporter`.
#[derive(Deserialize)]
struct Failed {
    index: usize,
    #[serde(default)]
    stage: Option<String>,
    #[serde(default)]
    executing_class: Option<String>,
    class: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    trace: String,
}

impl Failed {
    fn error(&self) -> ConnectError {
        JavaError {
            class: self.class.clone(),
            message: self.message.clone(),
            trace: self.trace.clone(),
            retriable: false,
            stage: self.stage.clone(),
        }
        .into_connect()
    }
}

fn bytes_of(v: &Value) -> Option<&[u8]> {
    match v {
        Value::Bytes(b) => Some(b),
        Value::String(s) => Some(s.as_bytes()),
        _ => None,
    }
}

fn tp_json(tp: &TopicPartition) -> Json {
    json!({"topic": tp.topic, "partition": tp.partition})
}

impl JvmSinkTask {
    pub fn new(spec: TaskSpec) -> Self {
        JvmSinkTask {
            spec,
            running: None,
            context: None,
            version: "unknown".into(),
        }
    }

    fn running(&self) -> ConnectResult<&Running> {
        self.running
            .as_ref()
            .ok_or_else(|| ConnectError::connect("the JVM task is not started"))
    }

    async fn call(&self, op: &'static str, input: Json) -> ConnectResult<Json> {
        let r = self.running()?;
        let handle = r.handle;
        let input = input.to_string();
        let answer = r
            .thread
            .call(move |env, bridge| call_handle(env, bridge, "taskCall", handle, op, &input))
            .await??;
        self.apply_actions(&answer)?;
        Ok(answer)
    }

    /// What the Java `SinkTaskContext` was asked to do since the last call.
    fn apply_actions(&self, answer: &Json) -> ConnectResult<()> {
        let Some(ctx) = &self.context else {
            return Ok(());
        };
        let tps = |a: &Json| -> Vec<TopicPartition> {
            a["partitions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| {
                    Some(TopicPartition::new(
                        p["topic"].as_str()?,
                        i32::try_from(p["partition"].as_i64()?).ok()?,
                    ))
                })
                .collect()
        };
        for a in answer["actions"].as_array().into_iter().flatten() {
            match a["type"].as_str() {
                Some("offset") => {
                    if let (Some(t), Some(p), Some(o)) = (
                        a["topic"].as_str(),
                        a["partition"].as_i64(),
                        a["offset"].as_i64(),
                    ) {
                        ctx.offset(TopicPartition::new(t, p as i32), o);
                    }
                }
                Some("timeout") => ctx.timeout(a["ms"].as_u64().unwrap_or(0)),
                Some("pause") => ctx.pause(&tps(a))?,
                Some("resume") => ctx.resume(&tps(a))?,
                Some("request_commit") => ctx.request_commit(),
                _ => tracing::warn!(action = %a, "unknown sink context action from the JVM"),
            }
        }
        Ok(())
    }

    async fn report(&self, records: &[SinkRecord], failed: Vec<Failed>, tolerated: bool) {
        let reporter = self
            .context
            .as_ref()
            .and_then(|c| c.errant_record_reporter());
        for f in failed {
            let index = f.index;
            let error = f.error();
            let stage = f.stage.as_deref().unwrap_or("TASK_PUT");
            let class = f
                .executing_class
                .as_deref()
                .unwrap_or(self.spec.task_class.as_str());
            let Some(record) = records.get(index) else {
                tracing::warn!(index, "the JVM reported a record outside the batch");
                continue;
            };
            if tolerated {
                tracing::debug!(task = %self.spec.thread_name(), error = %error, "record skipped by errors.tolerance");
            }
            if let Some(r) = &reporter {
                if let Err(e) = r.report_stage(record, &error, stage, class).await {
                    tracing::error!(error = %e, "failed to report an errant record");
                }
            }
        }
    }
}

impl Drop for JvmSinkTask {
    /// As for `JvmSourceTask`: a task dropped without `stop` (failed `start`, abandoned) still
    /// owns its Java handle; release it so its converters, SMTs and metrics are closed. Queued on
    /// the task's thread, never waited for.
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            let handle = r.handle;
            drop(r.thread.call(move |env, bridge| {
                let _ = call_handle(env, bridge, "taskCall", handle, "release", "{}");
            }));
        }
    }
}

#[async_trait]
impl SinkTask for JvmSinkTask {
    fn version(&self) -> String {
        self.version.clone()
    }

    fn converts_records(&self) -> bool {
        true
    }

    async fn start(
        &mut self,
        context: Arc<dyn SinkTaskContext>,
        props: Props,
    ) -> ConnectResult<()> {
        let host = host().map_err(ConnectError::from)?;
        let thread = JvmThread::spawn(host.jvm.clone(), self.spec.thread_name())?;
        let create = self.spec.create_json("sink", &props);
        let created = thread
            .call(move |env, bridge| call_str(env, bridge, "taskCreate", &create))
            .await??;
        let handle = created
            .get("handle")
            .and_then(Json::as_i64)
            .ok_or_else(|| ConnectError::connect(format!("no handle in {created}")))?;
        if let Some(v) = created.get("version").and_then(Json::as_str) {
            self.version = v.to_string();
        }
        self.running = Some(Running { thread, handle });
        self.context = Some(context);
        self.call("start", json!({})).await?;
        Ok(())
    }

    async fn open(&mut self, partitions: &[TopicPartition]) -> ConnectResult<()> {
        let ps: Vec<Json> = partitions.iter().map(tp_json).collect();
        self.call("open", json!({ "partitions": ps })).await?;
        Ok(())
    }

    async fn put(&mut self, records: Vec<SinkRecord>) -> ConnectResult<()> {
        let r = self.running()?;
        let handle = r.handle;
        let mut w = Writer::default();
        {
            let wire: Vec<SinkWireRecord<'_>> = records
                .iter()
                .map(|s| SinkWireRecord {
                    topic: &s.record.topic,
                    partition: s
                        .record
                        .kafka_partition
                        .unwrap_or(s.original_kafka_partition),
                    offset: s.kafka_offset,
                    timestamp: s.record.timestamp,
                    timestamp_type: match s.timestamp_type {
                        TimestampType::NoTimestampType => 0,
                        TimestampType::CreateTime => 1,
                        TimestampType::LogAppendTime => 2,
                    },
                    key: bytes_of(&s.record.key),
                    value: bytes_of(&s.record.value),
                    headers: s
                        .record
                        .headers
                        .iter()
                        .map(|h| (h.key.as_str(), bytes_of(&h.value)))
                        .collect(),
                })
                .collect();
            encode_sink_batch(&wire, &mut w);
        }
        let batch = w.buf;
        let answer = r
            .thread
            .call(move |env, bridge| sink_put(env, bridge, handle, &batch))
            .await??;
        self.apply_actions(&answer)?;
        let list = |k: &str| -> Vec<Failed> {
            answer[k]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| serde_json::from_value(f.clone()).ok())
                .collect()
        };
        self.report(&records, list("failed"), true).await;
        self.report(&records, list("errant"), false).await;
        Ok(())
    }

    async fn pre_commit(&mut self, offsets: CommitOffsets) -> ConnectResult<CommitOffsets> {
        let input: Vec<Json> = offsets
            .iter()
            .map(|(tp, o)| json!({"topic": tp.topic, "partition": tp.partition, "offset": o}))
            .collect();
        let a = self.call("pre_commit", json!({ "offsets": input })).await?;
        let mut out = BTreeMap::new();
        for e in a["offsets"].as_array().into_iter().flatten() {
            if let (Some(t), Some(p), Some(o)) = (
                e["topic"].as_str(),
                e["partition"].as_i64(),
                e["offset"].as_i64(),
            ) {
                out.insert(TopicPartition::new(t, p as i32), o);
            }
        }
        Ok(out)
    }

    async fn close(&mut self, partitions: &[TopicPartition]) -> ConnectResult<()> {
        let ps: Vec<Json> = partitions.iter().map(tp_json).collect();
        self.call("close", json!({ "partitions": ps })).await?;
        Ok(())
    }

    async fn stop(&mut self) -> ConnectResult<()> {
        if self.running.is_none() {
            return Ok(());
        }
        let stopped = self.call("stop", json!({})).await;
        let _ = self.call("release", json!({})).await;
        self.running = None;
        stopped.map(|_| ())
    }
}
