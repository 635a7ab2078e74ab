//! `JvmConnector`: a Kafka `Connector` instance in the JVM, driven from its own thread.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use connect_api::config::DefaultValue;
use connect_api::{
    ConfigDef, ConfigKey, ConfigType, ConfigValue, ConnectError, ConnectResult, Connector,
    ConnectorContext, ConnectorType, Importance, OffsetsToAlter, Props, Width,
};
use serde::Deserialize;
use serde_json::{json, Value as Json};

use crate::error::{BridgeError, JavaError};
use crate::host::{host, intern};
use crate::runtime::{call_handle, call_str, handle_of, JvmThread};

/// How often a running connector's context events (`requestTaskReconfiguration`,
/// `raiseError`) are collected.
const EVENT_POLL: Duration = Duration::from_secs(1);

pub struct JvmConnector {
    class: &'static str,
    version: &'static str,
    connector_type: ConnectorType,
    instance: Option<Instance>,
    task_class: &'static str,
}

struct Instance {
    thread: Arc<JvmThread>,
    handle: i64,
    events: Option<tokio::task::JoinHandle<()>>,
}

impl JvmConnector {
    pub fn new(class: &'static str, version: &'static str, connector_type: ConnectorType) -> Self {
        JvmConnector {
            class,
            version,
            connector_type,
            instance: None,
            task_class: "",
        }
    }

    fn instance(&self) -> ConnectResult<&Instance> {
        self.instance.as_ref().ok_or_else(|| {
            ConnectError::connect(format!("connector {} is not started", self.class))
        })
    }

    async fn call(&self, op: &'static str, input: Json) -> ConnectResult<Json> {
        let inst = self.instance()?;
        let handle = inst.handle;
        let input = input.to_string();
        let answer = inst
            .thread
            .call(move |env, bridge| call_handle(env, bridge, "connectorCall", handle, op, &input))
            .await??;
        Ok(answer)
    }

    /// A throwaway instance on the control thread, for validation without a start (Kafka
    /// also validates on an instance that is never started).
    fn with_temp_instance(&self, op: &'static str, input: Json) -> Result<Json, BridgeError> {
        let host = host()?;
        let create = json!({"connector": "validate", "class": self.class}).to_string();
        let input = input.to_string();
        host.control.call_blocking(move |env, bridge| {
            let created = call_str(env, bridge, "connectorCreate", &create)?;
            let handle = handle_of("connectorCreate", &created)?;
            let r = call_handle(env, bridge, "connectorCall", handle, op, &input);
            let _ = call_handle(env, bridge, "connectorCall", handle, "release", "{}");
            r
        })?
    }
}

impl Drop for JvmConnector {
    fn drop(&mut self) {
        if let Some(inst) = self.instance.take() {
            if let Some(e) = inst.events {
                e.abort();
            }
            let handle = inst.handle;
            // Queued behind whatever runs; the thread ends once the last sender is gone.
            drop(inst.thread.call(move |env, bridge| {
                let _ = call_handle(env, bridge, "connectorCall", handle, "release", "{}");
            }));
        }
    }
}

#[derive(Deserialize)]
struct KeyJson {
    name: String,
    #[serde(rename = "type")]
    config_type: String,
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    has_default: bool,
    #[serde(default)]
    importance: String,
    #[serde(default)]
    documentation: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default = "minus_one")]
    order_in_group: i32,
    #[serde(default)]
    width: String,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    dependents: Vec<String>,
}

fn minus_one() -> i32 {
    -1
}

