//! How one record is laid out in a partition's `.log` file.
//!
//! Frame = `u32 payload length | u32 CRC32 of payload | payload`, big-endian. Payload:
//! `u8 version | i64 offset | u8 flags | i64 timestamp | key | value | u32 header count |
//! headers`, where key, value and header values are `i32 length` (-1 = null, so null and
//! empty stay distinct) followed by raw bytes, and a header name is `u32 length | UTF-8`.
//! The offset is stored redundantly so recovery can tell a stale or misplaced frame from
//! the one it expects.

use crate::transport::{OutboundMessage, RawHeader};

pub(super) const FRAME_HEADER_LEN: usize = 8;
const VERSION: u8 = 1;
const HAS_TIMESTAMP: u8 = 1;
/// version + offset + flags + timestamp + key len + value len + header count.
const FIXED_PAYLOAD_LEN: usize = 1 + 8 + 1 + 8 + 4 + 4 + 4;

/// A record as decoded from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredRecord {
    pub offset: i64,
    pub timestamp: Option<i64>,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<RawHeader>,
}

/// The payload size `msg` will have on disk: what `max_message_bytes` limits.
pub(super) fn payload_len(msg: &OutboundMessage) -> usize {
    let bytes = |b: &Option<Vec<u8>>| b.as_ref().map_or(0, Vec::len);
    FIXED_PAYLOAD_LEN
        + bytes(&msg.key)
        + bytes(&msg.value)
        + msg
            .headers
            .iter()
            .map(|(name, value)| 4 + name.len() + 4 + bytes(value))
            .sum::<usize>()
}

/// Appends the frame for `msg` at `offset` to `out`. The caller has checked that
/// `payload_len(msg)` fits in an `i32`, so the length casts below can't truncate.
pub(super) fn encode_frame(out: &mut Vec<u8>, offset: i64, msg: &OutboundMessage) {
    let start = out.len();
    out.extend_from_slice(&[0; FRAME_HEADER_LEN]);
    out.push(VERSION);
    out.extend_from_slice(&offset.to_be_bytes());
    out.push(if msg.timestamp.is_some() {
        HAS_TIMESTAMP
    } else {
        0
    });
    out.extend_from_slice(&msg.timestamp.unwrap_or(0).to_be_bytes());
    put_nullable(out, msg.key.as_deref());
    put_nullable(out, msg.value.as_deref());
    out.extend_from_slice(&(msg.headers.len() as u32).to_be_bytes());
    for (name, value) in &msg.headers {
        out.extend_from_slice(&(name.len() as u32).to_be_bytes());
        out.extend_from_slice(name.as_bytes());
        put_nullable(out, value.as_deref());
    }
    let payload_start = start + FRAME_HEADER_LEN;
    let len = (out.len() - payload_start) as u32;
    let crc = crc32fast::hash(&out[payload_start..]);
    out[start..start + 4].copy_from_slice(&len.to_be_bytes());
    out[start + 4..payload_start].copy_from_slice(&crc.to_be_bytes());
}

fn put_nullable(out: &mut Vec<u8>, bytes: Option<&[u8]>) {
    match bytes {
        Some(b) => {
            out.extend_from_slice(&(b.len() as i32).to_be_bytes());
            out.extend_from_slice(b);
        }
        None => out.extend_from_slice(&(-1i32).to_be_bytes()),
    }
}

/// `(payload length, crc)` from a frame header.
pub(super) fn parse_header(header: &[u8; FRAME_HEADER_LEN]) -> (usize, u32) {
    let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
    let crc = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
    (len as usize, crc)
}

