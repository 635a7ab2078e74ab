//! Kafka's `DeadLetterQueueReporter` for sink connectors: a record that failed conversion,
//! transformation or `put` (through the errant record reporter) is written, as the bytes
//! it was consumed with, to `errors.deadletterqueue.topic.name` on the same transport; with
//! `errors.deadletterqueue.context.headers.enable` the error context travels in Kafka's
//! `__connect.errors.*` headers (message properties on RocketMQ).

use std::sync::Arc;
use std::time::Duration;

use connect_api::{ConnectError, ConnectResult, Props};

use crate::herder::ConnectorTaskId;
use crate::transport::{ConsumedMessage, OutboundMessage, RecordTransport, TopicSpec};
use crate::worker::retry_with_tolerance::Stage;

pub const HEADER_PREFIX: &str = "__connect.errors.";
/// How long a DLQ write is retried through an outage before the task fails.
const DLQ_DELIVERY_TIMEOUT: Duration = Duration::from_secs(60);

pub struct DeadLetterQueue {
    transport: Arc<dyn RecordTransport>,
    topic: String,
    context_headers: bool,
    task: ConnectorTaskId,
    /// Kafka creates the DLQ topic on first use; so do we, once.
    created: tokio::sync::OnceCell<()>,
}

impl DeadLetterQueue {
    /// `None` when the connector has no DLQ topic configured.
    pub fn from_config(
        config: &Props,
        task: &ConnectorTaskId,
        transport: Arc<dyn RecordTransport>,
    ) -> Option<DeadLetterQueue> {
        let topic = config
            .get("errors.deadletterqueue.topic.name")
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())?;
        Some(DeadLetterQueue {
            transport,
            topic: topic.to_string(),
            context_headers: config
                .get("errors.deadletterqueue.context.headers.enable")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
            task: task.clone(),
            created: tokio::sync::OnceCell::new(),
        })
    }

    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// Writes `original` to the DLQ and waits for the broker's ack. Retriable failures are
    /// retried for up to a minute; a record that can't be written fails the task rather
    /// than vanish.
    pub async fn report(
        &self,
        original: &ConsumedMessage,
        stage: Stage,
        executing_class: &str,
        error: &ConnectError,
    ) -> ConnectResult<()> {
        self.created
            .get_or_try_init(|| async {
                self.transport
                    .create_topic(&self.topic, &TopicSpec::with_partitions(1))
                    .await
                    .map(|_| ())
            })
            .await
            .map_err(|e| {
                ConnectError::connect(format!(
                    "Could not create dead letter queue topic {}: {e}",
                    self.topic
                ))
            })?;
        let mut headers = original.headers.clone();
        if self.context_headers {
            let mut add = |name: &str, value: String| {
                headers.push((format!("{HEADER_PREFIX}{name}"), Some(value.into_bytes())))
            };
            add("topic", original.topic.clone());
            add("partition", original.partition.to_string());
            add("offset", original.offset.to_string());
            add("connector.name", self.task.connector.clone());
            add("task.id", self.task.task.to_string());
            add("stage", stage.name().to_string());
            add("class.name", executing_class.to_string());
            add("exception.class.name", error.class_name().to_string());
            add("exception.message", error.message.clone());
            if let Some(trace) = &error.trace {
                add("exception.stacktrace", trace.clone());
            }
        }
        let message = OutboundMessage {
            topic: self.topic.clone(),
            partition: None,
            key: original.key.clone(),
            value: original.value.clone(),
            headers,
            timestamp: original.timestamp,
        };
        let result = crate::transport::send_with_retry(
            &*self.transport,
            vec![message].into(),
            DLQ_DELIVERY_TIMEOUT,
        )
        .await
        .into_iter()
        .next()
        .unwrap_or_else(|| Err(crate::transport::TransportError::Fatal("no result".into())));
        match result {
            Ok(meta) => {
                tracing::warn!(task = %self.task, topic = %original.topic, partition = original.partition, offset = original.offset, dlq = %self.topic, dlq_offset = meta.offset, "record written to the dead letter queue");
                Ok(())
            }
            Err(e) => Err(ConnectError::connect(format!(
                "Could not produce message to dead letter queue topic {}: {e}",
                self.topic
            ))),
        }
    }
}
