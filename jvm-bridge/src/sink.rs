//! `JvmSinkTask`: a Kafka `SinkTask` in the JVM on its own thread. Records cross as consumed
//! (one byte batch per `put`); Kafka's converters and SMTs run on the Java side.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use connect_api::{
    CommitOffsets, ConnectError, ConnectResult, Props, SinkRecord, SinkTask, SinkTaskContext,
    TopicPartition,
};
use serde::Deserialize;
use serde_json::{json, Value as Json};

use crate::error::JavaError;
use crate::host::TaskSpec;
use crate::runtime::sink_put;
use crate::task::JvmTask;
use crate::wire::{encode_sink_batch, Writer};

pub struct JvmSinkTask {
    spec: TaskSpec,
    task: Option<JvmTask>,
    context: Option<Arc<dyn SinkTaskContext>>,
}

/// A record Java could not deliver: dropped under `errors.tolerance=all`, or handed to the
/// task's `errantRecordReporter`.
#[derive(Deserialize)]
struct Failed {
    index: usize,
    #[serde(default)]
    executing_class: Option<String>,
    #[serde(flatten)]
    error: JavaError,
}

fn tp_json(tp: &TopicPartition) -> Json {
    json!({"topic": tp.topic, "partition": tp.partition})
}

impl JvmSinkTask {
    pub fn new(spec: TaskSpec) -> Self {
        JvmSinkTask {
            spec,
            task: None,
            context: None,
        }
    }

    fn task(&self) -> ConnectResult<&JvmTask> {
        self.task
            .as_ref()
            .ok_or_else(|| ConnectError::connect("the JVM task is not started"))
    }

    /// A `taskCall`, then what the Java `SinkTaskContext` was asked meanwhile.
    async fn call(&self, op: &'static str, input: Json) -> ConnectResult<Json> {
        let answer = self.task()?.call(op, input).await?;
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
            let stage = f.error.stage.clone().unwrap_or_else(|| "TASK_PUT".into());
            let class = f
                .executing_class
                .unwrap_or_else(|| self.spec.task_class.clone());
            let error = f.error.into_connect();
            let Some(record) = records.get(index) else {
                tracing::warn!(index, "the JVM reported a record outside the batch");
                continue;
            };
            if tolerated {
                tracing::debug!(task = %self.spec.thread_name(), error = %error, "record skipped by errors.tolerance");
            }
            if let Some(r) = &reporter {
                if let Err(e) = r.report_stage(record, &error, &stage, &class).await {
                    tracing::error!(error = %e, "failed to report an errant record");
                }
            }
        }
    }
}

#[async_trait]
impl SinkTask for JvmSinkTask {
    fn version(&self) -> String {
        self.task
            .as_ref()
            .map_or_else(|| "unknown".into(), |t| t.version.clone())
    }

    fn converts_records(&self) -> bool {
        true
    }

    async fn start(
        &mut self,
        context: Arc<dyn SinkTaskContext>,
        props: Props,
    ) -> ConnectResult<()> {
        self.task = Some(JvmTask::create(&self.spec, "sink", &props).await?);
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
        let t = self.task()?;
        let handle = t.handle;
        let mut w = Writer::default();
        encode_sink_batch(&records, &mut w);
        let batch = w.buf;
        let answer = t
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
        if self.task.is_none() {
            return Ok(());
        }
        let stopped = self.call("stop", json!({})).await;
        // Dropping the task releases its Java handle.
        self.task = None;
        stopped.map(|_| ())
    }
}
