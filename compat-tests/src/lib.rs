//! Side-by-side compatibility harness: the same REST scenarios against Apache Kafka Connect and
//! Connect Gateway, responses normalised and diffed, differences checked against an allow-list.
//!
//! Black-box on purpose: it talks HTTP only and depends on no crate of this workspace.
//! `tests/compat.rs` is the test (`scripts/compat.sh` starts everything and runs it);
//! `compat-report` prints the same table without the test harness.

pub mod allow;
pub mod http;
pub mod json;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod scenarios;

use std::path::Path;

pub use runner::{run_suite, SuiteResult, Targets};

/// The Kafka version the targets run, for the table's title (`KAFKA_VERSION`, as printed by
/// `scripts/kafka.sh env`).
pub fn kafka_version() -> String {
    std::env::var("KAFKA_VERSION").unwrap_or_else(|_| "4.x".to_string())
}

/// Runs every scenario (or those named in `COMPAT_ONLY`, comma-separated) against the targets
/// from the environment.
pub fn run_from_env() -> Result<SuiteResult, String> {
    let targets = Targets::from_env()?;
    let allow = allow::load()?;
    let only: Vec<String> = std::env::var("COMPAT_ONLY")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    run_suite(&targets, &scenarios::all(), allow, &only)
}

/// Writes `table.md`, `readme-section.md` and `failures.md` into `dir`.
pub fn write_outputs(res: &SuiteResult, dir: &Path) -> Result<(), String> {
    let v = kafka_version();
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (name, text) in [
        ("table.md", report::table(res, &v)),
        ("readme-section.md", report::readme_section(res, &v)),
        ("failures.md", report::failures(res)),
    ] {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    Ok(())
}
