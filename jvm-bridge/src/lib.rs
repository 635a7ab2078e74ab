//! JVM plugin host. Not built yet: the gateway asks [`discover`] for JVM plugins and gets
//! none, so native plugins run alone until the JNI bridge lands.

use connect_api::PluginDesc;

/// Why JVM plugins are not available in this build.
pub const UNAVAILABLE: &str = "JVM plugins are not supported by this build of connect-gateway";

/// Plugins found on `plugin.path`.
pub fn discover(_plugin_path: &[std::path::PathBuf]) -> Vec<PluginDesc> {
    Vec::new()
}
