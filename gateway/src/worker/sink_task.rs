//! `WorkerSinkTask`: transport consumer → converters → SMTs → `SinkTask::put`, committing
//! the offsets `pre_commit` returns. Partitions of the subscribed topics are spread over the
//! connector's tasks by index (a static assignment: one process owns them all in standalone).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use connect_api::{
    CommitOffsets, ConnectError, ConnectRecord, ConnectResult, ErrantRecordReporter, Headers,
    Props, SinkRecord, SinkTask, SinkTaskContext, TopicPartition,
};

use crate::herder::State;
use crate::transport::{ConsumedMessage, TransportConsumer};
use crate::worker::connector_config::split_list;
use crate::worker::dead_letter_queue::DeadLetterQueue;
use crate::worker::retry_with_tolerance::{done_or_return, ErrorPolicy, Outcome, Stage};
use crate::worker::task_env::{Converters, TaskControl, TaskEnv};
use crate::worker::transformation_chain::TransformationChain;

const POLL_TIMEOUT: Duration = Duration::from_millis(500);
const PARTITION_REFRESH: Duration = Duration::from_secs(5);

#[derive(Default)]
struct ContextState {
    assignment: Vec<TopicPartition>,
    seeks: BTreeMap<TopicPartition, i64>,
    paused: BTreeSet<TopicPartition>,
    timeout_ms: Option<u64>,
    commit_requested: bool,
}

struct Context {
    config: Props,
    state: Mutex<ContextState>,
    reporter: Option<Arc<dyn ErrantRecordReporter>>,
}

impl Context {
    fn with<T>(&self, f: impl FnOnce(&mut ContextState) -> T) -> T {
        let mut g = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut g)
    }
}

impl SinkTaskContext for Context {
    fn configs(&self) -> Props {
        self.config.clone()
    }
    fn offset(&self, partition: TopicPartition, offset: i64) {
        self.with(|s| {
            s.seeks.insert(partition, offset);
        });
    }
    fn timeout(&self, timeout_ms: u64) {
        self.with(|s| s.timeout_ms = Some(timeout_ms));
    }
    fn assignment(&self) -> Vec<TopicPartition> {
        self.with(|s| s.assignment.clone())
    }
    fn pause(&self, partitions: &[TopicPartition]) -> ConnectResult<()> {
        self.with(|s| {
            for p in partitions {
                if !s.assignment.contains(p) {
                    return Err(ConnectError::connect(format!(
                        "Cannot pause unassigned partition {p}"
                    )));
                }
            }
            s.paused.extend(partitions.iter().cloned());
            Ok(())
        })
    }
    fn resume(&self, partitions: &[TopicPartition]) -> ConnectResult<()> {
        self.with(|s| {
            for p in partitions {
                if !s.assignment.contains(p) {
                    return Err(ConnectError::connect(format!(
                        "Cannot resume unassigned partition {p}"
                    )));
                }
                s.paused.remove(p);
            }
            Ok(())
        })
    }
    fn request_commit(&self) {
        self.with(|s| s.commit_requested = true);
    }
    fn errant_record_reporter(&self) -> Option<Arc<dyn ErrantRecordReporter>> {
        self.reporter.clone()
    }
}

/// The consumed bytes of the records handed to the current `put`, so an errant record
/// reaches the DLQ exactly as it was read (Kafka keeps the original consumer record too).
type Originals = Arc<Mutex<HashMap<(TopicPartition, i64), ConsumedMessage>>>;

/// `SinkTaskContext::errant_record_reporter`: logs per `errors.log.*` and writes the
/// record to the dead letter queue when one is configured.
struct SinkErrantReporter {
    policy: ErrorPolicy,
    dlq: Option<Arc<DeadLetterQueue>>,
    originals: Originals,
    task_class: String,
}

