//! A Java task instance on its own JVM thread: what `JvmSourceTask` and `JvmSinkTask` share.

use connect_api::{ConnectError, ConnectResult, Props};
use serde_json::Value as Json;

use crate::host::{host, TaskSpec};
use crate::runtime::{call_handle, call_str, handle_of, JvmThread};

pub struct JvmTask {
    pub thread: JvmThread,
    pub handle: i64,
    pub version: String,
}

impl JvmTask {
    /// `taskCreate` (`kind` is `source` or `sink`) on a new thread named after the task.
    pub async fn create(spec: &TaskSpec, kind: &str, props: &Props) -> ConnectResult<JvmTask> {
        let host = host().map_err(ConnectError::from)?;
        let thread = JvmThread::spawn(host.jvm.clone(), spec.thread_name())?;
        let create = spec.create_json(kind, props);
        let created = thread
            .call(move |env, bridge| call_str(env, bridge, "taskCreate", &create))
            .await??;
        let handle = handle_of("taskCreate", &created)?;
        let version = created
            .get("version")
            .and_then(Json::as_str)
            .unwrap_or("unknown")
            .to_string();
        Ok(JvmTask {
            thread,
            handle,
            version,
        })
    }

    /// `taskCall(handle, op, input)`.
    pub async fn call(&self, op: &'static str, input: Json) -> ConnectResult<Json> {
        let handle = self.handle;
        let input = input.to_string();
        Ok(self
            .thread
            .call(move |env, bridge| call_handle(env, bridge, "taskCall", handle, op, &input))
            .await??)
    }
}

impl Drop for JvmTask {
    /// Every way a task ends (stopped, failed to start, abandoned after
    /// `task.shutdown.graceful.timeout.ms`) releases its Java handle, so its converters, SMTs
    /// and plugin metrics are closed, as Kafka closes them, instead of living in the JVM for
    /// ever. Queued behind whatever runs on the task's thread (behind a poll that never
    /// returns, for an abandoned task) and never waited for; the thread ends once its queue
    /// is drained.
    fn drop(&mut self) {
        let handle = self.handle;
        drop(self.thread.call(move |env, bridge| {
            let _ = call_handle(env, bridge, "taskCall", handle, "release", "{}");
        }));
    }
}
