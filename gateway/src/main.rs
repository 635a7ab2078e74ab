//! `connect-gateway`: Kafka Connect's command line, e.g.
//! `connect-gateway standalone worker.properties file-source.properties sink.json`.

// The RocketMQ client's nested async state machines need a deeper layout query limit.
#![recursion_limit = "256"]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use gateway::app::StandaloneApp;
use gateway::worker_config::{worker_config_def, WorkerConfig};

#[derive(Parser)]
#[command(
    name = "connect-gateway",
    version,
    about = "A Kafka Connect compatible worker whose records flow through Apache RocketMQ (or, with no broker configured, an embedded log).",
    after_long_help = worker_keys_help()
)]
struct Cli {
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Subcommand)]
enum Mode {
    /// Run one standalone worker (like connect-standalone.sh).
    #[command(after_long_help = worker_keys_help())]
    Standalone {
        /// Worker config (.properties) with Kafka Connect's keys.
        worker_properties: PathBuf,
        /// Connector configs to create or replace at start: .properties, or .json either flat
        /// or as the body of `POST /connectors` ({"name", "config", "initial_state"}).
        connector_configs: Vec<PathBuf>,
    },
}

fn worker_keys_help() -> String {
    let mut out = String::from(
        "Worker configuration keys (Kafka Connect names; unknown keys are rejected):\n",
    );
    for k in worker_config_def().keys() {
        let default = k.default_rendered().unwrap_or_else(|| "(none)".into());
        out.push_str(&format!(
            "  {:<36} {} [default: {}]\n",
            k.name, k.documentation, default
        ));
    }
    out.push_str(
        "\nAlso accepted: producer.*, consumer.*, admin.*, key.converter.*, value.converter.*, header.converter.*,\n\
         and Kafka worker keys without effect here (bootstrap.servers, group.id, ...), which are logged.\n\
         Logging: RUST_LOG sets the initial filter; PUT /admin/loggers/{name} changes it at run time.\n",
    );
    out
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("connect-gateway: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("connect-gateway: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let Mode::Standalone {
        worker_properties,
        connector_configs,
    } = cli.mode;
    let loggers = gateway::logging::init();
    let config = WorkerConfig::load(&worker_properties)?;
    // Read every connector file before starting anything, so a bad one fails fast.
    for f in &connector_configs {
        gateway::app::read_connector_file(f)?;
    }
    let app = StandaloneApp::start(config, loggers).await?;
    if let Err(e) = app.submit_connector_files(&connector_configs).await {
        app.shutdown().await;
        return Err(e);
    }
    wait_for_signal().await;
    tracing::info!("shutting down: stopping tasks and flushing offsets");
    app.shutdown().await;
    tracing::info!("stopped");
    Ok(())
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
