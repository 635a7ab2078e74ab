//! Kafka's `RetryWithToleranceOperator`: retriable failures are retried with exponential
//! back-off up to `errors.retry.timeout`; other failures are tolerated (record skipped) when
//! `errors.tolerance=all`, else they fail the task. `errors.log.*` decides what is logged.

use std::time::{Duration, Instant};

use connect_api::{ConnectError, Props};

/// Where in the pipeline a failure happened (`errors.Stage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Transformation,
    KeyConverter,
    ValueConverter,
    HeaderConverter,
    Produce,
    Consume,
    TaskPut,
    TaskPoll,
}

impl Stage {
    /// The stage Kafka calls `name` (a host runtime reports stages by name).
    pub fn from_name(name: &str) -> Option<Stage> {
        [
            Stage::Transformation,
            Stage::KeyConverter,
            Stage::ValueConverter,
            Stage::HeaderConverter,
            Stage::Produce,
            Stage::Consume,
            Stage::TaskPut,
            Stage::TaskPoll,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Stage::Transformation => "TRANSFORMATION",
            Stage::KeyConverter => "KEY_CONVERTER",
            Stage::ValueConverter => "VALUE_CONVERTER",
            Stage::HeaderConverter => "HEADER_CONVERTER",
            Stage::Produce => "KAFKA_PRODUCE",
            Stage::Consume => "KAFKA_CONSUME",
            Stage::TaskPut => "TASK_PUT",
            Stage::TaskPoll => "TASK_POLL",
        }
    }
}

/// Unwraps `Outcome::Done`, or returns a tolerated/fatal outcome from the enclosing function
/// (which must itself return an `Outcome`): the `?` of this module.
macro_rules! done_or_return {
    ($outcome:expr) => {
        match $outcome {
            $crate::worker::retry_with_tolerance::Outcome::Done(v) => v,
            $crate::worker::retry_with_tolerance::Outcome::Tolerated(e) => {
                return $crate::worker::retry_with_tolerance::Outcome::Tolerated(e)
            }
            $crate::worker::retry_with_tolerance::Outcome::Fatal(e) => {
                return $crate::worker::retry_with_tolerance::Outcome::Fatal(e)
            }
        }
    };
}
pub(crate) use done_or_return;

#[derive(Debug)]
pub enum Outcome<T> {
    Done(T),
    /// Failed but tolerated: skip the record, its offset still advances.
    Tolerated(ConnectError),
    /// Failed and not tolerated: the task must fail.
    Fatal(ConnectError),
}

#[derive(Debug, Clone)]
pub struct ErrorPolicy {
    pub retry_timeout: Option<Duration>,
    pub retry_forever: bool,
    pub retry_delay_max: Duration,
    pub tolerate_all: bool,
    pub log_enable: bool,
    pub log_include_messages: bool,
    pub connector: String,
}

const INITIAL_BACKOFF: Duration = Duration::from_millis(300);

impl ErrorPolicy {
    pub fn from_config(connector: &str, config: &Props) -> ErrorPolicy {
        let num = |k: &str, d: i64| {
            config
                .get(k)
                .and_then(|v| v.trim().parse::<i64>().ok())
                .unwrap_or(d)
        };
        let flag = |k: &str| {
            config
                .get(k)
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        };
        let timeout = num("errors.retry.timeout", 0);
        ErrorPolicy {
            retry_timeout: (timeout > 0).then(|| Duration::from_millis(timeout as u64)),
            retry_forever: timeout < 0,
            retry_delay_max: Duration::from_millis(
                num("errors.retry.delay.max.ms", 60_000).max(0) as u64
            ),
            tolerate_all: config
                .get("errors.tolerance")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("all")),
            log_enable: flag("errors.log.enable"),
            log_include_messages: flag("errors.log.include.messages"),
            connector: connector.to_string(),
        }
    }

    /// Runs `op`, retrying retriable errors; `describe` renders the record for the log.
    pub async fn execute<T>(
        &self,
        stage: Stage,
        mut op: impl FnMut() -> Result<T, ConnectError>,
        describe: impl Fn() -> String,
    ) -> Outcome<T> {
        let start = Instant::now();
        let mut backoff = INITIAL_BACKOFF;
        loop {
            match op() {
                Ok(v) => return Outcome::Done(v),
                Err(e) if e.is_retriable() && self.may_retry(start, backoff) => {
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(self.retry_delay_max.max(INITIAL_BACKOFF));
                }
                Err(e) => return self.judge(stage, e, &describe),
            }
        }
    }

    fn may_retry(&self, start: Instant, next_sleep: Duration) -> bool {
        self.retry_forever
            || self
                .retry_timeout
                .is_some_and(|t| start.elapsed() + next_sleep <= t)
    }

    /// Decides whether a failure is tolerated, logging it as configured.
    pub fn judge<T>(
        &self,
        stage: Stage,
        e: ConnectError,
        describe: &dyn Fn() -> String,
    ) -> Outcome<T> {
        self.report(stage, &e, describe);
        if self.tolerate_all {
            Outcome::Tolerated(e)
        } else {
            Outcome::Fatal(ConnectError {
                message: format!(
                    "Tolerance exceeded in error handler: {} (stage {})",
                    e.message,
                    stage.name()
                ),
                ..e
            })
        }
    }

    pub fn report(&self, stage: Stage, e: &ConnectError, describe: &dyn Fn() -> String) {
        if !self.log_enable {
            return;
        }
        if self.log_include_messages {
            tracing::error!(connector = %self.connector, stage = stage.name(), error = %e, record = %describe(), "Error encountered in task");
        } else {
            tracing::error!(connector = %self.connector, stage = stage.name(), error = %e, "Error encountered in task");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_api::config::props;

    #[tokio::test]
    async fn tolerance_none_fails_and_all_skips() {
        let p = ErrorPolicy::from_config("c", &props([("errors.tolerance", "none")]));
        match p
            .execute(
                Stage::Transformation,
                || Err::<(), _>(ConnectError::data("bad")),
                String::new,
            )
            .await
        {
            Outcome::Fatal(e) => assert!(e.message.contains("Tolerance exceeded")),
            o => panic!("{o:?}"),
        }
        let p = ErrorPolicy::from_config("c", &props([("errors.tolerance", "all")]));
        assert!(matches!(
            p.execute(
                Stage::Transformation,
                || Err::<(), _>(ConnectError::data("bad")),
                String::new
            )
            .await,
            Outcome::Tolerated(_)
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn retriable_errors_are_retried_within_timeout() {
        let p = ErrorPolicy::from_config("c", &props([("errors.retry.timeout", "2000")]));
        let mut calls = 0;
        let out = p
            .execute(
                Stage::ValueConverter,
                || {
                    calls += 1;
                    if calls < 3 {
                        Err(ConnectError::retriable("later"))
                    } else {
                        Ok(calls)
                    }
                },
                String::new,
            )
            .await;
        assert!(matches!(out, Outcome::Done(3)));
        // No retry configured: a retriable error is judged at once.
        let p = ErrorPolicy::from_config("c", &props([("errors.tolerance", "all")]));
        let mut calls = 0;
        let out = p
            .execute(
                Stage::ValueConverter,
                || {
                    calls += 1;
                    Err::<(), _>(ConnectError::retriable("x"))
                },
                String::new,
            )
            .await;
        assert!(matches!(out, Outcome::Tolerated(_)));
        assert_eq!(calls, 1);
    }
}
