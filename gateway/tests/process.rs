//! The real `connect-gateway` binary as a user runs it: `kill -9` mid-stream loses nothing,
//! SIGTERM stops cleanly with offsets flushed, bad command lines fail with clear errors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed setup should panic
#![recursion_limit = "256"]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{
    free_port, report, sigterm, spawn, wait_all_seqs, wait_exit, wait_until, worker_properties, BIN,
};

fn write_worker(dir: &Path, port: u16, extra: &str) -> PathBuf {
    worker_properties(
        dir,
        port,
        &format!(
            "offset.flush.interval.ms=300\n\
             key.converter=org.apache.kafka.connect.storage.StringConverter\n\
             value.converter=org.apache.kafka.connect.converters.ByteArrayConverter\n\
             embedded.default.partitions=3\n{extra}"
        ),
    )
}

#[test]
fn kill_9_mid_stream_loses_no_sequence_number() {
    const PER_TASK: u64 = 40_000;
    const RATE: u64 = 8_000;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let worker = write_worker(dir.path(), free_port(), "");
    let report_file = dir.path().join("verify.json");
    let source = dir.path().join("datagen.json");
    std::fs::write(
        &source,
        format!(
            r#"{{"name":"datagen","config":{{"connector.class":"io.connectgateway.connect.datagen.DatagenSourceConnector","tasks.max":"2","topic":"loadtest","rate":"{RATE}","record.size":"64","key.cardinality":"50","max.records":"{PER_TASK}","binary.headers":"true","tombstone.every":"97"}}}}"#
        ),
    )
    .unwrap();
    let sink = dir.path().join("verify.properties");
    std::fs::write(
        &sink,
        format!(
            "name=verify\nconnector.class=io.connectgateway.connect.verify.VerifyingSinkConnector\ntopics=loadtest\nreport.file={}\n",
            report_file.display()
        ),
    )
    .unwrap();

    let mut child = spawn(&[&worker, &source, &sink], &log);
    let before = wait_until(
        "records before the kill",
        Duration::from_secs(60),
        &log,
        || report(&report_file).filter(|r| r.records > 15_000),
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        before.records < 2 * PER_TASK,
        "the kill must happen mid-stream"
    );

    // Restart with the same files: both connectors come back and resume.
    let mut child = spawn(&[&worker, &source, &sink], &log);
    let done = wait_all_seqs(&report_file, PER_TASK, &log, 90);
    sigterm(&child);
    let status = wait_exit(&mut child, Duration::from_secs(20));
    assert!(status.success(), "SIGTERM must exit 0, got {status:?}");

    assert_eq!(done.gaps, 0, "{done:?}");
    assert_eq!(done.records, 2 * PER_TASK);
    assert_eq!(done.foreign, 0);
    // Re-sent records are those produced after the last offset flush before the kill:
    // bounded by about one flush interval (plus a poll batch) of traffic.
    assert!(
        done.duplicates <= 2 * RATE,
        "too many duplicates: {}",
        done.duplicates
    );
    println!(
        "kill -9: {} records before the kill, {} duplicates after restart, 0 lost",
        before.records, done.duplicates
    );
}

#[test]
fn sigterm_flushes_source_offsets_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let port = free_port();
    let worker = write_worker(
        dir.path(),
        port,
        "offset.flush.interval.ms=600000\nvalue.converter=org.apache.kafka.connect.storage.StringConverter\nembedded.default.partitions=1\n",
    );
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    let text: String = (0..500).map(|i| format!("row {i}\n")).collect();
    std::fs::write(&input, &text).unwrap();
    let src = dir.path().join("src.properties");
    std::fs::write(
        &src,
        format!(
            "name=src\nconnector.class=FileStreamSource\nfile={}\ntopic=rows\n",
            input.display()
        ),
    )
    .unwrap();
    let sink = dir.path().join("sink.properties");
    std::fs::write(
        &sink,
        format!(
            "name=sink\nconnector.class=FileStreamSink\nfile={}\ntopics=rows\n",
            output.display()
        ),
    )
    .unwrap();
    let mut child = spawn(&[&worker, &src, &sink], &log);
    let start = Instant::now();
    while std::fs::read_to_string(&output).unwrap_or_default() != text {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "pipeline never delivered"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // The flush interval is 10 minutes: only the shutdown flush can write the offsets.
    sigterm(&child);
    let status = wait_exit(&mut child, Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
    // Kafka's key format: [["src", {"filename": ...}], {"position": n}].
    let offsets: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("connect.offsets")).unwrap())
            .unwrap();
    let entry = offsets
        .as_array()
        .and_then(|a| a.iter().find(|e| e[0][0] == "src"))
        .unwrap_or_else(|| panic!("no offset for src in {offsets}"));
    assert_eq!(entry[0][1]["filename"], input.display().to_string());
    assert_eq!(entry[1]["position"], text.len() as u64, "{offsets}");
}

#[test]
fn bad_command_lines_fail_with_the_key_named() {
    let dir = tempfile::tempdir().unwrap();
    let worker = dir.path().join("w.properties");
    std::fs::write(
        &worker,
        "listeners=http://127.0.0.1:0\nrocketmq.rest.listeners=\noffset.flush.intervall.ms=5\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("standalone")
        .arg(&worker)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("offset.flush.intervall.ms")
            && err.contains("Did you mean 'offset.flush.interval.ms'"),
        "{err}"
    );

    std::fs::write(
        &worker,
        "listeners=http://127.0.0.1:0\nrocketmq.rest.listeners=\noffset.flush.interval.ms=soon\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("standalone")
        .arg(&worker)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("offset.flush.interval.ms"));

    // A taken RocketMQ Connect port (the API is on by default, on 8082): the key is named.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    std::fs::write(
        &worker,
        format!(
            "listeners=http://127.0.0.1:0\nrocketmq.rest.listeners=http://127.0.0.1:{port}\n\
             offset.storage.file.filename={}\n",
            dir.path().join("connect.offsets").display()
        ),
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("standalone")
        .arg(&worker)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "Cannot listen on 127.0.0.1:{port} (rocketmq.rest.listeners"
        )),
        "{err}"
    );
    drop(taken);

    let help = Command::new(BIN)
        .arg("standalone")
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("offset.storage.file.filename") && help.contains("plugin.path"),
        "{help}"
    );
}
