//! Real Kafka connector jars hosted in-process through the JNI bridge, with records flowing
//! through a real Apache RocketMQ. `scripts/test.sh` prepares what they need:
//! `scripts/jvm.sh build` (the shim and Kafka Connect's runtime jars next to the binary),
//! `scripts/jvm.sh plugins` (connector jars from Maven Central; `CONNECT_GATEWAY_PLUGIN_PATH`)
//! and a broker (`ROCKETMQ_NAMESRV_ADDR`). Without them these tests fail on purpose.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed setup should panic
#![recursion_limit = "256"]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{
    curl, free_port, get, namesrv, tail, transport, unique, wait_until, worker_properties, Worker,
};
use connect_api::TopicPartition;
use gateway::transport::{ConsumedMessage, RecordTransport};

/// Where `scripts/jvm.sh plugins` put the connector jars.
fn plugin_path() -> PathBuf {
    let p = std::env::var_os("CONNECT_GATEWAY_PLUGIN_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let cache = std::env::var_os("CONNECT_GATEWAY_CACHE")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/connect-gateway")
                });
            cache.join("plugins")
        });
    assert!(
        p.join("connect-file").is_dir(),
        "no connector jars in {} (run scripts/jvm.sh plugins)",
        p.display()
    );
    p
}

fn write_worker(dir: &Path, port: u16, extra: &str) -> PathBuf {
    worker_properties(
        dir,
        port,
        &format!(
            "offset.flush.interval.ms=300\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.storage.StringConverter\n\
             rocketmq.namesrv.addr={}\n\
             rocketmq.topic.default.queues=1\n\
             plugin.path={}\n\
             jvm.options=-Xms64m -Xmx512m -Xcheck:jni\n\
             plugin.discovery=service_load\n{extra}",
            namesrv(),
            plugin_path().display(),
        ),
    )
}

fn put_config(port: u16, name: &str, config: serde_json::Value) -> serde_json::Value {
    curl(&[
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "-d",
        &config.to_string(),
        &format!("http://127.0.0.1:{port}/connectors/{name}/config"),
    ])
    .unwrap_or_default()
}

fn wait_ready(port: u16, log: &Path) {
    wait_until("the REST API", Duration::from_secs(90), log, || {
        get(port, "/connector-plugins")
    });
}

fn task(port: u16, connector: &str) -> Option<(String, String)> {
    let s = get(port, &format!("/connectors/{connector}/status"))?;
    let t = s["tasks"].get(0)?;
    Some((
        t["state"].as_str()?.to_string(),
        t["trace"].as_str().unwrap_or_default().to_string(),
    ))
}

/// ASCII on purpose: Kafka's FileStreamSourceTask counts its position in chars but skips
/// bytes on resume, so multi-byte text would resume at the wrong place (in Kafka too).
fn lines(from: usize, to: usize) -> String {
    (from..to)
        .map(|i| format!("line {i}: \"q\"\ttab {}\n", "x".repeat(i % 40)))
        .collect()
}

