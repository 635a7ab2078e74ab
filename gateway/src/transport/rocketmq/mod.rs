//! Apache RocketMQ as the record transport (rocketmq-client-rust, remoting protocol).
//!
//! A Kafka topic is a RocketMQ topic (see [`naming`]), a Kafka partition is one of its
//! queues (see [`queues`]), a Kafka offset is the queue offset. Sources send batches to an
//! explicit queue and learn each record's offset from the broker's answer; sinks read with
//! a lite-pull consumer in assign mode and commit queue offsets for group `connect-<name>`.

pub mod codec;
pub mod config;
mod consumer;
pub mod naming;
pub mod queues;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use cheetah_string::CheetahString;
use connect_api::{RecordMetadata, TopicPartition};
use futures::future::join_all;
use rocketmq_client_rust::{
    AclClientRPCHook, BrokerAdmin, ClientError, ClientRuntime, ClientRuntimeConfig, ConsumerAdmin,
    DefaultMQAdminExt, DefaultMQProducer, MQAdminReadExt, OffsetAdmin, SessionCredentials,
    TopicAdmin,
};
use rocketmq_model::common::message::message_queue::MessageQueue;
use rocketmq_model::common::message::message_single::Message;
use rocketmq_runtime::RuntimeOwner;

pub use self::config::RocketMqConfig;
use self::consumer::RocketMqConsumer;
use self::naming::TopicNaming;
use self::queues::{QueueRef, QueueRegistry};
use super::{
    partition_for_key, OutboundMessage, RecordTransport, TopicSpec, TransportConsumer,
    TransportError, TransportResult,
};

/// Response codes the broker answers with (RocketMQ `ResponseCode`).
mod code {
    pub const MESSAGE_ILLEGAL: i32 = 13;
    pub const NO_PERMISSION: i32 = 16;
    pub const TOPIC_NOT_EXIST: i32 = 17;
    pub const SUBSCRIPTION_GROUP_NOT_EXIST: i32 = 26;
}

const ADMIN_TIMEOUT_MS: u64 = 5_000;

/// When the broker list was read, and each broker's name and master address.
type MasterCache = (std::time::Instant, Vec<(String, String)>);

pub struct RocketMqTransport {
    shared: Shared,
    /// Rotates unkeyed batches over partitions (sticky per batch, like Kafka's partitioner).
    next_sticky: AtomicUsize,
}

/// Everything that talks to the cluster; shared with consumers.
pub(crate) struct Client {
    // Field order is drop order: clients first, their runtime last.
    pub(crate) producer: DefaultMQProducer,
    pub(crate) admin: DefaultMQAdminExt,
    pub(crate) runtime: Arc<ClientRuntime>,
    pub(crate) config: RocketMqConfig,
    /// Broker name → master address, refreshed every few seconds (offset commits need it).
    masters: std::sync::Mutex<Option<MasterCache>>,
    _owner: RuntimeOwner,
}

impl Client {
    pub(crate) fn rpc_hook(config: &RocketMqConfig) -> Option<Arc<AclClientRPCHook>> {
        match (&config.access_key, &config.secret_key) {
            (Some(ak), Some(sk)) => Some(Arc::new(AclClientRPCHook::new(
                SessionCredentials::with_keys(ak.as_str(), sk.as_str()),
            ))),
            _ => None,
        }
    }

    /// The master address of every broker in the cluster (topic creation is per broker).
    async fn master_addrs(&self) -> TransportResult<Vec<(String, String)>> {
        let info = self
            .admin
            .examine_broker_cluster_info()
            .await
            .map_err(|e| classify(&e, "read the cluster's brokers"))?;
        let mut out = Vec::new();
        for (name, data) in info.broker_addr_table.unwrap_or_default() {
            if let Some(addr) = data.broker_addrs().get(&0) {
                out.push((name.to_string(), addr.to_string()));
            }
        }
        out.sort();
        if out.is_empty() {
            return Err(TransportError::Retriable(format!(
                "no RocketMQ broker is registered with the name server {}",
                self.config.namesrv_addr
            )));
        }
        Ok(out)
    }

