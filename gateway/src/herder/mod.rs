//! The `Herder`: the one interface REST routers see. It owns connector configs, target
//! states and statuses, and drives the `Worker`. `StandaloneHerder` runs everything in one
//! process; a `DistributedHerder` on RocketMQ topics will implement the same trait.

pub mod info;
pub mod standalone;
pub mod status;

use std::collections::BTreeMap;

use async_trait::async_trait;
use connect_api::Props;

pub use info::*;

/// Errors with the HTTP meaning Kafka's `ConnectExceptionMapper` gives them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HerderError {
    /// 404
    #[error("{0}")]
    NotFound(String),
    /// 409
    #[error("{0}")]
    AlreadyExists(String),
    /// 400
    #[error("{0}")]
    BadRequest(String),
    /// 409 (busy: rebalance, conflicting operation)
    #[error("{0}")]
    Conflict(String),
    /// 403
    #[error("{0}")]
    Forbidden(String),
    /// 500
    #[error("{0}")]
    Internal(String),
}

impl HerderError {
    pub fn status(&self) -> u16 {
        match self {
            HerderError::NotFound(_) => 404,
            HerderError::AlreadyExists(_) | HerderError::Conflict(_) => 409,
            HerderError::BadRequest(_) => 400,
            HerderError::Forbidden(_) => 403,
            HerderError::Internal(_) => 500,
        }
    }
}

pub type HerderResult<T> = Result<T, HerderError>;

/// A config map as it arrives over REST: a JSON `null` value is kept as `None`
/// (PATCH deletes such keys; validation reports them).
pub type NullableProps = BTreeMap<String, Option<String>>;

/// The result of a PUT/POST of a connector config.
#[derive(Debug, Clone, PartialEq)]
pub struct Created<T> {
    pub created: bool,
    pub value: T,
}

#[async_trait]
pub trait Herder: Send + Sync + 'static {
    /// `host:port` of this worker, as shown in statuses.
    fn worker_id(&self) -> String;
    fn server_info(&self) -> ServerInfo;
    async fn health(&self) -> WorkerStatus;

    async fn connectors(&self) -> Vec<String>;
    async fn connector_info(&self, name: &str) -> HerderResult<ConnectorInfo>;
    async fn connector_config(&self, name: &str) -> HerderResult<Props>;
    /// POST /connectors (`allow_replace=false`) and PUT /connectors/{c}/config (`true`).
    async fn put_connector_config(
        &self,
        name: &str,
        config: Props,
        allow_replace: bool,
        initial_state: Option<TargetState>,
    ) -> HerderResult<Created<ConnectorInfo>>;
    /// PATCH: `None` deletes a key.
    async fn patch_connector_config(
        &self,
        name: &str,
        patch: NullableProps,
    ) -> HerderResult<ConnectorInfo>;
    async fn delete_connector(&self, name: &str) -> HerderResult<()>;

    async fn connector_status(&self, name: &str) -> HerderResult<ConnectorStateInfo>;
    async fn task_status(&self, id: &ConnectorTaskId) -> HerderResult<TaskState>;
    async fn task_configs(&self, name: &str) -> HerderResult<Vec<TaskInfo>>;

    /// Returns `None` for the legacy (204) form, else the 202 snapshot.
    async fn restart_connector(
        &self,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> HerderResult<Option<ConnectorStateInfo>>;
    async fn restart_task(&self, id: &ConnectorTaskId) -> HerderResult<()>;
    async fn pause_connector(&self, name: &str) -> HerderResult<()>;
    async fn resume_connector(&self, name: &str) -> HerderResult<()>;
    async fn stop_connector(&self, name: &str) -> HerderResult<()>;

    async fn connector_offsets(&self, name: &str) -> HerderResult<ConnectorOffsets>;
    /// Returns the success message.
    async fn alter_connector_offsets(
        &self,
        name: &str,
        offsets: ConnectorOffsets,
    ) -> HerderResult<String>;
    async fn reset_connector_offsets(&self, name: &str) -> HerderResult<String>;

    async fn active_topics(&self, name: &str) -> HerderResult<Vec<String>>;
    async fn reset_active_topics(&self, name: &str) -> HerderResult<()>;

    fn plugins(&self, connectors_only: bool) -> Vec<PluginInfo>;
    fn plugin_config(&self, plugin: &str) -> HerderResult<Vec<ConfigKeyInfo>>;
    /// PUT /connector-plugins/{p}/config/validate.
    async fn validate_connector_config(
        &self,
        plugin: &str,
        config: NullableProps,
    ) -> HerderResult<ConfigInfos>;
}
