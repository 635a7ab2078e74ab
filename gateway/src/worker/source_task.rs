//! `WorkerSourceTask`: poll → SMTs → converters → transport, with offsets committed only
//! for the acknowledged, contiguous prefix of each source partition.
//!
//! Sends go through one sender actor per task so batches reach the log in poll order (per
//! partition order is what Kafka's idempotent producer guarantees too); the bounded channel
//! in front of it is the backpressure. Acks come back on a channel and are drained between
//! polls, so `commit_record` runs on the task's own loop, never concurrently with `poll`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use connect_api::{
    ConnectError, ConnectResult, Converted, ConvertedSourceRecord, OffsetStorageReader, Props,
    RecordMetadata, SourceRecord, SourceTask, SourceTaskContext,
};
use tokio::sync::{mpsc, watch};

use crate::herder::State;
use crate::storage::ConnectorOffsetReader;
use crate::transport::{OutboundMessage, TopicSpec, TransportResult};
use crate::worker::client_overrides::ClientOverrides;
use crate::worker::retry_with_tolerance::{done_or_return, ErrorPolicy, Outcome, Stage};
use crate::worker::submitted_records::{SubmittedId, SubmittedRecords};
use crate::worker::task_env::{Converters, TaskControl, TaskEnv};
use crate::worker::transformation_chain::TransformationChain;

/// Batches queued for the sender beyond the one being sent.
const SEND_QUEUE_BATCHES: usize = 4;

struct Context {
    config: Props,
    reader: Arc<dyn OffsetStorageReader>,
}

impl SourceTaskContext for Context {
    fn configs(&self) -> Props {
        self.config.clone()
    }
    fn offset_storage_reader(&self) -> Arc<dyn OffsetStorageReader> {
        self.reader.clone()
    }
}

/// The record a task polled, as the task wants it back in `commit_record`.
// Native is the common case; boxing it would cost an allocation per record.
#[allow(clippy::large_enum_variant)]
enum Origin {
    Native(SourceRecord),
    /// The host's id of a record converted on the host side (the JVM bridge).
    Hosted(i64),
}

impl Origin {
    fn describe(&self) -> String {
        match self {
            Origin::Native(r) => format!("{:?}", r.record),
            Origin::Hosted(seq) => format!("record #{seq} of the JVM task"),
        }
    }
}

/// What one poll returned.
enum Polled {
    Native(Vec<SourceRecord>),
    Converted(Vec<ConvertedSourceRecord>),
}

/// A record on its way to the log, with what is needed when the ack comes back.
struct InFlight {
    id: SubmittedId,
    original: Origin,
}

struct SendBatch {
    messages: Vec<OutboundMessage>,
    records: Vec<InFlight>,
}

struct AckBatch {
    records: Vec<InFlight>,
    results: Vec<TransportResult<RecordMetadata>>,
}

pub struct WorkerSourceTask {
    env: TaskEnv,
    task: Box<dyn SourceTask>,
    chain: TransformationChain,
    converters: Converters,
    policy: ErrorPolicy,
    submitted: SubmittedRecords,
    /// Offsets taken from `submitted` whose write to the store failed; retried next flush.
    pending_offsets: HashMap<String, (connect_api::SourceMap, connect_api::SourceMap)>,
    known_topics: HashSet<String>,
    tracked_topics: HashSet<String>,
    topic_spec: Option<TopicSpec>,
    overrides: ClientOverrides,
}

impl WorkerSourceTask {
    pub fn new(env: TaskEnv, task: Box<dyn SourceTask>) -> ConnectResult<Self> {
        // A task that converts its own records (JVM) runs Kafka's chain and converters there.
        let (chain, converters) = if task.converts_records() {
            (TransformationChain::default(), Converters::pass_through())
        } else {
            (
                TransformationChain::build(&env.connector_config, &env.plugins)?,
                Converters::build(&env.connector_config, &env.worker, &env.plugins)?,
            )
        };
        let policy = ErrorPolicy::from_config(&env.id.connector, &env.connector_config);
        let topic_spec =
            topic_creation_spec(&env.connector_config, env.worker.topic_creation_enable)?;
        let overrides = client_overrides(&env)?;
        Ok(WorkerSourceTask {
            overrides,
            env,
            task,
            chain,
            converters,
            policy,
            submitted: SubmittedRecords::new(),
            pending_offsets: HashMap::new(),
            known_topics: HashSet::new(),
            tracked_topics: HashSet::new(),
            topic_spec,
        })
    }

