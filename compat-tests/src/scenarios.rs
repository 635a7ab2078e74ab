//! The scenarios. Every name containing `{T}` is unique per target and scenario (so the three
//! workers, and earlier runs against the same long-lived Kafka, never share connectors, topics,
//! consumer groups or loggers); `{DIR}` is the target's scratch directory. Both are replaced by
//! the placeholders again before responses are compared.

use serde_json::json;

use crate::json::Norm;
use crate::scenario::{
    bare, delete, get, patch, post, put, raw, Reference, Scenario, Steps, Until,
};

/// Kafka's distributed worker answers GET offsets from its offset topic reader, which
/// sometimes lags right after an alter (seen returning one of two partitions); standalone
/// reads its store directly and always shows both.
const DISTRIBUTED_OFFSET_READ_LAG: &str =
    "distributed worker's offset reader can lag just after an alter";

/// Five ASCII lines: 35 bytes (and 35 characters).
const INPUT: &str = "line 1\nline 2\nline 3\nline 4\nline 5\n";

const SOURCE: &str = "org.apache.kafka.connect.file.FileStreamSourceConnector";
const SINK: &str = "org.apache.kafka.connect.file.FileStreamSinkConnector";

const RUNNING1: &[&str] = &["RUNNING"];
const FAILED1: &[&str] = &["FAILED"];
const NONE: &[&str] = &[];

const STANDALONE_TASKS: &str = "Kafka's distributed herder answers before it has generated task \
     configs (`tasks: []`); the standalone herder, like the gateway's, answers after";

/// `{"name": …, "config": {FileStreamSource reading {DIR}/in.txt into t-{T}}}` plus extra JSON.
fn source_body(name: &str, extra_config: &str, extra_top: &str) -> String {
    format!(
        r#"{{"name":"{name}","config":{{"connector.class":"FileStreamSource","tasks.max":"1","file":"{{DIR}}/in.txt","topic":"t-{{T}}"{extra_config}}}{extra_top}}}"#
    )
}

fn sink_body(name: &str, file: &str, extra_top: &str) -> String {
    format!(
        r#"{{"name":"{name}","config":{{"connector.class":"{SINK}","tasks.max":"1","file":"{{DIR}}/{file}","topics":"t-{{T}}"}}{extra_top}}}"#
    )
}

fn source_config(extra: &str) -> String {
    format!(
        r#"{{"connector.class":"FileStreamSource","tasks.max":"1","file":"{{DIR}}/in.txt","topic":"t-{{T}}"{extra}}}"#
    )
}

pub fn all() -> Vec<Scenario> {
    vec![
        root(),
        plugins(),
        plugin_config(),
        validate(),
        create(),
        config(),
        status_tasks(),
        lifecycle(),
        restart(),
        restart_failed(),
        offsets_source(),
        offsets_sink(),
        offsets_non_ascii(),
        topics(),
        loggers(),
        errors(),
        delete_connector(),
    ]
}

fn root() -> Scenario {
    let mut s = Steps::new();
    s.check("root", get("/"));
    s.check("health", get("/health"));
    Scenario {
        name: "root",
        about: "GET / and GET /health",
        reference: Reference::Distributed,
        steps: s.0,
    }
}

fn plugins() -> Scenario {
    let mut s = Steps::new();
    const KEY: &[&str] = &["type", "class"];
    s.check("connectors", get("/connector-plugins"))
        .key_by("", KEY, false);
    s.check(
        "connectors-only-true",
        get("/connector-plugins?connectorsOnly=true"),
    )
    .key_by("", KEY, false);
    s.check("all", get("/connector-plugins?connectorsOnly=false"))
        .key_by("", KEY, false);
    Scenario {
        name: "plugins",
        about: "GET /connector-plugins (connectorsOnly default, true, false)",
        reference: Reference::Distributed,
        steps: s.0,
    }
}

fn plugin_config() -> Scenario {
    let mut s = Steps::new();
    const KEY: &[&str] = &["name"];
    for (name, plugin) in [
        ("source-alias", "FileStreamSource"),
        ("source-simple-name", "FileStreamSourceConnector"),
        ("sink-fqcn", SINK),
        (
            "transformation",
            "org.apache.kafka.connect.transforms.InsertField$Value",
        ),
        (
            "transformation-cast",
            "org.apache.kafka.connect.transforms.Cast$Value",
        ),
        (
            "predicate",
            "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
        ),
        ("converter", "org.apache.kafka.connect.json.JsonConverter"),
        ("converter-alias", "StringConverter"),
        (
            "header-converter",
            "org.apache.kafka.connect.storage.SimpleHeaderConverter",
        ),
    ] {
        s.check(name, get(&format!("/connector-plugins/{plugin}/config")))
            .key_by("", KEY, true);
    }
    s.check(
        "nested-class-simple-name",
        get("/connector-plugins/Cast$Value/config"),
    );
    s.check("unknown", get("/connector-plugins/NoSuchPlugin/config"));
    s.check(
        "not-a-plugin-type",
        get("/connector-plugins/org.apache.kafka.common.config.provider.FileConfigProvider/config"),
    );
    Scenario {
        name: "plugin-config",
        about: "GET /connector-plugins/{p}/config for every plugin type, aliases, errors",
        reference: Reference::Distributed,
        steps: s.0,
    }
}

