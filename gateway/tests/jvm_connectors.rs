#![recursion_limit = "256"]
//! Real third-party connector plugins hosted in-process through the JNI bridge, with records
//! flowing through a real Apache RocketMQ: Debezium's PostgreSQL source against a real
//! PostgreSQL with logical replication. `scripts/test.sh` prepares what they need:
//! `scripts/jvm.sh build` (the shim next to the binary), `scripts/jvm.sh plugins` (the plugin
//! archives from Maven Central, unpacked; `CONNECT_GATEWAY_PLUGIN_PATH`), a broker
//! (`ROCKETMQ_NAMESRV_ADDR`) and a database (`scripts/postgres.sh`: `POSTGRES_HOST`, …).
//! Without them these tests fail on purpose, saying what is missing.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed setup should panic

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{curl, free_port, get, namesrv, tail, wait_until, worker_properties, Worker};
use connect_api::TopicPartition;
use gateway::transport::rocketmq::{RocketMqConfig, RocketMqTransport};
use gateway::transport::{ConsumedMessage, RecordTransport, TransportConsumer};
use serde_json::{json, Value as Json};

fn env(name: &str, how: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| panic!("{name} is not set: {how} (scripts/test.sh does)"))
}

/// `scripts/jvm.sh plugins`' directory: one isolated plugin per subdirectory.
fn plugin_path(plugin: &str) -> PathBuf {
    let p = PathBuf::from(env(
        "CONNECT_GATEWAY_PLUGIN_PATH",
        "set it to what `scripts/jvm.sh plugins` prints",
    ));
    assert!(
        p.join(plugin).is_dir(),
        "no {plugin} plugin in {} (run scripts/jvm.sh plugins)",
        p.display()
    );
    p
}

/// The PostgreSQL `scripts/postgres.sh start` runs (superuser, password over TCP).
struct Pg {
    host: String,
    port: String,
    user: String,
    password: String,
    psql: PathBuf,
}

impl Pg {
    fn from_env() -> Pg {
        let how = "start one with `eval \"$(scripts/postgres.sh start)\"`";
        Pg {
            host: env("POSTGRES_HOST", how),
            port: env("POSTGRES_PORT", how),
            user: env("POSTGRES_USER", how),
            password: env("POSTGRES_PASSWORD", how),
            psql: std::env::var_os("POSTGRES_BIN")
                .map(|b| PathBuf::from(b).join("psql"))
                .unwrap_or_else(|| PathBuf::from("psql")),
        }
    }

    /// Runs SQL in `db` (statements in one `-c` run in one transaction); the output rows.
    fn sql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(&self.psql)
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args([
                "-h", &self.host, "-p", &self.port, "-U", &self.user, "-d", db,
            ])
            .args(["-c", sql])
            .env("PGPASSWORD", &self.password)
            .env("PGCONNECT_TIMEOUT", "10")
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.psql.display()));
        assert!(
            out.status.success(),
            "psql -c {sql:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
}

/// Lower-case letters, digits and `_` only: usable as database, slot and publication names.
fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}_{}_{}", std::process::id(), nanos % 1_000_000_000)
}

fn write_worker(dir: &Path, port: u16, plugins: &Path) -> PathBuf {
    worker_properties(
        dir,
        port,
        &format!(
            "offset.flush.interval.ms=500\n\
             key.converter=org.apache.kafka.connect.json.JsonConverter\n\
             key.converter.schemas.enable=false\n\
             value.converter=org.apache.kafka.connect.json.JsonConverter\n\
             value.converter.schemas.enable=false\n\
             rocketmq.namesrv.addr={}\n\
             rocketmq.topic.default.queues=1\n\
             plugin.path={}\n\
             plugin.discovery=service_load\n\
             jvm.options=-Xms64m -Xmx512m -Xcheck:jni\n",
            namesrv(),
            plugins.display(),
        ),
    )
}

fn put(port: u16, path: &str, body: &Json) -> Json {
    curl(&[
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "-d",
        &body.to_string(),
        &format!("http://127.0.0.1:{port}{path}"),
    ])
    .unwrap_or_default()
}

fn wait_ready(port: u16, log: &Path) {
    wait_until("the REST API", Duration::from_secs(90), log, || {
        get(port, "/connector-plugins")
    });
}

fn wait_running(port: u16, connector: &str, log: &Path) {
    wait_until(
        &format!("{connector} and its task RUNNING"),
        Duration::from_secs(60),
        log,
        || {
            let s = get(port, &format!("/connectors/{connector}/status"))?;
            let task = &s["tasks"][0];
            assert_ne!(task["state"], "FAILED", "{}", task["trace"]);
            (s["connector"]["state"] == "RUNNING" && task["state"] == "RUNNING").then_some(())
        },
    );
}

