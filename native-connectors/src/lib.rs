//! Native (Rust) plugins. Adding one is one line in [`plugins`].

use connect_api::PluginDesc;

/// Every native plugin, in listing order.
pub fn plugins() -> Vec<PluginDesc> {
    Vec::new()
}
