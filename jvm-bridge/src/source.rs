//! `JvmSourceTask`: a Kafka `SourceTask` in the JVM on its own thread. Each `poll()` crosses
//! as one byte batch, already transformed and converted by Kafka's classes; acks go back in
//! batches, riding on the next poll.

use std::sync::Arc;

use async_trait::async_trait;
use connect_api::{
    ConnectError, ConnectResult, Converted, ConvertedSourceRecord, Props, RecordMetadata,
    SourceMap, SourceRecord, SourceTask, SourceTaskContext,
};
use serde_json::{json, Value as Json};
use tokio::sync::oneshot;

use crate::connector::offset_entries;
use crate::error::{BridgeError, JavaError};
use crate::host::{host, TaskSpec};
use crate::runtime::{call_handle, call_str, source_ack, source_poll, JvmThread};
use crate::wire::{decode_poll, AckMetadata, AckWriter, PollBatch, PolledKind};

type PollAnswer = Result<Vec<ConvertedSourceRecord>, ConnectError>;

pub struct JvmSourceTask {
    spec: TaskSpec,
    running: Option<Running>,
    acks: AckWriter,
    /// The answer of a poll whose caller went away (pause, stop): the next poll takes it
    /// instead of asking again, so no polled batch is ever lost.
    pending: Option<oneshot::Receiver<PollAnswer>>,
    context: Option<Arc<dyn SourceTaskContext>>,
    version: String,
}

struct Running {
    thread: JvmThread,
    handle: i64,
}

impl JvmSourceTask {
    pub fn new(spec: TaskSpec) -> Self {
        JvmSourceTask {
            spec,
            running: None,
            acks: AckWriter::default(),
            pending: None,
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
        Ok(r.thread
            .call(move |env, bridge| call_handle(env, bridge, "taskCall", handle, op, &input))
            .await??)
    }

    /// Hands the acks gathered so far to Java's `commitRecord`.
    async fn flush_acks(&mut self) -> ConnectResult<()> {
        if self.acks.is_empty() {
            return Ok(());
        }
        let acks = self.acks.take();
        let r = self.running()?;
        let handle = r.handle;
        r.thread
            .call(move |env, bridge| source_ack(env, bridge, handle, &acks))
            .await??;
        Ok(())
    }
}

impl Drop for JvmSourceTask {
    /// A task dropped without `stop` (its `start` failed, or the worker abandoned it after
    /// `task.shutdown.graceful.timeout.ms`) still owns its Java handle: release it, so the
    /// task's converters, SMTs and plugin metrics are closed as Kafka closes them when a task
    /// fails to start, instead of living in the JVM for ever. Queued behind whatever runs on
    /// the task's thread (behind a poll that never returns, for an abandoned task) and never
    /// waited for; the thread ends once the queue is drained.
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            let handle = r.handle;
            drop(r.thread.call(move |env, bridge| {
                let _ = call_handle(env, bridge, "taskCall", handle, "release", "{}");
            }));
        }
    }
}

fn source_map(json: Option<Vec<u8>>) -> Result<SourceMap, ConnectError> {
    match json {
        None => Ok(SourceMap::new()),
        Some(b) => match serde_json::from_slice::<Json>(&b)? {
            Json::Object(m) => Ok(m),
            Json::Null => Ok(SourceMap::new()),
            other => Err(ConnectError::data(format!(
                "source partition/offset is not a map: {other}"
            ))),
        },
    }
}