    /// Runs until stopped or failed; the error carries the trace for the status.
    pub async fn run(mut self) -> ConnectResult<()> {
        let reader: Arc<dyn OffsetStorageReader> = Arc::new(ConnectorOffsetReader::new(
            self.env.offsets.clone(),
            &self.env.id.connector,
        ));
        let ctx = Arc::new(Context {
            config: self.env.task_config.clone(),
            reader,
        });
        self.task.start(ctx, self.env.task_config.clone()).await?;
        self.env
            .status
            .task_state(&self.env.id, State::Running, None);

        let (send_tx, send_rx) = mpsc::channel::<SendBatch>(SEND_QUEUE_BATCHES);
        let (ack_tx, mut ack_rx) = mpsc::unbounded_channel::<AckBatch>();
        let delivery_timeout = self.overrides.delivery_timeout;
        let sender = tokio::spawn(sender_loop(
            self.env.transport.clone(),
            send_rx,
            ack_tx,
            delivery_timeout,
        ));

        let result = self.poll_loop(&send_tx, &mut ack_rx).await;

        // Final flush: wait (bounded) for outstanding acks, then commit what is safe.
        drop(send_tx);
        let deadline = Instant::now() + self.env.worker.offset_flush_timeout;
        while self.submitted.outstanding() > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, ack_rx.recv()).await {
                Ok(Some(batch)) => {
                    if let Err(e) = self.handle_acks(batch) {
                        tracing::warn!(task = %self.env.id, error = %e, "send failed during shutdown");
                    }
                }
                _ => break,
            }
        }
        if let Err(e) = self.commit_offsets().await {
            tracing::error!(task = %self.env.id, error = %e, "final offset commit failed");
        }
        sender.abort();
        if let Err(e) = self.task.stop().await {
            tracing::warn!(task = %self.env.id, error = %e, "task stop failed");
        }
        result
    }

    async fn poll_loop(
        &mut self,
        send_tx: &mpsc::Sender<SendBatch>,
        ack_rx: &mut mpsc::UnboundedReceiver<AckBatch>,
    ) -> ConnectResult<()> {
        let flush_every = self.env.worker.offset_flush_interval;
        let mut next_flush = Instant::now() + flush_every;
        let mut control = self.env.control.clone();
        loop {
            while let Ok(batch) = ack_rx.try_recv() {
                self.handle_acks(batch)?;
            }
            if Instant::now() >= next_flush {
                self.commit_offsets_logged().await;
                next_flush = Instant::now() + flush_every;
            }
            let target = *control.borrow_and_update();
            match target {
                TaskControl::Stop => return Ok(()),
                TaskControl::Pause => {
                    self.env
                        .status
                        .task_state(&self.env.id, State::Paused, None);
                    wait_while_paused(&mut control, ack_rx, self, &mut next_flush).await?;
                    if *control.borrow() == TaskControl::Stop {
                        return Ok(());
                    }
                    self.env
                        .status
                        .task_state(&self.env.id, State::Running, None);
                    continue;
                }
                TaskControl::Run => {}
            }
            let polled = tokio::select! {
                biased;
                _ = control.changed() => continue,
                r = poll(self.task.as_mut()) => r,
            };
            let batch = match polled {
                Ok(Some(Polled::Native(r))) if !r.is_empty() => self.prepare(r).await?,
                Ok(Some(Polled::Converted(r))) if !r.is_empty() => {
                    self.prepare_converted(r).await?
                }
                Ok(_) => continue,
                Err(e) if e.is_retriable() => {
                    tracing::warn!(task = %self.env.id, error = %e, "retriable error from poll; polling again");
                    continue;
                }
                Err(e) => return Err(e),
            };
            if !batch.messages.is_empty() {
                // Awaiting here is the backpressure: a full queue stops polling.
                tokio::select! {
                    biased;
                    r = send_tx.send(batch) => {
                        if r.is_err() {
                            return Err(ConnectError::runtime("record sender stopped unexpectedly"));
                        }
                    }
                    _ = control.changed() => {}
                }
            }
        }
    }

    /// SMTs and converters for one poll; dropped or tolerated records are acked at once.
    async fn prepare(&mut self, records: Vec<SourceRecord>) -> ConnectResult<SendBatch> {
        let mut batch = SendBatch {
            messages: Vec::with_capacity(records.len()),
            records: Vec::with_capacity(records.len()),
        };
        for original in records {
            let id = self
                .submitted
                .submit(&original.source_partition, original.source_offset.clone());
            match self.convert(&original).await {
                Outcome::Done(Some(msg)) => {
                    self.ensure_topic(&msg.topic).await?;
                    batch.messages.push(msg);
                    batch.records.push(InFlight {
                        id,
                        original: Origin::Native(original),
                    });
                }
                Outcome::Done(None) | Outcome::Tolerated(_) => {
                    self.submitted.ack(id);
                    self.task.commit_record(&original, None)?;
                }
                Outcome::Fatal(e) => return Err(e),
            }
        }
        Ok(batch)
    }

    /// Records the host already transformed and converted: only the produce checks remain.
    /// Dropped and tolerated ones are acked at once, like native ones.
    async fn prepare_converted(
        &mut self,
        records: Vec<ConvertedSourceRecord>,
    ) -> ConnectResult<SendBatch> {
        let mut batch = SendBatch {
            messages: Vec::with_capacity(records.len()),
            records: Vec::with_capacity(records.len()),
        };
        for c in records {
            let id = self
                .submitted
                .submit(&c.source_partition, c.source_offset.clone());
            let origin = Origin::Hosted(c.seq);
            let describe = || origin.describe();
            let outcome = match c.outcome {
                Converted::Message {
                    topic,
                    partition,
                    key,
                    value,
                    headers,
                    timestamp,
                } => self.check_produce(
                    OutboundMessage {
                        topic,
                        partition,
                        key,
                        value,
                        headers,
                        timestamp,
                    },
                    &describe,
                ),
                Converted::Dropped => Outcome::Done(None),
                Converted::Tolerated { stage, error } => {
                    self.policy.judge(hosted_stage(&stage), error, &describe)
                }
            };
            match outcome {
                Outcome::Done(Some(msg)) => {
                    self.ensure_topic(&msg.topic).await?;
                    batch.messages.push(msg);
                    batch.records.push(InFlight {
                        id,
                        original: origin,
                    });
                }
                Outcome::Done(None) | Outcome::Tolerated(_) => {
                    self.submitted.ack(id);
                    self.task.commit_converted(c.seq, None)?;
                }
                Outcome::Fatal(e) => return Err(e),
            }
        }
        Ok(batch)
    }

    async fn convert(&mut self, original: &SourceRecord) -> Outcome<Option<OutboundMessage>> {
        let describe = || format!("{:?}", original.record);
        let chain = &mut self.chain;
        let transformed = if chain.is_empty() {
            Some(original.record.clone())
        } else {
            done_or_return!(
                self.policy
                    .execute(
                        Stage::Transformation,
                        || chain.apply(original.record.clone()),
                        describe,
                    )
                    .await
            )
        };
        let Some(r) = transformed else {
            return Outcome::Done(None);
        };
        let topic = r.topic.clone();
        let conv = &self.converters;
        let headers = done_or_return!(
            self.policy
                .execute(
                    Stage::HeaderConverter,
                    || {
                        r.headers
                            .iter()
                            .map(|h| {
                                conv.header
                                    .from_connect_header(
                                        &topic,
                                        &h.key,
                                        h.schema.as_ref(),
                                        &h.value,
                                    )
                                    .map(|b| (h.key.clone(), b))
                            })
                            .collect::<ConnectResult<Vec<_>>>()
                    },
                    describe,
                )
                .await
        );
        let key = done_or_return!(
            self.policy
                .execute(
                    Stage::KeyConverter,
                    || {
                        conv.key.from_connect_data(
                            &topic,
                            &r.headers,
                            r.key_schema.as_ref(),
                            &r.key,
                        )
                    },
                    describe,
                )
                .await
        );
        let value = done_or_return!(
            self.policy
                .execute(
                    Stage::ValueConverter,
                    || {
                        conv.value.from_connect_data(
                            &topic,
                            &r.headers,
                            r.value_schema.as_ref(),
                            &r.value,
                        )
                    },
                    describe,
                )
                .await
        );
        let msg = OutboundMessage {
            topic,
            partition: r.kafka_partition,
            key,
            value,
            headers,
            timestamp: r.timestamp,
        };
        self.check_produce(msg, &describe)
    }

    /// What the producer would refuse: a bad timestamp, a record over `max.request.size`.
    fn check_produce(
        &self,
        mut msg: OutboundMessage,
        describe: &dyn Fn() -> String,
    ) -> Outcome<Option<OutboundMessage>> {
        // Kafka: -1 means "no timestamp"; other negatives are invalid.
        msg.timestamp = match msg.timestamp {
            Some(t) if t < -1 => {
                return self.policy.judge(
                    Stage::Produce,
                    ConnectError::data(format!("Invalid record timestamp {t}")),
                    describe,
                )
            }
            Some(-1) | None => None,
            t => t,
        };
        if let (Some(max), Some(v)) = (self.overrides.max_request_size, &msg.value) {
            if v.len() > max {
                return self.policy.judge(
                    Stage::Produce,
                    ConnectError::connect(format!(
                        "The message is {} bytes when serialized which is larger than {max}, the value of the max.request.size configuration",
                        v.len()
                    )),
                    describe,
                );
            }
        }
        Outcome::Done(Some(msg))
    }

    fn commit_task_record(
        &mut self,
        origin: &Origin,
        meta: Option<&RecordMetadata>,
    ) -> ConnectResult<()> {
        match origin {
            Origin::Native(r) => self.task.commit_record(r, meta),
            Origin::Hosted(seq) => self.task.commit_converted(*seq, meta),
        }
    }

    async fn ensure_topic(&mut self, topic: &str) -> ConnectResult<()> {
        if self.known_topics.contains(topic) {
            return Ok(());
        }
        if let Some(spec) = &self.topic_spec {
            let created = self
                .env
                .transport
                .create_topic(topic, spec)
                .await
                .map_err(|e| {
                    ConnectError::connect(format!("Failed to create topic {topic}: {e}"))
                })?;
            if created {
                tracing::info!(task = %self.env.id, topic, partitions = spec.partitions, "created topic");
            }
        }
        self.known_topics.insert(topic.to_string());
        Ok(())
    }

    fn handle_acks(&mut self, batch: AckBatch) -> ConnectResult<()> {
        for (rec, result) in batch.records.into_iter().zip(batch.results) {
            match result {
                Ok(meta) => {
                    if self.env.worker.topic_tracking_enable
                        && !self.tracked_topics.contains(&meta.topic)
                    {
                        self.tracked_topics.insert(meta.topic.clone());
                        self.env
                            .status
                            .topic_used(&self.env.id.connector, &meta.topic);
                    }
                    self.submitted.ack(rec.id);
                    self.commit_task_record(&rec.original, Some(&meta))?;
                }
                Err(e) => {
                    let err = ConnectError::connect(format!("Failed to send record: {e}"));
                    match self
                        .policy
                        .judge::<()>(Stage::Produce, err, &|| rec.original.describe())
                    {
                        Outcome::Tolerated(_) | Outcome::Done(_) => {
                            self.submitted.ack(rec.id);
                            self.commit_task_record(&rec.original, None)?;
                        }
                        Outcome::Fatal(e) => return Err(e),
                    }
                }
            }
        }
        Ok(())
    }

    async fn commit_offsets_logged(&mut self) {
        if let Err(e) = self.commit_offsets().await {
            tracing::error!(task = %self.env.id, error = %e, "offset commit failed; will retry at the next interval");
        }
    }

    /// Writes the committable offsets, then calls `SourceTask::commit` (even when there was
    /// nothing new, as Kafka does).
    async fn commit_offsets(&mut self) -> ConnectResult<()> {
        for (p, o) in self.submitted.committable_offsets() {
            self.pending_offsets
                .insert(crate::storage::partition_key(&p), (p, o));
        }
        if !self.pending_offsets.is_empty() {
            let entries: Vec<_> = self
                .pending_offsets
                .values()
                .map(|(p, o)| (p.clone(), Some(o.clone())))
                .collect();
            self.env
                .offsets
                .set(&self.env.id.connector, entries)
                .await
                .map_err(|e| ConnectError::runtime(format!("Failed to commit offsets: {e}")))?;
            self.pending_offsets.clear();
        }
        self.task.commit().await
    }
}

