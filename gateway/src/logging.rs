//! Logging: a tracing-subscriber `EnvFilter` behind a `reload` handle, and [`LoggerControl`],
//! which gives it Kafka Connect's logger semantics for `/admin/loggers` (KIP-495/KIP-976).
//!
//! Logger names are log4j-style namespaces. Our Rust targets are module paths, so
//! `gateway.worker` and `gateway::worker` name the same logger (shown dotted). Java names such
//! as `org.apache.kafka.connect` are accepted too: they become filter directives both in the
//! dotted form (for records forwarded from the JVM under their Java logger name) and in the
//! `::` form.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Metadata, Subscriber};
use tracing_subscriber::filter::{Directive, EnvFilter};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::{reload, Layer, Registry};

use crate::herder::LoggerLevel;

/// The name Kafka gives the root logger (compared case-insensitively; "" also means root).
pub const ROOT_LOGGER: &str = "root";

/// log4j level names, as accepted by `PUT /admin/loggers/{logger}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KafkaLevel {
    Off,
    Fatal,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
    All,
}

impl KafkaLevel {
    /// Case-insensitive, like `Level.toLevel(s.toUpperCase())`.
    pub fn parse(s: &str) -> Option<KafkaLevel> {
        Some(match s.to_ascii_uppercase().as_str() {
            "OFF" => KafkaLevel::Off,
            "FATAL" => KafkaLevel::Fatal,
            "ERROR" => KafkaLevel::Error,
            "WARN" => KafkaLevel::Warn,
            "INFO" => KafkaLevel::Info,
            "DEBUG" => KafkaLevel::Debug,
            "TRACE" => KafkaLevel::Trace,
            "ALL" => KafkaLevel::All,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            KafkaLevel::Off => "OFF",
            KafkaLevel::Fatal => "FATAL",
            KafkaLevel::Error => "ERROR",
            KafkaLevel::Warn => "WARN",
            KafkaLevel::Info => "INFO",
            KafkaLevel::Debug => "DEBUG",
            KafkaLevel::Trace => "TRACE",
            KafkaLevel::All => "ALL",
        }
    }

    /// tracing has no FATAL or ALL: FATAL keeps errors, ALL keeps everything.
    pub fn filter(self) -> LevelFilter {
        match self {
            KafkaLevel::Off => LevelFilter::OFF,
            KafkaLevel::Fatal | KafkaLevel::Error => LevelFilter::ERROR,
            KafkaLevel::Warn => LevelFilter::WARN,
            KafkaLevel::Info => LevelFilter::INFO,
            KafkaLevel::Debug => LevelFilter::DEBUG,
            KafkaLevel::Trace | KafkaLevel::All => LevelFilter::TRACE,
        }
    }

    fn directive_level(self) -> &'static str {
        match self.filter() {
            LevelFilter::OFF => "off",
            LevelFilter::ERROR => "error",
            LevelFilter::WARN => "warn",
            LevelFilter::INFO => "info",
            LevelFilter::DEBUG => "debug",
            _ => "trace",
        }
    }
}

/// A failure to apply a level change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoggerError {
    #[error("invalid log level '{0}'.")]
    InvalidLevel(String),
    #[error("Failed to apply the new log filter: {0}")]
    Apply(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    level: KafkaLevel,
    last_modified: Option<i64>,
}

impl Entry {
    fn to_logger_level(self) -> LoggerLevel {
        LoggerLevel {
            level: self.level.name().to_string(),
            last_modified: self.last_modified,
        }
    }
}

#[derive(Debug, Clone)]
struct Levels {
    root: Entry,
    /// Loggers with an explicitly set level, keyed by their dotted name.
    explicit: BTreeMap<String, Entry>,
    /// `RUST_LOG` directives with span/field filters: kept in the live filter, but they have
    /// no logger equivalent to show.
    extra: Vec<String>,
}

type ApplyFn = Box<dyn Fn(EnvFilter) -> Result<(), String> + Send + Sync>;