/// Reads one single-queue topic through the gateway's own RocketMQ transport, by its Kafka
/// name (the transport maps `.` to RocketMQ's `|`), keeping what it read across calls.
struct TopicReader {
    topic: String,
    consumer: Option<Box<dyn TransportConsumer>>,
    got: Vec<ConsumedMessage>,
}

impl TopicReader {
    fn new(topic: &str) -> Self {
        TopicReader {
            topic: topic.to_string(),
            consumer: None,
            got: Vec::new(),
        }
    }

    /// Polls until `want` messages were read in all (the topic appears with its first record).
    async fn until(
        &mut self,
        t: &RocketMqTransport,
        want: usize,
        log: &Path,
    ) -> &[ConsumedMessage] {
        let start = Instant::now();
        let timeout = Duration::from_secs(90);
        if self.consumer.is_none() {
            let mut c = t.consumer(&unique("cdc_reader")).await.unwrap();
            while let Err(e) = c.assign(vec![TopicPartition::new(&self.topic, 0)]).await {
                assert!(
                    start.elapsed() < timeout,
                    "topic {} never appeared: {e}\n--- log ---\n{}",
                    self.topic,
                    tail(log)
                );
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            self.consumer = Some(c);
        }
        let c = self.consumer.as_mut().unwrap();
        while self.got.len() < want {
            assert!(
                start.elapsed() < timeout,
                "{}: {} of {want} records\n--- log ---\n{}",
                self.topic,
                self.got.len(),
                tail(log)
            );
            self.got
                .extend(c.poll(500, Duration::from_millis(500)).await.unwrap());
        }
        &self.got
    }
}

/// One Debezium change event as JsonConverter (schemas off) wrote it: the key's `id`, and
/// the envelope, or `None` for the tombstone that follows a delete.
fn event(m: &ConsumedMessage) -> (i64, Option<Json>) {
    let key: Json = serde_json::from_slice(m.key.as_deref().expect("a keyed record")).unwrap();
    let id = key["id"].as_i64().unwrap_or_else(|| panic!("key {key}"));
    let value = m
        .value
        .as_deref()
        .map(|v| serde_json::from_slice(v).unwrap());
    (id, value)
}

/// `(op, id)` of every change event, tombstones as `("tombstone", id)`.
fn ops(ms: &[ConsumedMessage]) -> Vec<(String, i64)> {
    ms.iter()
        .map(|m| match event(m) {
            (id, Some(v)) => (v["op"].as_str().unwrap().to_string(), id),
            (id, None) => ("tombstone".to_string(), id),
        })
        .collect()
}

fn pairs(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(o, i)| (o.to_string(), *i)).collect()
}

