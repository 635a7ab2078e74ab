//! Native (Rust) plugins. Adding one is one line in [`plugins`].

pub mod converters;
pub mod datagen;
pub mod file;
pub mod transforms;
pub mod verify;

use connect_api::PluginDesc;

/// Every native plugin, in listing order.
pub fn plugins() -> Vec<PluginDesc> {
    let mut out = Vec::new();
    out.extend(file::plugins());
    out.extend(datagen::plugins());
    out.extend(verify::plugins());
    out.extend(transforms::plugins());
    out.extend(converters::plugins());
    out
}
