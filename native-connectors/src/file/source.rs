//! `FileStreamSourceConnector` / `FileStreamSourceTask`: one record per line of a file (or
//! stdin), offsets are byte positions so a restart resumes after the last committed line.

use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use connect_api::data::{primitive_schema, SchemaType};
use connect_api::{
    ConfigDef, ConnectError, ConnectRecord, ConnectResult, Connector, ConnectorContext,
    ConnectorType, OffsetsToAlter, Props, SourceMap, SourceRecord, SourceTask, SourceTaskContext,
    Value,
};
use serde_json::Value as Json;
use tokio::sync::mpsc;
use tracing::{debug, info, warn};

use super::config::{
    check_source_offsets, source_config_def, SourceSettings, FILENAME_FIELD, POSITION_FIELD,
    SOURCE_TASK_CLASS,
};

/// Longest a poll waits for new data before returning `Ok(None)` (Kafka waits one second).
const MAX_IDLE_WAIT: Duration = Duration::from_secs(1);
/// While idle, how often the file is checked again: keeps latency low without spinning.
const IDLE_STEP: Duration = Duration::from_millis(100);
/// Most bytes pulled from the file per read; a poll never needs more than one batch.
const READ_CHUNK: usize = 256 * 1024;

#[derive(Default)]
pub struct FileStreamSourceConnector {
    props: Props,
}

#[async_trait]
impl Connector for FileStreamSourceConnector {
    fn connector_type(&self) -> ConnectorType {
        ConnectorType::Source
    }

    fn version(&self) -> String {
        connect_api::VERSION.to_string()
    }

    fn config_def(&self) -> ConfigDef {
        source_config_def()
    }

    async fn start(
        &mut self,
        _context: Arc<dyn ConnectorContext>,
        props: Props,
    ) -> ConnectResult<()> {
        let settings = SourceSettings::parse(&props)?;
        info!(
            "Starting file source connector reading from {}",
            settings.filename.as_deref().unwrap_or("standard input")
        );
        self.props = props;
        Ok(())
    }

    fn task_class(&self) -> &'static str {
        SOURCE_TASK_CLASS
    }

    async fn task_configs(&mut self, _max_tasks: usize) -> ConnectResult<Vec<Props>> {
        // A single reader per file: more tasks would emit every line several times.
        Ok(vec![self.props.clone()])
    }

    async fn stop(&mut self) -> ConnectResult<()> {
        Ok(())
    }

    fn alter_offsets(&self, config: &Props, offsets: &OffsetsToAlter) -> ConnectResult<bool> {
        check_source_offsets(config, offsets)?;
        Ok(true)
    }
}

/// Where lines come from.
enum Input {
    /// Re-opened on every read so a deleted and re-created file is picked up again.
    File(String),
    /// Fed by a reader thread: a blocking stdin read can't be cancelled, so it must not sit
    /// in a poll future that the worker may drop.
    Stdin {
        chunks: mpsc::Receiver<Vec<u8>>,
        eof: bool,
    },
}

/// What one blocking read of the file found.
enum ReadOutcome {
    Data(Vec<u8>),
    /// The file is shorter than the position we continue from.
    Shorter(u64),
}

pub struct FileStreamSourceTask {
    input: Option<Input>,
    topic: String,
    batch_size: usize,
    /// Byte position just after the last line handed out; what offsets carry.
    position: u64,
    /// Bytes read but not yet emitted (at most a partial line plus unreturned lines). Kept
    /// in the task, not in the poll future, so a dropped poll loses nothing.
    pending: Vec<u8>,
    /// Last problem logged, so a missing file warns once rather than every 100 ms.
    problem: Option<String>,
}

impl Default for FileStreamSourceTask {
    fn default() -> Self {
        FileStreamSourceTask {
            input: None,
            topic: String::new(),
            batch_size: 1,
            position: 0,
            pending: Vec::new(),
            problem: None,
        }
    }
}

impl FileStreamSourceTask {
    fn filename(&self) -> Option<&str> {
        match &self.input {
            Some(Input::File(f)) => Some(f),
            _ => None,
        }
    }

