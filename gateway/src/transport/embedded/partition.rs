//! One partition: an append-only `<n>.log` of frames plus `<n>.idx`, the file position of
//! every offset as a big-endian `u64` (entry `i` at byte `8 * i`).
//!
//! Every method here does blocking file I/O: call them from `spawn_blocking` only.
//!
//! The log is the source of truth. The index is written after the log's fsync and not
//! fsynced itself: after a crash it may lag or hold garbage, and `open` rebuilds it from the
//! log, which it scans (checking every CRC) anyway to find a torn tail.

use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::format::{self, StoredRecord, FRAME_HEADER_LEN};
use crate::transport::{OutboundMessage, TransportError};

pub(super) struct PartitionLog {
    log_path: PathBuf,
    /// Opened read+write; all access is positional, so readers need no lock for bytes that
    /// are below the published end (they never change).
    log: File,
    idx: File,
    state: Mutex<State>,
    /// Next offset; only advanced after the records below it are durable.
    end: AtomicI64,
}

struct State {
    /// File position of each offset.
    positions: Vec<u64>,
    /// Bytes of valid frames; the next frame goes here.
    log_len: u64,
    /// Set after an I/O failure that leaves the file state unknown (a failed fsync may
    /// have dropped dirty pages; a failed truncate leaves garbage to append after).
    broken: Option<String>,
}

impl PartitionLog {
    /// Opens (creating if missing) and recovers `<dir>/<partition>.log`.
    pub(super) fn open(dir: &Path, partition: u32) -> io::Result<PartitionLog> {
        let log_path = dir.join(format!("{partition}.log"));
        let idx_path = dir.join(format!("{partition}.idx"));
        let open = |p: &Path| {
            OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(p)
        };
        let log = open(&log_path)?;
        let idx = open(&idx_path)?;

        let scan = scan_log(&log)?;
        let file_len = log.metadata()?.len();
        if scan.valid_len < file_len {
            tracing::warn!(
                log = %log_path.display(),
                kept_records = scan.positions.len(),
                dropped_bytes = file_len - scan.valid_len,
                reason = scan.stop_reason.as_deref().unwrap_or("unknown"),
                "embedded log: truncating a torn or corrupt tail"
            );
            log.set_len(scan.valid_len)?;
            log.sync_all()?;
        }

        let expected: Vec<u8> = scan
            .positions
            .iter()
            .flat_map(|p| p.to_be_bytes())
            .collect();
        let mut actual = Vec::new();
        (&idx).seek(SeekFrom::Start(0))?;
        (&idx).read_to_end(&mut actual)?;
        if actual != expected {
            tracing::info!(index = %idx_path.display(), "embedded log: rebuilding offset index");
            idx.set_len(0)?;
            idx.write_all_at(&expected, 0)?;
            idx.sync_all()?;
        }

        let end = scan.positions.len() as i64;
        Ok(PartitionLog {
            log_path,
            log,
            idx,
            state: Mutex::new(State {
                positions: scan.positions,
                log_len: scan.valid_len,
                broken: None,
            }),
            end: AtomicI64::new(end),
        })
    }