/// Runs on the task's thread: one JNI call, then the batch is parsed there too.
fn poll_once(
    env: &mut jni::Env<'_>,
    bridge: &jni::refs::Global<jni::objects::JClass<'static>>,
    handle: i64,
    acks: &[u8],
) -> PollAnswer {
    let bytes = source_poll(env, bridge, handle, acks)?;
    let batch = decode_poll(&bytes).map_err(|e| ConnectError::connect(e.to_string()))?;
    let records = match batch {
        PollBatch::Error(json) => return Err(JavaError::parse(&json).into_connect()),
        PollBatch::Records(r) => r,
    };
    records
        .into_iter()
        .map(|r| {
            let outcome = match r.kind {
                PolledKind::Send(m) => Converted::Message {
                    topic: m.topic,
                    partition: m.partition,
                    key: m.key,
                    value: m.value,
                    headers: m.headers,
                    timestamp: m.timestamp,
                },
                PolledKind::Dropped => Converted::Dropped,
                PolledKind::Tolerated(json) => {
                    let e = JavaError::parse(&json);
                    Converted::Tolerated {
                        stage: e.stage.clone().unwrap_or_else(|| "TRANSFORMATION".into()),
                        error: e.into_connect(),
                    }
                }
            };
            Ok(ConvertedSourceRecord {
                seq: r.seq,
                source_partition: source_map(r.partition_json)?,
                source_offset: source_map(r.offset_json)?,
                outcome,
            })
        })
        .collect()
}

#[async_trait]
impl SourceTask for JvmSourceTask {
    fn version(&self) -> String {
        self.version.clone()
    }

    async fn start(
        &mut self,
        context: Arc<dyn SourceTaskContext>,
        props: Props,
    ) -> ConnectResult<()> {
        let host = host().map_err(ConnectError::from)?;
        let thread = JvmThread::spawn(host.jvm.clone(), self.spec.thread_name())?;
        let create = self.spec.create_json("source", &props);
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
        let offsets = offset_entries(context.offset_storage_reader().snapshot());
        self.context = Some(context);
        self.call("start", json!({ "offsets": offsets })).await?;
        Ok(())
    }

    async fn poll(&mut self) -> ConnectResult<Option<Vec<SourceRecord>>> {
        Err(ConnectError::connect(
            "a JVM source task is polled through poll_converted",
        ))
    }

    fn converts_records(&self) -> bool {
        true
    }

    async fn poll_converted(&mut self) -> ConnectResult<Option<Vec<ConvertedSourceRecord>>> {
        if self.pending.is_none() {
            let acks = self.acks.take();
            let r = self.running()?;
            let handle = r.handle;
            let rx = r
                .thread
                .call_rx(move |env, bridge| poll_once(env, bridge, handle, &acks))?;
            self.pending = Some(rx);
        }
        let Some(rx) = self.pending.as_mut() else {
            return Ok(None);
        };
        let answer = rx.await;
        self.pending = None;
        let name = self.spec.thread_name();
        let records = answer.map_err(|_| ConnectError::from(BridgeError::ThreadGone(name)))??;
        Ok(Some(records))
    }

    fn commit_converted(
        &mut self,
        seq: i64,
        metadata: Option<&RecordMetadata>,
    ) -> ConnectResult<()> {
        let meta = metadata.map(|m| AckMetadata {
            topic: m.topic.clone(),
            partition: m.partition,
            offset: m.offset,
            timestamp: m.timestamp,
        });
        self.acks.push(seq, meta.as_ref());
        Ok(())
    }

    async fn commit(&mut self) -> ConnectResult<()> {
        self.flush_acks().await?;
        // The Java OffsetStorageReader then answers with what was just committed, as Kafka's
        // reads the offset store.
        let offsets = self
            .context
            .as_ref()
            .map(|c| offset_entries(c.offset_storage_reader().snapshot()))
            .unwrap_or_else(|| json!([]));
        self.call("commit", json!({ "offsets": offsets })).await?;
        Ok(())
    }

    async fn stop(&mut self) -> ConnectResult<()> {
        if self.running.is_none() {
            return Ok(());
        }
        // A poll still running in Java finishes first (the thread runs one call at a time);
        // its records are dropped unsent, so their offsets are never committed.
        self.pending = None;
        let acked = self.flush_acks().await;
        let stopped = self.call("stop", json!({})).await;
        let _ = self.call("release", json!({})).await;
        self.running = None;
        acked?;
        stopped.map(|_| ())
    }
}