    pub(crate) async fn master_addr(&self, broker: &str) -> TransportResult<String> {
        let cached = {
            let guard = self.masters.lock().unwrap_or_else(|p| p.into_inner());
            guard
                .as_ref()
                .filter(|(at, _)| at.elapsed() < Duration::from_secs(10))
                .and_then(|(_, m)| m.iter().find(|(n, _)| n == broker).map(|(_, a)| a.clone()))
        };
        if let Some(addr) = cached {
            return Ok(addr);
        }
        let masters = self.master_addrs().await?;
        *self.masters.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((std::time::Instant::now(), masters.clone()));
        masters
            .into_iter()
            .find(|(name, _)| name == broker)
            .map(|(_, addr)| addr)
            .ok_or_else(|| TransportError::Retriable(format!("broker {broker} is not registered")))
    }

    pub(crate) async fn min_offset(&self, mq: &MessageQueue) -> TransportResult<i64> {
        let addr = self.master_addr(mq.broker_name().as_str()).await?;
        OffsetAdmin::min_offset(
            &self.admin,
            CheetahString::from(addr.as_str()),
            mq.clone(),
            ADMIN_TIMEOUT_MS,
        )
        .await
        .map_err(|e| classify(&e, "read the start of a queue"))
    }

    pub(crate) async fn max_offset(&self, mq: &MessageQueue) -> TransportResult<i64> {
        let addr = self.master_addr(mq.broker_name().as_str()).await?;
        OffsetAdmin::max_offset(
            &self.admin,
            CheetahString::from(addr.as_str()),
            mq.clone(),
            ADMIN_TIMEOUT_MS,
        )
        .await
        .map_err(|e| classify(&e, "read the end of a queue"))
    }

    /// Queues of a RocketMQ topic as the name server routes them now; `None` = no topic.
    async fn route_queues(&self, topic: &str) -> TransportResult<Option<Vec<QueueRef>>> {
        match MQAdminReadExt::examine_topic_route_info(&self.admin, CheetahString::from(topic))
            .await
        {
            Ok(Some(route)) => {
                let mut queues = Vec::new();
                for qd in &route.queue_datas {
                    let n = qd.write_queue_nums.max(qd.read_queue_nums);
                    for id in 0..n {
                        queues.push(QueueRef {
                            broker: qd.broker_name.to_string(),
                            queue_id: i32::try_from(id).unwrap_or(i32::MAX),
                        });
                    }
                }
                Ok(if queues.is_empty() {
                    None
                } else {
                    Some(queues)
                })
            }
            Ok(None) => Ok(None),
            Err(e) if is_topic_missing(&e) => Ok(None),
            Err(e) => Err(classify(&e, "read the topic route")),
        }
    }
}

impl RocketMqTransport {
    /// Connects the producer and admin clients. The name server does not have to be up:
    /// calls fail with retriable errors until it is, and the clients reconnect by themselves.
    pub async fn connect(config: RocketMqConfig) -> Result<Arc<Self>, String> {
        let naming = TopicNaming::from_overrides(&config.topic_mapping)?;
        let registry = Arc::new(match &config.registry_file {
            Some(file) => QueueRegistry::open(file.clone())?,
            None => QueueRegistry::in_memory(),
        });
        let owner = RuntimeOwner::new()
            .map_err(|e| format!("cannot start the RocketMQ client runtime: {e}"))?;
        let telemetry = rocketmq_observability::TelemetryRuntimeGuard::noop();
        let runtime = ClientRuntime::try_new(
            owner.root_context().component("connect-gateway"),
            ClientRuntimeConfig::default(),
            telemetry.handle(),
        )
        .map_err(|e| format!("cannot start the RocketMQ client runtime: {e}"))?;
        let mut builder = DefaultMQProducer::builder(runtime.clone())
            .producer_group(config.producer_group.as_str())
            .name_server_addr(config.namesrv_addr.as_str())
            .send_msg_timeout(config.send_timeout_ms)
            // The worker retries retriable failures itself, with its own deadline.
            .retry_times_when_send_failed(0)
            .max_message_size(config.max_message_size);
        if let Some(hook) = Client::rpc_hook(&config) {
            builder = builder.rpc_hook(hook);
        }
        let mut producer = builder.build();
        producer
            .start()
            .await
            .map_err(|e| format!("cannot start the RocketMQ producer: {e}"))?;
        let mut admin = match Client::rpc_hook(&config) {
            Some(hook) => DefaultMQAdminExt::with_rpc_hook(runtime.clone(), hook),
            None => DefaultMQAdminExt::new(runtime.clone()),
        };
        admin.set_namesrv_addr(config.namesrv_addr.as_str());
        BrokerAdmin::start(&mut admin)
            .await
            .map_err(|e| format!("cannot start the RocketMQ admin client: {e}"))?;
        Ok(Arc::new(RocketMqTransport {
            shared: Shared {
                client: Arc::new(Client {
                    producer,
                    admin,
                    runtime,
                    config,
                    masters: std::sync::Mutex::new(None),
                    _owner: owner,
                }),
                naming,
                registry,
            },
            next_sticky: AtomicUsize::new(0),
        }))
    }