async fn poll(task: &mut dyn SourceTask) -> ConnectResult<Option<Polled>> {
    if task.converts_records() {
        Ok(task.poll_converted().await?.map(Polled::Converted))
    } else {
        Ok(task.poll().await?.map(Polled::Native))
    }
}

/// The stage a host named for a tolerated failure.
fn hosted_stage(name: &str) -> Stage {
    Stage::from_name(name).unwrap_or(Stage::Transformation)
}

async fn wait_while_paused(
    control: &mut watch::Receiver<TaskControl>,
    ack_rx: &mut mpsc::UnboundedReceiver<AckBatch>,
    task: &mut WorkerSourceTask,
    next_flush: &mut Instant,
) -> ConnectResult<()> {
    // Paused tasks keep draining acks and committing offsets; they just don't poll.
    loop {
        if *control.borrow() != TaskControl::Pause {
            return Ok(());
        }
        let tick = next_flush.saturating_duration_since(Instant::now());
        tokio::select! {
            r = control.changed() => if r.is_err() { return Ok(()); },
            Some(batch) = ack_rx.recv() => task.handle_acks(batch)?,
            _ = tokio::time::sleep(tick) => {
                task.commit_offsets_logged().await;
                *next_flush = Instant::now() + task.env.worker.offset_flush_interval;
            }
        }
    }
}

