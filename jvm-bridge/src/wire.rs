//! The byte layouts of PROTOCOL.md ("Data calls"): one buffer per poll or put, never a JNI
//! call per record. Little-endian; `str` = u16 length + UTF-8, `bytes` = i32 length (−1 null).

use std::fmt;

use connect_api::record::TimestampType;
use connect_api::{RecordMetadata, SinkRecord, Value};

/// `i64::MIN` on the wire means "no timestamp".
const NO_TIMESTAMP: i64 = i64::MIN;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError(pub String);

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed batch from the JVM: {}", self.0)
    }
}

impl std::error::Error for WireError {}

type WireResult<T> = Result<T, WireError>;

/// A reader over one batch; every read is bounds-checked, so a short or corrupt buffer is an
/// error, never a panic.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn take(&mut self, n: usize) -> WireResult<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.buf.len())
            .ok_or_else(|| {
                WireError(format!(
                    "needs {n} bytes at {} of {}",
                    self.pos,
                    self.buf.len()
                ))
            })?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> WireResult<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    pub fn u8(&mut self) -> WireResult<u8> {
        Ok(self.take(1)?[0])
    }
    pub fn u16(&mut self) -> WireResult<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    pub fn u32(&mut self) -> WireResult<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    pub fn i32(&mut self) -> WireResult<i32> {
        Ok(i32::from_le_bytes(self.array()?))
    }
    pub fn i64(&mut self) -> WireResult<i64> {
        Ok(i64::from_le_bytes(self.array()?))
    }
    pub fn ts(&mut self) -> WireResult<Option<i64>> {
        let t = self.i64()?;
        Ok((t != NO_TIMESTAMP).then_some(t))
    }
    pub fn str(&mut self) -> WireResult<String> {
        let n = self.u16()? as usize;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|e| WireError(format!("string is not UTF-8: {e}")))
    }
    pub fn bytes(&mut self) -> WireResult<Option<Vec<u8>>> {
        let n = self.i32()?;
        if n == -1 {
            return Ok(None);
        }
        let n = usize::try_from(n).map_err(|_| WireError(format!("negative length {n}")))?;
        Ok(Some(self.take(n)?.to_vec()))
    }
    pub fn is_empty(&self) -> bool {
        self.pos == self.buf.len()
    }
}

/// A growing little-endian buffer; reused between batches by the caller.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn clear(&mut self) {
        self.buf.clear();
    }
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    pub fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i32(&mut self, v: i32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn ts(&mut self, v: Option<i64>) {
        self.i64(v.unwrap_or(NO_TIMESTAMP));
    }
    /// Strings longer than the u16 length field are a caller error (topic names and header
    /// keys are far shorter); they are cut at a char boundary rather than corrupting the batch.
    pub fn str(&mut self, s: &str) {
        let mut end = s.len().min(u16::MAX as usize);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        self.u16(end as u16);
        self.buf.extend_from_slice(&s.as_bytes()[..end]);
    }
    pub fn bytes(&mut self, b: Option<&[u8]>) {
        match b {
            None => self.i32(-1),
            Some(b) => {
                self.i32(i32::try_from(b.len()).unwrap_or(i32::MAX));
                self.buf.extend_from_slice(b);
            }
        }
    }
}

/// What happened to one polled record on the Java side.
#[derive(Debug, Clone, PartialEq)]
pub enum PolledKind {
    Send(WireMessage),
    Dropped,
    /// The error JSON (with `stage`) of a tolerated failure.
    Tolerated(String),
}

/// A converted record, ready for the transport.
#[derive(Debug, Clone, PartialEq)]
pub struct WireMessage {
    pub topic: String,
    pub partition: Option<i32>,
    pub timestamp: Option<i64>,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolledRecord {
    pub seq: i64,
    pub partition_json: Option<Vec<u8>>,
    pub offset_json: Option<Vec<u8>>,
    pub kind: PolledKind,
}

/// A decoded `sourcePoll` answer.
#[derive(Debug, Clone, PartialEq)]
pub enum PollBatch {
    Records(Vec<PolledRecord>),
    /// The error JSON.
    Error(String),
}

fn headers(r: &mut Reader<'_>) -> WireResult<Vec<(String, Option<Vec<u8>>)>> {
    let n = r.u16()? as usize;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push((r.str()?, r.bytes()?));
    }
    Ok(out)
}

