//! Connect records ↔ RocketMQ messages, losslessly.
//!
//! RocketMQ properties are UTF-8 strings framed by `\x01`/`\x02`, bodies may not be empty,
//! and a message has no null key or null body. What a Connect record carries beyond that
//! travels in `CONNECT_*` properties; everything a plain RocketMQ consumer expects (the
//! message key, text headers as properties) is set too:
//!
//! | record | message |
//! |---|---|
//! | key, text (UTF-8, no control characters) | `KEYS` = the key |
//! | key, other bytes (binary, empty) | `CONNECT_KEY` = `b64:` + base64 of the exact bytes |
//! | key `null` | neither |
//! | value | body; `null` → one zero byte + `CONNECT_VALUE=null`, empty → one zero byte + `CONNECT_VALUE=empty` |
//! | text header with a free, unique name | a property of that name |
//! | headers, when order/duplicates/binary/null would otherwise be lost | `CONNECT_HEADERS` = base64 of the full ordered list |
//! | timestamp | `CONNECT_TS` (ms); absent → the message's born timestamp on read |
//!
//! A message from a plain RocketMQ producer reads back with `KEYS` as key and its user
//! properties (sorted by name) as headers.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cheetah_string::CheetahString;
use rocketmq_model::common::message::message_ext::MessageExt;
use rocketmq_model::common::message::message_single::Message;
use rocketmq_model::common::message::STRING_HASH_SET;

use crate::transport::{ConsumedMessage, OutboundMessage, RawHeader, TransportError};

pub const PROP_KEY: &str = "CONNECT_KEY";
pub const PROP_VALUE: &str = "CONNECT_VALUE";
pub const PROP_HEADERS: &str = "CONNECT_HEADERS";
pub const PROP_TIMESTAMP: &str = "CONNECT_TS";
const SYSTEM_KEYS: &str = "KEYS";
const OUR_PREFIX: &str = "CONNECT_";
/// Leads `CONNECT_KEY` so an empty key is a non-empty property (empty ones are dropped).
const KEY_TAG: &str = "b64:";
/// Stands in for a null or empty value: RocketMQ refuses empty bodies.
const PLACEHOLDER_BODY: &[u8] = &[0];

fn is_property_safe(s: &str) -> bool {
    !s.chars().any(|c| c == '\u{1}' || c == '\u{2}')
}

fn is_text_key(key: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(key).ok()?;
    if text.is_empty() || text.chars().any(char::is_control) {
        return None;
    }
    Some(text)
}

fn is_plain_header_name(name: &str) -> bool {
    !name.is_empty()
        && is_property_safe(name)
        && !name.starts_with(OUR_PREFIX)
        && !STRING_HASH_SET.contains(name)
}

/// Builds the message for `topic` (already the RocketMQ name).
pub fn encode(record: &OutboundMessage, topic: &str) -> Result<Message, TransportError> {
    let (body, value_marker) = match record.value.as_deref() {
        None => (PLACEHOLDER_BODY.to_vec(), Some("null")),
        Some([]) => (PLACEHOLDER_BODY.to_vec(), Some("empty")),
        Some(v) => (v.to_vec(), None),
    };
    let mut builder = Message::builder().topic(topic).body(body);
    let prop_err = |e: rocketmq_error::Error| TransportError::Rejected(e.to_string());
    if let Some(marker) = value_marker {
        builder = builder.raw_property(PROP_VALUE, marker).map_err(prop_err)?;
    }
    match record.key.as_deref() {
        None => {}
        Some(key) => match is_text_key(key) {
            Some(text) => builder = builder.key(text),
            None => {
                builder = builder
                    .raw_property(PROP_KEY, format!("{KEY_TAG}{}", B64.encode(key)))
                    .map_err(prop_err)?
            }
        },
    }
    if let Some(ts) = record.timestamp {
        builder = builder
            .raw_property(PROP_TIMESTAMP, ts.to_string())
            .map_err(prop_err)?;
    }
    let mut needs_list = record.headers.len() > 1;
    let mut seen = std::collections::HashSet::new();
    for (name, value) in &record.headers {
        let text = value.as_deref().and_then(|v| std::str::from_utf8(v).ok());
        match text {
            Some(text)
                if is_plain_header_name(name) && is_property_safe(text) && seen.insert(name) =>
            {
                builder = builder
                    .raw_property(name.as_str(), text)
                    .map_err(prop_err)?;
            }
            _ => needs_list = true,
        }
    }
    if needs_list {
        builder = builder
            .raw_property(PROP_HEADERS, B64.encode(encode_headers(&record.headers)))
            .map_err(prop_err)?;
    }
    builder
        .build()
        .map_err(|e| TransportError::Rejected(e.to_string()))
}