#[async_trait::async_trait]
impl ErrantRecordReporter for SinkErrantReporter {
    async fn report(&self, record: &SinkRecord, error: &ConnectError) -> ConnectResult<()> {
        self.report_in(record, error, Stage::TaskPut, &self.task_class)
            .await
    }

    async fn report_stage(
        &self,
        record: &SinkRecord,
        error: &ConnectError,
        stage: &str,
        executing_class: &str,
    ) -> ConnectResult<()> {
        let stage = Stage::from_name(stage).unwrap_or(Stage::TaskPut);
        self.report_in(record, error, stage, executing_class).await
    }
}

impl SinkErrantReporter {
    async fn report_in(
        &self,
        record: &SinkRecord,
        error: &ConnectError,
        stage: Stage,
        executing_class: &str,
    ) -> ConnectResult<()> {
        self.policy
            .report(stage, error, &|| format!("{:?}", record.record));
        if let Some(dlq) = &self.dlq {
            let key = (
                TopicPartition::new(
                    record.original_topic.clone(),
                    record.original_kafka_partition,
                ),
                record.original_kafka_offset,
            );
            let original = {
                let map = self.originals.lock().unwrap_or_else(|p| p.into_inner());
                map.get(&key).cloned()
            };
            match original {
                Some(m) => dlq.report(&m, stage, executing_class, error).await?,
                None => tracing::warn!(
                    topic = %key.0.topic, partition = key.0.partition, offset = key.1,
                    "errant record is not part of the current batch; not written to the dead letter queue"
                ),
            }
        }
        if self.policy.tolerate_all {
            Ok(())
        } else {
            Err(ConnectError::connect(format!(
                "Tolerance exceeded in error handler: errant record reported: {}",
                error.message
            )))
        }
    }
}

pub struct WorkerSinkTask {
    env: TaskEnv,
    task: Box<dyn SinkTask>,
    chain: TransformationChain,
    converters: Converters,
    policy: ErrorPolicy,
    ctx: Arc<Context>,
    group: String,
    /// Next offset to commit per partition (last delivered original offset + 1).
    current: CommitOffsets,
    last_committed: CommitOffsets,
    /// A batch `put` rejected with a retriable error, to deliver again.
    redeliver: Option<Vec<SinkRecord>>,
    dlq: Option<Arc<DeadLetterQueue>>,
    originals: Originals,
    /// The stage `convert` is in, for the DLQ's `__connect.errors.stage` header.
    stage: Stage,
    overrides: crate::worker::client_overrides::ClientOverrides,
    /// Schema of consumed header values handed to converters (optional bytes), built once.
    raw_header_schema: connect_api::data::SchemaRef,
}

impl WorkerSinkTask {
    pub fn new(env: TaskEnv, task: Box<dyn SinkTask>) -> ConnectResult<Self> {
        // A task that converts records itself (JVM) gets them as consumed: bytes.
        let (chain, converters) = if task.converts_records() {
            (TransformationChain::default(), Converters::pass_through())
        } else {
            (
                TransformationChain::build(&env.connector_config, &env.plugins)?,
                Converters::build(&env.connector_config, &env.worker, &env.plugins)?,
            )
        };
        let policy = ErrorPolicy::from_config(&env.id.connector, &env.connector_config);
        let dlq =
            DeadLetterQueue::from_config(&env.connector_config, &env.id, env.transport.clone())
                .map(Arc::new);
        let originals: Originals = Arc::default();
        let reporter: Option<Arc<dyn ErrantRecordReporter>> = (policy.log_enable || dlq.is_some())
            .then(|| {
                Arc::new(SinkErrantReporter {
                    policy: policy.clone(),
                    dlq: dlq.clone(),
                    originals: originals.clone(),
                    task_class: env
                        .task_config
                        .get("task.class")
                        .cloned()
                        .unwrap_or_default(),
                }) as Arc<dyn ErrantRecordReporter>
            });
        let group = sink_group(&env.id.connector, &env.connector_config);
        let overrides = crate::worker::source_task::client_overrides(&env)?;
        let ctx = Arc::new(Context {
            config: env.task_config.clone(),
            state: Mutex::new(ContextState::default()),
            reporter,
        });
        Ok(WorkerSinkTask {
            env,
            task,
            chain,
            converters,
            policy,
            ctx,
            group,
            current: BTreeMap::new(),
            last_committed: BTreeMap::new(),
            redeliver: None,
            dlq,
            originals,
            stage: Stage::Consume,
            overrides,
            raw_header_schema: connect_api::data::SchemaBuilder::bytes().optional().build(),
        })
    }

