//! Kafka topic names ↔ RocketMQ topic names.
//!
//! RocketMQ accepts `^[%|a-zA-Z0-9_-]+$` up to 127 characters; Kafka accepts
//! `[a-zA-Z0-9._-]` up to 249. The only Kafka character RocketMQ refuses is `.`, and the
//! only RocketMQ characters Kafka never uses are `%` and `|`. `%` is RocketMQ's namespace
//! separator and retry/DLQ prefix, so `.` maps to `|`: the rule is a bijection on every
//! name Kafka can produce, and `|` maps back to `.`. Names the rule can't carry (too long,
//! RocketMQ system names) need an entry in `rocketmq.topic.mapping`.

use std::collections::BTreeMap;

pub const ROCKETMQ_TOPIC_MAX_LENGTH: usize = 127;

/// Topic names RocketMQ reserves for itself (broker defaults, system topics).
const RESERVED_EXACT: &[&str] = &[
    "TBW102",
    "BenchmarkTest",
    "OFFSET_MOVED_EVENT",
    "SCHEDULE_TOPIC_XXXX",
    "RMQ_SYS_TRANS_HALF_TOPIC",
    "RMQ_SYS_TRANS_OP_HALF_TOPIC",
    "RMQ_SYS_TRACE_TOPIC",
    "TRANS_CHECK_MAX_TIME_TOPIC",
    "SELF_TEST_TOPIC",
];
const RESERVED_PREFIXES: &[&str] = &["rmq_sys_", "RMQ_SYS_", "%RETRY%", "%DLQ%", "%LMQ%"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Kafka topic '{topic}' cannot be used on RocketMQ: {reason}. Map it explicitly with rocketmq.topic.mapping={topic}:<RocketMQ topic>")]
pub struct UnmappableTopic {
    pub topic: String,
    pub reason: String,
}

/// The rule plus the override table (`rocketmq.topic.mapping=kafka.topic:RMQ_TOPIC,...`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicNaming {
    to_rocketmq: BTreeMap<String, String>,
    to_kafka: BTreeMap<String, String>,
}

impl TopicNaming {
    /// Parses the override list. Both sides must be unique so the mapping stays reversible.
    pub fn from_overrides(spec: &str) -> Result<TopicNaming, String> {
        let mut naming = TopicNaming::default();
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let Some((kafka, rocketmq)) = entry.split_once(':') else {
                return Err(format!(
                    "Invalid rocketmq.topic.mapping entry '{entry}': expected <Kafka topic>:<RocketMQ topic>"
                ));
            };
            let (kafka, rocketmq) = (kafka.trim(), rocketmq.trim());
            if let Err(reason) = check_rocketmq_name(rocketmq) {
                return Err(format!(
                    "Invalid rocketmq.topic.mapping entry '{entry}': RocketMQ topic {reason}"
                ));
            }
            if naming.to_rocketmq.contains_key(kafka) || naming.to_kafka.contains_key(rocketmq) {
                return Err(format!(
                    "Invalid rocketmq.topic.mapping entry '{entry}': each topic may appear once"
                ));
            }
            naming
                .to_rocketmq
                .insert(kafka.to_string(), rocketmq.to_string());
            naming
                .to_kafka
                .insert(rocketmq.to_string(), kafka.to_string());
        }
        Ok(naming)
    }

    pub fn to_rocketmq(&self, kafka_topic: &str) -> Result<String, UnmappableTopic> {
        if let Some(mapped) = self.to_rocketmq.get(kafka_topic) {
            return Ok(mapped.clone());
        }
        let unmappable = |reason: String| UnmappableTopic {
            topic: kafka_topic.to_string(),
            reason,
        };
        if let Some(bad) = kafka_topic
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(unmappable(format!(
                "'{bad}' is not a legal Kafka topic character"
            )));
        }
        let mapped = kafka_topic.replace('.', "|");
        check_rocketmq_name(&mapped).map_err(unmappable)?;
        // A name that another topic's override already produces would merge two topics.
        if self.to_kafka.contains_key(&mapped) {
            return Err(unmappable(format!(
                "'{mapped}' is already the RocketMQ name of another Kafka topic in rocketmq.topic.mapping"
            )));
        }
        Ok(mapped)
    }

    pub fn to_kafka(&self, rocketmq_topic: &str) -> String {
        match self.to_kafka.get(rocketmq_topic) {
            Some(kafka) => kafka.clone(),
            None => rocketmq_topic.replace('|', "."),
        }
    }
}

fn check_rocketmq_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("is empty".into());
    }
    if name.len() > ROCKETMQ_TOPIC_MAX_LENGTH {
        return Err(format!(
            "is {} characters long, RocketMQ allows at most {ROCKETMQ_TOPIC_MAX_LENGTH}",
            name.len()
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '%' | '|' | '_' | '-')))
    {
        return Err(format!(
            "'{name}' contains '{bad}'; RocketMQ allows only letters, digits, '_', '-', '%' and '|'"
        ));
    }
    if RESERVED_EXACT.contains(&name) || RESERVED_PREFIXES.iter().any(|p| name.starts_with(p)) {
        return Err(format!("'{name}' is reserved by RocketMQ"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_round_trip_through_pipes() {
        let n = TopicNaming::default();
        assert_eq!(n.to_rocketmq("orders.v1.eu").unwrap(), "orders|v1|eu");
        assert_eq!(n.to_kafka("orders|v1|eu"), "orders.v1.eu");
        assert_eq!(n.to_rocketmq("plain_Topic-1").unwrap(), "plain_Topic-1");
        assert_eq!(n.to_kafka("plain_Topic-1"), "plain_Topic-1");
    }

    #[test]
    fn every_kafka_character_survives_the_round_trip() {
        let n = TopicNaming::default();
        let all = "azAZ09._-";
        assert_eq!(n.to_kafka(&n.to_rocketmq(all).unwrap()), all);
    }

    #[test]
    fn too_long_and_reserved_names_are_refused_with_the_way_out() {
        let n = TopicNaming::default();
        let long = "t".repeat(200);
        let err = n.to_rocketmq(&long).unwrap_err().to_string();
        assert!(err.contains("at most 127"), "{err}");
        assert!(err.contains("rocketmq.topic.mapping="), "{err}");
        assert!(n.to_rocketmq("TBW102").is_err());
        assert!(n.to_rocketmq("rmq_sys_x").is_err());
        assert!(n.to_rocketmq("bad topic").is_err());
    }

    #[test]
    fn overrides_win_both_ways_and_must_be_unique() {
        let n = TopicNaming::from_overrides("orders.v1:ORDERS, x:Y").unwrap();
        assert_eq!(n.to_rocketmq("orders.v1").unwrap(), "ORDERS");
        assert_eq!(n.to_kafka("ORDERS"), "orders.v1");
        assert_eq!(n.to_kafka("Y"), "x");
        // A rule-mapped name may not collide with an override target.
        assert!(n.to_rocketmq("ORDERS").is_err());
        assert!(TopicNaming::from_overrides("a:X,b:X").is_err());
        assert!(TopicNaming::from_overrides("a").is_err());
        assert!(TopicNaming::from_overrides("a:has.dot").is_err());
        let long = "t".repeat(200);
        let n = TopicNaming::from_overrides(&format!("{long}:SHORT")).unwrap();
        assert_eq!(n.to_rocketmq(&long).unwrap(), "SHORT");
    }
}