    fn rmq_topic(&self, kafka_topic: &str) -> TransportResult<String> {
        self.shared
            .naming
            .to_rocketmq(kafka_topic)
            .map_err(|e| TransportError::Rejected(e.to_string()))
    }

    /// Partition table of a Kafka topic, refreshed from the route when `refresh` is set or
    /// the topic is not known yet. `None`: the topic does not exist.
    async fn partitions(
        &self,
        kafka_topic: &str,
        refresh: bool,
    ) -> TransportResult<Option<Vec<QueueRef>>> {
        let topic = self.rmq_topic(kafka_topic)?;
        self.shared.table(&topic, refresh).await
    }

    /// Partitions for sending, creating the topic first when it is missing and
    /// auto-creation is on (the analogue of Kafka's `auto.create.topics.enable`).
    async fn send_partitions(&self, kafka_topic: &str) -> TransportResult<Vec<QueueRef>> {
        if let Some(p) = self.partitions(kafka_topic, false).await? {
            return Ok(p);
        }
        if self.shared.client.config.auto_create_topics {
            self.create_topic(
                kafka_topic,
                &TopicSpec::with_partitions(self.shared.client.config.default_queues),
            )
            .await?;
        }
        // The name server learns new routes from broker heartbeats; give it a moment.
        for _ in 0..20 {
            if let Some(p) = self.partitions(kafka_topic, true).await? {
                return Ok(p);
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        Err(TransportError::UnknownTopic(kafka_topic.to_string()))
    }

    /// Sends one queue's messages in order, as few broker round trips as the size limit allows.
    async fn send_to_queue(
        &self,
        topic: &str,
        partition: i32,
        mq: MessageQueue,
        messages: Vec<(usize, Result<Message, TransportError>, Option<i64>)>,
    ) -> Vec<(usize, TransportResult<RecordMetadata>)> {
        let mut out = Vec::with_capacity(messages.len());
        let mut chunk: Vec<(usize, Message, Option<i64>)> = Vec::new();
        let mut chunk_bytes = 0usize;
        let limit = self.shared.client.config.max_batch_bytes;
        // Once a chunk fails, later messages of this queue are not sent: a retry must not
        // find them already stored ahead of the failed ones.
        let mut failed: Option<TransportError> = None;
        for (i, msg, ts) in messages {
            let msg = match (msg, &failed) {
                (Err(e), _) => {
                    out.push((i, Err(e)));
                    continue;
                }
                (Ok(_), Some(e)) => {
                    out.push((i, Err(e.clone())));
                    continue;
                }
                (Ok(m), None) => m,
            };
            let size = estimate_size(&msg);
            if !chunk.is_empty()
                && (chunk_bytes + size > limit
                    || chunk.len() >= self.shared.client.config.max_batch_messages)
            {
                let results = self
                    .send_chunk(topic, partition, &mq, std::mem::take(&mut chunk))
                    .await;
                failed = results.iter().find_map(|(_, r)| r.as_ref().err().cloned());
                out.extend(results);
                chunk_bytes = 0;
                if let Some(e) = &failed {
                    out.push((i, Err(e.clone())));
                    continue;
                }
            }
            chunk_bytes += size;
            chunk.push((i, msg, ts));
        }
        if !chunk.is_empty() {
            out.extend(self.send_chunk(topic, partition, &mq, chunk).await);
        }
        out
    }

    async fn send_chunk(
        &self,
        topic: &str,
        partition: i32,
        mq: &MessageQueue,
        chunk: Vec<(usize, Message, Option<i64>)>,
    ) -> Vec<(usize, TransportResult<RecordMetadata>)> {
        let meta = |offset: i64, ts: Option<i64>| RecordMetadata {
            topic: topic.to_string(),
            partition,
            offset,
            timestamp: ts,
        };
        if chunk.len() == 1 {
            let Some((i, msg, ts)) = chunk.into_iter().next() else {
                return Vec::new();
            };
            let r = match self
                .shared
                .client
                .producer
                .send_to_queue(msg, mq.clone())
                .await
            {
                Ok(Some(sr)) => send_ok(&sr).map(|()| meta(sr.queue_offset as i64, ts)),
                Ok(None) => Err(TransportError::Retriable("no send result".into())),
                Err(e) => Err(classify(&e, "send")),
            };
            return vec![(i, r)];
        }
        let (ids, msgs): (Vec<_>, Vec<_>) =
            chunk.into_iter().map(|(i, m, ts)| ((i, ts), m)).unzip();
        match self
            .shared
            .client
            .producer
            .send_batch_to_queue(msgs, mq.clone())
            .await
        {
            Ok(sr) => match send_ok(&sr) {
                // The broker answers with the first message's queue offset; a batch is
                // stored contiguously in one queue.
                Ok(()) => ids
                    .into_iter()
                    .enumerate()
                    .map(|(n, (i, ts))| (i, Ok(meta(sr.queue_offset as i64 + n as i64, ts))))
                    .collect(),
                Err(e) => ids.into_iter().map(|(i, _)| (i, Err(e.clone()))).collect(),
            },
            Err(e) => {
                let e = classify(&e, "send");
                ids.into_iter().map(|(i, _)| (i, Err(e.clone()))).collect()
            }
        }
    }

    /// Offsets a group has committed on the brokers, for Kafka topics.
    async fn group_offsets(&self, group: &str) -> TransportResult<BTreeMap<TopicPartition, i64>> {
        Ok(self
            .group_progress(group)
            .await?
            .into_iter()
            .map(|(tp, (committed, _))| (tp, committed))
            .collect())
    }

    /// Per partition: the group's committed offset and the queue's end offset, from one
    /// consume-stats call per broker.
    async fn group_progress(
        &self,
        group: &str,
    ) -> TransportResult<BTreeMap<TopicPartition, (i64, i64)>> {
        let stats = match MQAdminReadExt::examine_consume_stats(
            &self.shared.client.admin,
            CheetahString::from(group),
            None,
            None,
            None,
            Some(ADMIN_TIMEOUT_MS),
        )
        .await
        {
            Ok(s) => s,
            Err(e) if is_group_missing(&e) => return Ok(BTreeMap::new()),
            Err(e) => return Err(classify(&e, "read consumer offsets")),
        };
        let mut out = BTreeMap::new();
        for (mq, off) in stats.get_offset_table() {
            let offset = off.get_consumer_offset();
            if offset < 0 {
                continue;
            }
            let rmq_topic = mq.topic().as_str();
            if rmq_topic.starts_with('%') {
                continue; // retry topics are RocketMQ's, not a Connect partition
            }
            let queue = QueueRef {
                broker: mq.broker_name().to_string(),
                queue_id: mq.queue_id(),
            };
            let kafka = self.shared.naming.to_kafka(rmq_topic);
            if self
                .shared
                .registry
                .partition_of(rmq_topic, &queue)
                .is_none()
            {
                let _ = self.partitions(&kafka, true).await;
            }
            if let Some(p) = self.shared.registry.partition_of(rmq_topic, &queue) {
                out.insert(
                    TopicPartition::new(kafka, p),
                    (offset, off.get_broker_offset()),
                );
            }
        }
        Ok(out)
    }
}

fn send_ok(sr: &rocketmq_model::result::SendResult) -> TransportResult<()> {
    use rocketmq_model::result::SendStatus;
    match sr.send_status {
        SendStatus::SendOk => Ok(()),
        // Stored on the master but not flushed/replicated as asked: Kafka would not
        // acknowledge either, and a resend may duplicate but never lose.
        other => Err(TransportError::Retriable(format!(
            "broker answered {other}"
        ))),
    }
}

fn estimate_size(msg: &Message) -> usize {
    let props: usize = msg
        .properties()
        .as_map()
        .iter()
        .map(|(k, v)| k.len() + v.len() + 2)
        .sum();
    msg.body_slice().len() + props + msg.topic().len() + 64
}

fn is_topic_missing(e: &ClientError) -> bool {
    e.broker_response_code() == Some(code::TOPIC_NOT_EXIST)
        || e.to_string().to_ascii_lowercase().contains("topic")
            && e.to_string().to_ascii_lowercase().contains("not exist")
}

fn is_group_missing(e: &ClientError) -> bool {
    let text = e.to_string().to_ascii_lowercase();
    e.broker_response_code() == Some(code::SUBSCRIPTION_GROUP_NOT_EXIST)
        || text.contains("not online")
        || (text.contains("group") && text.contains("not exist"))
}

/// What a broker response code means for a user (RocketMQ `ResponseCode`).
fn describe_code(code: i32) -> &'static str {
    match code {
        1 => "broker system error",
        2 => "broker busy",
        code::MESSAGE_ILLEGAL => "message illegal: larger than the broker's maxMessageSize or malformed",
        14 => "service not available (broker starting, stopping or disk full)",
        code::NO_PERMISSION => "no permission: the broker rejected the credentials (check rocketmq.access.key and rocketmq.secret.key) or the topic's permissions",
        code::TOPIC_NOT_EXIST => "topic does not exist",
        code::SUBSCRIPTION_GROUP_NOT_EXIST => "consumer group does not exist",
        _ => "see RocketMQ's ResponseCode",
    }
}

/// Sorts a client error into retriable (the cluster may come back) and permanent.
pub(crate) fn classify(e: &ClientError, action: &str) -> TransportError {
    let text = e.to_string();
    let lower = text.to_ascii_lowercase();
    // The client keeps the broker's remark out of its errors; the code says enough.
    let message = match e.broker_response_code() {
        Some(c) => format!(
            "RocketMQ: cannot {action}: {text} (broker response code {c}: {})",
            describe_code(c)
        ),
        None => format!("RocketMQ: cannot {action}: {text}"),
    };
    match e.broker_response_code() {
        Some(code::MESSAGE_ILLEGAL) => return TransportError::Rejected(message),
        Some(code::NO_PERMISSION) => return TransportError::Fatal(message),
        Some(code::TOPIC_NOT_EXIST) => return TransportError::Retriable(message),
        _ => {}
    }
    if lower.contains("body size over max")
        || lower.contains("message body length")
        || lower.contains("illegal")
    {
        TransportError::Rejected(message)
    } else if lower.contains("signature")
        || lower.contains("access key")
        || lower.contains("accesskey")
        || lower.contains("no permission")
        || lower.contains("authentication")
        || lower.contains("unauthorized")
    {
        TransportError::Fatal(message)
    } else {
        TransportError::Retriable(message)
    }
}

#[async_trait]
impl RecordTransport for RocketMqTransport {
    fn kind(&self) -> &'static str {
        "rocketmq"
    }

