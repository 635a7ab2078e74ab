//! Single message transforms and predicates (`org.apache.kafka.connect.transforms`).

use crate::config::{ConfigDef, Props};
use crate::errors::ConnectResult;
use crate::record::ConnectRecord;

pub trait Transformation: Send {
    /// Receives `transforms.<alias>.*` with the prefix, `type`, `predicate` and `negate` removed.
    fn configure(&mut self, props: &Props) -> ConnectResult<()>;
    fn config_def(&self) -> ConfigDef;
    /// `Ok(None)` drops the record (the rest of the chain is skipped).
    fn apply(&mut self, record: ConnectRecord) -> ConnectResult<Option<ConnectRecord>>;
}

pub trait Predicate: Send {
    fn configure(&mut self, props: &Props) -> ConnectResult<()>;
    fn config_def(&self) -> ConfigDef;
    fn test(&self, record: &ConnectRecord) -> ConnectResult<bool>;
}