/// Checks the CRC, then decodes. Any inconsistency is an error: a record is served only
/// if every byte of it is accounted for.
pub(super) fn decode_payload(payload: &[u8], crc: u32) -> Result<StoredRecord, String> {
    let actual = crc32fast::hash(payload);
    if actual != crc {
        return Err(format!(
            "CRC mismatch (stored {crc:#010x}, computed {actual:#010x})"
        ));
    }
    let mut r = Reader { buf: payload };
    let version = r.u8()?;
    if version != VERSION {
        return Err(format!("unknown record format version {version}"));
    }
    let offset = i64::from_be_bytes(r.array()?);
    let flags = r.u8()?;
    let ts = i64::from_be_bytes(r.array()?);
    let key = r.nullable()?;
    let value = r.nullable()?;
    let count = u32::from_be_bytes(r.array()?);
    let mut headers = Vec::new();
    for _ in 0..count {
        let name_len = u32::from_be_bytes(r.array()?) as usize;
        let name = std::str::from_utf8(r.take(name_len)?)
            .map_err(|_| "header name is not UTF-8".to_string())?
            .to_string();
        headers.push((name, r.nullable()?));
    }
    if !r.buf.is_empty() {
        return Err(format!("{} unexpected trailing bytes", r.buf.len()));
    }
    Ok(StoredRecord {
        offset,
        timestamp: (flags & HAS_TIMESTAMP != 0).then_some(ts),
        key,
        value,
        headers,
    })
}

struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if n > self.buf.len() {
            return Err(format!(
                "field of {n} bytes overruns the record ({} left)",
                self.buf.len()
            ));
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.array::<1>()?[0])
    }

    fn nullable(&mut self) -> Result<Option<Vec<u8>>, String> {
        match i32::from_be_bytes(self.array()?) {
            -1 => Ok(None),
            n if n < 0 => Err(format!("negative length {n}")),
            n => Ok(Some(self.take(n as usize)?.to_vec())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg() -> OutboundMessage {
        OutboundMessage {
            topic: "t".into(),
            partition: None,
            key: Some(vec![0, 255, 10, 13]),
            value: Some(vec![]),
            headers: vec![
                ("bin".into(), Some(vec![0, 0, 1])),
                ("null".into(), None),
                ("empty".into(), Some(vec![])),
            ],
            timestamp: Some(-5),
        }
    }

    #[test]
    fn round_trips_and_length_matches_prediction() {
        let m = msg();
        let mut out = Vec::new();
        encode_frame(&mut out, 77, &m);
        assert_eq!(out.len(), FRAME_HEADER_LEN + payload_len(&m));
        let header: [u8; FRAME_HEADER_LEN] = out[..FRAME_HEADER_LEN].try_into().unwrap();
        let (len, crc) = parse_header(&header);
        assert_eq!(len, payload_len(&m));
        let rec = decode_payload(&out[FRAME_HEADER_LEN..], crc).unwrap();
        assert_eq!(rec.offset, 77);
        assert_eq!(rec.key, m.key);
        assert_eq!(rec.value, Some(vec![]));
        assert_eq!(rec.headers, m.headers);
        assert_eq!(rec.timestamp, Some(-5));

        let bare = OutboundMessage {
            key: None,
            value: None,
            headers: vec![],
            timestamp: None,
            ..m
        };
        out.clear();
        encode_frame(&mut out, 0, &bare);
        let header: [u8; FRAME_HEADER_LEN] = out[..FRAME_HEADER_LEN].try_into().unwrap();
        let rec = decode_payload(&out[FRAME_HEADER_LEN..], parse_header(&header).1).unwrap();
        assert_eq!((rec.key, rec.value, rec.timestamp), (None, None, None));
    }

    #[test]
    fn any_flipped_bit_is_detected() {
        let mut out = Vec::new();
        encode_frame(&mut out, 3, &msg());
        let header: [u8; FRAME_HEADER_LEN] = out[..FRAME_HEADER_LEN].try_into().unwrap();
        let (_, crc) = parse_header(&header);
        for i in FRAME_HEADER_LEN..out.len() {
            let mut bad = out.clone();
            bad[i] ^= 0x01;
            assert!(
                decode_payload(&bad[FRAME_HEADER_LEN..], crc).is_err(),
                "byte {i}"
            );
        }
    }
}
