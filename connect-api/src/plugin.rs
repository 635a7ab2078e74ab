//! What a plugin registry entry is. Native plugins are listed in `native-connectors`;
//! the JVM bridge adds entries for jars on `plugin.path`.

use std::sync::Arc;

use crate::config::Props;
use crate::connector::{Connector, SinkTask, SourceTask};
use crate::converter::{Converter, HeaderConverter};
use crate::transforms::{Predicate, Transformation};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PluginType {
    Source,
    Sink,
    Converter,
    HeaderConverter,
    Transformation,
    Predicate,
}

impl PluginType {
    /// The `type` string of `/connector-plugins`.
    pub fn name(self) -> &'static str {
        match self {
            PluginType::Source => "source",
            PluginType::Sink => "sink",
            PluginType::Converter => "converter",
            PluginType::HeaderConverter => "header_converter",
            PluginType::Transformation => "transformation",
            PluginType::Predicate => "predicate",
        }
    }

    /// The suffix Kafka strips to build the short alias.
    pub fn alias_suffix(self) -> &'static str {
        match self {
            PluginType::Source | PluginType::Sink => "Connector",
            PluginType::Converter => "Converter",
            PluginType::HeaderConverter => "HeaderConverter",
            PluginType::Transformation => "Transformation",
            PluginType::Predicate => "Predicate",
        }
    }
}

/// What a hosted task needs besides its own config: the host builds converters and SMTs the
/// way Kafka's `Worker` does, from the connector and worker configs.
pub struct HostedTaskSpec<'a> {
    pub connector: &'a str,
    pub task_id: u32,
    pub task_class: &'a str,
    pub connector_config: &'a Props,
    pub worker_config: &'a Props,
}

/// A connector hosted outside Rust (the JVM bridge): it makes the connector and, by the task
/// class the connector names, its tasks. Every call makes a new instance, as Kafka does.
pub trait HostedConnector: Send + Sync {
    fn connector(&self) -> Box<dyn Connector>;
    fn source_task(&self, spec: &HostedTaskSpec<'_>) -> Box<dyn SourceTask>;
    fn sink_task(&self, spec: &HostedTaskSpec<'_>) -> Box<dyn SinkTask>;
}

/// How to make a fresh instance of a plugin. Native plugins are plain function pointers:
/// every start gets a new instance, as Kafka does.
#[derive(Clone)]
pub enum PluginFactory {
    Connector(fn() -> Box<dyn Connector>),
    SourceTask(fn() -> Box<dyn SourceTask>),
    SinkTask(fn() -> Box<dyn SinkTask>),
    Converter(fn() -> Box<dyn Converter>),
    HeaderConverter(fn() -> Box<dyn HeaderConverter>),
    Transformation(fn() -> Box<dyn Transformation>),
    Predicate(fn() -> Box<dyn Predicate>),
    /// A connector whose instances and tasks come from a host runtime.
    HostedConnector(Arc<dyn HostedConnector>),
    /// A converter, transformation or predicate that only runs inside its host runtime: a
    /// hosted connector applies it there; native connectors can't use it.
    Hosted,
}

/// One registry entry. Tasks have `plugin_type: None`: they are found by `task.class`
/// but never listed.
#[derive(Clone)]
pub struct PluginDesc {
    pub class: &'static str,
    pub plugin_type: Option<PluginType>,
    pub version: &'static str,
    pub factory: PluginFactory,
}

impl std::fmt::Debug for PluginDesc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginDesc")
            .field("class", &self.class)
            .field("plugin_type", &self.plugin_type)
            .field("version", &self.version)
            .finish()
    }
}