/// Kafka's `Loggers` over the live tracing filter. Thread-safe; share it through `Arc`.
pub struct LoggerControl {
    levels: Mutex<Levels>,
    /// Installs a new filter; `None` when detached (no subscriber to drive).
    apply: Option<ApplyFn>,
    /// Dotted targets of every callsite the subscriber has registered: our notion of the
    /// loggers that "exist" (log4j creates a logger per class the same lazy way).
    seen: Arc<Mutex<BTreeSet<String>>>,
}

impl std::fmt::Debug for LoggerControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoggerControl")
            .field("directives", &self.directives())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere while holding the lock must not take logging control down with it.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `gateway::worker` → `gateway.worker`; "root" / "" → `None` (the root logger).
fn normalize(name: &str) -> Option<String> {
    if name.is_empty() || name.eq_ignore_ascii_case(ROOT_LOGGER) {
        None
    } else {
        Some(name.replace("::", "."))
    }
}

/// Whether `name` is usable as an `EnvFilter` directive target.
fn directive_target_ok(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':'));
    first_ok
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.' | '$'))
}

/// Splits a `RUST_LOG` value on commas that are not inside `[...]`/`{...}`.
fn split_directives(spec: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in spec.char_indices() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(&spec[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&spec[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// A `RUST_LOG` level: tracing's names (any case) or log4j's.
fn parse_spec_level(s: &str) -> Option<KafkaLevel> {
    KafkaLevel::parse(s).or_else(|| match s.parse::<LevelFilter>().ok()? {
        LevelFilter::OFF => Some(KafkaLevel::Off),
        LevelFilter::ERROR => Some(KafkaLevel::Error),
        LevelFilter::WARN => Some(KafkaLevel::Warn),
        LevelFilter::INFO => Some(KafkaLevel::Info),
        LevelFilter::DEBUG => Some(KafkaLevel::Debug),
        _ => Some(KafkaLevel::Trace),
    })
}

impl Levels {
    /// Initial levels from a `RUST_LOG`-style spec; root defaults to INFO. Directives that
    /// don't parse are dropped, as `EnvFilter`'s lossy parsing does.
    fn from_spec(spec: &str) -> Levels {
        let mut levels = Levels {
            root: Entry {
                level: KafkaLevel::Info,
                last_modified: None,
            },
            explicit: BTreeMap::new(),
            extra: Vec::new(),
        };
        for directive in split_directives(spec) {
            if directive.contains(['[', '{']) {
                if directive.parse::<Directive>().is_ok() {
                    levels.extra.push(directive.to_string());
                }
                continue;
            }
            let (target, level) = match directive.split_once('=') {
                Some((target, level)) => match parse_spec_level(level.trim()) {
                    Some(level) => (Some(target.trim()), level),
                    None => continue,
                },
                None => match parse_spec_level(directive) {
                    Some(level) => (None, level),
                    // A bare target enables everything for it.
                    None => (Some(directive), KafkaLevel::Trace),
                },
            };
            let entry = Entry {
                level,
                last_modified: None,
            };
            match target.and_then(normalize) {
                Some(name) if directive_target_ok(&name) => {
                    levels.explicit.insert(name, entry);
                }
                Some(_) => {}
                None => levels.root = entry,
            }
        }
        levels
    }

    fn effective(&self, name: &str) -> KafkaLevel {
        let mut candidate = name;
        loop {
            if let Some(e) = self.explicit.get(candidate) {
                return e.level;
            }
            match candidate.rfind('.') {
                Some(i) => candidate = &candidate[..i],
                None => return self.root.level,
            }
        }
    }

    fn directives(&self) -> Vec<String> {
        let mut out = vec![self.root.level.directive_level().to_string()];
        for (name, entry) in &self.explicit {
            if !directive_target_ok(name) {
                continue;
            }
            let level = entry.level.directive_level();
            out.push(format!("{}={level}", name.replace('.', "::")));
            if name.contains('.') {
                out.push(format!("{name}={level}"));
            }
        }
        out.extend(self.extra.iter().cloned());
        out
    }

    fn filter(&self) -> EnvFilter {
        let mut filter = EnvFilter::default();
        for d in self.directives() {
            // Every directive was built or checked above; skipping one that still fails keeps
            // the rest of the filter working.
            if let Ok(directive) = d.parse::<Directive>() {
                filter = filter.add_directive(directive);
            }
        }
        filter
    }
}

/// Records the target of every callsite registered with the subscriber.
struct TargetRecorder {
    seen: Arc<Mutex<BTreeSet<String>>>,
}

impl<S: Subscriber> Layer<S> for TargetRecorder {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        let target = metadata.target().replace("::", ".");
        let mut seen = lock(&self.seen);
        if !seen.contains(&target) {
            seen.insert(target);
        }
        // This layer filters nothing; the EnvFilter decides.
        Interest::always()
    }

    fn enabled(&self, _metadata: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        true
    }
}

impl LoggerControl {
    /// Logger control with no subscriber behind it (router tests): levels are tracked and
    /// reported, nothing is filtered. Root starts at INFO.
    pub fn detached() -> Arc<LoggerControl> {
        Self::detached_with_spec("")
    }

    /// Like [`detached`](Self::detached), with initial levels from a `RUST_LOG`-style spec.
    pub fn detached_with_spec(spec: &str) -> Arc<LoggerControl> {
        Arc::new(LoggerControl {
            levels: Mutex::new(Levels::from_spec(spec)),
            apply: None,
            seen: Arc::new(Mutex::new(BTreeSet::new())),
        })
    }

    /// Builds a subscriber (fmt output to `writer`, filtered by a reloadable `EnvFilter` made
    /// from `spec`) and the control that drives it. The caller decides whether to install it
    /// globally ([`init`]) or scoped (tests).
    pub fn subscriber<W>(
        spec: &str,
        writer: W,
    ) -> (Arc<LoggerControl>, impl Subscriber + Send + Sync + 'static)
    where
        W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
    {
        let levels = Levels::from_spec(spec);
        let (filter, handle) = reload::Layer::<EnvFilter, Registry>::new(levels.filter());
        let seen = Arc::new(Mutex::new(BTreeSet::new()));
        let subscriber = Registry::default()
            .with(filter)
            .with(tracing_subscriber::fmt::layer().with_writer(writer))
            .with(TargetRecorder { seen: seen.clone() });
        let apply: ApplyFn = Box::new(move |f| handle.reload(f).map_err(|e| e.to_string()));
        let control = Arc::new(LoggerControl {
            levels: Mutex::new(levels),
            apply: Some(apply),
            seen,
        });
        (control, subscriber)
    }

    /// The live filter, as `EnvFilter` directives (root level first).
    pub fn directives(&self) -> String {
        lock(&self.levels).directives().join(",")
    }

    pub fn is_valid_level(level: &str) -> bool {
        KafkaLevel::parse(level).is_some()
    }

    /// Marks `name` (a tracing target or dotted name) as an existing logger. The subscriber
    /// does this for every callsite; exposed for callers that know of loggers up front.
    pub fn register_logger(&self, name: &str) {
        if let Some(name) = normalize(name) {
            lock(&self.seen).insert(name);
        }
    }

    /// A logger exists when it is root, has an explicit level, or is the target (or a
    /// namespace of a target) of a callsite seen so far.
    fn exists(&self, levels: &Levels, name: &str) -> bool {
        if levels.explicit.contains_key(name) {
            return true;
        }
        let prefix = format!("{name}.");
        lock(&self.seen)
            .iter()
            .any(|t| t == name || t.starts_with(&prefix))
    }

    /// `GET /admin/loggers/{name}`: the explicit level, else the effective (inherited) one;
    /// `None` when no such logger exists.
    pub fn level(&self, name: &str) -> Option<LoggerLevel> {
        let levels = lock(&self.levels);
        let Some(name) = normalize(name) else {
            return Some(levels.root.to_logger_level());
        };
        if let Some(entry) = levels.explicit.get(&name) {
            return Some(entry.to_logger_level());
        }
        if !self.exists(&levels, &name) {
            return None;
        }
        Some(LoggerLevel {
            level: levels.effective(&name).name().to_string(),
            last_modified: None,
        })
    }

    /// `GET /admin/loggers`: root plus every logger with an explicit level, sorted by name.
    pub fn all_levels(&self) -> BTreeMap<String, LoggerLevel> {
        let levels = lock(&self.levels);
        let mut out: BTreeMap<String, LoggerLevel> = levels
            .explicit
            .iter()
            .map(|(name, entry)| (name.clone(), entry.to_logger_level()))
            .collect();
        out.insert(ROOT_LOGGER.to_string(), levels.root.to_logger_level());
        out
    }

    /// `PUT /admin/loggers/{namespace}`: sets the namespace and its explicitly set descendants
    /// (root: every logger) and applies the change to the live filter. Returns, sorted, the
    /// loggers whose level actually changed; only those get a new `last_modified`.
    pub fn set_level(&self, namespace: &str, level: &str) -> Result<Vec<String>, LoggerError> {
        let level =
            KafkaLevel::parse(level).ok_or_else(|| LoggerError::InvalidLevel(level.to_string()))?;
        let now = now_ms();
        let mut guard = lock(&self.levels);
        let mut next = guard.clone();
        let mut affected = Vec::new();

        let namespace = normalize(namespace);
        let descendants: Vec<String> = match &namespace {
            None => next.explicit.keys().cloned().collect(),
            Some(ns) => {
                let prefix = format!("{ns}.");
                let mut names: Vec<String> = next
                    .explicit
                    .keys()
                    .filter(|k| k.starts_with(&prefix))
                    .cloned()
                    .collect();
                names.push(ns.clone());
                names
            }
        };
        if namespace.is_none() && next.root.level != level {
            next.root = Entry {
                level,
                last_modified: Some(now),
            };
            affected.push(ROOT_LOGGER.to_string());
        }
        for name in descendants {
            // A logger that didn't exist had no level, so creating it counts as a change.
            let old = match next.explicit.get(&name) {
                Some(entry) => Some(entry.level),
                None if self.exists(&guard, &name) => Some(guard.effective(&name)),
                None => None,
            };
            let last_modified = if old == Some(level) {
                next.explicit.get(&name).and_then(|e| e.last_modified)
            } else {
                affected.push(name.clone());
                Some(now)
            };
            next.explicit.insert(
                name,
                Entry {
                    level,
                    last_modified,
                },
            );
        }

        if let Some(apply) = &self.apply {
            apply(next.filter()).map_err(LoggerError::Apply)?;
        }
        *guard = next;
        affected.sort();
        Ok(affected)
    }
}

/// Installs the process-wide subscriber (fmt to stdout, filter from `RUST_LOG`, INFO when
/// unset) and returns the control `/admin/loggers` uses. If a global subscriber is already
/// installed the returned control still tracks levels, but filters nothing.
pub fn init() -> Arc<LoggerControl> {
    let spec = std::env::var("RUST_LOG").unwrap_or_default();
    let (control, subscriber) = LoggerControl::subscriber(&spec, std::io::stdout);
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        tracing::warn!("a global tracing subscriber was already installed; log levels set through the REST API will not apply");
    }
    control
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            lock(&self.0).extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Capture {
        type Writer = Capture;
        fn make_writer(&'a self) -> Capture {
            self.clone()
        }
    }

    impl Capture {
        fn text(&self) -> String {
            String::from_utf8_lossy(&lock(&self.0)).into_owned()
        }
    }

    #[test]
    fn level_names_are_case_insensitive_and_map_to_tracing() {
        assert_eq!(KafkaLevel::parse("debug"), Some(KafkaLevel::Debug));
        assert_eq!(KafkaLevel::parse("Fatal"), Some(KafkaLevel::Fatal));
        assert_eq!(KafkaLevel::parse("verbose"), None);
        assert_eq!(KafkaLevel::Fatal.filter(), LevelFilter::ERROR);
        assert_eq!(KafkaLevel::All.filter(), LevelFilter::TRACE);
        assert_eq!(KafkaLevel::Off.filter(), LevelFilter::OFF);
    }

    #[test]
    fn spec_seeds_root_and_explicit_loggers() {
        let c = LoggerControl::detached_with_spec("warn,gateway::worker=debug,x[span]=trace");
        let all = c.all_levels();
        assert_eq!(all.keys().collect::<Vec<_>>(), ["gateway.worker", "root"]);
        assert_eq!(all["root"].level, "WARN");
        assert_eq!(all["gateway.worker"].level, "DEBUG");
        assert_eq!(all["gateway.worker"].last_modified, None);
        assert_eq!(
            c.directives(),
            "warn,gateway::worker=debug,gateway.worker=debug,x[span]=trace"
        );
    }

    #[test]
    fn set_level_sets_namespace_and_descendants_and_reports_changes() {
        let c = LoggerControl::detached_with_spec("info,a.b.c=warn,a.bx=warn");
        let affected = c.set_level("a.b", "debug").expect("valid level");
        assert_eq!(affected, ["a.b", "a.b.c"]);
        // `a.bx` is not inside the namespace `a.b`.
        assert_eq!(c.level("a.bx").map(|l| l.level), Some("WARN".into()));
        let ab = c.level("a.b").expect("now explicit");
        assert_eq!(ab.level, "DEBUG");
        assert!(ab.last_modified.is_some());
        // Same level again: nothing changes, last_modified stays.
        assert!(c.set_level("a::b", "DEBUG").expect("valid").is_empty());
        assert_eq!(c.level("a.b"), Some(ab));
        assert_eq!(
            c.set_level("a.b", "loud"),
            Err(LoggerError::InvalidLevel("loud".into()))
        );
    }

    #[test]
    fn root_affects_everything_and_unknown_loggers_are_absent() {
        let c = LoggerControl::detached_with_spec("info,x=warn");
        assert_eq!(c.level("nope"), None);
        assert_eq!(c.level("ROOT").map(|l| l.level), Some("INFO".into()));
        let affected = c.set_level("root", "ERROR").expect("valid");
        assert_eq!(affected, ["root", "x"]);
        assert_eq!(c.directives(), "error,x=error");
        c.register_logger("gateway::herder::standalone");
        assert_eq!(
            c.level("gateway.herder").map(|l| l.level),
            Some("ERROR".into())
        );
    }

    #[test]
    fn level_changes_reach_the_live_filter() {
        let capture = Capture::default();
        let (control, subscriber) = LoggerControl::subscriber("info", capture.clone());
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(target: "logging_test::live", "first-debug");
            tracing::info!(target: "logging_test::live", "first-info");
            let affected = control
                .set_level("logging_test.live", "DEBUG")
                .expect("applies");
            assert_eq!(affected, ["logging_test.live"]);
            tracing::debug!(target: "logging_test::live", "second-debug");
            tracing::info!(target: "logging_test::seen::deep", "seen-info");
            control.set_level("root", "OFF").expect("applies");
            tracing::error!(target: "logging_test::other", "silenced");
        });
        let text = capture.text();
        assert!(!text.contains("first-debug"), "{text}");
        assert!(text.contains("first-info"), "{text}");
        assert!(text.contains("second-debug"), "{text}");
        assert!(!text.contains("silenced"), "{text}");
        // A callsite's target (and its namespaces) became a known logger, with the level it
        // inherits; a target never registered is unknown.
        assert_eq!(
            control.level("logging_test.seen").map(|l| l.level),
            Some("OFF".to_string())
        );
        assert_eq!(control.level("logging_test.never"), None);
    }
}