    fn source_partition(&self) -> SourceMap {
        let mut m = SourceMap::new();
        m.insert(
            FILENAME_FIELD.to_string(),
            self.filename().map_or(Json::Null, Json::from),
        );
        m
    }

    /// Stdin offsets are not tracked (`null`), like Kafka.
    fn source_offset(&self, position: u64) -> SourceMap {
        let mut m = SourceMap::new();
        let v = if self.filename().is_some() {
            Json::from(position)
        } else {
            Json::Null
        };
        m.insert(POSITION_FIELD.to_string(), v);
        m
    }

    /// Counts complete lines in `pending`, stopping at `limit`.
    fn buffered_lines(&self, limit: usize) -> usize {
        let mut n = 0;
        let mut i = 0;
        while i < self.pending.len() && n < limit {
            match line_end(&self.pending[i..]) {
                Some((_, next)) => {
                    n += 1;
                    i += next;
                }
                None => break,
            }
        }
        n
    }

    /// Turns up to `limit` complete lines of `pending` into records. Synchronous, so the
    /// position and buffer always move together.
    fn take_records(&mut self, limit: usize) -> Vec<SourceRecord> {
        let mut records = Vec::new();
        let mut consumed = 0;
        let ts = now_millis();
        let partition = self.source_partition();
        while records.len() < limit {
            let Some((len, next)) = line_end(&self.pending[consumed..]) else {
                break;
            };
            let line =
                String::from_utf8_lossy(&self.pending[consumed..consumed + len]).into_owned();
            consumed += next;
            let offset = self.source_offset(self.position + consumed as u64);
            let record = ConnectRecord::new(
                self.topic.clone(),
                Some(primitive_schema(SchemaType::String, false)),
                Value::String(line),
            )
            .with_timestamp(Some(ts));
            records.push(SourceRecord::new(partition.clone(), offset, record));
        }
        self.pending.drain(..consumed);
        self.position += consumed as u64;
        records
    }

    fn report(&mut self, problem: String) {
        if self.problem.as_deref() != Some(problem.as_str()) {
            warn!("{problem}");
            self.problem = Some(problem);
        } else {
            debug!("{problem}");
        }
    }

    /// Reads whatever new input is available into `pending`. Never fails: a missing or
    /// unreadable file is logged and retried on a later poll. For stdin waits up to `wait`.
    async fn fill(&mut self, wait: Duration) {
        match &mut self.input {
            None => {}
            Some(Input::Stdin { chunks, eof }) => {
                if *eof {
                    tokio::time::sleep(wait).await;
                    return;
                }
                match tokio::time::timeout(wait, chunks.recv()).await {
                    Ok(Some(bytes)) => self.pending.extend_from_slice(&bytes),
                    Ok(None) => {
                        *eof = true;
                        info!("Reached the end of standard input");
                    }
                    Err(_) => {}
                }
            }
            Some(Input::File(path)) => {
                let path = path.clone();
                let from = self.position + self.pending.len() as u64;
                let p = path.clone();
                let res = tokio::task::spawn_blocking(move || read_from(&p, from)).await;
                match res {
                    Ok(Ok(ReadOutcome::Data(bytes))) => {
                        if self.problem.take().is_some() {
                            info!("File {path} is readable again; continuing at byte {from}");
                        }
                        self.pending.extend_from_slice(&bytes);
                    }
                    Ok(Ok(ReadOutcome::Shorter(len))) => self.report(format!(
                        "File {path} has {len} bytes, fewer than the position {from} to continue \
                         from (truncated or replaced?); waiting for it to grow past that position"
                    )),
                    Ok(Err(e)) if e.kind() == ErrorKind::NotFound => self.report(format!(
                        "Couldn't find file {path} for FileStreamSourceTask, waiting for it to be created"
                    )),
                    Ok(Err(e)) => self.report(format!("Couldn't read file {path}: {e}")),
                    Err(e) => self.report(format!("File read of {path} did not complete: {e}")),
                }
            }
        }
    }
}

