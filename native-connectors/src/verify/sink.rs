//! `VerifyingSinkConnector` / `VerifyingSinkTask`: counts datagen records, duplicates and
//! gaps. State is saved before every offset commit, so after a crash the reloaded state
//! matches the committed offsets and a re-delivered record counts as a duplicate.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use connect_api::{
    CommitOffsets, ConfigDef, ConnectError, ConnectResult, Connector, ConnectorContext,
    ConnectorType, OffsetsToAlter, Props, SinkRecord, SinkTask, SinkTaskContext,
};
use tracing::{debug, info};

use super::config::{config_def, report_path_for, TASK_CLASS, TASK_COUNT_CONFIG, TASK_ID_CONFIG};
use super::state::{Report, VerifyState};

#[derive(Default)]
pub struct VerifyingSinkConnector {
    props: Props,
}

#[async_trait]
impl Connector for VerifyingSinkConnector {
    fn connector_type(&self) -> ConnectorType {
        ConnectorType::Sink
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
        config_def().parse(&props)?;
        self.props = props;
        Ok(())
    }

    fn task_class(&self) -> &'static str {
        TASK_CLASS
    }

    /// Each task gets an id and the task count, which pick its own report file.
    async fn task_configs(&mut self, max_tasks: usize) -> ConnectResult<Vec<Props>> {
        Ok((0..max_tasks)
            .map(|i| {
                let mut p = self.props.clone();
                p.insert(TASK_ID_CONFIG.to_string(), i.to_string());
                p.insert(TASK_COUNT_CONFIG.to_string(), max_tasks.to_string());
                p
            })
            .collect())
    }

    async fn stop(&mut self) -> ConnectResult<()> {
        Ok(())
    }

    /// Offsets may be moved freely; the next records simply show up as gaps or duplicates.
    fn alter_offsets(&self, _config: &Props, _offsets: &OffsetsToAlter) -> ConnectResult<bool> {
        Ok(true)
    }
}

#[derive(Default)]
pub struct VerifyingSinkTask {
    path: Option<PathBuf>,
    state: VerifyState,
    /// Something changed since the last save (true at start so a report always exists).
    dirty: bool,
}

impl VerifyingSinkTask {
    /// The current report (what the next save would write).
    pub fn report(&self) -> Report {
        self.state.report()
    }

    async fn save(&mut self) -> ConnectResult<()> {
        let Some(path) = self.path.clone() else {
            return Err(ConnectError::connect("VerifyingSinkTask was not started"));
        };
        if !self.dirty {
            return Ok(());
        }
        let report = self.state.report();
        let mut bytes = serde_json::to_vec_pretty(&report)?;
        bytes.push(b'\n');
        let shown = path.display().to_string();
        tokio::task::spawn_blocking(move || write_atomically(&path, &bytes))
            .await
            .map_err(|e| ConnectError::connect(format!("Saving {shown} did not complete: {e}")))?
            .map_err(|e| ConnectError::connect(format!("Couldn't save report {shown}: {e}")))?;
        self.dirty = false;
        debug!(
            "Verify report {shown}: records={} duplicates={} gaps={} foreign={}",
            report.records, report.duplicates, report.gaps, report.foreign
        );
        Ok(())
    }
}

/// Blocking: temp file, fsync, rename over the target, fsync the directory, so a crash leaves
/// either the old or the new report, never a torn one.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Makes the rename itself durable; opening a directory for sync is Unix-only.
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Blocking: the saved state, or `None` when there is none yet.
fn load_state(path: &Path) -> ConnectResult<Option<Report>> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConnectError::connect(format!(
            "Couldn't read report {}: {e}",
            path.display()
        ))),
        Ok(_) => Report::load(path).map(Some),
    }
}

#[async_trait]
impl SinkTask for VerifyingSinkTask {
    fn version(&self) -> String {
        connect_api::VERSION.to_string()
    }

    async fn start(
        &mut self,
        _context: Arc<dyn SinkTaskContext>,
        props: Props,
    ) -> ConnectResult<()> {
        let path = report_path_for(&props)?;
        let p = path.clone();
        let loaded = tokio::task::spawn_blocking(move || load_state(&p))
            .await
            .map_err(|e| {
                ConnectError::connect(format!("Loading the report did not complete: {e}"))
            })??;
        self.state = match loaded {
            Some(report) => {
                info!(
                    "Verifying sink resumes from {}: {} records, {} duplicates, {} gaps",
                    path.display(),
                    report.records,
                    report.duplicates,
                    report.gaps
                );
                VerifyState::from_report(&report)
            }
            None => VerifyState::default(),
        };
        self.path = Some(path);
        self.dirty = true;
        Ok(())
    }

    async fn put(&mut self, records: Vec<SinkRecord>) -> ConnectResult<()> {
        for r in &records {
            self.state.observe(&r.record.headers);
        }
        if !records.is_empty() {
            self.dirty = true;
        }
        Ok(())
    }

    /// Saves before returning: the runtime commits offsets only after this, so the saved
    /// state never lags behind the committed offsets.
    async fn flush(&mut self, _offsets: &CommitOffsets) -> ConnectResult<()> {
        self.save().await
    }

    /// No save here: records put since the last `flush` have no committed offsets and will
    /// be delivered again, so saving them now would count that re-delivery as duplicates.
    async fn stop(&mut self) -> ConnectResult<()> {
        Ok(())
    }
}