    pub(super) fn end_offset(&self) -> i64 {
        self.end.load(Ordering::Acquire)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every mutation of `State` happens after the I/O it describes succeeded, in plain
        // assignments, so a panic elsewhere can't leave it inconsistent.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends `msgs` as one write, fsyncs (when `fsync`), and returns the first offset.
    /// All or nothing: on error no offset is published.
    pub(super) fn append(
        &self,
        msgs: &[&OutboundMessage],
        fsync: bool,
    ) -> Result<i64, TransportError> {
        let mut state = self.lock();
        if let Some(reason) = &state.broken {
            return Err(TransportError::Fatal(format!(
                "{} is unusable after an earlier I/O failure ({reason}); restart to recover it",
                self.log_path.display()
            )));
        }
        let base = state.positions.len() as i64;
        let mut buf = Vec::new();
        let mut new_positions = Vec::with_capacity(msgs.len());
        for (i, msg) in msgs.iter().enumerate() {
            new_positions.push(state.log_len + buf.len() as u64);
            format::encode_frame(&mut buf, base + i as i64, msg);
        }

        if let Err(e) = self.log.write_all_at(&buf, state.log_len) {
            // Cut off whatever part of the batch reached the file so the next append
            // doesn't leave a hole of garbage that recovery would stop at.
            return Err(match self.log.set_len(state.log_len) {
                Ok(()) => TransportError::Retriable(format!(
                    "cannot append to {}: {e}",
                    self.log_path.display()
                )),
                Err(e2) => {
                    let reason = format!("append failed: {e}; truncate failed: {e2}");
                    state.broken = Some(reason.clone());
                    TransportError::Fatal(format!("{}: {reason}", self.log_path.display()))
                }
            });
        }
        if fsync {
            if let Err(e) = self.log.sync_data() {
                let reason = format!("fsync failed: {e}");
                state.broken = Some(reason.clone());
                return Err(TransportError::Fatal(format!(
                    "{}: {reason}",
                    self.log_path.display()
                )));
            }
        }

        let idx_bytes: Vec<u8> = new_positions.iter().flat_map(|p| p.to_be_bytes()).collect();
        if let Err(e) = self.idx.write_all_at(&idx_bytes, base as u64 * 8) {
            // The records are durable; `open` rebuilds the index from the log.
            tracing::warn!(log = %self.log_path.display(), error = %e, "embedded log: index write failed");
        }
        state.log_len += buf.len() as u64;
        state.positions.extend(new_positions);
        self.end
            .store(state.positions.len() as i64, Ordering::Release);
        Ok(base)
    }

    /// Up to `max` records from `from`, stopping once `max_bytes` is reached (always at
    /// least one record when any is available). Every record is CRC-checked again.
    pub(super) fn read(
        &self,
        from: i64,
        max: usize,
        max_bytes: usize,
    ) -> Result<Vec<StoredRecord>, TransportError> {
        let (start, stop) = {
            let state = self.lock();
            let from = usize::try_from(from.max(0)).unwrap_or(usize::MAX);
            if from >= state.positions.len() || max == 0 {
                return Ok(Vec::new());
            }
            let last = from.saturating_add(max).min(state.positions.len());
            let start = state.positions[from];
            // Cut the range at the first record that ends beyond the byte budget.
            let mut stop_idx = from + 1;
            while stop_idx < last && state.positions[stop_idx] - start < max_bytes as u64 {
                stop_idx += 1;
            }
            let stop = state
                .positions
                .get(stop_idx)
                .copied()
                .unwrap_or(state.log_len);
            (start, stop)
        };

        let mut bytes = vec![0; (stop - start) as usize];
        self.log.read_exact_at(&mut bytes, start).map_err(|e| {
            TransportError::Retriable(format!("cannot read {}: {e}", self.log_path.display()))
        })?;
        let mut records = Vec::new();
        let mut rest = bytes.as_slice();
        let mut expected = from.max(0);
        while !rest.is_empty() {
            let decoded = split_frame(&mut rest)
                .and_then(|(payload, crc)| format::decode_payload(payload, crc))
                .and_then(|r| {
                    if r.offset == expected {
                        Ok(r)
                    } else {
                        Err(format!("holds offset {}", r.offset))
                    }
                });
            match decoded {
                Ok(record) => records.push(record),
                // Hand out the intact records before the bad one; the next read starts at
                // the bad one and reports it.
                Err(_) if !records.is_empty() => break,
                Err(reason) => {
                    return Err(TransportError::Fatal(format!(
                        "corrupt record at offset {expected} of {}: {reason}",
                        self.log_path.display()
                    )))
                }
            }
            expected += 1;
        }
        Ok(records)
    }
}

fn split_frame<'a>(rest: &mut &'a [u8]) -> Result<(&'a [u8], u32), String> {
    let header: [u8; FRAME_HEADER_LEN] = rest
        .get(..FRAME_HEADER_LEN)
        .and_then(|h| h.try_into().ok())
        .ok_or("truncated frame header")?;
    let (len, crc) = format::parse_header(&header);
    let payload = rest
        .get(FRAME_HEADER_LEN..FRAME_HEADER_LEN + len)
        .ok_or("truncated frame")?;
    *rest = &rest[FRAME_HEADER_LEN + len..];
    Ok((payload, crc))
}

struct Scan {
    positions: Vec<u64>,
    valid_len: u64,
    stop_reason: Option<String>,
}

/// Walks the log from the start and keeps the longest prefix of intact frames whose
/// offsets are 0, 1, 2, ...; the first bad frame and everything after it is the tail to cut.
fn scan_log(log: &File) -> io::Result<Scan> {
    let file_len = log.metadata()?.len();
    let mut reader = BufReader::with_capacity(1 << 16, log);
    reader.seek(SeekFrom::Start(0))?;
    let mut positions = Vec::new();
    let mut pos = 0u64;
    let mut stop_reason = None;
    while pos < file_len {
        let remaining = file_len - pos;
        if remaining < FRAME_HEADER_LEN as u64 {
            stop_reason = Some(format!("torn frame header ({remaining} bytes)"));
            break;
        }
        let mut header = [0; FRAME_HEADER_LEN];
        reader.read_exact(&mut header)?;
        let (len, crc) = format::parse_header(&header);
        if len as u64 > remaining - FRAME_HEADER_LEN as u64 {
            stop_reason = Some(format!("torn frame at byte {pos}"));
            break;
        }
        let mut payload = vec![0; len];
        reader.read_exact(&mut payload)?;
        match format::decode_payload(&payload, crc) {
            Ok(r) if r.offset == positions.len() as i64 => {}
            Ok(r) => {
                stop_reason = Some(format!(
                    "frame at byte {pos} holds offset {} where {} was expected",
                    r.offset,
                    positions.len()
                ));
                break;
            }
            Err(e) => {
                stop_reason = Some(format!("frame at byte {pos}: {e}"));
                break;
            }
        }
        positions.push(pos);
        pos += (FRAME_HEADER_LEN + len) as u64;
    }
    Ok(Scan {
        positions,
        valid_len: pos,
        stop_reason,
    })
}
