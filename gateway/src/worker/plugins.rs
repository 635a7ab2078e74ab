//! The plugin registry (Kafka's `Plugins` + `DelegatingClassLoader` aliasing): native plugins
//! and, later, JVM plugins from `plugin.path`, found by class name or alias.

use connect_api::{
    Connector, Converter, HeaderConverter, HostedTaskSpec, PluginDesc, PluginFactory, PluginType,
    Predicate, Props, SinkTask, SourceTask, Transformation,
};

use crate::herder::PluginInfo;

#[derive(Debug, Clone)]
pub struct Plugins {
    descs: Vec<PluginDesc>,
}

/// `Class.getSimpleName()`: a nested class (`Cast$Value`) is known by its own name (`Value`).
fn simple_name(class: &str) -> &str {
    class.rsplit(['.', '$']).next().unwrap_or(class)
}

/// Plugins a Kafka worker always finds on its class path but never serves over REST: its
/// config providers and client config override policies. Their names resolve, so asking for
/// their config definition is a 400 ("Invalid plugin class") rather than a 404. Each comes
/// with the suffix Kafka strips from it to make its short alias.
const NON_REST_PLUGINS: &[(&str, &str)] = &[
    (
        "org.apache.kafka.common.config.provider.FileConfigProvider",
        "ConfigProvider",
    ),
    (
        "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
        "ConfigProvider",
    ),
    (
        "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
        "ConfigProvider",
    ),
    (
        "org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy",
        "ConnectorClientConfigOverridePolicy",
    ),
    (
        "org.apache.kafka.connect.connector.policy.NoneConnectorClientConfigOverridePolicy",
        "ConnectorClientConfigOverridePolicy",
    ),
    (
        "org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy",
        "ConnectorClientConfigOverridePolicy",
    ),
    (
        "org.apache.kafka.connect.connector.policy.AllowlistConnectorClientConfigOverridePolicy",
        "ConnectorClientConfigOverridePolicy",
    ),
];

/// `PluginUtils.prunedName`: the simple name cut at the last occurrence of the type suffix
/// (not only at the end), unless that would leave nothing.
fn pruned_name<'a>(class: &'a str, suffix: &str) -> &'a str {
    let simple = simple_name(class);
    match simple.rfind(suffix) {
        Some(pos) if pos > 0 => &simple[..pos],
        _ => simple,
    }
}

/// Connector key choosing between a native and a JVM implementation of the same class.
pub const RUNTIME_KEY: &str = "connector.runtime";

fn hosted_only(class: &str) -> String {
    format!("{class} is a JVM plugin from plugin.path: only JVM connectors can use it")
}

/// What a class name resolves to when a Kafka worker loads it by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolvedClass {
    /// A registered plugin (a class can be a converter and a header converter at once).
    Plugin(&'static str),
    /// A plugin type the REST API does not serve.
    NonRest(&'static str),
}

impl ResolvedClass {
    pub fn class(&self) -> &'static str {
        match self {
            ResolvedClass::Plugin(c) => c,
            ResolvedClass::NonRest(c) => c,
        }
    }
}

impl Plugins {
    pub fn new(descs: Vec<PluginDesc>) -> Self {
        Plugins { descs }
    }

    /// Native plugins plus whatever the JVM bridge finds on `plugin.path`.
    pub fn discover(plugin_path: &[std::path::PathBuf], worker: &Props) -> Self {
        let mut descs = native_connectors::plugins();
        descs.extend(jvm_bridge::discover(plugin_path, worker));
        Plugins::new(descs)
    }