fn utf8(b: Option<Vec<u8>>) -> String {
    b.map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

pub fn decode_poll(buf: &[u8]) -> WireResult<PollBatch> {
    let mut r = Reader::new(buf);
    match r.u8()? {
        0 => {}
        1 => return Ok(PollBatch::Error(utf8(r.bytes()?))),
        s => return Err(WireError(format!("unknown status {s}"))),
    }
    let n = r.u32()? as usize;
    // A corrupt count must not reserve gigabytes: each record takes at least 17 bytes.
    let mut out = Vec::with_capacity(n.min(buf.len() / 17 + 1));
    for _ in 0..n {
        let seq = r.i64()?;
        let kind = r.u8()?;
        let partition_json = r.bytes()?;
        let offset_json = r.bytes()?;
        let kind = match kind {
            0 => {
                let topic = r.str()?;
                let partition = r.i32()?;
                let timestamp = r.ts()?;
                let key = r.bytes()?;
                let value = r.bytes()?;
                let headers = headers(&mut r)?;
                PolledKind::Send(WireMessage {
                    topic,
                    partition: (partition >= 0).then_some(partition),
                    timestamp,
                    key,
                    value,
                    headers,
                })
            }
            1 => PolledKind::Dropped,
            2 => PolledKind::Tolerated(utf8(r.bytes()?)),
            k => return Err(WireError(format!("unknown record kind {k}"))),
        };
        out.push(PolledRecord {
            seq,
            partition_json,
            offset_json,
            kind,
        });
    }
    if !r.is_empty() {
        return Err(WireError("trailing bytes after the last record".into()));
    }
    Ok(PollBatch::Records(out))
}

/// Appends acks to a batch being built; `finish` writes the count in front.
#[derive(Default)]
pub struct AckWriter {
    count: u32,
    body: Writer,
}

impl AckWriter {
    /// One ack; `meta` is where the broker put the record (none: dropped or tolerated).
    pub fn push(&mut self, seq: i64, meta: Option<&RecordMetadata>) {
        self.count += 1;
        let w = &mut self.body;
        w.i64(seq);
        match meta {
            None => w.u8(0),
            Some(m) => {
                w.u8(1);
                w.str(&m.topic);
                w.i32(m.partition);
                w.i64(m.offset);
                w.ts(m.timestamp);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The encoded acks (empty when there are none), leaving the writer empty.
    pub fn take(&mut self) -> Vec<u8> {
        if self.count == 0 {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(4 + self.body.buf.len());
        out.extend_from_slice(&self.count.to_le_bytes());
        out.append(&mut self.body.buf);
        self.count = 0;
        out
    }
}

/// The bytes of a record field as consumed: the worker hands a host-converting sink task
/// its key, value and headers as `Value::Bytes` (or null).
fn bytes_of(v: &Value) -> Option<&[u8]> {
    match v {
        Value::Bytes(b) => Some(b),
        Value::String(s) => Some(s.as_bytes()),
        _ => None,
    }
}

/// One `put`'s records, straight from the worker's records into the batch.
pub fn encode_sink_batch(records: &[SinkRecord], w: &mut Writer) {
    w.clear();
    w.u32(records.len() as u32);
    for s in records {
        let r = &s.record;
        w.str(&r.topic);
        w.i32(r.kafka_partition.unwrap_or(s.original_kafka_partition));
        w.i64(s.kafka_offset);
        w.ts(r.timestamp);
        w.u8(match s.timestamp_type {
            TimestampType::NoTimestampType => 0,
            TimestampType::CreateTime => 1,
            TimestampType::LogAppendTime => 2,
        });
        w.bytes(bytes_of(&r.key));
        w.bytes(bytes_of(&r.value));
        let n = r.headers.len().min(u16::MAX as usize);
        w.u16(n as u16);
        for h in r.headers.iter().take(n) {
            w.str(&h.key);
            w.bytes(bytes_of(&h.value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(w: &mut Writer, seq: i64, kind: u8) {
        w.i64(seq);
        w.u8(kind);
        w.bytes(Some(br#"{"file":"a"}"#));
        w.bytes(Some(br#"{"position":7}"#));
    }

    #[test]
    fn decodes_every_kind_of_record() {
        let mut w = Writer::default();
        w.u8(0);
        w.u32(3);
        record(&mut w, 1, 0);
        w.str("tópic");
        w.i32(-1);
        w.ts(None);
        w.bytes(None);
        w.bytes(Some(&[0, 255, 1]));
        w.u16(2);
        w.str("h1");
        w.bytes(Some(b"v"));
        w.str("h2");
        w.bytes(None);
        record(&mut w, 2, 1);
        record(&mut w, 3, 2);
        w.bytes(Some(br#"{"stage":"VALUE_CONVERTER"}"#));
        let PollBatch::Records(rs) = decode_poll(&w.buf).unwrap() else {
            panic!("not records")
        };
        assert_eq!(rs.len(), 3);
        assert_eq!(
            rs[0].kind,
            PolledKind::Send(WireMessage {
                topic: "tópic".into(),
                partition: None,
                timestamp: None,
                key: None,
                value: Some(vec![0, 255, 1]),
                headers: vec![("h1".into(), Some(b"v".to_vec())), ("h2".into(), None)],
            })
        );
        assert_eq!(rs[1].kind, PolledKind::Dropped);
        assert_eq!(
            rs[1].offset_json.as_deref(),
            Some(&br#"{"position":7}"#[..])
        );
        assert_eq!(
            rs[2].kind,
            PolledKind::Tolerated(r#"{"stage":"VALUE_CONVERTER"}"#.into())
        );
    }

    #[test]
    fn truncated_or_corrupt_batches_are_errors_not_panics() {
        let mut w = Writer::default();
        w.u8(0);
        w.u32(2);
        record(&mut w, 1, 1);
        assert!(decode_poll(&w.buf).is_err(), "one record missing");
        for cut in 0..w.buf.len() {
            let _ = decode_poll(&w.buf[..cut]);
        }
        assert!(decode_poll(&[7]).is_err());
        let mut w = Writer::default();
        w.u8(0);
        w.u32(u32::MAX);
        assert!(decode_poll(&w.buf).is_err());
    }

    #[test]
    fn error_status_carries_the_json() {
        let mut w = Writer::default();
        w.u8(1);
        w.bytes(Some(br#"{"class":"X"}"#));
        assert_eq!(
            decode_poll(&w.buf).unwrap(),
            PollBatch::Error(r#"{"class":"X"}"#.into())
        );
    }

    #[test]
    fn sink_batches_carry_the_consumed_bytes() {
        let mut rec = connect_api::ConnectRecord::new("t", None, Value::Bytes(vec![0, 255]));
        rec.headers.add("h", None, Value::Bytes(b"v".to_vec()));
        let recs = vec![SinkRecord::new(rec, 2, 41)];
        let mut w = Writer::default();
        encode_sink_batch(&recs, &mut w);
        let mut r = Reader::new(&w.buf);
        assert_eq!(r.u32().unwrap(), 1);
        assert_eq!(r.str().unwrap(), "t");
        assert_eq!(r.i32().unwrap(), 2);
        assert_eq!(r.i64().unwrap(), 41);
        assert_eq!(r.ts().unwrap(), None);
        assert_eq!(r.u8().unwrap(), 1);
        assert_eq!(r.bytes().unwrap(), None);
        assert_eq!(r.bytes().unwrap(), Some(vec![0, 255]));
        assert_eq!(r.u16().unwrap(), 1);
        assert_eq!(r.str().unwrap(), "h");
        assert_eq!(r.bytes().unwrap(), Some(b"v".to_vec()));
        assert!(r.is_empty());
    }

    #[test]
    fn acks_are_counted_in_front() {
        let mut a = AckWriter::default();
        assert!(a.take().is_empty());
        a.push(5, None);
        a.push(
            6,
            Some(&RecordMetadata {
                topic: "t".into(),
                partition: 2,
                offset: 9,
                timestamp: Some(3),
            }),
        );
        let b = a.take();
        let mut r = Reader::new(&b);
        assert_eq!(r.u32().unwrap(), 2);
        assert_eq!(r.i64().unwrap(), 5);
        assert_eq!(r.u8().unwrap(), 0);
        assert_eq!(r.i64().unwrap(), 6);
        assert_eq!(r.u8().unwrap(), 1);
        assert_eq!(r.str().unwrap(), "t");
        assert_eq!(r.i32().unwrap(), 2);
        assert_eq!(r.i64().unwrap(), 9);
        assert_eq!(r.ts().unwrap(), Some(3));
        assert!(r.is_empty());
        assert!(a.is_empty());
    }
}