    pub async fn run(mut self) -> ConnectResult<()> {
        let mut consumer = self
            .env
            .transport
            .consumer(&self.group)
            .await
            .map_err(|e| {
                ConnectError::connect(format!(
                    "Failed to create consumer for group {}: {e}",
                    self.group
                ))
            })?;
        self.task
            .start(self.ctx.clone(), self.env.task_config.clone())
            .await?;
        self.env
            .status
            .task_state(&self.env.id, State::Running, None);
        let result = self.consume_loop(&mut *consumer).await;
        // Kafka order on shutdown: preCommit, close partitions, commit, stop.
        let owned = self.ctx.assignment();
        if result.is_ok() {
            if let Err(e) = self.commit(&mut *consumer).await {
                tracing::error!(task = %self.env.id, error = %e, "final commit failed");
            }
        }
        if let Err(e) = self.task.close(&owned).await {
            tracing::warn!(task = %self.env.id, error = %e, "close failed");
        }
        if let Err(e) = self.task.stop().await {
            tracing::warn!(task = %self.env.id, error = %e, "task stop failed");
        }
        result
    }

    async fn consume_loop(&mut self, consumer: &mut dyn TransportConsumer) -> ConnectResult<()> {
        let mut control = self.env.control.clone();
        let flush_every = self.env.worker.offset_flush_interval;
        let mut next_commit = Instant::now() + flush_every;
        let mut next_refresh = Instant::now();
        let mut paused_by_control = false;
        loop {
            let state = *control.borrow_and_update();
            match state {
                TaskControl::Stop => return Ok(()),
                TaskControl::Pause if !paused_by_control => {
                    paused_by_control = true;
                    self.env
                        .status
                        .task_state(&self.env.id, State::Paused, None);
                }
                TaskControl::Run if paused_by_control => {
                    paused_by_control = false;
                    self.env
                        .status
                        .task_state(&self.env.id, State::Running, None);
                }
                _ => {}
            }
            if Instant::now() >= next_refresh {
                // A broker or name server outage is waited out, not a reason to fail.
                if let Err(e) = self.refresh_assignment(consumer).await {
                    if !e.is_retriable() {
                        return Err(e);
                    }
                    tracing::warn!(task = %self.env.id, error = %e, "cannot refresh the assignment; retrying");
                }
                // Topics that don't exist yet are looked for again soon.
                let wait = if consumer.assignment().is_empty() {
                    Duration::from_millis(500)
                } else {
                    PARTITION_REFRESH
                };
                next_refresh = Instant::now() + wait;
            }
            let commit_requested = self.ctx.with(|s| std::mem::take(&mut s.commit_requested));
            if commit_requested || Instant::now() >= next_commit {
                if let Err(e) = self.commit(consumer).await {
                    tracing::error!(task = %self.env.id, error = %e, "offset commit failed; rewinding to the last committed offsets");
                    for (tp, o) in &self.last_committed {
                        consumer.seek(tp, *o);
                    }
                    self.current = self.last_committed.clone();
                }
                next_commit = Instant::now() + flush_every;
            }
            for (tp, o) in self.ctx.with(|s| std::mem::take(&mut s.seeks)) {
                consumer.seek(&tp, o);
                self.current.insert(tp, o);
            }
            // Pause: the target state, a pending redelivery, or the task's own pauses.
            let assignment = consumer.assignment();
            let task_paused = self.ctx.with(|s| s.paused.clone());
            if paused_by_control || self.redeliver.is_some() {
                consumer.pause(&assignment);
            } else {
                let (p, r): (Vec<_>, Vec<_>) = assignment
                    .into_iter()
                    .partition(|tp| task_paused.contains(tp));
                consumer.pause(&p);
                consumer.resume(&r);
            }
            let timeout = self
                .ctx
                .with(|s| s.timeout_ms.take())
                .map(Duration::from_millis)
                .unwrap_or(POLL_TIMEOUT)
                .min(
                    next_commit
                        .saturating_duration_since(Instant::now())
                        .max(Duration::from_millis(1)),
                );
            let messages = tokio::select! {
                biased;
                _ = control.changed() => continue,
                r = consumer.poll(self.overrides.max_poll_records, timeout) => match r {
                    Ok(m) => m,
                    Err(e) if e.is_retriable() => {
                        tracing::warn!(task = %self.env.id, error = %e, "poll failed; retrying");
                        tokio::time::sleep(POLL_TIMEOUT).await;
                        continue;
                    }
                    Err(e) => return Err(ConnectError::connect(format!("Failed to poll: {e}"))),
                },
            };
            if paused_by_control {
                continue;
            }
            let batch = match self.redeliver.take() {
                Some(b) => b,
                None => self.convert_batch(messages).await?,
            };
            let delivered: Vec<(TopicPartition, i64)> = batch
                .iter()
                .map(|r| (r.topic_partition(), r.original_kafka_offset + 1))
                .collect();
            match self.task.put(batch.clone()).await {
                Ok(()) => {
                    for (tp, o) in delivered {
                        self.current.insert(tp, o);
                    }
                }
                Err(e) if e.is_retriable() => {
                    tracing::warn!(task = %self.env.id, error = %e, "retriable error from put; redelivering the batch");
                    self.redeliver = Some(batch);
                }
                Err(e) => {
                    return Err(ConnectError {
                        message: format!(
                            "Exiting WorkerSinkTask due to unrecoverable exception: {}",
                            e.message
                        ),
                        ..e
                    })
                }
            }
        }
    }

