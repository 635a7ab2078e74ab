//! `FileStreamSinkConnector` / `FileStreamSinkTask`: appends each record value's string form
//! plus a newline to a file (or stdout).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use connect_api::{
    CommitOffsets, ConfigDef, ConnectError, ConnectResult, Connector, ConnectorContext,
    ConnectorType, OffsetsToAlter, Props, SinkRecord, SinkTask, SinkTaskContext, Value,
};
use tracing::{info, trace};

use super::config::{sink_config_def, sink_filename, SINK_TASK_CLASS};

#[derive(Default)]
pub struct FileStreamSinkConnector {
    props: Props,
}

#[async_trait]
impl Connector for FileStreamSinkConnector {
    fn connector_type(&self) -> ConnectorType {
        ConnectorType::Sink
    }

    fn version(&self) -> String {
        connect_api::VERSION.to_string()
    }

    fn config_def(&self) -> ConfigDef {
        sink_config_def()
    }

    async fn start(
        &mut self,
        _context: Arc<dyn ConnectorContext>,
        props: Props,
    ) -> ConnectResult<()> {
        let file = sink_filename(&props)?;
        info!(
            "Starting file sink connector writing to {}",
            file.as_deref().unwrap_or("standard output")
        );
        self.props = props;
        Ok(())
    }

    fn task_class(&self) -> &'static str {
        SINK_TASK_CLASS
    }

    async fn task_configs(&mut self, max_tasks: usize) -> ConnectResult<Vec<Props>> {
        // Every task appends to the same file; the framework splits the topic partitions.
        Ok(vec![self.props.clone(); max_tasks])
    }

    async fn stop(&mut self) -> ConnectResult<()> {
        Ok(())
    }

    /// The sink keeps no offsets of its own, so any consumer offsets are fine.
    fn alter_offsets(&self, _config: &Props, _offsets: &OffsetsToAlter) -> ConnectResult<bool> {
        Ok(true)
    }
}

enum Output {
    /// Unbuffered on purpose: each `put` is one `write_all` of whole lines to an O_APPEND
    /// file, so tasks sharing the file don't interleave inside a line.
    File(File),
    Stdout,
}

impl Output {
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Output::File(w) => w.write_all(bytes),
            Output::Stdout => std::io::stdout().lock().write_all(bytes),
        }
    }

    /// Pushes buffered bytes to the OS and, for a file, to the disk: after `flush` returns
    /// the framework commits offsets, so the lines must survive a crash.
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::File(f) => f.sync_data(),
            Output::Stdout => std::io::stdout().lock().flush(),
        }
    }
}

#[derive(Default)]
pub struct FileStreamSinkTask {
    filename: Option<String>,
    /// Shared with the blocking writer thread; a mutex rather than moving the writer in and
    /// out so a dropped future can't lose it.
    output: Option<Arc<Mutex<Output>>>,
}

impl FileStreamSinkTask {
    fn target(&self) -> &str {
        self.filename.as_deref().unwrap_or("stdout")
    }

    /// Runs `op` on the output on the blocking pool.
    async fn with_output(
        &self,
        what: &'static str,
        op: impl FnOnce(&mut Output) -> std::io::Result<()> + Send + 'static,
    ) -> ConnectResult<()> {
        let Some(output) = self.output.clone() else {
            return Err(ConnectError::connect(
                "FileStreamSinkTask was not started or is already stopped",
            ));
        };
        let target = self.target().to_string();
        let res = tokio::task::spawn_blocking(move || {
            let mut guard = output
                .lock()
                .map_err(|_| std::io::Error::other("writer lock poisoned"))?;
            op(&mut guard)
        })
        .await
        .map_err(|e| ConnectError::connect(format!("{what} {target} did not complete: {e}")))?;
        res.map_err(|e| ConnectError::connect(format!("Couldn't {what} {target}: {e}")))
    }
}