/// The task's Kafka client settings as they apply to this worker's transport; keys a
/// RocketMQ worker can't honour fail the task with the reason.
pub(crate) fn client_overrides(env: &TaskEnv) -> ConnectResult<ClientOverrides> {
    match crate::worker::client_overrides::resolve(&env.worker.originals, &env.connector_config) {
        Ok(o) => Ok(o),
        Err(e) if env.transport.kind() == "rocketmq" => Err(ConnectError::config(e)),
        Err(e) => {
            tracing::warn!(task = %env.id, error = %e, "client override ignored on the embedded log");
            Ok(ClientOverrides::default())
        }
    }
}

async fn sender_loop(
    transport: Arc<dyn crate::transport::RecordTransport>,
    mut rx: mpsc::Receiver<SendBatch>,
    acks: mpsc::UnboundedSender<AckBatch>,
    delivery_timeout: Duration,
) {
    while let Some(batch) = rx.recv().await {
        let results =
            crate::transport::send_with_retry(&*transport, batch.messages.into(), delivery_timeout)
                .await;
        if acks
            .send(AckBatch {
                records: batch.records,
                results,
            })
            .is_err()
        {
            return;
        }
    }
}

/// `topic.creation.default.*` (KIP-158) when enabled on the worker and set on the connector.
fn topic_creation_spec(config: &Props, enabled: bool) -> ConnectResult<Option<TopicSpec>> {
    if !enabled {
        return Ok(None);
    }
    let Some(p) = config.get("topic.creation.default.partitions") else {
        return Ok(None);
    };
    let partitions: i64 = p.trim().parse().map_err(|_| {
        ConnectError::config(format!(
            "Invalid value {p} for configuration topic.creation.default.partitions: Not a number of type INT"
        ))
    })?;
    let prefix = "topic.creation.default.";
    let configs = config
        .iter()
        .filter_map(|(k, v)| k.strip_prefix(prefix).map(|s| (s.to_string(), v.clone())))
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "partitions" | "replication.factor" | "include" | "exclude"
            )
        })
        .collect();
    Ok(Some(TopicSpec {
        // -1 means "broker default"; the transport treats 0 as its default.
        partitions: u32::try_from(partitions).unwrap_or(0),
        configs,
    }))
}