    async fn convert_batch(
        &mut self,
        messages: Vec<ConsumedMessage>,
    ) -> ConnectResult<Vec<SinkRecord>> {
        let mut out = Vec::with_capacity(messages.len());
        let mut originals = HashMap::new();
        for m in messages {
            let tp = m.topic_partition();
            let next = m.offset + 1;
            match self.convert(&m).await {
                Outcome::Done(Some(r)) => {
                    out.push(r);
                    if self.dlq.is_some() {
                        originals.insert((tp, m.offset), m);
                    }
                }
                // Dropped by an SMT: the offset still advances.
                Outcome::Done(None) => {
                    self.current.insert(tp, next);
                }
                // Kafka reports to the DLQ first, then applies the tolerance.
                Outcome::Tolerated(e) => {
                    self.report_to_dead_letter_queue(&m, &e).await?;
                    self.current.insert(tp, next);
                }
                Outcome::Fatal(e) => {
                    self.report_to_dead_letter_queue(&m, &e).await?;
                    return Err(e);
                }
            }
        }
        if self.dlq.is_some() {
            *self.originals.lock().unwrap_or_else(|p| p.into_inner()) = originals;
        }
        Ok(out)
    }

    async fn report_to_dead_letter_queue(
        &mut self,
        m: &ConsumedMessage,
        e: &ConnectError,
    ) -> ConnectResult<()> {
        let Some(dlq) = self.dlq.clone() else {
            return Ok(());
        };
        let key = match self.stage {
            Stage::KeyConverter => "key.converter",
            Stage::ValueConverter => "value.converter",
            Stage::HeaderConverter => "header.converter",
            Stage::Transformation => "transforms",
            _ => "connector.class",
        };
        let class = self
            .env
            .connector_config
            .get(key)
            .cloned()
            .or_else(|| self.env.worker.originals.get(key).cloned())
            .unwrap_or_default();
        dlq.report(m, self.stage, &class, e).await
    }