    async fn create_topic(&self, topic: &str, spec: &TopicSpec) -> TransportResult<bool> {
        let rmq = self.rmq_topic(topic)?;
        if self.shared.client.route_queues(&rmq).await?.is_some() {
            return Ok(false);
        }
        let queues = if spec.partitions == 0 {
            self.shared.client.config.default_queues
        } else {
            spec.partitions
        };
        let mut config =
            rocketmq_model::topic::TopicConfig::with_queues(rmq.as_str(), queues, queues);
        for (k, v) in &spec.configs {
            // Kafka's cleanup.policy=compact is RocketMQ's compaction topic (5.x attribute).
            if k == "cleanup.policy" && v.contains("compact") {
                config
                    .attributes
                    .insert("+cleanup.policy".into(), "COMPACTION".into());
            }
        }
        // Kafka creates a topic once for the cluster; RocketMQ topics live per broker, so
        // the queues are split over the masters. One broker gets them all here, keeping
        // the partition count exact.
        let masters = self.shared.client.master_addrs().await?;
        let (_, addr) = &masters[0];
        self.shared
            .client
            .admin
            .create_and_update_topic_config(CheetahString::from(addr.as_str()), config)
            .await
            .map_err(|e| classify(&e, &format!("create topic {rmq}")))?;
        Ok(true)
    }

