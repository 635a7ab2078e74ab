//! The plugin registry (Kafka's `Plugins` + `DelegatingClassLoader` aliasing): native plugins
//! and, later, JVM plugins from `plugin.path`, found by class name or alias.

use connect_api::{
    Connector, Converter, HeaderConverter, PluginDesc, PluginFactory, PluginType, Predicate,
    SinkTask, SourceTask, Transformation,
};

use crate::herder::PluginInfo;

#[derive(Debug, Clone)]
pub struct Plugins {
    descs: Vec<PluginDesc>,
}

fn simple_name(class: &str) -> &str {
    class.rsplit('.').next().unwrap_or(class)
}

impl Plugins {
    pub fn new(descs: Vec<PluginDesc>) -> Self {
        Plugins { descs }
    }

    /// Native plugins plus whatever the JVM bridge finds on `plugin.path`.
    pub fn discover(plugin_path: &[std::path::PathBuf]) -> Self {
        let mut descs = native_connectors::plugins();
        descs.extend(jvm_bridge::discover(plugin_path));
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

    pub fn connector(&self, class: &str) -> Result<(Box<dyn Connector>, &PluginDesc), String> {
        let d = self.resolve(class, &[PluginType::Source, PluginType::Sink])?;
        match d.factory {
            PluginFactory::Connector(f) => Ok((f(), d)),
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

    pub fn source_task(&self, class: &str) -> Result<Box<dyn SourceTask>, String> {
        match self
            .descs
            .iter()
            .find(|d| d.class == class)
            .map(|d| d.factory)
        {
            Some(PluginFactory::SourceTask(f)) => Ok(f()),
            _ => Err(format!("Unknown source task class {class}")),
        }
    }

    pub fn sink_task(&self, class: &str) -> Result<Box<dyn SinkTask>, String> {
        match self
            .descs
            .iter()
            .find(|d| d.class == class)
            .map(|d| d.factory)
        {
            Some(PluginFactory::SinkTask(f)) => Ok(f()),
            _ => Err(format!("Unknown sink task class {class}")),
        }
    }

    pub fn converter(&self, class: &str) -> Result<Box<dyn Converter>, String> {
        match self.resolve(class, &[PluginType::Converter])?.factory {
            PluginFactory::Converter(f) => Ok(f()),
            _ => Err(format!("{class} is not a Converter")),
        }
    }

    pub fn header_converter(&self, class: &str) -> Result<Box<dyn HeaderConverter>, String> {
        match self.resolve(class, &[PluginType::HeaderConverter])?.factory {
            PluginFactory::HeaderConverter(f) => Ok(f()),
            _ => Err(format!("{class} is not a HeaderConverter")),
        }
    }

    pub fn transformation(&self, class: &str) -> Result<Box<dyn Transformation>, String> {
        match self.resolve(class, &[PluginType::Transformation])?.factory {
            PluginFactory::Transformation(f) => Ok(f()),
            _ => Err(format!("{class} is not a Transformation")),
        }
    }

    pub fn predicate(&self, class: &str) -> Result<Box<dyn Predicate>, String> {
        match self.resolve(class, &[PluginType::Predicate])?.factory {
            PluginFactory::Predicate(f) => Ok(f()),
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