    async fn convert(&mut self, m: &ConsumedMessage) -> Outcome<Option<SinkRecord>> {
        let describe = || format!("{}-{}@{}", m.topic, m.partition, m.offset);
        // Kafka hands converters the consumed record's headers as they are.
        let mut raw_headers = Headers::new();
        for (k, v) in &m.headers {
            raw_headers.add(
                k.clone(),
                Some(self.raw_header_schema.clone()),
                v.clone()
                    .map_or(connect_api::Value::Null, connect_api::Value::Bytes),
            );
        }
        self.stage = Stage::KeyConverter;
        let conv = &self.converters;
        let key = done_or_return!(
            self.policy
                .execute(
                    Stage::KeyConverter,
                    || {
                        conv.key
                            .to_connect_data(&m.topic, &raw_headers, m.key.as_deref())
                    },
                    describe,
                )
                .await
        );
        self.stage = Stage::ValueConverter;
        let value = done_or_return!(
            self.policy
                .execute(
                    Stage::ValueConverter,
                    || {
                        conv.value
                            .to_connect_data(&m.topic, &raw_headers, m.value.as_deref())
                    },
                    describe,
                )
                .await
        );
        self.stage = Stage::HeaderConverter;
        let headers = match self
            .policy
            .execute(
                Stage::HeaderConverter,
                || {
                    let mut h = Headers::new();
                    for (k, v) in &m.headers {
                        let sv = conv.header.to_connect_header(&m.topic, k, v.as_deref())?;
                        h.add(k.clone(), sv.schema, sv.value);
                    }
                    Ok(h)
                },
                describe,
            )
            .await
        {
            Outcome::Done(h) => h,
            Outcome::Tolerated(e) => return Outcome::Tolerated(e),
            Outcome::Fatal(e) => return Outcome::Fatal(e),
        };
        let record = ConnectRecord {
            topic: m.topic.clone(),
            kafka_partition: Some(m.partition),
            key_schema: key.schema,
            key: key.value,
            value_schema: value.schema,
            value: value.value,
            timestamp: m.timestamp,
            headers,
            kafka_offset: Some(m.offset),
        };
        let sink = SinkRecord::new(record, m.partition, m.offset);
        if self.chain.is_empty() {
            return Outcome::Done(Some(sink));
        }
        self.stage = Stage::Transformation;
        let chain = &mut self.chain;
        match self
            .policy
            .execute(
                Stage::Transformation,
                || chain.apply(sink.record.clone()),
                describe,
            )
            .await
        {
            Outcome::Done(Some(r)) => Outcome::Done(Some(SinkRecord { record: r, ..sink })),
            Outcome::Done(None) => Outcome::Done(None),
            Outcome::Tolerated(e) => Outcome::Tolerated(e),
            Outcome::Fatal(e) => Outcome::Fatal(e),
        }
    }

    /// `pre_commit` with what was delivered; commit what it returns, limited to assigned
    /// partitions and to offsets actually consumed.
    async fn commit(&mut self, consumer: &mut dyn TransportConsumer) -> ConnectResult<()> {
        if self.current.is_empty() {
            return Ok(());
        }
        let returned = self.task.pre_commit(self.current.clone()).await?;
        let assigned: BTreeSet<TopicPartition> = consumer.assignment().into_iter().collect();
        let to_commit: CommitOffsets = returned
            .into_iter()
            .filter(|(tp, o)| {
                let ok = assigned.contains(tp) && self.current.get(tp).is_some_and(|c| o <= c);
                if !ok {
                    tracing::warn!(task = %self.env.id, partition = %tp, offset = o, "ignoring pre_commit offset for an unassigned partition or beyond what was consumed");
                }
                ok
            })
            .filter(|(tp, o)| self.last_committed.get(tp) != Some(o))
            .collect();
        if to_commit.is_empty() {
            return Ok(());
        }
        consumer
            .commit(&to_commit)
            .await
            .map_err(|e| ConnectError::connect(format!("Commit of offsets failed: {e}")))?;
        self.last_committed.extend(to_commit);
        Ok(())
    }