#[test]
fn jvm_file_stream_jars_move_a_file_byte_exact_through_rocketmq_and_resume_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let topic = format!("{}.jvm-lines", unique("jfs"));
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    let first = lines(0, 3_000);
    std::fs::write(&input, &first).unwrap();
    let port = free_port();
    let worker = write_worker(dir.path(), port, "");
    let child = Worker::start(&[&worker], &log);
    wait_ready(port, &log);

    // The jar's plugins are listed beside the native ones, with the jar's version.
    let plugins = get(port, "/connector-plugins").unwrap();
    assert!(
        plugins.as_array().unwrap().iter().any(|p| p["class"]
            == "org.apache.kafka.connect.file.FileStreamSourceConnector"
            && p["version"] == "4.3.1"),
        "{plugins}"
    );
    let created = put_config(
        port,
        "jsrc",
        serde_json::json!({"connector.class": "FileStreamSource", "connector.runtime": "jvm",
            "file": input.display().to_string(), "topic": topic}),
    );
    assert_eq!(created["name"], "jsrc", "{created}");
    put_config(
        port,
        "jsink",
        serde_json::json!({"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "connector.runtime": "jvm", "file": output.display().to_string(), "topics": topic}),
    );
    let got_all = |want: &str| {
        let got = std::fs::read_to_string(&output).ok()?;
        if got.len() < want.len() {
            return None;
        }
        assert!(got == want, "the sink file differs from the input");
        Some(())
    };
    wait_until("the first lines", Duration::from_secs(90), &log, || {
        got_all(&first)
    });
    let status = get(port, "/connectors/jsrc/status").unwrap();
    assert_eq!(status["tasks"][0]["version"], "4.3.1", "{status}");
    // The source offset Kafka's task wrote is the one the offsets endpoint shows.
    let want = serde_json::json!({"offsets": [{"partition": {"filename": input.display().to_string()},
        "offset": {"position": first.len()}}]});
    wait_until(
        "the committed offset",
        Duration::from_secs(30),
        &log,
        || (get(port, "/connectors/jsrc/offsets")? == want).then_some(()),
    );
    child.stop();

    // Restart: the task resumes from the stored position, the sink from its queue offsets.
    let second = lines(3_000, 4_000);
    std::fs::OpenOptions::new()
        .append(true)
        .open(&input)
        .and_then(|mut f| std::io::Write::write_all(&mut f, second.as_bytes()))
        .unwrap();
    let child = Worker::start(&[&worker], &log);
    wait_ready(port, &log);
    let all = format!("{first}{second}");
    wait_until(
        "the appended lines, once",
        Duration::from_secs(90),
        &log,
        || got_all(&all),
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        all,
        "duplicates after the restart"
    );
    child.stop();
    // The workers ran with -Xcheck:jni: the JVM found no misuse of JNI by the bridge.
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        !text.contains("WARNING in native method")
            && !text.contains("FATAL ERROR in native method"),
        "{}",
        tail(&log)
    );
}

#[test]
fn a_jvm_task_that_throws_in_start_fails_with_the_java_trace_and_others_keep_running() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let port = free_port();
    let worker = write_worker(dir.path(), port, "");
    let child = Worker::start(&[&worker], &log);
    wait_ready(port, &log);
    let topic = unique("jfail");
    let input = dir.path().join("in.txt");
    std::fs::write(&input, lines(0, 100)).unwrap();
    // FileStreamSinkTask.start throws when it cannot create its file.
    put_config(
        port,
        "bad-sink",
        serde_json::json!({"connector.class": "FileStreamSink", "connector.runtime": "jvm",
            "file": "/nonexistent-dir/sub/out.txt", "topics": topic}),
    );
    let output = dir.path().join("good.txt");
    put_config(
        port,
        "good-src",
        serde_json::json!({"connector.class": "FileStreamSource", "connector.runtime": "jvm",
            "file": input.display().to_string(), "topic": topic}),
    );
    put_config(
        port,
        "good-sink",
        serde_json::json!({"connector.class": "FileStreamSink", "connector.runtime": "jvm",
            "file": output.display().to_string(), "topics": topic}),
    );
    let (state, trace) = wait_until("bad-sink FAILED", Duration::from_secs(60), &log, || {
        task(port, "bad-sink").filter(|(s, _)| s == "FAILED")
    });
    assert_eq!(state, "FAILED");
    assert!(
        trace.contains("org.apache.kafka.connect.errors.ConnectException")
            && trace.contains("at org.apache.kafka.connect.file.FileStreamSinkTask.start"),
        "the status trace is the Java stack trace:\n{trace}"
    );
    wait_until(
        "the healthy pipeline",
        Duration::from_secs(60),
        &log,
        || (std::fs::read_to_string(&output).ok()?.lines().count() == 100).then_some(()),
    );
    // Validation comes from the connector's real ConfigDef: a missing `topic` is reported.
    let v = curl(&[
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "-d",
        r#"{"connector.class":"FileStreamSource","connector.runtime":"jvm","file":"/tmp/x"}"#,
        &format!("http://127.0.0.1:{port}/connector-plugins/FileStreamSource/config/validate"),
    ])
    .unwrap();
    assert!(v["error_count"].as_u64().unwrap() >= 1, "{v}");
    child.stop();
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .contains("JVM started"),
        "{}",
        tail(&log)
    );
}