/// Kafka's line rule: `\n`, `\r\n` or a lone `\r` ends a line; a `\r` at the very end waits
/// for the next byte to tell which. Returns (line length, bytes to consume).
fn line_end(buf: &[u8]) -> Option<(usize, usize)> {
    let i = buf.iter().position(|&b| b == b'\n' || b == b'\r')?;
    if buf[i] == b'\n' {
        return Some((i, i + 1));
    }
    match buf.get(i + 1) {
        None => None,
        Some(b'\n') => Some((i, i + 2)),
        Some(_) => Some((i, i + 1)),
    }
}

/// Blocking: opens `path`, seeks to `from` and reads up to [`READ_CHUNK`] bytes.
fn read_from(path: &str, from: u64) -> std::io::Result<ReadOutcome> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len < from {
        return Ok(ReadOutcome::Shorter(len));
    }
    let want = usize::try_from(len - from)
        .unwrap_or(READ_CHUNK)
        .min(READ_CHUNK);
    let mut buf = Vec::with_capacity(want);
    if want > 0 {
        file.seek(SeekFrom::Start(from))?;
        // `take` bounds the read even if the file grows meanwhile.
        file.take(want as u64).read_to_end(&mut buf)?;
    }
    Ok(ReadOutcome::Data(buf))
}

/// Stdin reader thread: forwards chunks until EOF, a read error, or the task going away.
fn spawn_stdin_reader() -> ConnectResult<mpsc::Receiver<Vec<u8>>> {
    let (tx, rx) = mpsc::channel(16);
    std::thread::Builder::new()
        .name("file-source-stdin".to_string())
        .spawn(move || {
            let stdin = std::io::stdin();
            let mut lock = stdin.lock();
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match lock.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        if tx.blocking_send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(e) => {
                        warn!("Reading standard input failed: {e}");
                        break;
                    }
                }
            }
        })
        .map_err(|e| ConnectError::connect(format!("Couldn't start the stdin reader: {e}")))?;
    Ok(rx)
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[async_trait]
impl SourceTask for FileStreamSourceTask {
    fn version(&self) -> String {
        connect_api::VERSION.to_string()
    }

    async fn start(
        &mut self,
        context: Arc<dyn SourceTaskContext>,
        props: Props,
    ) -> ConnectResult<()> {
        let settings = SourceSettings::parse(&props)?;
        self.topic = settings.topic;
        // Kafka returns as soon as the batch reaches batch.size, so anything below 1 means 1.
        self.batch_size = usize::try_from(settings.batch_size.max(1)).unwrap_or(1);
        self.pending.clear();
        self.position = 0;
        self.problem = None;
        match settings.filename {
            None => {
                self.input = Some(Input::Stdin {
                    chunks: spawn_stdin_reader()?,
                    eof: false,
                });
            }
            Some(filename) => {
                self.input = Some(Input::File(filename.clone()));
                let partition = self.source_partition();
                let stored = context.offset_storage_reader().offset(&partition);
                if let Some(offset) = stored {
                    match offset.get(POSITION_FIELD) {
                        None | Some(Json::Null) => {}
                        Some(v) => {
                            self.position = v.as_u64().ok_or_else(|| {
                                ConnectError::connect(format!(
                                    "Stored offset position {v} for {filename} is not a non-negative integer"
                                ))
                            })?;
                            debug!("Resuming {filename} at byte {}", self.position);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    async fn poll(&mut self) -> ConnectResult<Option<Vec<SourceRecord>>> {
        let deadline = Instant::now() + MAX_IDLE_WAIT;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if self.buffered_lines(self.batch_size) < self.batch_size {
                // Only this await may be interrupted; `fill` changes state after it returns.
                self.fill(remaining).await;
            }
            let records = self.take_records(self.batch_size);
            if !records.is_empty() {
                return Ok(Some(records));
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Ok(None);
            }
            if matches!(self.input, Some(Input::File(_)) | None) {
                tokio::time::sleep(remaining.min(IDLE_STEP)).await;
            }
        }
    }

    async fn stop(&mut self) -> ConnectResult<()> {
        // Dropping the receiver ends the stdin thread at its next chunk.
        self.input = None;
        Ok(())
    }
}