    /// (Re)computes this task's share of the subscribed partitions; opens new ones and
    /// closes lost ones (after committing them).
    async fn refresh_assignment(
        &mut self,
        consumer: &mut dyn TransportConsumer,
    ) -> ConnectResult<()> {
        let transport = &self.env.transport;
        let mut topics: Vec<String> = split_list(
            self.env
                .task_config
                .get("topics")
                .map(String::as_str)
                .unwrap_or(""),
        );
        if let Some(re) = self
            .env
            .task_config
            .get("topics.regex")
            .filter(|s| !s.trim().is_empty())
        {
            let re = regex::Regex::new(&format!("^(?:{re})$"))
                .map_err(|e| ConnectError::config(format!("Invalid topics.regex: {e}")))?;
            let all = transport
                .list_topics()
                .await
                .map_err(|e| transport_error("Failed to list topics", &e))?;
            topics.extend(all.into_iter().filter(|t| re.is_match(t)));
        }
        let mut all_tps = Vec::new();
        for t in &topics {
            let n = transport
                .partition_count(t)
                .await
                .map_err(|e| transport_error(&format!("Failed to describe topic {t}"), &e))?
                .unwrap_or(0);
            all_tps.extend((0..n as i32).map(|p| TopicPartition::new(t.clone(), p)));
        }
        all_tps.sort();
        let count = self.env.task_count.max(1) as usize;
        let mine: Vec<TopicPartition> = all_tps
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % count == self.env.id.task as usize)
            .map(|(_, tp)| tp)
            .collect();
        let old: BTreeSet<TopicPartition> = consumer.assignment().into_iter().collect();
        let new: BTreeSet<TopicPartition> = mine.iter().cloned().collect();
        if old == new {
            return Ok(());
        }
        let revoked: Vec<TopicPartition> = old.difference(&new).cloned().collect();
        let added: Vec<TopicPartition> = new.difference(&old).cloned().collect();
        if !revoked.is_empty() {
            self.commit(consumer).await?;
            self.task.close(&revoked).await?;
            for tp in &revoked {
                self.current.remove(tp);
                self.last_committed.remove(tp);
            }
        }
        consumer
            .assign(mine.clone())
            .await
            .map_err(|e| transport_error("Failed to assign partitions", &e))?;
        self.ctx.with(|s| {
            s.assignment = mine.clone();
            s.paused.retain(|tp| new.contains(tp));
        });
        if !added.is_empty() {
            if self.env.worker.topic_tracking_enable {
                let topics: BTreeSet<&String> = added.iter().map(|tp| &tp.topic).collect();
                for t in topics {
                    self.env.status.topic_used(&self.env.id.connector, t);
                }
            }
            for tp in &added {
                if let Some(pos) = consumer.position(tp) {
                    self.last_committed.insert(tp.clone(), pos);
                }
            }
            self.task.open(&added).await?;
        }
        Ok(())
    }
}

/// Keeps a transport error's retriability, so outages are retried and rejections fail.
fn transport_error(what: &str, e: &crate::transport::TransportError) -> ConnectError {
    if e.is_retriable() {
        ConnectError::retriable(format!("{what}: {e}"))
    } else {
        ConnectError::connect(format!("{what}: {e}"))
    }
}

/// `connect-<name>` unless `consumer.override.group.id` is set.
pub fn sink_group(connector: &str, config: &Props) -> String {
    config
        .get("consumer.override.group.id")
        .cloned()
        .unwrap_or_else(|| format!("connect-{connector}"))
}