#[test]
fn without_a_jdk_jvm_plugins_are_unavailable_and_native_ones_run() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let port = free_port();
    let worker = write_worker(dir.path(), port, "jvm.java.home=/nonexistent-jdk\n");
    let child = Worker::start(&[&worker], &log);
    wait_ready(port, &log);
    let plugins = get(port, "/connector-plugins").unwrap();
    assert!(
        !plugins.to_string().contains("\"4.3.1\""),
        "no JVM plugin may be listed: {plugins}"
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("JVM plugins on plugin.path are unavailable")
            && text.contains("/nonexistent-jdk"),
        "{}",
        tail(&log)
    );
    // Asking for the JVM runtime explicitly is a clear error, not a crash.
    let r = put_config(
        port,
        "jvm-only",
        serde_json::json!({"connector.class": "FileStreamSource", "connector.runtime": "jvm",
            "file": "/tmp/x", "topic": "t"}),
    );
    assert!(
        r["error_code"] == 400 && r["message"].as_str().unwrap().contains("jvm"),
        "{r}"
    );
    child.stop();
}

async fn read_topic(topic: &str, want: usize) -> Vec<ConsumedMessage> {
    let t = transport().await;
    let mut c = t.consumer(&unique("jvm-reader")).await.unwrap();
    let start = Instant::now();
    // The connector creates the topic with its first record: wait for it to exist.
    while let Err(e) = c.assign(vec![TopicPartition::new(topic, 0)]).await {
        assert!(start.elapsed() < Duration::from_secs(60), "{topic}: {e}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let mut got = Vec::new();
    while got.len() < want && start.elapsed() < Duration::from_secs(60) {
        got.extend(c.poll(1000, Duration::from_millis(500)).await.unwrap());
    }
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kafka_json_converter_and_smts_run_inside_the_jvm() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let port = free_port();
    let worker = write_worker(dir.path(), port, "");
    let child = Worker::start(&[&worker], &log);
    let logp = log.clone();
    tokio::task::spawn_blocking(move || wait_ready(port, &logp))
        .await
        .unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "alpha\nskip-me\nbeta\n").unwrap();
    let with_schema = unique("jjson-on");
    let without = unique("jjson-off");
    for (name, topic, schemas) in [("on", &with_schema, "true"), ("off", &without, "false")] {
        put_config(
            port,
            &format!("json-{name}"),
            serde_json::json!({
                "connector.class": "FileStreamSource", "connector.runtime": "jvm",
                "file": input.display().to_string(), "topic": "placeholder",
                "value.converter": "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable": schemas,
                "transforms": "hoist,insert,route,drop",
                "transforms.hoist.type": "org.apache.kafka.connect.transforms.HoistField$Value",
                "transforms.hoist.field": "line",
                "transforms.insert.type": "org.apache.kafka.connect.transforms.InsertField$Value",
                "transforms.insert.static.field": "origin",
                "transforms.insert.static.value": "jvm",
                "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
                "transforms.route.regex": "placeholder",
                "transforms.route.replacement": topic,
                "transforms.drop.type": "org.apache.kafka.connect.transforms.Filter",
                "transforms.drop.predicate": "isSkip",
                "predicates": "isSkip",
                "predicates.isSkip.type": "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
                "predicates.isSkip.pattern": "never-matches",
            }),
        );
    }
    let on = read_topic(&with_schema, 3).await;
    let off = read_topic(&without, 3).await;
    let values = |ms: &[ConsumedMessage]| -> Vec<serde_json::Value> {
        ms.iter()
            .map(|m| {
                let v = m.value.as_deref().unwrap_or_default();
                serde_json::from_slice(v)
                    .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(v)))
            })
            .collect()
    };
    let off = values(&off);
    assert_eq!(
        off,
        vec![
            serde_json::json!({"line": "alpha", "origin": "jvm"}),
            serde_json::json!({"line": "skip-me", "origin": "jvm"}),
            serde_json::json!({"line": "beta", "origin": "jvm"}),
        ]
    );
    let on = values(&on);
    assert_eq!(on.len(), 3, "{on:?}");
    assert_eq!(
        on[0]["payload"],
        serde_json::json!({"line": "alpha", "origin": "jvm"})
    );
    assert_eq!(on[0]["schema"]["type"], "struct", "{}", on[0]);
    let fields: Vec<&str> = on[0]["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["line", "origin"]);
    tokio::task::spawn_blocking(move || child.stop())
        .await
        .unwrap();
}