    async fn partition_count(&self, topic: &str) -> TransportResult<Option<u32>> {
        Ok(self
            .partitions(topic, true)
            .await?
            .map(|t| u32::try_from(t.len()).unwrap_or(u32::MAX)))
    }

    async fn list_topics(&self) -> TransportResult<Vec<String>> {
        let list = MQAdminReadExt::fetch_all_topic_list(&self.shared.client.admin)
            .await
            .map_err(|e| classify(&e, "list topics"))?;
        let mut out: Vec<String> = list
            .topic_list
            .iter()
            .map(|t| t.as_str())
            .filter(|t| {
                self.shared
                    .naming
                    .to_rocketmq(&self.shared.naming.to_kafka(t))
                    .is_ok()
            })
            .map(|t| self.shared.naming.to_kafka(t))
            .collect();
        out.sort();
        Ok(out)
    }

    async fn send(&self, batch: Arc<[OutboundMessage]>) -> Vec<TransportResult<RecordMetadata>> {
        let mut results: Vec<Option<TransportResult<RecordMetadata>>> = vec![None; batch.len()];
        // (topic, partition) → messages, in batch order.
        let mut groups: BTreeMap<
            (String, i32),
            Vec<(usize, Result<Message, TransportError>, Option<i64>)>,
        > = BTreeMap::new();
        // Per topic of the batch, once: its RocketMQ name and partition table.
        let mut tables: HashMap<String, TransportResult<(String, Vec<QueueRef>)>> = HashMap::new();
        let sticky = self.next_sticky.fetch_add(1, Ordering::Relaxed);
        for (i, m) in batch.iter().enumerate() {
            if !tables.contains_key(&m.topic) {
                let t = match self.rmq_topic(&m.topic) {
                    Ok(rmq) => self.send_partitions(&m.topic).await.map(|t| (rmq, t)),
                    Err(e) => Err(e),
                };
                tables.insert(m.topic.clone(), t);
            }
            let (rmq_topic, table) = match tables.get(&m.topic) {
                Some(Ok((rmq, t))) => (rmq, t),
                Some(Err(e)) => {
                    results[i] = Some(Err(e.clone()));
                    continue;
                }
                None => continue,
            };
            let n = table.len().max(1) as u32;
            let partition = match (m.partition, &m.key) {
                (Some(p), _) => p,
                (None, Some(k)) => partition_for_key(k, n),
                (None, None) => (sticky % n as usize) as i32,
            };
            if partition < 0 || partition as usize >= table.len() {
                results[i] = Some(Err(TransportError::Rejected(format!(
                    "topic {} has {} partitions, there is no partition {partition}",
                    m.topic,
                    table.len()
                ))));
                continue;
            }
            let encoded = codec::encode(m, rmq_topic).and_then(|msg| {
                if msg.body_slice().len() > self.shared.client.config.max_message_size as usize {
                    Err(TransportError::Rejected(format!(
                        "The message is {} bytes when serialized which is larger than the maximum message size {} (rocketmq.max.message.bytes)",
                        msg.body_slice().len(),
                        self.shared.client.config.max_message_size
                    )))
                } else {
                    Ok(msg)
                }
            });
            groups
                .entry((m.topic.clone(), partition))
                .or_default()
                .push((i, encoded, m.timestamp));
        }
        let sends = groups.into_iter().filter_map(|((topic, partition), msgs)| {
            let (rmq_topic, table) = tables.get(&topic)?.as_ref().ok()?;
            let queue = table.get(partition as usize)?;
            let mq =
                MessageQueue::from_parts(rmq_topic.as_str(), queue.broker.as_str(), queue.queue_id);
            Some(async move { self.send_to_queue(&topic, partition, mq, msgs).await })
        });
        for group in join_all(sends).await {
            for (i, r) in group {
                results[i] = Some(r);
            }
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(TransportError::Fatal("message was not sent".into()))))
            .collect()
    }

    async fn consumer(&self, group: &str) -> TransportResult<Box<dyn TransportConsumer>> {
        let consumer = RocketMqConsumer::start(self.shared.clone(), group).await?;
        Ok(Box::new(consumer))
    }

    async fn committed_offsets(
        &self,
        group: &str,
    ) -> TransportResult<BTreeMap<TopicPartition, i64>> {
        self.group_offsets(group).await
    }

    async fn commit_offsets(
        &self,
        group: &str,
        offsets: &BTreeMap<TopicPartition, i64>,
    ) -> TransportResult<()> {
        for (tp, offset) in offsets {
            let mq = self.shared.queue_for(tp).await?;
            self.shared.commit_offset(group, &mq, *offset).await?;
        }
        Ok(())
    }

    async fn delete_group(&self, group: &str) -> TransportResult<()> {
        for (_, addr) in self.shared.client.master_addrs().await? {
            match self
                .shared
                .client
                .admin
                .delete_subscription_group(
                    CheetahString::from(addr.as_str()),
                    CheetahString::from(group),
                    Some(true),
                )
                .await
            {
                Ok(()) => {}
                Err(e) if is_group_missing(&e) => {}
                Err(e) => return Err(classify(&e, "delete the consumer group")),
            }
        }
        Ok(())
    }

    async fn consumer_lag(&self, group: &str) -> TransportResult<BTreeMap<TopicPartition, i64>> {
        Ok(self
            .group_progress(group)
            .await?
            .into_iter()
            .map(|(tp, (committed, end))| (tp, (end - committed).max(0)))
            .collect())
    }

    async fn end_offset(&self, tp: &TopicPartition) -> TransportResult<i64> {
        let mq = self.shared.queue_for(tp).await?;
        self.shared.client.max_offset(&mq).await
    }
}