/// Reads a message back as a Connect record of `topic`/`partition` (Kafka names).
pub fn decode(msg: &MessageExt, topic: String, partition: i32) -> ConsumedMessage {
    let props = msg.properties();
    let prop = |name: &'static str| props.get(&CheetahString::from_static_str(name));
    let value = match prop(PROP_VALUE).map(CheetahString::as_str) {
        Some("null") => None,
        Some("empty") => Some(Vec::new()),
        _ => Some(msg.body().map(|b| b.to_vec()).unwrap_or_default()),
    };
    let key = match prop(PROP_KEY) {
        Some(encoded) => B64
            .decode(
                encoded
                    .as_str()
                    .strip_prefix(KEY_TAG)
                    .unwrap_or(encoded.as_str()),
            )
            .ok(),
        None => prop(SYSTEM_KEYS).map(|k| k.as_bytes().to_vec()),
    };
    let timestamp = prop(PROP_TIMESTAMP)
        .and_then(|t| t.as_str().parse::<i64>().ok())
        .or_else(|| Some(msg.born_timestamp()).filter(|t| *t > 0));
    let headers = match prop(PROP_HEADERS).and_then(|h| B64.decode(h.as_str()).ok()) {
        Some(bytes) => decode_headers(&bytes).unwrap_or_default(),
        None => {
            let mut plain: Vec<RawHeader> = props
                .iter()
                .filter(|(k, _)| is_plain_header_name(k.as_str()))
                .map(|(k, v)| (k.to_string(), Some(v.as_bytes().to_vec())))
                .collect();
            plain.sort();
            plain
        }
    };
    ConsumedMessage {
        topic,
        partition,
        offset: msg.queue_offset(),
        key,
        value,
        headers,
        timestamp,
    }
}

fn encode_headers(headers: &[RawHeader]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + headers.len() * 16);
    out.extend_from_slice(&(headers.len() as u32).to_be_bytes());
    for (name, value) in headers {
        out.extend_from_slice(&(name.len() as u32).to_be_bytes());
        out.extend_from_slice(name.as_bytes());
        match value {
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
            Some(v) => {
                out.extend_from_slice(&(v.len() as i32).to_be_bytes());
                out.extend_from_slice(v);
            }
        }
    }
    out
}