/// Every transformation and predicate `connect-transforms` ships, run by Kafka's own classes
/// inside the JVM in one chain (Filter, with each predicate, once more on its own).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kafka_smt_and_predicate_runs_in_the_jvm() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let port = free_port();
    let worker = write_worker(dir.path(), port, "");
    let child = Worker::start(&[&worker], &log);
    let logp = log.clone();
    tokio::task::spawn_blocking(move || wait_ready(port, &logp))
        .await
        .unwrap();
    let input = dir.path().join("numbers.txt");
    let text: String = (1..=20).map(|i| format!("{i}\n")).collect();
    std::fs::write(&input, &text).unwrap();
    let base = unique("jsmt");
    let t = |s: &str| format!("org.apache.kafka.connect.transforms.{s}");
    let p = |s: &str| format!("org.apache.kafka.connect.transforms.predicates.{s}");
    let chain = serde_json::json!({
        "connector.class": "FileStreamSource", "connector.runtime": "jvm",
        "file": input.display().to_string(), "topic": format!("{base}-in"),
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable": "false",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "true",
        "transforms": "hoist,secret,when,cast,day,mask,rename,tokey,keyn,hfrom,h1,h2,dropH2,nest,flat,meta,route,troute,tomb,marked,other",
        "transforms.hoist.type": t("HoistField$Value"), "transforms.hoist.field": "n",
        "transforms.secret.type": t("InsertField$Value"),
        "transforms.secret.static.field": "secret", "transforms.secret.static.value": "pw",
        "transforms.when.type": t("InsertField$Value"),
        "transforms.when.static.field": "when", "transforms.when.static.value": "1700000000000",
        "transforms.cast.type": t("Cast$Value"), "transforms.cast.spec": "n:int32,when:int64",
        "transforms.day.type": t("TimestampConverter$Value"), "transforms.day.field": "when",
        "transforms.day.target.type": "string", "transforms.day.format": "yyyy-MM-dd",
        "transforms.mask.type": t("MaskField$Value"), "transforms.mask.fields": "secret",
        "transforms.rename.type": t("ReplaceField$Value"), "transforms.rename.renames": "secret:hidden",
        "transforms.tokey.type": t("ValueToKey"), "transforms.tokey.fields": "n",
        "transforms.keyn.type": t("ExtractField$Key"), "transforms.keyn.field": "n",
        "transforms.hfrom.type": t("HeaderFrom$Value"), "transforms.hfrom.fields": "when",
        "transforms.hfrom.headers": "day", "transforms.hfrom.operation": "copy",
        "transforms.h1.type": t("InsertHeader"), "transforms.h1.header": "h1",
        "transforms.h1.value.literal": "one",
        "transforms.h2.type": t("InsertHeader"), "transforms.h2.header": "h2",
        "transforms.h2.value.literal": "two",
        "transforms.dropH2.type": t("DropHeaders"), "transforms.dropH2.headers": "h2",
        "transforms.nest.type": t("HoistField$Value"), "transforms.nest.field": "rec",
        "transforms.flat.type": t("Flatten$Value"), "transforms.flat.delimiter": "_",
        "transforms.meta.type": t("SetSchemaMetadata$Value"),
        "transforms.meta.schema.name": "com.example.Line", "transforms.meta.schema.version": "3",
        "transforms.route.type": t("RegexRouter"), "transforms.route.regex": "(.*)-in",
        "transforms.route.replacement": "$1-mid",
        "transforms.troute.type": t("TimestampRouter"),
        "transforms.troute.topic.format": "${topic}-${timestamp}",
        "transforms.troute.timestamp.format": "yyyy",
        // Filters that must keep everything: no record is a tombstone or carries `drop-me`,
        // and the negated topic match is true for every record.
        "transforms.tomb.type": t("Filter"), "transforms.tomb.predicate": "isTombstone",
        "transforms.marked.type": t("Filter"), "transforms.marked.predicate": "hasDropMe",
        "transforms.other.type": t("Filter"), "transforms.other.predicate": "otherTopic",
        "transforms.other.negate": "true",
        "predicates": "isTombstone,hasDropMe,otherTopic",
        "predicates.isTombstone.type": p("RecordIsTombstone"),
        "predicates.hasDropMe.type": p("HasHeaderKey"), "predicates.hasDropMe.name": "drop-me",
        "predicates.otherTopic.type": p("TopicNameMatches"), "predicates.otherTopic.pattern": ".*-mid-.*",
    });
    let created = put_config(port, "smt-all", chain);
    assert_eq!(created["name"], "smt-all", "{created}");
    // A Filter that drops every record: nothing arrives, yet the offsets still advance.
    let dropped_topic = unique("jsmt-dropped");
    put_config(
        port,
        "smt-drop",
        serde_json::json!({
            "connector.class": "FileStreamSource", "connector.runtime": "jvm",
            "file": input.display().to_string(), "topic": dropped_topic,
            "transforms": "all", "transforms.all.type": t("Filter"),
            "transforms.all.predicate": "any",
            "predicates": "any", "predicates.any.type": p("TopicNameMatches"),
            "predicates.any.pattern": ".*",
        }),
    );

    let year = chrono_year();
    let out_topic = format!("{base}-mid-{year}");
    let got = read_topic(&out_topic, 20).await;
    assert_eq!(got.len(), 20, "records in {out_topic}");
    for (i, m) in got.iter().enumerate() {
        let n = i + 1;
        assert_eq!(
            m.key.as_deref(),
            Some(n.to_string().as_bytes()),
            "key of #{n}"
        );
        let v: serde_json::Value = serde_json::from_slice(m.value.as_deref().unwrap()).unwrap();
        assert_eq!(
            v["payload"],
            serde_json::json!({"rec_n": n, "rec_hidden": "", "rec_when": "2023-11-14"}),
            "{v}"
        );
        assert_eq!(v["schema"]["name"], "com.example.Line", "{v}");
        assert_eq!(v["schema"]["version"], 3, "{v}");
        let header = |k: &str| {
            m.headers
                .iter()
                .find(|(hk, _)| hk == k)
                .and_then(|(_, hv)| hv.clone())
                .map(|b| String::from_utf8(b).unwrap())
        };
        assert_eq!(header("day").as_deref(), Some("2023-11-14"));
        assert_eq!(header("h1").as_deref(), Some("one"));
        assert_eq!(header("h2"), None, "DropHeaders removed h2");
    }
    let want = serde_json::json!({"offsets": [{"partition": {"filename": input.display().to_string()},
        "offset": {"position": text.len()}}]});
    let logp = log.clone();
    tokio::task::spawn_blocking(move || {
        wait_until(
            "the dropping connector's offsets",
            Duration::from_secs(30),
            &logp,
            || (get(port, "/connectors/smt-drop/offsets")? == want).then_some(()),
        )
    })
    .await
    .unwrap();
    let t = transport().await;
    let mut c = t.consumer(&unique("jvm-reader")).await.unwrap();
    assert!(
        c.assign(vec![TopicPartition::new(dropped_topic.clone(), 0)])
            .await
            .is_err(),
        "a topic every record was filtered from is never created"
    );
    tokio::task::spawn_blocking(move || child.stop())
        .await
        .unwrap();
}