/// What a consumer needs from its transport, without borrowing it.
#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) client: Arc<Client>,
    pub(crate) naming: TopicNaming,
    pub(crate) registry: Arc<QueueRegistry>,
}

impl Shared {
    /// Writes a group's offset for one queue and waits for the broker's answer (the
    /// lite-pull consumer's own persistence is one-way and drops errors).
    pub(crate) async fn commit_offset(
        &self,
        group: &str,
        mq: &MessageQueue,
        offset: i64,
    ) -> TransportResult<()> {
        let addr = self.client.master_addr(mq.broker_name().as_str()).await?;
        self.client
            .admin
            .update_consume_offset(
                CheetahString::from(addr.as_str()),
                CheetahString::from(group),
                mq.clone(),
                u64::try_from(offset).unwrap_or(0),
            )
            .await
            .map_err(|e| classify(&e, "commit consumer offsets"))
    }

    /// A RocketMQ topic's partition table: the registry's, or refreshed from the route when
    /// asked or not known yet. `None`: the topic does not exist.
    pub(crate) async fn table(
        &self,
        rmq_topic: &str,
        refresh: bool,
    ) -> TransportResult<Option<Vec<QueueRef>>> {
        if !refresh {
            if let Some(known) = self.registry.known(rmq_topic) {
                return Ok(Some(known));
            }
        }
        Ok(self
            .client
            .route_queues(rmq_topic)
            .await?
            .map(|queues| self.registry.register(rmq_topic, queues)))
    }

