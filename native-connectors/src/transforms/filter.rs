//! `org.apache.kafka.connect.transforms.Filter`: drops every record; meant to run behind a
//! predicate (`transforms.<alias>.predicate`, optionally negated).

use connect_api::{ConfigDef, ConnectRecord, ConnectResult, Props, Transformation};

#[derive(Default)]
pub struct Filter;

impl Transformation for Filter {
    fn configure(&mut self, _props: &Props) -> ConnectResult<()> {
        Ok(())
    }

    fn config_def(&self) -> ConfigDef {
        ConfigDef::new()
    }

    fn apply(&mut self, _record: ConnectRecord) -> ConnectResult<Option<ConnectRecord>> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::Value;

    #[test]
    fn drops_everything() {
        let mut f = Filter;
        f.configure(&Props::new()).unwrap();
        assert_eq!(
            f.apply(ConnectRecord::new("t", None, Value::from("x")))
                .unwrap(),
            None
        );
        assert_eq!(
            f.apply(ConnectRecord::new("t", None, Value::Null)).unwrap(),
            None
        );
        assert!(f.config_def().keys().is_empty());
    }
}