/// The current UTC year, as `TimestampRouter` formats a record stamped now.
fn chrono_year() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // Days since 1970 → civil year (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(month <= 2)
}

#[test]
fn kill_9_of_a_worker_hosting_jvm_connectors_loses_no_line() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let topic = unique("jkill");
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    let text = lines(0, 200_000);
    std::fs::write(&input, &text).unwrap();
    let port = free_port();
    let worker = write_worker(dir.path(), port, "");
    let child = Worker::start(&[&worker], &log);
    wait_ready(port, &log);
    put_config(
        port,
        "ksrc",
        serde_json::json!({"connector.class": "FileStreamSource", "connector.runtime": "jvm",
            "file": input.display().to_string(), "topic": topic, "batch.size": "500"}),
    );
    put_config(
        port,
        "ksink",
        serde_json::json!({"connector.class": "FileStreamSink", "connector.runtime": "jvm",
            "file": output.display().to_string(), "topics": topic}),
    );
    // Mid-stream: some lines out, far from all.
    wait_until("lines flowing", Duration::from_secs(90), &log, || {
        let n = std::fs::read_to_string(&output).ok()?.lines().count();
        (n > 20_000).then_some(())
    });
    child.kill9(); // no flush, no goodbye
    let child = Worker::start(&[&worker], &log);
    wait_ready(port, &log);
    let want: Vec<&str> = text.lines().collect();
    let got = wait_until(
        "every line after the restart",
        Duration::from_secs(120),
        &log,
        || {
            let got = std::fs::read_to_string(&output).ok()?;
            let distinct: std::collections::BTreeSet<&str> = got.lines().collect();
            (distinct.len() >= want.len()).then_some(got)
        },
    );
    child.stop();
    let lines: Vec<&str> = got.lines().collect();
    let distinct: std::collections::BTreeSet<&str> = lines.iter().copied().collect();
    for l in &want {
        assert!(distinct.contains(l), "lost line: {l}");
    }
    // Duplicates only from the last uncommitted stretch, never a reordering of it.
    let dups = lines.len() - distinct.len();
    eprintln!(
        "kill -9 with JVM tasks: {} lines, {dups} duplicates",
        want.len()
    );
    assert!(dups < want.len() / 2, "{dups} duplicates");
}