fn decode_headers(mut bytes: &[u8]) -> Option<Vec<RawHeader>> {
    fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        if bytes.len() < n {
            return None;
        }
        let (head, tail) = bytes.split_at(n);
        *bytes = tail;
        Some(head)
    }
    fn int(bytes: &mut &[u8]) -> Option<i32> {
        Some(i32::from_be_bytes(take(bytes, 4)?.try_into().ok()?))
    }
    let count = usize::try_from(int(&mut bytes)?).ok()?;
    let mut headers = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        let name_len = usize::try_from(int(&mut bytes)?).ok()?;
        let name = String::from_utf8(take(&mut bytes, name_len)?.to_vec()).ok()?;
        let value_len = int(&mut bytes)?;
        let value = if value_len < 0 {
            None
        } else {
            Some(take(&mut bytes, usize::try_from(value_len).ok()?)?.to_vec())
        };
        headers.push((name, value));
    }
    Some(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(record: OutboundMessage) -> ConsumedMessage {
        let msg = encode(&record, "T").unwrap();
        let mut ext = MessageExt::default();
        ext.set_message_inner(msg);
        ext.set_queue_offset(7);
        ext.set_born_timestamp(123);
        decode(&ext, record.topic.clone(), 2)
    }

    fn record(
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: Vec<RawHeader>,
    ) -> OutboundMessage {
        OutboundMessage {
            topic: "t.x".into(),
            partition: None,
            key: key.map(<[u8]>::to_vec),
            value: value.map(<[u8]>::to_vec),
            headers,
            timestamp: Some(1_700_000_000_000),
        }
    }

    #[test]
    fn keys_values_and_timestamps_survive_exactly() {
        for (key, value) in [
            (Some(&b"order-1"[..]), Some(&b"v"[..])),
            (Some(&[0u8, 255, 1, 2][..]), Some(&[0u8, 1][..])),
            (Some(&b""[..]), Some(&b""[..])),
            (None, None),
            (Some(&b"has\nnewline"[..]), Some(&b"x"[..])),
        ] {
            let got = round_trip(record(key, value, vec![]));
            assert_eq!(got.key.as_deref(), key);
            assert_eq!(got.value.as_deref(), value);
            assert_eq!(got.timestamp, Some(1_700_000_000_000));
            assert_eq!((got.partition, got.offset), (2, 7));
        }
    }

    #[test]
    fn text_keys_are_the_message_key() {
        let msg = encode(&record(Some(b"order-1"), Some(b"v"), vec![]), "T").unwrap();
        assert_eq!(msg.keys(), Some(vec!["order-1".to_string()]));
        assert!(msg.property(PROP_KEY).is_none());
        let msg = encode(&record(Some(&[0xff]), Some(b"v"), vec![]), "T").unwrap();
        assert!(msg.keys().is_none());
    }

    #[test]
    fn headers_keep_order_duplicates_binary_and_null() {
        let headers: Vec<RawHeader> = vec![
            ("b".into(), Some(b"text".to_vec())),
            ("a".into(), Some(vec![0, 1, 2, 255])),
            ("b".into(), None),
            ("KEYS".into(), Some(b"reserved name".to_vec())),
            ("".into(), Some(vec![])),
        ];
        let got = round_trip(record(None, Some(b"v"), headers.clone()));
        assert_eq!(got.headers, headers);
    }

    #[test]
    fn text_headers_are_visible_properties() {
        let msg = encode(
            &record(
                None,
                Some(b"v"),
                vec![("trace-id".into(), Some(b"abc".to_vec()))],
            ),
            "T",
        )
        .unwrap();
        assert_eq!(msg.property("trace-id"), Some("abc"));
        // One plain header needs no encoded list.
        assert!(msg.property(PROP_HEADERS).is_none());
    }

    #[test]
    fn plain_rocketmq_messages_read_as_records() {
        let msg = Message::builder()
            .topic("T")
            .body(b"hello".to_vec())
            .key("k1")
            .raw_property("z", "2")
            .unwrap()
            .raw_property("a", "1")
            .unwrap()
            .build()
            .unwrap();
        let mut ext = MessageExt::default();
        ext.set_message_inner(msg);
        ext.set_born_timestamp(42);
        let got = decode(&ext, "T".into(), 0);
        assert_eq!(got.key.as_deref(), Some(&b"k1"[..]));
        assert_eq!(got.value.as_deref(), Some(&b"hello"[..]));
        assert_eq!(got.timestamp, Some(42));
        assert_eq!(
            got.headers,
            vec![
                ("a".to_string(), Some(b"1".to_vec())),
                ("z".to_string(), Some(b"2".to_vec()))
            ]
        );
    }

    #[test]
    fn corrupt_header_lists_decode_to_nothing_rather_than_panic() {
        assert_eq!(decode_headers(&[0, 0, 0, 5, 0]), None);
        assert_eq!(decode_headers(&[]), None);
    }
}
