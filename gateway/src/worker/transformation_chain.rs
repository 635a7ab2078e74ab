//! `TransformationChain`: SMTs in `transforms` order, each optionally gated by a predicate
//! (`transforms.<a>.predicate`, `negate`). A `None` from any stage drops the record.

use connect_api::config::originals_with_prefix;
use connect_api::{ConnectError, ConnectRecord, ConnectResult, Predicate, Props, Transformation};

use crate::worker::connector_config::{split_list, strip_chain_keys};
use crate::worker::plugins::Plugins;

struct Stage {
    alias: String,
    transform: Box<dyn Transformation>,
    predicate: Option<Box<dyn Predicate>>,
    negate: bool,
}

#[derive(Default)]
pub struct TransformationChain {
    stages: Vec<Stage>,
}

impl TransformationChain {
    /// Instantiates and configures every SMT and predicate of a connector config; any
    /// failure fails the task start, as in Kafka.
    pub fn build(config: &Props, plugins: &Plugins) -> ConnectResult<Self> {
        let predicates = split_list(config.get("predicates").map(String::as_str).unwrap_or(""));
        let mut stages = Vec::new();
        for alias in split_list(config.get("transforms").map(String::as_str).unwrap_or("")) {
            let prefix = format!("transforms.{alias}.");
            let own = originals_with_prefix(config, &prefix);
            let class = own.get("type").ok_or_else(|| {
                ConnectError::config(format!(
                    "Missing required configuration \"{prefix}type\" which has no default value."
                ))
            })?;
            let mut transform = plugins
                .transformation(class)
                .map_err(ConnectError::config)?;
            transform.configure(&strip_chain_keys(own.clone()))?;
            let negate = own
                .get("negate")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
            let predicate = match own.get("predicate") {
                None => None,
                Some(p) => {
                    if !predicates.contains(p) {
                        return Err(ConnectError::config(format!(
                            "Predicate '{p}' used by transformation '{alias}' is not defined in predicates"
                        )));
                    }
                    let pprefix = format!("predicates.{p}.");
                    let pown = originals_with_prefix(config, &pprefix);
                    let pclass = pown.get("type").ok_or_else(|| {
                        ConnectError::config(format!("Missing required configuration \"{pprefix}type\" which has no default value."))
                    })?;
                    let mut pred = plugins.predicate(pclass).map_err(ConnectError::config)?;
                    pred.configure(&strip_chain_keys(pown.clone()))?;
                    Some(pred)
                }
            };
            stages.push(Stage {
                alias,
                transform,
                predicate,
                negate,
            });
        }
        Ok(TransformationChain { stages })
    }

    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }

    pub fn apply(&mut self, mut record: ConnectRecord) -> ConnectResult<Option<ConnectRecord>> {
        for stage in &mut self.stages {
            let applies = match &stage.predicate {
                None => true,
                Some(p) => p.test(&record)? != stage.negate,
            };
            if !applies {
                continue;
            }
            match stage.transform.apply(record) {
                Ok(Some(r)) => record = r,
                Ok(None) => return Ok(None),
                Err(e) => {
                    return Err(ConnectError {
                        message: format!("{} (transformation '{}')", e.message, stage.alias),
                        ..e
                    })
                }
            }
        }
        Ok(Some(record))
    }
}