    pub(crate) async fn queue_for(&self, tp: &TopicPartition) -> TransportResult<MessageQueue> {
        let topic = self
            .naming
            .to_rocketmq(&tp.topic)
            .map_err(|e| TransportError::Rejected(e.to_string()))?;
        // A partition beyond the known table may be a queue added since: look again.
        let table = match self.table(&topic, false).await? {
            Some(t) if (tp.partition as usize) < t.len() => t,
            _ => self
                .table(&topic, true)
                .await?
                .ok_or_else(|| TransportError::UnknownTopic(tp.topic.clone()))?,
        };
        let q = usize::try_from(tp.partition)
            .ok()
            .and_then(|p| table.get(p))
            .ok_or_else(|| {
                TransportError::Rejected(format!(
                    "topic {} has no partition {}",
                    tp.topic, tp.partition
                ))
            })?;
        Ok(MessageQueue::from_parts(
            topic,
            q.broker.as_str(),
            q.queue_id,
        ))
    }

    pub(crate) fn partition_of(&self, mq: &MessageQueue) -> Option<TopicPartition> {
        let queue = QueueRef {
            broker: mq.broker_name().to_string(),
            queue_id: mq.queue_id(),
        };
        let p = self.registry.partition_of(mq.topic().as_str(), &queue)?;
        Some(TopicPartition::new(
            self.naming.to_kafka(mq.topic().as_str()),
            p,
        ))
    }
}