impl KeyJson {
    fn into_key(self) -> ConfigKey {
        let config_type = match self.config_type.as_str() {
            "BOOLEAN" => ConfigType::Boolean,
            "INT" => ConfigType::Int,
            "SHORT" => ConfigType::Short,
            "LONG" => ConfigType::Long,
            "DOUBLE" => ConfigType::Double,
            "LIST" => ConfigType::List,
            "CLASS" => ConfigType::Class,
            "PASSWORD" => ConfigType::Password,
            _ => ConfigType::String,
        };
        let importance = match self.importance.as_str() {
            "HIGH" => Importance::High,
            "MEDIUM" => Importance::Medium,
            _ => Importance::Low,
        };
        let width = match self.width.as_str() {
            "SHORT" => Width::Short,
            "MEDIUM" => Width::Medium,
            "LONG" => Width::Long,
            _ => Width::None,
        };
        let mut key = ConfigKey::new(
            &self.name,
            config_type,
            importance,
            self.documentation.as_deref().unwrap_or_default(),
        );
        key.default = match (self.has_default, self.default) {
            (false, _) => DefaultValue::Required,
            (true, None) => DefaultValue::Null,
            (true, Some(v)) => DefaultValue::Value(v),
        };
        key.group = self.group;
        key.order_in_group = self.order_in_group;
        key.width = width;
        key.display_name = self.display_name.unwrap_or_else(|| self.name.clone());
        key.dependents = self.dependents;
        key
    }
}

/// The protocol's `config_keys` list as a `ConfigDef` (Java validates; Rust only describes).
pub fn config_def_from(keys: &Json) -> ConfigDef {
    let mut def = ConfigDef::new();
    if let Some(list) = keys.as_array() {
        for k in list {
            match serde_json::from_value::<KeyJson>(k.clone()) {
                Ok(k) => def.add(k.into_key()),
                Err(e) => {
                    tracing::warn!(error = %e, key = %k, "unreadable config key from the JVM")
                }
            }
        }
    }
    def
}

#[derive(Deserialize)]
struct ValueJson {
    name: String,
    #[serde(default)]
    value: Option<Json>,
    #[serde(default)]
    recommended_values: Vec<Json>,
    #[serde(default)]
    errors: Vec<String>,
    #[serde(default = "yes")]
    visible: bool,
}

fn yes() -> bool {
    true
}

fn json_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn offsets_json(ctx: &dyn ConnectorContext) -> Json {
    let entries = ctx
        .offset_storage_reader()
        .map(|r| r.snapshot())
        .unwrap_or_default();
    offset_entries(entries)
}

pub fn offset_entries(entries: Vec<(connect_api::SourceMap, connect_api::SourceMap)>) -> Json {
    Json::Array(
        entries
            .into_iter()
            .map(|(p, o)| json!({"partition": p, "offset": o}))
            .collect(),
    )
}

fn unavailable(e: BridgeError) -> ConnectError {
    ConnectError::from(e)
}

#[async_trait]
impl Connector for JvmConnector {
    fn connector_type(&self) -> ConnectorType {
        self.connector_type
    }

    fn version(&self) -> String {
        self.version.to_string()
    }

    fn config_def(&self) -> ConfigDef {
        let input = json!({"class": self.class, "type": self.connector_type.name()}).to_string();
        let answer = host().and_then(|h| {
            h.control
                .call_blocking(move |env, bridge| call_str(env, bridge, "pluginConfig", &input))?
        });
        match answer {
            Ok(a) => config_def_from(&a["config_keys"]),
            Err(e) => {
                tracing::warn!(class = self.class, error = %e, "no config definition from the JVM");
                ConfigDef::new()
            }
        }
    }