    fn of_types<'a>(
        &'a self,
        types: &'a [PluginType],
    ) -> impl Iterator<Item = &'a PluginDesc> + 'a {
        self.descs
            .iter()
            .filter(move |d| d.plugin_type.is_some_and(|t| types.contains(&t)))
    }

    /// Resolves a class name the way a Kafka worker's plugin class loader does for
    /// `/connector-plugins/{p}/config` and for CLASS-typed config values: the exact class
    /// name, or an alias. Aliases (Kafka's `PluginUtils.computeAliases`) are the simple name
    /// and the simple name without its type suffix of every plugin of every type, kept only
    /// where exactly one class claims them: `Json` is JsonConverter, but `Value` (the simple
    /// name of every `$Value` SMT) is nothing, so nested classes have no alias.
    pub fn resolve_class(&self, name: &str) -> Option<ResolvedClass> {
        if let Some(d) = self
            .descs
            .iter()
            .find(|d| d.class == name && d.plugin_type.is_some())
        {
            return Some(ResolvedClass::Plugin(d.class));
        }
        if let Some((c, _)) = NON_REST_PLUGINS.iter().find(|(c, _)| *c == name) {
            return Some(ResolvedClass::NonRest(c));
        }
        let mut claimed: Vec<ResolvedClass> = Vec::new();
        let mut claim = |alias: &str, class: ResolvedClass| {
            if alias == name && !claimed.contains(&class) {
                claimed.push(class);
            }
        };
        for d in &self.descs {
            let Some(t) = d.plugin_type else { continue };
            let class = ResolvedClass::Plugin(d.class);
            claim(simple_name(d.class), class);
            claim(pruned_name(d.class, t.alias_suffix()), class);
        }
        for (c, suffix) in NON_REST_PLUGINS {
            let class = ResolvedClass::NonRest(c);
            claim(simple_name(c), class);
            claim(pruned_name(c, suffix), class);
        }
        match claimed.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// Whether `class` (a full name) is registered as a plugin of type `t`.
    pub fn is_of_type(&self, class: &str, t: PluginType) -> bool {
        self.descs
            .iter()
            .any(|d| d.class == class && d.plugin_type == Some(t))
    }

    /// The version of `class` as a plugin of type `t`, if it is one.
    pub fn version_of(&self, class: &str, t: PluginType) -> Option<&'static str> {
        self.descs
            .iter()
            .find(|d| d.class == class && d.plugin_type == Some(t))
            .map(|d| d.version)
    }

    /// Every class registered with type `t`, sorted (what Kafka recommends for a plugin key).
    pub fn classes_of(&self, t: PluginType) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self
            .descs
            .iter()
            .filter(|d| d.plugin_type == Some(t))
            .map(|d| d.class)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Finds a plugin by FQCN, simple name, or simple name without the type suffix
    /// (`FileStreamSource`), refusing ambiguous aliases as Kafka does.
    pub fn resolve<'a>(
        &'a self,
        name: &str,
        types: &'a [PluginType],
    ) -> Result<&'a PluginDesc, String> {
        let name = name.trim();
        if let Some(d) = self.of_types(types).find(|d| d.class == name) {
            return Ok(d);
        }
        let matches: Vec<&PluginDesc> = self
            .of_types(types)
            .filter(|d| {
                let simple = simple_name(d.class);
                let suffix = d.plugin_type.map(PluginType::alias_suffix).unwrap_or("");
                simple == name || simple.strip_suffix(suffix) == Some(name)
            })
            .collect();
        let mut matches = matches;
        // The same class from two runtimes (native and JVM) is one class, not an ambiguity.
        matches.dedup_by(|a, b| a.class == b.class);
        match matches.as_slice() {
            [one] => Ok(one),
            [] => Err(self.not_found_message(name, types)),
            many => Err(format!(
                "More than one class matches the alias {name}: {}. Please use the fully qualified class name.",
                many.iter().map(|d| d.class).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    fn not_found_message(&self, name: &str, types: &[PluginType]) -> String {
        let what = match types.first() {
            Some(PluginType::Source | PluginType::Sink) => "Connector",
            Some(PluginType::Converter) => "Converter",
            Some(PluginType::HeaderConverter) => "HeaderConverter",
            Some(PluginType::Transformation) => "Transformation",
            Some(PluginType::Predicate) => "Predicate",
            None => "plugin",
        };
        let mut available: Vec<&str> = self.of_types(types).map(|d| d.class).collect();
        available.sort_unstable();
        available.dedup();
        let closest = available
            .iter()
            .map(|c| {
                let simple = simple_name(c);
                let alias = types
                    .iter()
                    .find_map(|t| simple.strip_suffix(t.alias_suffix()))
                    .unwrap_or(simple);
                let d = [c, simple, alias]
                    .iter()
                    .map(|candidate| strsim::levenshtein(candidate, name))
                    .min()
                    .unwrap_or(usize::MAX);
                (d, *c)
            })
            .filter(|(d, c)| *d <= (simple_name(c).len() / 2).max(3))
            .min();
        let hint = closest
            .map(|(_, c)| format!(" Did you mean {c}?"))
            .unwrap_or_default();
        format!(
            "Failed to find any class that implements {what} and which name matches {name}.{hint} Available: {}",
            available.join(", ")
        )
    }

    /// The connector registered under `class` (or an alias), in the runtime
    /// `connector.runtime` asks for (`native` or `jvm`); without it a native implementation
    /// wins over a JVM one of the same class.
    pub fn connector_desc(
        &self,
        class: &str,
        runtime: Option<&str>,
    ) -> Result<&PluginDesc, String> {
        const TYPES: &[PluginType] = &[PluginType::Source, PluginType::Sink];
        let first = self.resolve(class, TYPES)?;
        let is_jvm = |d: &&PluginDesc| matches!(d.factory, PluginFactory::HostedConnector(_));
        let mut same = self.of_types(TYPES).filter(|d| d.class == first.class);
        let found = match runtime.map(|r| r.trim().to_ascii_lowercase()).as_deref() {
            None | Some("") => return Ok(first),
            Some("jvm") => same.find(is_jvm),
            Some("native") => same.find(|d| !is_jvm(d)),
            Some(other) => {
                return Err(format!(
                "Invalid value {other} for configuration {RUNTIME_KEY}: must be one of native, jvm"
            ))
            }
        };
        found.ok_or_else(|| {
            format!(
                "{} has no {} implementation in this worker",
                first.class,
                runtime.unwrap_or_default()
            )
        })
    }

    pub fn connector(
        &self,
        class: &str,
        runtime: Option<&str>,
    ) -> Result<(Box<dyn Connector>, &PluginDesc), String> {
        let d = self.connector_desc(class, runtime)?;
        match &d.factory {
            PluginFactory::Connector(f) => Ok((f(), d)),
            PluginFactory::HostedConnector(h) => Ok((h.connector(), d)),
            _ => Err(format!("{class} is not a connector")),
        }
    }

    /// Source or sink, read from the registry without instantiating the connector.
    pub fn connector_type(&self, class: &str) -> Option<connect_api::ConnectorType> {
        match self
            .resolve(class, &[PluginType::Source, PluginType::Sink])
            .ok()?
            .plugin_type?
        {
            PluginType::Source => Some(connect_api::ConnectorType::Source),
            PluginType::Sink => Some(connect_api::ConnectorType::Sink),
            _ => None,
        }
    }

    /// A new source task: from the connector's host for hosted connectors, else the native
    /// task registered under the task class.
    pub fn source_task(&self, spec: &HostedTaskSpec<'_>) -> Result<Box<dyn SourceTask>, String> {
        if let Some(h) = self.hosted(spec.connector_config) {
            return Ok(h.source_task(spec));
        }
        match self
            .descs
            .iter()
            .find(|d| d.class == spec.task_class)
            .map(|d| &d.factory)
        {
            Some(PluginFactory::SourceTask(f)) => Ok(f()),
            _ => Err(format!("Unknown source task class {}", spec.task_class)),
        }
    }

    pub fn sink_task(&self, spec: &HostedTaskSpec<'_>) -> Result<Box<dyn SinkTask>, String> {
        if let Some(h) = self.hosted(spec.connector_config) {
            return Ok(h.sink_task(spec));
        }
        match self
            .descs
            .iter()
            .find(|d| d.class == spec.task_class)
            .map(|d| &d.factory)
        {
            Some(PluginFactory::SinkTask(f)) => Ok(f()),
            _ => Err(format!("Unknown sink task class {}", spec.task_class)),
        }
    }

    fn hosted(&self, connector_config: &Props) -> Option<&dyn connect_api::HostedConnector> {
        let class = connector_config.get("connector.class")?;
        let runtime = connector_config.get(RUNTIME_KEY).map(String::as_str);
        match &self.connector_desc(class, runtime).ok()?.factory {
            PluginFactory::HostedConnector(h) => Some(h.as_ref()),
            _ => None,
        }
    }

    pub fn converter(&self, class: &str) -> Result<Box<dyn Converter>, String> {
        match &self.resolve(class, &[PluginType::Converter])?.factory {
            PluginFactory::Converter(f) => Ok(f()),
            PluginFactory::Hosted => Err(hosted_only(class)),
            _ => Err(format!("{class} is not a Converter")),
        }
    }

    pub fn header_converter(&self, class: &str) -> Result<Box<dyn HeaderConverter>, String> {
        match &self.resolve(class, &[PluginType::HeaderConverter])?.factory {
            PluginFactory::HeaderConverter(f) => Ok(f()),
            PluginFactory::Hosted => Err(hosted_only(class)),
            _ => Err(format!("{class} is not a HeaderConverter")),
        }
    }

    pub fn transformation(&self, class: &str) -> Result<Box<dyn Transformation>, String> {
        match &self.resolve(class, &[PluginType::Transformation])?.factory {
            PluginFactory::Transformation(f) => Ok(f()),
            PluginFactory::Hosted => Err(hosted_only(class)),
            _ => Err(format!("{class} is not a Transformation")),
        }
    }

    pub fn predicate(&self, class: &str) -> Result<Box<dyn Predicate>, String> {
        match &self.resolve(class, &[PluginType::Predicate])?.factory {
            PluginFactory::Predicate(f) => Ok(f()),
            PluginFactory::Hosted => Err(hosted_only(class)),
            _ => Err(format!("{class} is not a Predicate")),
        }
    }

    /// `/connector-plugins` entries, sorted by class then type.
    pub fn infos(&self, connectors_only: bool) -> Vec<PluginInfo> {
        let mut out: Vec<PluginInfo> = self
            .descs
            .iter()
            .filter_map(|d| {
                let t = d.plugin_type?;
                if connectors_only && !matches!(t, PluginType::Source | PluginType::Sink) {
                    return None;
                }
                Some(PluginInfo {
                    class: d.class.to_string(),
                    plugin_type: t.name().to_string(),
                    version: (d.version != "undefined").then(|| d.version.to_string()),
                })
            })
            .collect();
        out.sort_by(|a, b| (&a.class, &a.plugin_type).cmp(&(&b.class, &b.plugin_type)));
        out
    }

    pub fn extend(&mut self, more: Vec<PluginDesc>) {
        self.descs.extend(more);
    }

    pub fn descs(&self) -> &[PluginDesc] {
        &self.descs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plugins() -> Plugins {
        Plugins::new(native_connectors::plugins())
    }

    #[test]
    fn aliases_follow_kafkas_rules() {
        let p = plugins();
        let class = |name: &str| p.resolve_class(name).map(|r| r.class().to_string());
        let cast = "org.apache.kafka.connect.transforms.Cast$Value";
        assert_eq!(class(cast).as_deref(), Some(cast));
        // Nested classes have no alias: their simple names (`Value`) collide.
        assert_eq!(class("Cast$Value"), None);
        assert_eq!(class("Value"), None);
        assert_eq!(class("Cast"), None);
        // Simple name and pruned name of top-level classes.
        assert_eq!(
            class("Filter").as_deref(),
            Some("org.apache.kafka.connect.transforms.Filter")
        );
        assert_eq!(
            class("Regex"),
            None,
            "RegexRouter has no Transformation suffix"
        );
        assert_eq!(
            class("Json").as_deref(),
            Some("org.apache.kafka.connect.json.JsonConverter")
        );
        assert_eq!(
            class("Simple").as_deref(),
            Some("org.apache.kafka.connect.storage.SimpleHeaderConverter")
        );
        assert_eq!(class("SimpleHeader"), None);
        assert_eq!(
            class("FileStreamSink").as_deref(),
            Some("org.apache.kafka.connect.file.FileStreamSinkConnector")
        );
        assert_eq!(class("filestreamsink"), None);
        assert_eq!(class("RecordIsTombstonePredicate"), None);
    }

    #[test]
    fn non_rest_plugins_resolve_but_are_not_rest_plugins() {
        let p = plugins();
        for name in [
            "org.apache.kafka.common.config.provider.FileConfigProvider",
            "FileConfigProvider",
            "File",
            "EnvVar",
            "None",
            "AllConnectorClientConfigOverridePolicy",
        ] {
            assert!(
                matches!(p.resolve_class(name), Some(ResolvedClass::NonRest(_))),
                "{name}"
            );
        }
    }

    #[test]
    fn classes_and_versions_by_type() {
        let p = plugins();
        let converters = p.classes_of(PluginType::Converter);
        assert!(converters.contains(&"org.apache.kafka.connect.converters.LongConverter"));
        assert!(!converters.contains(&"org.apache.kafka.connect.storage.SimpleHeaderConverter"));
        assert!(converters.windows(2).all(|w| w[0] < w[1]));
        assert!(p.is_of_type(
            "org.apache.kafka.connect.storage.SimpleHeaderConverter",
            PluginType::HeaderConverter
        ));
        assert_eq!(
            p.version_of(
                "org.apache.kafka.connect.transforms.Filter",
                PluginType::Predicate
            ),
            None
        );
    }
}