/// A JVM sink with Kafka's JsonConverter: good records are converted and written by the jar,
/// bad ones are skipped under `errors.tolerance=all` and land in the DLQ with Kafka's
/// context headers naming the stage and the converter, their bytes unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jvm_sink_converts_in_java_and_sends_bad_records_to_the_dead_letter_queue() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let port = free_port();
    let worker = write_worker(dir.path(), port, "");
    let child = Worker::start(&[&worker], &log);
    let logp = log.clone();
    tokio::task::spawn_blocking(move || wait_ready(port, &logp))
        .await
        .unwrap();
    let topic = unique("jsink");
    let dlq = unique("jsink-dlq");
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    let mut text = String::new();
    for i in 0..30 {
        if i % 10 == 3 {
            text.push_str(&format!("not json {i}\n"));
        } else {
            text.push_str(&format!("{{\"n\":{i},\"s\":\"v{i}\"}}\n"));
        }
    }
    std::fs::write(&input, &text).unwrap();
    // The lines go in as text (native source, StringConverter) ...
    put_config(
        port,
        "text-src",
        serde_json::json!({"connector.class": "FileStreamSource",
            "file": input.display().to_string(), "topic": topic}),
    );
    // ... and come out through the jar's sink with Kafka's JsonConverter.
    let created = put_config(
        port,
        "json-sink",
        serde_json::json!({"connector.class": "FileStreamSink", "connector.runtime": "jvm",
            "file": output.display().to_string(), "topics": topic,
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter.schemas.enable": "false",
            "errors.tolerance": "all",
            "errors.deadletterqueue.topic.name": dlq,
            "errors.deadletterqueue.context.headers.enable": "true"}),
    );
    assert_eq!(created["name"], "json-sink", "{created}");
    let logp = log.clone();
    let out = output.clone();
    let written = tokio::task::spawn_blocking(move || {
        wait_until(
            "27 converted records",
            Duration::from_secs(60),
            &logp,
            || {
                let s = std::fs::read_to_string(&out).ok()?;
                (s.lines().count() >= 27).then_some(s)
            },
        )
    })
    .await
    .unwrap();
    // FileStreamSink writes value.toString(): Kafka's schemaless JSON object is a Java
    // HashMap, whose order puts "s" (bucket 3) before "n" (bucket 14).
    let want: String = (0..30)
        .filter(|i| i % 10 != 3)
        .map(|i| format!("{{s=v{i}, n={i}}}\n"))
        .collect();
    assert_eq!(written, want);
    let bad = read_topic(&dlq, 3).await;
    assert_eq!(bad.len(), 3, "DLQ records");
    for (m, i) in bad.iter().zip([3, 13, 23]) {
        assert_eq!(m.value.as_deref(), Some(format!("not json {i}").as_bytes()));
        let h = |k: &str| {
            m.headers
                .iter()
                .find(|(hk, _)| hk == &format!("__connect.errors.{k}"))
                .and_then(|(_, v)| v.clone())
                .map(|v| String::from_utf8(v).unwrap())
                .unwrap_or_default()
        };
        assert_eq!(h("stage"), "VALUE_CONVERTER");
        assert_eq!(
            h("class.name"),
            "org.apache.kafka.connect.json.JsonConverter"
        );
        assert_eq!(
            h("exception.class.name"),
            "org.apache.kafka.connect.errors.DataException"
        );
        assert_eq!(h("topic"), topic);
        assert!(
            h("exception.stacktrace").contains("JsonConverter"),
            "{}",
            h("exception.stacktrace")
        );
    }
    let status = get(port, "/connectors/json-sink/status").unwrap();
    assert_eq!(status["tasks"][0]["state"], "RUNNING", "{status}");
    tokio::task::spawn_blocking(move || child.stop())
        .await
        .unwrap();
}