fn validate() -> Scenario {
    let mut s = Steps::new();
    const KEY: &[&str] = &["definition/name|value/name"];
    let v = |s: &mut Steps, name: &'static str, plugin: &str, body: String| {
        s.check(
            name,
            put(
                &format!("/connector-plugins/{plugin}/config/validate"),
                &body,
            ),
        )
        .key_by("/configs", KEY, true);
    };
    let src = |extra: &str| {
        format!(
            r#"{{"connector.class":"{SOURCE}","name":"v-{{T}}","file":"{{DIR}}/in.txt","topic":"t-{{T}}"{extra}}}"#
        )
    };
    let snk = |extra: &str| {
        format!(
            r#"{{"connector.class":"{SINK}","name":"v-{{T}}","file":"{{DIR}}/out.txt"{extra}}}"#
        )
    };
    v(&mut s, "source-good", "FileStreamSourceConnector", src(""));
    v(&mut s, "source-alias-path", "FileStreamSource", src(""));
    v(
        &mut s,
        "sink-good",
        "FileStreamSinkConnector",
        snk(r#","topics":"t-{T}""#),
    );
    v(
        &mut s,
        "sink-missing-topics",
        "FileStreamSinkConnector",
        snk(""),
    );
    v(
        &mut s,
        "sink-topics-and-regex",
        "FileStreamSinkConnector",
        snk(r#","topics":"t-{T}","topics.regex":"t-.*""#),
    );
    v(
        &mut s,
        "sink-dlq-is-input",
        "FileStreamSinkConnector",
        snk(r#","topics":"t-{T}","errors.deadletterqueue.topic.name":"t-{T}""#),
    );
    v(
        &mut s,
        "source-missing-topic",
        "FileStreamSourceConnector",
        format!(r#"{{"connector.class":"{SOURCE}","name":"v-{{T}}","file":"{{DIR}}/in.txt"}}"#),
    );
    v(
        &mut s,
        "bad-int",
        "FileStreamSourceConnector",
        src(r#","tasks.max":"abc","batch.size":"-""#),
    );
    v(
        &mut s,
        "tasks-max-zero",
        "FileStreamSourceConnector",
        src(r#","tasks.max":"0""#),
    );
    v(
        &mut s,
        "null-value",
        "FileStreamSourceConnector",
        src(r#","batch.size":null"#),
    );
    v(
        &mut s,
        "bad-enum",
        "FileStreamSourceConnector",
        src(r#","errors.tolerance":"some""#),
    );
    v(
        &mut s,
        "transforms",
        "FileStreamSourceConnector",
        src(
            r#","transforms":"ins","transforms.ins.type":"org.apache.kafka.connect.transforms.InsertField$Value","transforms.ins.static.field":"f","transforms.ins.static.value":"v""#,
        ),
    );
    v(
        &mut s,
        "transform-missing-type",
        "FileStreamSourceConnector",
        src(r#","transforms":"ins""#),
    );
    v(
        &mut s,
        "transform-unknown-class",
        "FileStreamSourceConnector",
        src(r#","transforms":"x","transforms.x.type":"com.example.NoSuchTransform""#),
    );
    v(
        &mut s,
        "predicate",
        "FileStreamSourceConnector",
        src(
            r#","transforms":"f","transforms.f.type":"org.apache.kafka.connect.transforms.Filter","transforms.f.predicate":"p","predicates":"p","predicates.p.type":"org.apache.kafka.connect.transforms.predicates.TopicNameMatches","predicates.p.pattern":"t-.*""#,
        ),
    );
    v(
        &mut s,
        "converter-settings",
        "FileStreamSourceConnector",
        src(
            r#","value.converter":"org.apache.kafka.connect.json.JsonConverter","value.converter.schemas.enable":"false""#,
        ),
    );
    v(
        &mut s,
        "unknown-keys",
        "FileStreamSourceConnector",
        src(r#","no.such.key":"1""#),
    );
    s.check(
        "class-mismatch",
        put(
            "/connector-plugins/FileStreamSinkConnector/config/validate",
            &src(""),
        ),
    );
    s.check(
        "missing-class",
        put(
            "/connector-plugins/FileStreamSourceConnector/config/validate",
            r#"{"name":"v-{T}","topic":"t-{T}"}"#,
        ),
    );
    s.check(
        "unknown-class",
        put(
            "/connector-plugins/NoSuchConnector/config/validate",
            r#"{"connector.class":"NoSuchConnector","name":"v-{T}"}"#,
        ),
    );
    s.check(
        "malformed-json",
        put(
            "/connector-plugins/FileStreamSourceConnector/config/validate",
            "{\"name\":",
        ),
    );
    Scenario {
        name: "validate",
        about: "PUT /connector-plugins/{p}/config/validate with good and bad configs",
        reference: Reference::Distributed,
        steps: s.0,
    }
}

fn create() -> Scenario {
    let mut s = Steps::new();
    s.write("in.txt", INPUT);
    s.check(
        "create-source",
        post("/connectors", &source_body("src-{T}", "", "")),
    )
    .reference(Reference::Standalone, STANDALONE_TASKS);
    s.wait_state("src-{T}", "RUNNING", Some(RUNNING1));
    s.check(
        "duplicate",
        post("/connectors", &source_body("src-{T}", "", "")),
    );
    s.check(
        "initial-state-paused",
        post(
            "/connectors",
            &sink_body("paused-{T}", "out.txt", r#","initial_state":"PAUSED""#),
        ),
    );
    s.wait_state("paused-{T}", "PAUSED", None);
    s.check("status-paused", get("/connectors/paused-{T}/status"));
    s.check(
        "initial-state-stopped",
        post(
            "/connectors",
            &source_body("stopped-{T}", "", r#","initial_state":"STOPPED""#),
        ),
    );
    s.wait_state("stopped-{T}", "STOPPED", Some(NONE));
    s.check("status-stopped", get("/connectors/stopped-{T}/status"));
    s.check(
        "initial-state-running-lowercase",
        post(
            "/connectors",
            &source_body("running-{T}", "", r#","initial_state":"running""#),
        ),
    )
    .reference(Reference::Standalone, STANDALONE_TASKS);
    s.wait_state("running-{T}", "RUNNING", Some(RUNNING1));
    s.check(
        "initial-state-invalid",
        post(
            "/connectors",
            &source_body("bogus-{T}", "", r#","initial_state":"bogus""#),
        ),
    );
    s.check(
        "name-mismatch",
        post(
            "/connectors",
            &source_body("a-{T}", r#","name":"b-{T}""#, ""),
        ),
    );
    s.check(
        "no-connector-class",
        post(
            "/connectors",
            r#"{"name":"nc-{T}","config":{"file":"{DIR}/in.txt","topic":"t-{T}"}}"#,
        ),
    )
    .norm(Norm::SortJavaMap("/message"));
    s.check(
        "unknown-class",
        post(
            "/connectors",
            r#"{"name":"uc-{T}","config":{"connector.class":"NoSuchConnector","topic":"t-{T}"}}"#,
        ),
    );
    s.check(
        "invalid-config",
        post(
            "/connectors",
            r#"{"name":"inv-{T}","config":{"connector.class":"FileStreamSource","file":"{DIR}/in.txt"}}"#,
        ),
    );
    s.check(
        "invalid-tasks-max",
        post(
            "/connectors",
            &source_body("tm-{T}", r#","tasks.max":"0""#, ""),
        ),
    );
    s.check("empty-name", post("/connectors", &source_body("", "", "")));
    s.check(
        "blank-name",
        post("/connectors", &source_body("  ", "", "")),
    );
    s.check(
        "name-with-space",
        post("/connectors", &source_body("a b-{T}", "", "")),
    )
    .reference(Reference::Standalone, STANDALONE_TASKS);
    s.check("get-name-with-space", get("/connectors/a%20b-{T}/config"));
    s.wait_state("a%20b-{T}", "RUNNING", Some(RUNNING1));
    s.check("list", get("/connectors")).only_token("").sort("");
    s.check("expand-status", get("/connectors?expand=status"))
        .only_token("");
    s.check("expand-info", get("/connectors?expand=info"))
        .only_token("");
    s.check("expand-both", get("/connectors?expand=status&expand=info"))
        .only_token("");
    s.check("expand-unknown", get("/connectors?expand=nope"))
        .only_token("");
    s.delete_connectors(&[
        "src-{T}",
        "paused-{T}",
        "stopped-{T}",
        "running-{T}",
        "a%20b-{T}",
    ]);
    Scenario {
        name: "create",
        about: "POST /connectors: create, duplicate, initial_state, invalid configs, names; GET /connectors (expand)",
        reference: Reference::Distributed,
        steps: s.0,
    }
}

fn config() -> Scenario {
    let mut s = Steps::new();
    s.write("in.txt", INPUT);
    s.run(post("/connectors", &source_body("src-{T}", "", "")));
    s.wait_state("src-{T}", "RUNNING", Some(RUNNING1));
    s.check("get-info", get("/connectors/src-{T}"));
    s.check("get-config", get("/connectors/src-{T}/config"));
    s.check(
        "put-update",
        put(
            "/connectors/src-{T}/config",
            &source_config(r#","batch.size":"100""#),
        ),
    );
    s.wait_state("src-{T}", "RUNNING", Some(RUNNING1));
    s.check("get-config-after-put", get("/connectors/src-{T}/config"));
    s.check(
        "patch",
        patch(
            "/connectors/src-{T}/config",
            r#"{"batch.size":null,"tasks.max":"1","errors.log.enable":"true"}"#,
        ),
    );
    s.wait_state("src-{T}", "RUNNING", Some(RUNNING1));
    s.check("get-config-after-patch", get("/connectors/src-{T}/config"));
    s.check(
        "patch-invalid",
        patch("/connectors/src-{T}/config", r#"{"tasks.max":"zero"}"#),
    );
    s.check("patch-empty", patch("/connectors/src-{T}/config", "{}"));
    s.check(
        "put-create",
        put("/connectors/new-{T}/config", &source_config("")),
    )
    .reference(Reference::Standalone, STANDALONE_TASKS);
    s.wait_state("new-{T}", "RUNNING", Some(RUNNING1));
    s.check(
        "put-name-mismatch",
        put(
            "/connectors/src-{T}/config",
            &source_config(r#","name":"other-{T}""#),
        ),
    );
    s.check(
        "put-invalid",
        put(
            "/connectors/src-{T}/config",
            r#"{"connector.class":"FileStreamSource","file":"{DIR}/in.txt"}"#,
        ),
    );
    s.check(
        "put-wrong-media-type",
        raw(
            "PUT",
            "/connectors/src-{T}/config",
            Some("text/plain"),
            &source_config(""),
        ),
    );
    s.check(
        "put-malformed-json",
        put("/connectors/src-{T}/config", "{\"connector.class\":"),
    );
    s.check("get-unknown", get("/connectors/nope-{T}"));
    s.check("get-config-unknown", get("/connectors/nope-{T}/config"));
    s.check(
        "patch-unknown",
        patch("/connectors/nope-{T}/config", r#"{"tasks.max":"1"}"#),
    );
    // Last: Kafka stores the mismatching name (it does not check PATCH bodies against the URL).
    s.check(
        "patch-name-mismatch",
        patch("/connectors/src-{T}/config", r#"{"name":"other-{T}"}"#),
    );
    s.delete_connectors(&["src-{T}", "new-{T}"]);
    Scenario {
        name: "config",
        about: "GET/PUT/PATCH /connectors/{c}/config and GET /connectors/{c}",
        reference: Reference::Distributed,
        steps: s.0,
    }
}

fn status_tasks() -> Scenario {
    let mut s = Steps::new();
    s.write("in.txt", INPUT);
    s.run(post("/connectors", &source_body("src-{T}", "", "")));
    s.run(post("/connectors", &sink_body("sink-{T}", "out.txt", "")));
    s.wait_state("src-{T}", "RUNNING", Some(RUNNING1));
    s.wait_state("sink-{T}", "RUNNING", Some(RUNNING1));
    s.check("status-source", get("/connectors/src-{T}/status"));
    s.check("status-sink", get("/connectors/sink-{T}/status"));
    s.check("tasks-source", get("/connectors/src-{T}/tasks"));
    s.check("tasks-sink", get("/connectors/sink-{T}/tasks"));
    s.check("task-status", get("/connectors/src-{T}/tasks/0/status"));
    s.check(
        "task-status-unknown-task",
        get("/connectors/src-{T}/tasks/7/status"),
    );
    s.check(
        "task-status-not-a-number",
        get("/connectors/src-{T}/tasks/x/status"),
    );
    s.check("status-unknown", get("/connectors/nope-{T}/status"));
    s.check("tasks-unknown", get("/connectors/nope-{T}/tasks"));
    s.check(
        "task-status-unknown",
        get("/connectors/nope-{T}/tasks/0/status"),
    );
    s.delete_connectors(&["src-{T}", "sink-{T}"]);
    Scenario {
        name: "status-tasks",
        about: "GET status, tasks, task status",
        reference: Reference::Distributed,
        steps: s.0,
    }
}

fn lifecycle() -> Scenario {
    let mut s = Steps::new();
    s.write("in.txt", INPUT);
    s.run(post("/connectors", &source_body("src-{T}", "", "")));
    s.wait_state("src-{T}", "RUNNING", Some(RUNNING1));
    s.check("pause", bare("PUT", "/connectors/src-{T}/pause"));
    s.wait_state("src-{T}", "PAUSED", Some(&["PAUSED"]));
    s.check("status-paused", get("/connectors/src-{T}/status"));
    s.check("pause-again", bare("PUT", "/connectors/src-{T}/pause"));
    s.check("resume", bare("PUT", "/connectors/src-{T}/resume"));
    s.wait_state("src-{T}", "RUNNING", Some(RUNNING1));
    s.check("status-resumed", get("/connectors/src-{T}/status"));
    s.check("resume-running", bare("PUT", "/connectors/src-{T}/resume"));
    s.check("stop", bare("PUT", "/connectors/src-{T}/stop"));
    s.wait_state("src-{T}", "STOPPED", Some(NONE));
    s.check("status-stopped", get("/connectors/src-{T}/status"));
    s.check("tasks-stopped", get("/connectors/src-{T}/tasks"));
    s.check("info-stopped", get("/connectors/src-{T}"));
    s.check("stop-again", bare("PUT", "/connectors/src-{T}/stop"));
    s.check("pause-stopped", bare("PUT", "/connectors/src-{T}/pause"));
    s.wait_state("src-{T}", "PAUSED", None);
    s.check(
        "status-paused-from-stopped",
        get("/connectors/src-{T}/status"),
    );
    s.check("resume-stopped", bare("PUT", "/connectors/src-{T}/resume"));
    s.wait_state("src-{T}", "RUNNING", Some(RUNNING1));
    s.check("status-restarted", get("/connectors/src-{T}/status"));
    s.check("tasks-restarted", get("/connectors/src-{T}/tasks"));
    s.check("pause-unknown", bare("PUT", "/connectors/nope-{T}/pause"));
    s.check("resume-unknown", bare("PUT", "/connectors/nope-{T}/resume"));
    s.check("stop-unknown", bare("PUT", "/connectors/nope-{T}/stop"));
    s.delete_connectors(&["src-{T}"]);
    Scenario {
        name: "lifecycle",
        about: "PUT pause, resume, stop and the states they lead to",
        reference: Reference::Distributed,
        steps: s.0,
    }
}

const STANDALONE_BUG: &str = "Kafka's standalone herder answers 500 (a NullPointerException \
     or a phantom FAILED task) here; the distributed herder's 404 is the contract";

fn restart() -> Scenario {
    let mut s = Steps::new();
    s.write("in.txt", INPUT);
    s.run(post("/connectors", &source_body("src-{T}", "", "")));
    s.wait_state("src-{T}", "RUNNING", Some(RUNNING1));
    s.check("restart", bare("POST", "/connectors/src-{T}/restart"));
    s.wait_state("src-{T}", "RUNNING", Some(RUNNING1));
    s.check(
        "restart-include-tasks",
        bare("POST", "/connectors/src-{T}/restart?includeTasks=true"),
    );
    s.wait_state("src-{T}", "RUNNING", Some(RUNNING1));
    s.check(
        "restart-only-failed",
        bare("POST", "/connectors/src-{T}/restart?onlyFailed=true"),
    );
    s.check(
        "restart-include-tasks-only-failed",
        bare(
            "POST",
            "/connectors/src-{T}/restart?includeTasks=true&onlyFailed=true",
        ),
    );
    s.check(
        "restart-both-false",
        bare(
            "POST",
            "/connectors/src-{T}/restart?includeTasks=false&onlyFailed=false",
        ),
    );
    s.wait_state("src-{T}", "RUNNING", Some(RUNNING1));
    s.check(
        "task-restart",
        bare("POST", "/connectors/src-{T}/tasks/0/restart"),
    );
    s.wait_state("src-{T}", "RUNNING", Some(RUNNING1));
    s.check("status-after-restarts", get("/connectors/src-{T}/status"));
    s.check(
        "restart-unknown",
        bare("POST", "/connectors/nope-{T}/restart"),
    )
    .reference(Reference::Distributed, STANDALONE_BUG);
    s.check(
        "restart-unknown-include-tasks",
        bare("POST", "/connectors/nope-{T}/restart?includeTasks=true"),
    );
    s.check(
        "task-restart-unknown-connector",
        bare("POST", "/connectors/nope-{T}/tasks/0/restart"),
    )
    .reference(Reference::Distributed, STANDALONE_BUG);
    s.run(bare("PUT", "/connectors/src-{T}/stop"));
    s.wait_state("src-{T}", "STOPPED", Some(NONE));
    s.check(
        "restart-stopped",
        bare("POST", "/connectors/src-{T}/restart"),
    );
    s.check(
        "restart-stopped-include-tasks",
        bare("POST", "/connectors/src-{T}/restart?includeTasks=true"),
    );
    s.check(
        "status-stopped-after-restart",
        get("/connectors/src-{T}/status"),
    );
    // Last: Kafka's standalone herder keeps a phantom FAILED task 9 after this.
    s.check(
        "task-restart-unknown-task",
        bare("POST", "/connectors/src-{T}/tasks/9/restart"),
    )
    .reference(Reference::Distributed, STANDALONE_BUG);
    s.delete_connectors(&["src-{T}"]);
    Scenario {
        name: "restart",
        about: "POST restart with every includeTasks/onlyFailed combination, task restart",
        reference: Reference::Both,
        steps: s.0,
    }
}

fn restart_failed() -> Scenario {
    let mut s = Steps::new();
    // The sink's output directory does not exist, so its task fails in start().
    let body = sink_body("fail-{T}", "missing/out.txt", "");
    s.run(post("/connectors", &body));
    s.wait_state("fail-{T}", "RUNNING", Some(FAILED1));
    s.check("status-failed-task", get("/connectors/fail-{T}/status"));
    s.check(
        "task-status-failed",
        get("/connectors/fail-{T}/tasks/0/status"),
    );
    s.check(
        "restart-only-failed",
        bare("POST", "/connectors/fail-{T}/restart?onlyFailed=true"),
    );
    s.check(
        "restart-include-tasks-only-failed",
        bare(
            "POST",
            "/connectors/fail-{T}/restart?includeTasks=true&onlyFailed=true",
        ),
    );
    s.wait_state("fail-{T}", "RUNNING", Some(FAILED1));
    s.check(
        "restart-include-tasks",
        bare("POST", "/connectors/fail-{T}/restart?includeTasks=true"),
    )
    .reference(
        Reference::Standalone,
        "the distributed worker's 202 snapshot depends on when its status topic catches up \
         (the task may show `version: null` and no trace)",
    );
    s.wait_state("fail-{T}", "RUNNING", Some(FAILED1));
    s.check("restart", bare("POST", "/connectors/fail-{T}/restart"));
    s.wait_state("fail-{T}", "RUNNING", Some(FAILED1));
    s.check(
        "task-restart",
        bare("POST", "/connectors/fail-{T}/tasks/0/restart"),
    );
    s.wait_state("fail-{T}", "RUNNING", Some(FAILED1));
    s.check("status-still-failed", get("/connectors/fail-{T}/status"));
    s.delete_connectors(&["fail-{T}"]);
    Scenario {
        name: "restart-failed",
        about: "restart flags on a connector whose task FAILED",
        reference: Reference::Both,
        steps: s.0,
    }
}

fn offsets_source() -> Scenario {
    let mut s = Steps::new();
    s.write("in.txt", INPUT);
    s.run(post("/connectors", &source_body("src-{T}", "", "")));
    s.wait(
        "source offsets at position 35",
        get("/connectors/src-{T}/offsets"),
        Until::Equals("/offsets/0/offset/position", json!(35)),
    );
    let one = r#"{"offsets":[{"partition":{"filename":"{DIR}/in.txt"},"offset":{"position":7}}]}"#;
    s.check("get-running", get("/connectors/src-{T}/offsets"));
    s.check("alter-running", patch("/connectors/src-{T}/offsets", one));
    s.check("reset-running", delete("/connectors/src-{T}/offsets"));
    s.run(bare("PUT", "/connectors/src-{T}/pause"));
    s.wait_state("src-{T}", "PAUSED", None);
    s.check("alter-paused", patch("/connectors/src-{T}/offsets", one));
    s.check("reset-paused", delete("/connectors/src-{T}/offsets"));
    s.run(bare("PUT", "/connectors/src-{T}/stop"));
    s.wait_state("src-{T}", "STOPPED", Some(NONE));
    s.check("get-stopped", get("/connectors/src-{T}/offsets"));
    s.check("alter", patch("/connectors/src-{T}/offsets", one));
    s.check("get-altered", get("/connectors/src-{T}/offsets"));
    s.check(
        "alter-other-partition",
        patch(
            "/connectors/src-{T}/offsets",
            r#"{"offsets":[{"partition":{"filename":"{DIR}/other.txt"},"offset":{"position":3}}]}"#,
        ),
    );
    s.check("get-two-partitions", get("/connectors/src-{T}/offsets"))
        .sort("/offsets")
        .reference(Reference::Standalone, DISTRIBUTED_OFFSET_READ_LAG);
    s.check(
        "alter-null-offset",
        patch(
            "/connectors/src-{T}/offsets",
            r#"{"offsets":[{"partition":{"filename":"{DIR}/other.txt"},"offset":null}]}"#,
        ),
    );
    s.check("get-after-null-offset", get("/connectors/src-{T}/offsets"))
        .sort("/offsets");
    s.check(
        "alter-empty-list",
        patch("/connectors/src-{T}/offsets", r#"{"offsets":[]}"#),
    );
    s.check(
        "alter-no-offsets",
        patch("/connectors/src-{T}/offsets", "{}"),
    );
    s.check(
        "alter-non-primitive",
        patch(
            "/connectors/src-{T}/offsets",
            r#"{"offsets":[{"partition":{"filename":"{DIR}/in.txt"},"offset":{"position":{"a":1}}}]}"#,
        ),
    );
    s.check(
        "alter-malformed-json",
        patch("/connectors/src-{T}/offsets", "{\"offsets\":"),
    );
    s.check("reset", delete("/connectors/src-{T}/offsets"));
    // Kafka's distributed worker may briefly list the partition with a null offset until its
    // offsets topic reader has caught up with the tombstone.
    s.wait(
        "offsets empty after reset",
        get("/connectors/src-{T}/offsets"),
        Until::Equals("/offsets", json!([])),
    );
    s.check("get-reset", get("/connectors/src-{T}/offsets"));
    s.check("resume", bare("PUT", "/connectors/src-{T}/resume"));
    s.wait(
        "source offsets at position 35 again",
        get("/connectors/src-{T}/offsets"),
        Until::Equals("/offsets/0/offset/position", json!(35)),
    );
    s.check("get-reread", get("/connectors/src-{T}/offsets"));
    s.check("get-unknown", get("/connectors/nope-{T}/offsets"));
    s.check("alter-unknown", patch("/connectors/nope-{T}/offsets", one));
    s.check("reset-unknown", delete("/connectors/nope-{T}/offsets"));
    s.delete_connectors(&["src-{T}"]);
    Scenario {
        name: "offsets-source",
        about:
            "GET/PATCH/DELETE offsets of a FileStreamSource, the STOPPED precondition, bad offsets",
        reference: Reference::Both,
        steps: s.0,
    }
}

fn offsets_sink() -> Scenario {
    let mut s = Steps::new();
    s.write("in.txt", INPUT);
    // The source creates and fills the sink's topic (5 records).
    s.run(post("/connectors", &source_body("src-{T}", "", "")));
    s.wait(
        "source topic recorded",
        get("/connectors/src-{T}/topics"),
        Until::NonEmpty("/src-{T}/topics"),
    );
    s.check(
        "create-stopped",
        post(
            "/connectors",
            &sink_body("sink-{T}", "out.txt", r#","initial_state":"STOPPED""#),
        ),
    );
    s.wait_state("sink-{T}", "STOPPED", Some(NONE));
    s.check("get-never-run", get("/connectors/sink-{T}/offsets"));
    let alter = |p: &str, o: &str| format!(r#"{{"offsets":[{{"partition":{p},"offset":{o}}}]}}"#);
    s.check(
        "alter",
        patch(
            "/connectors/sink-{T}/offsets",
            &alter(
                r#"{"kafka_topic":"t-{T}","kafka_partition":0}"#,
                r#"{"kafka_offset":2}"#,
            ),
        ),
    );
    s.check("get-altered", get("/connectors/sink-{T}/offsets"));
    s.check(
        "alter-string-numbers",
        patch(
            "/connectors/sink-{T}/offsets",
            &alter(
                r#"{"kafka_topic":"t-{T}","kafka_partition":"0"}"#,
                r#"{"kafka_offset":"3"}"#,
            ),
        ),
    );
    s.check("get-altered-again", get("/connectors/sink-{T}/offsets"));
    s.check(
        "alter-missing-partition-key",
        patch(
            "/connectors/sink-{T}/offsets",
            &alter(r#"{"kafka_topic":"t-{T}"}"#, r#"{"kafka_offset":2}"#),
        ),
    );
    s.check(
        "alter-bad-offset-key",
        patch(
            "/connectors/sink-{T}/offsets",
            &alter(
                r#"{"kafka_topic":"t-{T}","kafka_partition":0}"#,
                r#"{"offset":2}"#,
            ),
        ),
    );
    s.check(
        "alter-bad-partition-value",
        patch(
            "/connectors/sink-{T}/offsets",
            &alter(
                r#"{"kafka_topic":"t-{T}","kafka_partition":"x"}"#,
                r#"{"kafka_offset":2}"#,
            ),
        ),
    );
    s.check(
        "alter-bad-offset-value",
        patch(
            "/connectors/sink-{T}/offsets",
            &alter(
                r#"{"kafka_topic":"t-{T}","kafka_partition":0}"#,
                r#"{"kafka_offset":"y"}"#,
            ),
        ),
    );
    s.check(
        "alter-negative-offset",
        patch(
            "/connectors/sink-{T}/offsets",
            &alter(
                r#"{"kafka_topic":"t-{T}","kafka_partition":0}"#,
                r#"{"kafka_offset":-1}"#,
            ),
        ),
    );
    s.check(
        "alter-null-offset",
        patch(
            "/connectors/sink-{T}/offsets",
            &alter(r#"{"kafka_topic":"t-{T}","kafka_partition":0}"#, "null"),
        ),
    );
    s.check("get-after-null-offset", get("/connectors/sink-{T}/offsets"));
    s.check(
        "alter-again",
        patch(
            "/connectors/sink-{T}/offsets",
            &alter(
                r#"{"kafka_topic":"t-{T}","kafka_partition":0}"#,
                r#"{"kafka_offset":2}"#,
            ),
        ),
    );
    s.check("reset", delete("/connectors/sink-{T}/offsets"));
    s.check("get-reset", get("/connectors/sink-{T}/offsets"));
    s.check("resume", bare("PUT", "/connectors/sink-{T}/resume"));
    s.wait(
        "sink committed offset 5",
        get("/connectors/sink-{T}/offsets"),
        Until::Equals("/offsets/0/offset/kafka_offset", json!(5)),
    );
    s.check("get-consumed", get("/connectors/sink-{T}/offsets"));
    s.check(
        "alter-running",
        patch(
            "/connectors/sink-{T}/offsets",
            &alter(
                r#"{"kafka_topic":"t-{T}","kafka_partition":0}"#,
                r#"{"kafka_offset":2}"#,
            ),
        ),
    );
    s.delete_connectors(&["src-{T}", "sink-{T}"]);
    Scenario {
        name: "offsets-sink",
        about: "sink offsets: created STOPPED, alter/reset, malformed partitions and offsets",
        reference: Reference::Both,
        steps: s.0,
    }
}

fn offsets_non_ascii() -> Scenario {
    let mut s = Steps::new();
    // 3 lines, 15 characters, 18 bytes in UTF-8.
    s.write("in.txt", "héllo\nwörld\nçà\n");
    s.run(post("/connectors", &source_body("src-{T}", "", "")));
    s.wait(
        "source offsets recorded",
        get("/connectors/src-{T}/offsets"),
        Until::NonEmpty("/offsets"),
    );
    s.sleep(2500);
    s.check("get", get("/connectors/src-{T}/offsets"));
    s.delete_connectors(&["src-{T}"]);
    Scenario {
        name: "offsets-non-ascii",
        about: "FileStreamSource offsets for non-ASCII text (positions)",
        reference: Reference::Both,
        steps: s.0,
    }
}

fn topics() -> Scenario {
    let mut s = Steps::new();
    s.write("in.txt", INPUT);
    s.run(post("/connectors", &source_body("src-{T}", "", "")));
    s.wait(
        "source topic recorded",
        get("/connectors/src-{T}/topics"),
        Until::NonEmpty("/src-{T}/topics"),
    );
    s.check("get-source", get("/connectors/src-{T}/topics"));
    s.run(post("/connectors", &sink_body("sink-{T}", "out.txt", "")));
    s.wait(
        "sink topic recorded",
        get("/connectors/sink-{T}/topics"),
        Until::NonEmpty("/sink-{T}/topics"),
    );
    s.check("get-sink", get("/connectors/sink-{T}/topics"));
    s.check(
        "reset-running",
        bare("PUT", "/connectors/src-{T}/topics/reset"),
    );
    s.sleep(1500);
    s.check("get-after-reset", get("/connectors/src-{T}/topics"));
    s.run(bare("PUT", "/connectors/sink-{T}/stop"));
    s.wait_state("sink-{T}", "STOPPED", Some(NONE));
    s.check(
        "reset-stopped",
        bare("PUT", "/connectors/sink-{T}/topics/reset"),
    );
    s.sleep(1500);
    s.check(
        "get-after-reset-stopped",
        get("/connectors/sink-{T}/topics"),
    );
    s.check("get-unknown", get("/connectors/nope-{T}/topics"));
    s.check(
        "reset-unknown",
        bare("PUT", "/connectors/nope-{T}/topics/reset"),
    );
    s.delete_connectors(&["src-{T}", "sink-{T}"]);
    Scenario {
        name: "topics",
        about: "GET /connectors/{c}/topics and PUT /connectors/{c}/topics/reset",
        reference: Reference::Distributed,
        steps: s.0,
    }
}

fn loggers() -> Scenario {
    let mut s = Steps::new();
    let ns = "/admin/loggers/org.example.compat.{T}";
    let own_loggers = Norm::DropOtherRuns("", "org.example.compat");
    s.check("get-all", get("/admin/loggers"))
        .norm(own_loggers.clone());
    s.check("get-root", get("/admin/loggers/root"));
    s.check("get-root-upper-case", get("/admin/loggers/ROOT"));
    s.check("get-unknown", get(ns));
    s.check("put", put(ns, r#"{"level":"DEBUG"}"#));
    s.check("get-after-put", get(ns));
    s.check(
        "put-child",
        put(
            "/admin/loggers/org.example.compat.{T}.child",
            r#"{"level":"TRACE"}"#,
        ),
    );
    s.check("put-parent", put(ns, r#"{"level":"INFO"}"#));
    s.check(
        "get-child",
        get("/admin/loggers/org.example.compat.{T}.child"),
    );
    s.check(
        "get-unset-descendant",
        get("/admin/loggers/org.example.compat.{T}.child.x"),
    );
    s.check("put-lower-case-level", put(ns, r#"{"level":"warn"}"#));
    s.check("get-after-lower-case", get(ns));
    s.check("put-invalid-level", put(ns, r#"{"level":"NOPE"}"#));
    s.check("put-missing-level", put(ns, "{}"));
    s.check("put-malformed-json", put(ns, "{\"level\":"));
    s.check(
        "put-cluster-scope",
        put(&format!("{ns}?scope=cluster"), r#"{"level":"ERROR"}"#),
    );
    s.sleep(1000);
    s.check("get-after-cluster-scope", get(ns));
    s.check(
        "put-unknown-scope",
        put(&format!("{ns}?scope=galaxy"), r#"{"level":"DEBUG"}"#),
    );
    s.check("get-all-after", get("/admin/loggers"))
        .norm(own_loggers);
    Scenario {
        name: "loggers",
        about: "GET/PUT /admin/loggers",
        reference: Reference::Distributed,
        steps: s.0,
    }
}

fn errors() -> Scenario {
    let mut s = Steps::new();
    s.write("in.txt", INPUT);
    s.check("malformed-json", post("/connectors", "{\"name\":"));
    s.check("missing-config", post("/connectors", r#"{"name":"x-{T}"}"#));
    s.check("empty-body", post("/connectors", ""));
    s.check("array-body", post("/connectors", "[]"));
    s.check(
        "config-not-object",
        post("/connectors", r#"{"name":"x-{T}","config":"a"}"#),
    );
    s.check(
        "config-value-number",
        post(
            "/connectors",
            r#"{"name":"num-{T}","config":{"connector.class":"FileStreamSource","file":"{DIR}/in.txt","topic":"t-{T}","tasks.max":1}}"#,
        ),
    )
    .reference(Reference::Standalone, STANDALONE_TASKS);
    s.check("trailing-slash", get("/connectors/"))
        .only_token("");
    s.check(
        "wrong-media-type",
        raw(
            "POST",
            "/connectors",
            Some("text/plain"),
            &source_body("x-{T}", "", ""),
        ),
    );
    s.check(
        "no-media-type",
        raw("POST", "/connectors", None, &source_body("x-{T}", "", "")),
    );
    s.check("unknown-path", get("/nope"));
    s.check("unknown-sub-path", get("/connectors/x-{T}/nope"));
    s.check(
        "tasks-config-removed",
        get("/connectors/x-{T}/tasks-config"),
    );
    s.check("wrong-method-plugins", delete("/connector-plugins"));
    s.check("wrong-method-connectors", put("/connectors", "{}"));
    s.check("wrong-method-root", bare("POST", "/"));
    s.check("wrong-method-status", delete("/connectors/x-{T}/status"));
    s.check("wrong-method-restart", get("/connectors/x-{T}/restart"));
    s.check(
        "forward-param-create",
        post("/connectors?forward=true", &source_body("fwd-{T}", "", "")),
    )
    .reference(Reference::Standalone, STANDALONE_TASKS);
    s.wait_state("fwd-{T}", "RUNNING", Some(RUNNING1));
    s.check(
        "forward-param-delete",
        delete("/connectors/fwd-{T}?forward=false"),
    );
    s.check("get-unknown-connector", get("/connectors/nope-{T}"));
    s.check("delete-unknown-connector", delete("/connectors/nope-{T}"));
    s.delete_connectors(&["num-{T}", "x-{T}"]);
    Scenario {
        name: "errors",
        about: "malformed bodies, media types, unknown paths, wrong methods, unknown connectors",
        reference: Reference::Distributed,
        steps: s.0,
    }
}

fn delete_connector() -> Scenario {
    let mut s = Steps::new();
    s.write("in.txt", INPUT);
    s.run(post("/connectors", &source_body("src-{T}", "", "")));
    s.wait_state("src-{T}", "RUNNING", Some(RUNNING1));
    s.check("delete", delete("/connectors/src-{T}"));
    s.check("get-deleted", get("/connectors/src-{T}"));
    s.check("status-deleted", get("/connectors/src-{T}/status"))
        .reference(
            Reference::Standalone,
            "Kafka's distributed worker serves the last status (UNASSIGNED, type unknown) \
             until its status topic has caught up with the deletion",
        );
    s.check("delete-again", delete("/connectors/src-{T}"));
    s.check("list-after-delete", get("/connectors"))
        .only_token("");
    Scenario {
        name: "delete",
        about: "DELETE /connectors/{c}",
        reference: Reference::Distributed,
        steps: s.0,
    }
}