    fn validate(&self, props: &Props) -> Vec<ConfigValue> {
        match self.with_temp_instance("validate", json!({ "props": props })) {
            Ok(a) => a["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| serde_json::from_value::<ValueJson>(v.clone()).ok())
                .map(|v| ConfigValue {
                    name: v.name,
                    value: v.value.filter(|v| !v.is_null()).map(|v| json_text(&v)),
                    recommended_values: v.recommended_values.iter().map(json_text).collect(),
                    errors: v.errors,
                    visible: v.visible,
                })
                .collect(),
            Err(e) => {
                let mut v = ConfigValue::new("connector.class", Some(self.class.to_string()));
                v.errors
                    .push(format!("Failed to validate with the JVM connector: {e}"));
                vec![v]
            }
        }
    }

    async fn start(
        &mut self,
        context: Arc<dyn ConnectorContext>,
        props: Props,
    ) -> ConnectResult<()> {
        if self.instance.is_none() {
            let host = host().map_err(unavailable)?;
            let name = props.get("name").cloned().unwrap_or_default();
            let thread = Arc::new(
                JvmThread::spawn(host.jvm.clone(), format!("connector-{name}"))
                    .map_err(unavailable)?,
            );
            let create = json!({"connector": name, "class": self.class}).to_string();
            let created = thread
                .call(move |env, bridge| call_str(env, bridge, "connectorCreate", &create))
                .await??;
            let handle = handle_of("connectorCreate", &created)?;
            self.instance = Some(Instance {
                thread,
                handle,
                events: None,
            });
        }
        let offsets = offsets_json(context.as_ref());
        self.call("start", json!({"props": props, "offsets": offsets}))
            .await?;
        let inst = self
            .instance
            .as_mut()
            .ok_or_else(|| ConnectError::connect("gone"))?;
        let thread = Arc::downgrade(&inst.thread);
        let handle = inst.handle;
        inst.events = Some(tokio::spawn(async move {
            loop {
                tokio::time::sleep(EVENT_POLL).await;
                let Some(t) = thread.upgrade() else { return };
                let answer = t
                    .call(move |env, bridge| {
                        call_handle(
                            env,
                            bridge,
                            "connectorCall",
                            handle,
                            "events",
                            r#"{"timeout_ms":0}"#,
                        )
                    })
                    .await;
                drop(t);
                let Ok(Ok(events)) = answer else { return };
                for e in events.as_array().into_iter().flatten() {
                    match e["type"].as_str() {
                        Some("request_task_reconfiguration") => {
                            context.request_task_reconfiguration()
                        }
                        Some("raise_error") => {
                            let err = serde_json::from_value::<JavaError>(e["error"].clone())
                                .map(JavaError::into_connect)
                                .unwrap_or_else(|_| ConnectError::connect(e.to_string()));
                            context.raise_error(err)
                        }
                        _ => tracing::warn!(event = %e, "unknown connector event from the JVM"),
                    }
                }
            }
        }));
        Ok(())
    }

    fn task_class(&self) -> &'static str {
        self.task_class
    }

    async fn task_configs(&mut self, max_tasks: usize) -> ConnectResult<Vec<Props>> {
        let a = self
            .call("task_configs", json!({ "max_tasks": max_tasks }))
            .await?;
        if let Some(c) = a["task_class"].as_str() {
            self.task_class = intern(c);
        }
        let configs = a["configs"]
            .as_array()
            .ok_or_else(|| ConnectError::connect(format!("no task configs in {a}")))?;
        Ok(configs
            .iter()
            .map(|c| {
                c.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), json_text(v)))
                    .collect()
            })
            .collect())
    }

    async fn stop(&mut self) -> ConnectResult<()> {
        if let Some(e) = self.instance.as_mut().and_then(|i| i.events.take()) {
            e.abort();
        }
        if self.instance.is_some() {
            self.call("stop", json!({})).await?;
        }
        Ok(())
    }

    fn alter_offsets(&self, config: &Props, offsets: &OffsetsToAlter) -> ConnectResult<bool> {
        let input = match offsets {
            OffsetsToAlter::Source(entries) => json!({
                "props": config,
                "source": entries.iter().map(|(p, o)| json!({"partition": p, "offset": o})).collect::<Vec<_>>(),
            }),
            OffsetsToAlter::Sink(entries) => json!({
                "props": config,
                "sink": entries.iter().map(|(tp, o)| json!({"topic": tp.topic, "partition": tp.partition, "offset": o})).collect::<Vec<_>>(),
            }),
        };
        let a = self
            .with_temp_instance("alter_offsets", input)
            .map_err(ConnectError::from)?;
        Ok(a.as_bool().unwrap_or(false))
    }
}