/// The offsets endpoints with a JVM connector: Kafka's `FileStreamSourceConnector.alterOffsets`
/// (in the jar) judges the new offsets; the task resumes where they say.
#[test]
fn offsets_of_a_jvm_source_are_altered_through_the_jars_own_alter_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let topic = unique("joffs");
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    let text = lines(0, 50);
    std::fs::write(&input, &text).unwrap();
    let port = free_port();
    let worker = write_worker(dir.path(), port, "");
    let child = Worker::start(&[&worker], &log);
    wait_ready(port, &log);
    let src = serde_json::json!({"connector.class": "FileStreamSource", "connector.runtime": "jvm",
        "file": input.display().to_string(), "topic": topic});
    put_config(port, "osrc", src);
    put_config(
        port,
        "osink",
        serde_json::json!({"connector.class": "FileStreamSink", "connector.runtime": "jvm",
            "file": output.display().to_string(), "topics": topic}),
    );
    wait_until("all lines once", Duration::from_secs(60), &log, || {
        (std::fs::read_to_string(&output).ok()? == text).then_some(())
    });
    let stop_url = format!("http://127.0.0.1:{port}/connectors/osrc/stop");
    curl(&["-X", "PUT", &stop_url]);
    wait_until("STOPPED", Duration::from_secs(30), &log, || {
        let s = get(port, "/connectors/osrc/status")?;
        (s["connector"]["state"] == "STOPPED").then_some(())
    });
    let patch = |body: serde_json::Value| {
        curl(&[
            "-X",
            "PATCH",
            "-H",
            "Content-Type: application/json",
            "-d",
            &body.to_string(),
            &format!("http://127.0.0.1:{port}/connectors/osrc/offsets"),
        ])
        .unwrap()
    };
    let partition = serde_json::json!({"filename": input.display().to_string()});
    // The jar refuses an offset that is not a number (its own validation).
    let bad = patch(
        serde_json::json!({"offsets": [{"partition": partition, "offset": {"position": "ten"}}]}),
    );
    assert!(
        bad["error_code"].as_u64().is_some_and(|c| c >= 400),
        "{bad}"
    );
    assert!(
        bad["message"]
            .as_str()
            .unwrap_or_default()
            .contains("position"),
        "the jar's message: {bad}"
    );
    // Rewind to the start of line 40.
    let at: usize = lines(0, 40).len();
    let ok = patch(
        serde_json::json!({"offsets": [{"partition": partition, "offset": {"position": at}}]}),
    );
    assert!(ok["message"].as_str().is_some(), "{ok}");
    assert!(ok.get("error_code").is_none(), "{ok}");
    curl(&[
        "-X",
        "PUT",
        &format!("http://127.0.0.1:{port}/connectors/osrc/resume"),
    ]);
    let want = format!("{text}{}", lines(40, 50));
    wait_until("lines 40.. again", Duration::from_secs(60), &log, || {
        (std::fs::read_to_string(&output).ok()? == want).then_some(())
    });
    child.stop();
}