/// Debezium's PostgreSQL connector (the `plugin` archive, unpacked into its own plugin
/// directory) streams a database's changes over logical replication (pgoutput) into one
/// RocketMQ topic per table; the gateway stores the LSN as the source offset, hands it back to
/// Java's `OffsetStorageReader` so Debezium confirms it to its replication slot, and after a
/// restart the connector resumes from the stored LSN: every change made while the gateway was
/// down arrives, none twice, and the snapshot is not taken again.
#[test]
fn debezium_postgres_streams_row_changes_per_table_and_resumes_from_the_stored_lsn() {
    let test_start = Instant::now();
    let pg = Pg::from_env();
    let plugins = plugin_path("debezium-postgres");
    let db = unique("cdc");
    let slot = format!("{db}_slot");
    pg.sql("postgres", &format!("CREATE DATABASE {db}"));
    let _cleanup = DropDatabase {
        pg: &pg,
        db: db.clone(),
        slot: slot.clone(),
    };
    pg.sql(
        &db,
        "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text);
         ALTER TABLE customers REPLICA IDENTITY FULL;
         CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, amount numeric(10,2));
         CREATE TABLE not_captured (id int PRIMARY KEY);
         INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com'), (2, 'Brian', NULL), (3, 'Chen', 'chen@example.com');
         INSERT INTO orders VALUES (1, 1, 9.99), (2, 3, 120.00);
         INSERT INTO not_captured VALUES (1);",
    );

    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let port = free_port();
    let worker = write_worker(dir.path(), port, &plugins);
    let gateway = Worker::start(&[&worker], &log);
    wait_ready(port, &log);
    let started_in = test_start.elapsed();

    // Listed with the archive's version; validation is Debezium's own (it connects to check).
    let listed = get(port, "/connector-plugins").unwrap();
    assert!(
        listed.as_array().unwrap().iter().any(|p| p["class"]
            == "io.debezium.connector.postgresql.PostgresConnector"
            && p["version"] == "3.7.0.Final"),
        "{listed}"
    );
    let prefix = db.replace('_', "-");
    let config = json!({
        "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
        "database.hostname": pg.host, "database.port": pg.port,
        "database.user": pg.user, "database.password": pg.password, "database.dbname": db,
        "topic.prefix": prefix, "plugin.name": "pgoutput",
        "slot.name": slot, "publication.name": format!("{db}_pub"),
        "publication.autocreate.mode": "filtered",
        "table.include.list": "public.customers,public.orders",
    });
    let mut wrong = config.clone();
    wrong["database.password"] = json!("not-the-password");
    let v = put(
        port,
        "/connector-plugins/PostgresConnector/config/validate",
        &wrong,
    );
    assert!(v["error_count"].as_u64().unwrap_or(0) >= 1, "{v}");
    assert!(
        v.to_string().contains("password authentication failed"),
        "Debezium's own validation message: {v}"
    );
    let created = put(port, "/connectors/cdc/config", &config);
    assert_eq!(created["name"], "cdc", "{created}");
    wait_running(port, "cdc", &log);

    // Streaming: changes after the snapshot, in their own transactions.
    pg.sql(
        &db,
        "INSERT INTO customers VALUES (4, 'Dana', 'dana@example.com')",
    );
    pg.sql(
        &db,
        "UPDATE customers SET email = 'brian@example.com' WHERE id = 2",
    );
    pg.sql(&db, "DELETE FROM customers WHERE id = 3");
    pg.sql(&db, "INSERT INTO orders VALUES (3, 4, 42.50)");
    pg.sql(&db, "INSERT INTO not_captured VALUES (2)");

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let transport = rt.block_on(RocketMqTransport::connect(RocketMqConfig {
        namesrv_addr: namesrv(),
        producer_group: unique("cdc_producer"),
        ..RocketMqConfig::default()
    }));
    let transport = transport.unwrap();
    let customers_topic = format!("{prefix}.public.customers");
    let orders_topic = format!("{prefix}.public.orders");
    let mut customers = TopicReader::new(&customers_topic);
    let mut orders = TopicReader::new(&orders_topic);

    // Snapshot (op r), then insert (c), update (u, with the whole old row: REPLICA IDENTITY
    // FULL), delete (d) and its tombstone (null value), in commit order.
    let got = rt.block_on(customers.until(&transport, 7, &log)).to_vec();
    assert_eq!(
        ops(&got),
        pairs(&[
            ("r", 1),
            ("r", 2),
            ("r", 3),
            ("c", 4),
            ("u", 2),
            ("d", 3),
            ("tombstone", 3)
        ])
    );
    let (_, first) = event(&got[0]);
    let first = first.unwrap();
    assert_eq!(
        first["after"],
        json!({"id": 1, "name": "Ada", "email": "ada@example.com"})
    );
    assert_eq!(first["source"]["db"], db.as_str(), "{first}");
    assert_eq!(first["source"]["table"], "customers", "{first}");
    let (_, update) = event(&got[4]);
    let update = update.unwrap();
    assert_eq!(
        update["before"],
        json!({"id": 2, "name": "Brian", "email": null})
    );
    assert_eq!(update["after"]["email"], "brian@example.com");
    let (_, delete) = event(&got[5]);
    assert_eq!(delete.unwrap()["before"]["name"], "Chen");
    // The delete's tombstone is a RocketMQ message too: a null value, as Kafka's.
    assert!(got[6].value.is_none());
    let got = rt.block_on(orders.until(&transport, 3, &log)).to_vec();
    assert_eq!(ops(&got), pairs(&[("r", 1), ("r", 2), ("c", 3)]));
    // numeric(10,2) with JsonConverter's default decimal.format: Debezium's precise BigDecimal,
    // base64 of the unscaled value (4250 = 0x10 0x9A).
    assert_eq!(event(&got[2]).1.unwrap()["after"]["amount"], "EJo=");
    // The worker tracked the Kafka names (with dots); the table left out has no topic.
    let mut want = vec![customers_topic.clone(), orders_topic.clone()];
    want.sort_unstable();
    let tracked = || -> Option<Vec<String>> {
        let topics = get(port, "/connectors/cdc/topics")?;
        let mut names: Vec<String> =
            serde_json::from_value(topics["cdc"]["topics"].clone()).ok()?;
        names.sort_unstable();
        Some(names)
    };
    wait_until("the topics in use", Duration::from_secs(30), &log, || {
        tracked().filter(|names| names.len() >= want.len())
    });
    assert_eq!(tracked().unwrap(), want);

    // The committed offset is Debezium's LSN, and Debezium confirmed it to its slot: it read
    // it back through the OffsetStorageReader the gateway refreshes at every commit.
    let last_lsn = event(&got[2]).1.unwrap()["source"]["lsn"].as_i64().unwrap();
    let lsn = |offsets: &Json| offsets["offsets"][0]["offset"]["lsn"].as_i64();
    let offsets = wait_until(
        "the offset of the last change",
        Duration::from_secs(30),
        &log,
        || {
            let o = get(port, "/connectors/cdc/offsets")?;
            (lsn(&o)? >= last_lsn).then_some(o)
        },
    );
    assert_eq!(
        offsets["offsets"][0]["partition"],
        json!({"server": prefix}),
        "{offsets}"
    );
    let stored = lsn(&offsets).unwrap();
    let slot_lsn = || -> i64 {
        pg.sql(
            "postgres",
            &format!("SELECT confirmed_flush_lsn - '0/0' FROM pg_replication_slots WHERE slot_name = '{slot}'"),
        )
        .parse()
        .unwrap()
    };
    wait_until(
        "the slot's confirmed LSN to reach the stored offset",
        Duration::from_secs(30),
        &log,
        || (slot_lsn() >= stored).then_some(()),
    );
    gateway.stop();

    // Changes while the gateway is down: many transactions, both tables, every kind.
    let down: Vec<i64> = (100..160).collect();
    for id in &down {
        pg.sql(
            &db,
            &format!("INSERT INTO customers VALUES ({id}, 'while-down-{id}', NULL)"),
        );
    }
    pg.sql(&db, "UPDATE customers SET name = 'Ada L.' WHERE id = 1");
    pg.sql(&db, "DELETE FROM customers WHERE id = 4");
    pg.sql(
        &db,
        "INSERT INTO orders SELECT g, 100, g * 1.5 FROM generate_series(100, 139) AS g",
    );
    assert!(
        slot_lsn()
            < pg.sql("postgres", "SELECT pg_current_wal_lsn() - '0/0'")
                .parse()
                .unwrap(),
        "the slot holds the changes made while the gateway was down"
    );

    let gateway = Worker::start(&[&worker], &log);
    wait_ready(port, &log);
    wait_running(port, "cdc", &log);
    let after = 7 + down.len() + 3;
    let got = rt
        .block_on(customers.until(&transport, after, &log))
        .to_vec();
    let mut want = pairs(&[]);
    want.extend(down.iter().map(|id| ("c".to_string(), *id)));
    want.extend(pairs(&[("u", 1), ("d", 4), ("tombstone", 4)]));
    assert_eq!(
        ops(&got[7..]),
        want,
        "the changes made while down, in order"
    );
    let got_orders = rt.block_on(orders.until(&transport, 3 + 40, &log)).to_vec();
    let order_ids: BTreeSet<i64> = ops(&got_orders[3..])
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    assert_eq!(order_ids, (100..140).collect::<BTreeSet<_>>());
    // Nothing more: no snapshot again, no change twice.
    std::thread::sleep(Duration::from_secs(3));
    let extra = rt.block_on(async {
        let mut n = 0;
        for r in [&mut customers, &mut orders] {
            let before = r.got.len();
            let c = r.consumer.as_mut().unwrap();
            for _ in 0..3 {
                r.got
                    .extend(c.poll(500, Duration::from_millis(300)).await.unwrap());
            }
            n += r.got.len() - before;
        }
        n
    });
    let mut per_op: BTreeMap<String, usize> = BTreeMap::new();
    for (op, _) in ops(&customers.got).into_iter().chain(ops(&orders.got)) {
        *per_op.entry(op).or_default() += 1;
    }
    assert_eq!(extra, 0, "records after the last expected one: {per_op:?}");
    gateway.stop();
    // The JVM ran with -Xcheck:jni: no misuse of JNI by the bridge under Debezium's threads.
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        !text.contains("WARNING in native method")
            && !text.contains("FATAL ERROR in native method"),
        "{}",
        tail(&log)
    );
    eprintln!(
        "debezium: gateway ready in {:.1}s; {} change events in {:.1}s: {per_op:?}",
        started_in.as_secs_f64(),
        customers.got.len() + orders.got.len(),
        test_start.elapsed().as_secs_f64()
    );
}

/// Drops a test database and its replication slot (which would keep WAL forever) when the
/// test ends, passed or not.
struct DropDatabase<'a> {
    pg: &'a Pg,
    db: String,
    slot: String,
}

impl Drop for DropDatabase<'_> {
    fn drop(&mut self) {
        let (db, slot) = (&self.db, &self.slot);
        let drop = Command::new(&self.pg.psql)
            .args(["-X", "-q", "-h", &self.pg.host, "-p", &self.pg.port])
            .args(["-U", &self.pg.user, "-d", "postgres"])
            .args(["-c", &format!(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '{slot}' AND active_pid IS NOT NULL"
            )])
            .args(["-c", &format!(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{slot}'"
            )])
            .args(["-c", &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")])
            .env("PGPASSWORD", &self.pg.password)
            .output();
        if let Ok(out) = drop {
            if !out.status.success() {
                eprintln!("dropping {db}: {}", String::from_utf8_lossy(&out.stderr));
            }
        }
    }
}
