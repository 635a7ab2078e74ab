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
use crate::host::TaskSpec;
use crate::runtime::{source_ack, source_poll};
use crate::task::JvmTask;
use crate::wire::{decode_poll, AckWriter, PollBatch, PolledKind};

type PollAnswer = Result<Vec<ConvertedSourceRecord>, ConnectError>;

pub struct JvmSourceTask {
    spec: TaskSpec,
    task: Option<JvmTask>,
    acks: AckWriter,
    /// The answer of a poll whose caller went away (pause, stop): the next poll takes it
    /// instead of asking again, so no polled batch is ever lost.
    pending: Option<oneshot::Receiver<PollAnswer>>,
    context: Option<Arc<dyn SourceTaskContext>>,
}

impl JvmSourceTask {
    pub fn new(spec: TaskSpec) -> Self {
        JvmSourceTask {
            spec,
            task: None,
            acks: AckWriter::default(),
            pending: None,
            context: None,
        }
    }

    fn task(&self) -> ConnectResult<&JvmTask> {
        self.task
            .as_ref()
            .ok_or_else(|| ConnectError::connect("the JVM task is not started"))
    }

    /// Hands the acks gathered so far to Java's `commitRecord`.
    async fn flush_acks(&mut self) -> ConnectResult<()> {
        if self.acks.is_empty() {
            return Ok(());
        }
        let acks = self.acks.take();
        let t = self.task()?;
        let handle = t.handle;
        t.thread
            .call(move |env, bridge| source_ack(env, bridge, handle, &acks))
            .await??;
        Ok(())
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
        self.task
            .as_ref()
            .map_or_else(|| "unknown".into(), |t| t.version.clone())
    }

    async fn start(
        &mut self,
        context: Arc<dyn SourceTaskContext>,
        props: Props,
    ) -> ConnectResult<()> {
        let task = self
            .task
            .insert(JvmTask::create(&self.spec, "source", &props).await?);
        let offsets = offset_entries(context.offset_storage_reader().snapshot());
        self.context = Some(context);
        task.call("start", json!({ "offsets": offsets })).await?;
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
        let rx = match &mut self.pending {
            Some(rx) => rx,
            None => {
                let acks = self.acks.take();
                let t = self.task()?;
                let handle = t.handle;
                let rx = t
                    .thread
                    .call_rx(move |env, bridge| poll_once(env, bridge, handle, &acks))?;
                self.pending.insert(rx)
            }
        };
        let answer = rx.await;
        self.pending = None;
        let records = answer
            .map_err(|_| ConnectError::from(BridgeError::ThreadGone(self.spec.thread_name())))??;
        Ok(Some(records))
    }

    fn commit_converted(
        &mut self,
        seq: i64,
        metadata: Option<&RecordMetadata>,
    ) -> ConnectResult<()> {
        self.acks.push(seq, metadata);
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
        self.task()?
            .call("commit", json!({ "offsets": offsets }))
            .await?;
        Ok(())
    }

    async fn stop(&mut self) -> ConnectResult<()> {
        if self.task.is_none() {
            return Ok(());
        }
        // A poll still running in Java finishes first (the thread runs one call at a time);
        // its records are dropped unsent, so their offsets are never committed.
        self.pending = None;
        let acked = self.flush_acks().await;
        let stopped = self.task()?.call("stop", json!({})).await;
        // Dropping the task releases its Java handle.
        self.task = None;
        acked?;
        stopped.map(|_| ())
    }
}
