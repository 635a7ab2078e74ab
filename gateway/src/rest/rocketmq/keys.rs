//! RocketMQ Connect config-key spellings → the Kafka keys the herder understands, applied to
//! every config that arrives through the RocketMQ Connect router (create and validate).
//!
//! | RocketMQ Connect                    | Kafka                                   |
//! |-------------------------------------|-----------------------------------------|
//! | `max.tasks`                         | `tasks.max`                             |
//! | `connect.topicname` (sources)       | `topic`                                 |
//! | `connect.topicnames` (sinks, `;`)   | `topics` (`,`-separated)                |
//! | `transforms.<alias>.class`          | `transforms.<alias>.type`               |
//!
//! The topic keys need no connector type: RocketMQ Connect only reads `connect.topicname` in
//! sources and `connect.topicnames` in sinks, so each maps to the key its side uses in Kafka.
//! RocketMQ-only keys with no Kafka meaning here (`task.group.id`, `consume.from.where`,
//! `ordering.msg.enable=true`, `connector.direct.enable=true`) are refused rather than
//! silently ignored, since the connector would not behave as the user asked. Everything else
//! passes through unchanged, so Kafka spellings are accepted too.

use connect_api::Props;

/// Keys refused with a hint at the Kafka way of getting the same effect.
const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "task.group.id",
        "sink consumer groups are named connect-<connector>; set consumer.override.group.id instead",
    ),
    (
        "consume.from.where",
        "set consumer.override.auto.offset.reset (earliest or latest) instead",
    ),
];

/// Keys whose default (`false`) is what this worker does anyway; `true` is refused.
const ONLY_FALSE: &[(&str, &str)] = &[
    (
        "ordering.msg.enable",
        "ordered (synchronous) sends are not supported",
    ),
    (
        "connector.direct.enable",
        "direct source-to-sink tasks are not supported",
    ),
];

/// Maps RocketMQ Connect spellings to Kafka keys. A key given in both spellings with
/// different values is an error: we can't tell which one the user meant.
pub fn to_kafka(config: Props) -> Result<Props, String> {
    let mut out = Props::new();
    for (key, value) in config {
        if let Some((_, hint)) = UNSUPPORTED.iter().find(|(k, _)| *k == key) {
            return Err(format!("Config key '{key}' is not supported: {hint}"));
        }
        if let Some((_, why)) = ONLY_FALSE.iter().find(|(k, _)| *k == key) {
            if value.trim().eq_ignore_ascii_case("false") {
                continue;
            }
            return Err(format!(
                "Config key '{key}={value}' is not supported: {why}"
            ));
        }
        let (kafka_key, kafka_value) = map_key(&key, value);
        if let Some(previous) = out.get(&kafka_key) {
            if *previous != kafka_value {
                return Err(format!(
                    "Config key '{kafka_key}' is given twice with different values \
                     (once as '{key}')"
                ));
            }
        }
        out.insert(kafka_key, kafka_value);
    }
    Ok(out)
}

fn map_key(key: &str, value: String) -> (String, String) {
    match key {
        "max.tasks" => ("tasks.max".into(), value),
        "connect.topicname" => ("topic".into(), value),
        // RocketMQ Connect separates sink topics with `;`, Kafka with `,`.
        "connect.topicnames" => ("topics".into(), value.replace(';', ",")),
        _ => match key
            .strip_prefix("transforms.")
            .and_then(|rest| rest.strip_suffix(".class"))
        {
            // Only `transforms.<alias>.class`, not a transform's own `...class` settings
            // nested deeper (`transforms.a.b.class`).
            Some(alias) if !alias.is_empty() && !alias.contains('.') => {
                (format!("transforms.{alias}.type"), value)
            }
            _ => (key.to_string(), value),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> Props {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn maps_every_rocketmq_spelling() {
        let mapped = to_kafka(props(&[
            ("max.tasks", "3"),
            ("connect.topicname", "t"),
            ("connect.topicnames", "a;b"),
            ("transforms", "r"),
            ("transforms.r.class", "X"),
            ("transforms.r.inner.class", "kept"),
            ("ordering.msg.enable", "false"),
            ("file", "/x"),
        ]))
        .unwrap();
        assert_eq!(
            mapped,
            props(&[
                ("tasks.max", "3"),
                ("topic", "t"),
                ("topics", "a,b"),
                ("transforms", "r"),
                ("transforms.r.type", "X"),
                ("transforms.r.inner.class", "kept"),
                ("file", "/x"),
            ])
        );
    }

    #[test]
    fn kafka_spellings_pass_and_agreeing_duplicates_merge() {
        let mapped = to_kafka(props(&[("tasks.max", "2"), ("max.tasks", "2")])).unwrap();
        assert_eq!(mapped, props(&[("tasks.max", "2")]));
        let err = to_kafka(props(&[("tasks.max", "2"), ("max.tasks", "3")])).unwrap_err();
        assert!(err.contains("'tasks.max' is given twice"), "{err}");
    }

    #[test]
    fn unsupported_keys_are_refused() {
        for (k, v) in [
            ("task.group.id", "g"),
            ("consume.from.where", "CONSUME_FROM_FIRST_OFFSET"),
            ("ordering.msg.enable", "true"),
            ("connector.direct.enable", "true"),
        ] {
            let err = to_kafka(props(&[(k, v)])).unwrap_err();
            assert!(err.contains(k), "{err}");
        }
    }
}