#[async_trait]
impl SinkTask for FileStreamSinkTask {
    fn version(&self) -> String {
        connect_api::VERSION.to_string()
    }

    async fn start(
        &mut self,
        _context: Arc<dyn SinkTaskContext>,
        props: Props,
    ) -> ConnectResult<()> {
        self.filename = sink_filename(&props)?;
        let output = match self.filename.clone() {
            None => Output::Stdout,
            Some(path) => {
                let opened = tokio::task::spawn_blocking({
                    let path = path.clone();
                    move || OpenOptions::new().create(true).append(true).open(path)
                })
                .await
                .map_err(|e| ConnectError::connect(format!("Opening {path} failed: {e}")))?;
                let file = opened.map_err(|e| {
                    ConnectError::connect(format!(
                        "Couldn't find or create file '{path}' for FileStreamSinkTask: {e}"
                    ))
                })?;
                Output::File(file)
            }
        };
        self.output = Some(Arc::new(Mutex::new(output)));
        Ok(())
    }

    async fn put(&mut self, records: Vec<SinkRecord>) -> ConnectResult<()> {
        if records.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        for r in &records {
            java_string(&r.record.value, &mut text);
            text.push('\n');
        }
        trace!("Writing {} lines to {}", records.len(), self.target());
        self.with_output("write to", move |out| out.write_all(text.as_bytes()))
            .await
    }

    async fn flush(&mut self, _offsets: &CommitOffsets) -> ConnectResult<()> {
        self.with_output("flush", Output::flush).await
    }

    async fn stop(&mut self) -> ConnectResult<()> {
        if self.output.is_some() {
            let res = self.with_output("flush", Output::flush).await;
            self.output = None;
            res?;
        }
        Ok(())
    }
}

/// Appends the value's text the way Java's `toString` would show it (what Kafka's sink
/// prints), except bytes, which are shown as (lossy) UTF-8 text instead of an array address.
pub fn java_string(v: &Value, out: &mut String) {
    use std::fmt::Write as _;
    match v {
        Value::Null => out.push_str("null"),
        Value::Int8(x) => {
            let _ = write!(out, "{x}");
        }
        Value::Int16(x) => {
            let _ = write!(out, "{x}");
        }
        Value::Int32(x) => {
            let _ = write!(out, "{x}");
        }
        Value::Int64(x) => {
            let _ = write!(out, "{x}");
        }
        Value::Float32(x) => out.push_str(&java_float(*x)),
        Value::Float64(x) => out.push_str(&java_float(*x)),
        Value::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::String(s) => out.push_str(s),
        Value::Bytes(b) => out.push_str(&String::from_utf8_lossy(b)),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                java_string(item, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, (k, val)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                java_string(k, out);
                out.push('=');
                java_string(val, out);
            }
            out.push('}');
        }
        Value::Struct(s) => {
            // Kafka's `Struct.toString` lists only the fields that hold a value.
            out.push_str("Struct{");
            let mut first = true;
            for f in &s.schema.fields {
                let val = s.get_by_index(f.index);
                if val.is_null() {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                out.push_str(&f.name);
                out.push('=');
                java_string(val, out);
            }
            out.push('}');
        }
    }
}

/// `Double.toString`-like: always a fraction digit, scientific notation outside [1e-3, 1e7).
/// Generic so a FLOAT32 prints its own shortest form (`0.1`, not `0.10000000149011612`).
fn java_float<T>(v: T) -> String
where
    T: Copy + Into<f64> + std::fmt::Display + std::fmt::LowerExp,
{
    let x: f64 = v.into();
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    let a = x.abs();
    if a == 0.0 || (1e-3..1e7).contains(&a) {
        let s = v.to_string();
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        let s = format!("{v:e}");
        match s.split_once('e') {
            Some((m, e)) if m.contains('.') => format!("{m}E{e}"),
            Some((m, e)) => format!("{m}.0E{e}"),
            None => s,
        }
    }
}
