//! The one JVM of the process and the OS threads that talk to it.
//!
//! A JVM can be created once per process and never again (PROTOCOL.md, jni-bridge-notes §4),
//! so it lives in a `OnceLock` and is never destroyed. Every JNI call runs on a dedicated,
//! permanently attached, named thread ([`JvmThread`]): one per connector and per task, like
//! Kafka's one thread per `WorkerTask`, so a blocking `poll()` never holds a tokio worker.

use std::sync::{mpsc, Arc, OnceLock};

use jni::objects::{JByteArray, JClass, JObject, JString, JValue};
use jni::refs::Global;
use jni::strings::JNIString;
use jni::{jni_sig, jni_str, AttachConfig, Env, InitArgsBuilder, JNIVersion, JavaVM};

use crate::config::JvmConfig;
use crate::error::{BridgeError, JavaError};

/// The shim's entry class (PROTOCOL.md).
const BRIDGE_CLASS: &str = "io/connectgateway/bridge/Bridge";

pub struct Jvm {
    vm: JavaVM,
    bridge: Global<JClass<'static>>,
}

static JVM: OnceLock<Result<Arc<Jvm>, String>> = OnceLock::new();

/// The process's JVM, started on first use with `config` (later configs are ignored: the
/// JVM's options can't change once it runs).
pub fn jvm(config: &JvmConfig) -> Result<Arc<Jvm>, BridgeError> {
    JVM.get_or_init(|| start(config).map(Arc::new))
        .clone()
        .map_err(BridgeError::Unavailable)
}

/// The JVM if one was started, without starting it.
pub fn running() -> Option<Arc<Jvm>> {
    JVM.get().and_then(|r| r.as_ref().ok().cloned())
}

fn start(config: &JvmConfig) -> Result<Jvm, String> {
    let libjvm = config.libjvm()?;
    let classpath = config.classpath()?;
    let mut args = InitArgsBuilder::new()
        .version(JNIVersion::V1_8)
        // Rust owns SIGTERM/SIGINT (graceful shutdown through tokio), not the JVM.
        .option("-Xrs")
        .option(format!("-Djava.class.path={classpath}"));
    for o in &config.options {
        args = args.option(o.clone());
    }
    let args = args
        .build()
        .map_err(|e| format!("invalid JVM options {:?}: {e}", config.options))?;
    let started = std::time::Instant::now();
    let vm = JavaVM::with_libjvm(args, || Ok(libjvm.clone()))
        .map_err(|e| format!("cannot start the JVM from {}: {e}", libjvm.display()))?;
    // Look the shim class up once, from a short-lived attached thread: FindClass on an
    // attached native thread uses the system class loader, which holds the host class path.
    let vm2 = vm.clone();
    let bridge = std::thread::Builder::new()
        .name("jvm-init".into())
        .spawn(move || {
            vm2.attach_current_thread_for_scope(|env| -> jni::errors::Result<_> {
                let class = env.find_class(jni_str!("io/connectgateway/bridge/Bridge"))?;
                env.new_global_ref(class)
            })
        })
        .map_err(|e| format!("cannot spawn the JVM init thread: {e}"))?
        .join()
        .map_err(|_| "the JVM init thread panicked".to_string())?
        .map_err(|e| format!("cannot load {BRIDGE_CLASS} from the class path: {e}"))?;
    tracing::info!(
        libjvm = %libjvm.display(),
        options = ?config.options,
        ms = started.elapsed().as_millis() as u64,
        "JVM started"
    );
    Ok(Jvm { vm, bridge })
}

type Job = Box<dyn FnOnce(&mut Env<'_>, &Global<JClass<'static>>) + Send>;

/// A dedicated OS thread attached to the JVM; jobs run one at a time, in order.
pub struct JvmThread {
    name: String,
    tx: mpsc::Sender<Job>,
}

impl JvmThread {
    pub fn spawn(jvm: Arc<Jvm>, name: String) -> Result<Self, BridgeError> {
        let (tx, rx) = mpsc::channel::<Job>();
        let thread_name = name.clone();
        std::thread::Builder::new()
            .name(name.clone())
            // Connector code may recurse deeply (JSON, regex); Java's default is 1 MiB too,
            // but the JVM's own frames also live here.
            .stack_size(4 * 1024 * 1024)
            .spawn(move || run_thread(jvm, thread_name, rx))
            .map_err(|e| BridgeError::Unavailable(format!("cannot spawn thread {name}: {e}")))?;
        Ok(JvmThread { name, tx })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn submit(&self, job: Job) -> Result<(), BridgeError> {
        self.tx
            .send(job)
            .map_err(|_| BridgeError::ThreadGone(self.name.clone()))
    }

    /// Runs `f` on this thread; the future resolves when it finished. Dropping the future
    /// does not cancel the job (a Java call can't be interrupted), it only drops the answer.
    pub fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Env<'_>, &Global<JClass<'static>>) -> R + Send + 'static,
    ) -> impl std::future::Future<Output = Result<R, BridgeError>> + Send + 'static {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let sent = self.submit(Box::new(move |env, bridge| {
            let _ = tx.send(f(env, bridge));
        }));
        let name = self.name.clone();
        async move {
            sent?;
            rx.await.map_err(|_| BridgeError::ThreadGone(name))
        }
    }

    /// Like [`call`](Self::call), but hands back the receiver itself, so a caller whose
    /// future may be dropped (a poll cancelled by a pause) can keep waiting for the answer.
    pub fn call_rx<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Env<'_>, &Global<JClass<'static>>) -> R + Send + 'static,
    ) -> Result<tokio::sync::oneshot::Receiver<R>, BridgeError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.submit(Box::new(move |env, bridge| {
            let _ = tx.send(f(env, bridge));
        }))?;
        Ok(rx)
    }

    /// Like [`call`](Self::call), for synchronous callers outside async code.
    pub fn call_blocking<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Env<'_>, &Global<JClass<'static>>) -> R + Send + 'static,
    ) -> Result<R, BridgeError> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.submit(Box::new(move |env, bridge| {
            let _ = tx.send(f(env, bridge));
        }))?;
        rx.recv()
            .map_err(|_| BridgeError::ThreadGone(self.name.clone()))
    }
}

fn run_thread(jvm: Arc<Jvm>, name: String, rx: mpsc::Receiver<Job>) {
    let jname = JNIString::new(&name);
    let result = jvm.vm.attach_current_thread_with_config(
        || AttachConfig::new().thread_name(&jname),
        Some(16),
        |env| -> jni::errors::Result<()> {
            while let Ok(job) = rx.recv() {
                // A frame per job: local references die with the job, never pile up.
                let r = env.with_local_frame(64, |env| -> jni::errors::Result<()> {
                    let run = std::panic::AssertUnwindSafe(|| job(env, &jvm.bridge));
                    if std::panic::catch_unwind(run).is_err() {
                        tracing::error!(thread = %name, "a JVM job panicked");
                    }
                    Ok(())
                });
                if let Err(e) = r {
                    tracing::error!(thread = %name, error = %e, "JNI frame failed");
                }
            }
            Ok(())
        },
    );
    if let Err(e) = result {
        tracing::error!(thread = %name, error = %e, "JVM thread ended with an error");
    }
}

/// Clears a pending exception (one that escaped the shim's catch-all) into an error.
fn escaped(env: &mut Env<'_>, call: &'static str, e: jni::errors::Error) -> BridgeError {
    let trace = if env.exception_check() {
        match env.exception_catch() {
            Err(jni::errors::Error::CaughtJavaException {
                name, msg, stack, ..
            }) => Some(format!("{name}: {msg}\n{stack}")),
            _ => None,
        }
    } else {
        None
    };
    BridgeError::Jni {
        call,
        message: e.to_string(),
        trace,
    }
}

fn string_result(
    env: &mut Env<'_>,
    call: &'static str,
    r: jni::errors::Result<jni::objects::JValueOwned<'_>>,
) -> Result<String, BridgeError> {
    let obj = r.and_then(|v| v.l()).map_err(|e| escaped(env, call, e))?;
    if obj.is_null() {
        return Err(BridgeError::Protocol {
            call,
            message: "null answer".into(),
        });
    }
    let s = env
        .cast_local::<JString>(obj)
        .and_then(|s| s.try_to_string(env))
        .map_err(|e| escaped(env, call, e))?;
    Ok(s)
}

/// Parses a control answer: `{"ok": payload}` or `{"error": {...}}`.
pub fn parse_answer(call: &'static str, s: &str) -> Result<serde_json::Value, BridgeError> {
    let mut v: serde_json::Value = serde_json::from_str(s).map_err(|e| BridgeError::Protocol {
        call,
        message: format!("{e}: {s}"),
    })?;
    if let Some(err) = v.get_mut("error") {
        let err: JavaError =
            serde_json::from_value(err.take()).map_err(|e| BridgeError::Protocol {
                call,
                message: format!("bad error object: {e}"),
            })?;
        return Err(BridgeError::Java(err));
    }
    match v.get_mut("ok") {
        Some(ok) => Ok(ok.take()),
        None => Err(BridgeError::Protocol {
            call,
            message: format!("neither ok nor error: {s}"),
        }),
    }
}

/// The `handle` of a `connectorCreate` / `taskCreate` answer.
pub fn handle_of(call: &'static str, created: &serde_json::Value) -> Result<i64, BridgeError> {
    created
        .get("handle")
        .and_then(serde_json::Value::as_i64)
        .ok_or_else(|| BridgeError::Protocol {
            call,
            message: format!("no handle in {created}"),
        })
}

/// `static String <method>(String)`.
pub fn call_str(
    env: &mut Env<'_>,
    bridge: &Global<JClass<'static>>,
    method: &'static str,
    json: &str,
) -> Result<serde_json::Value, BridgeError> {
    let arg = env.new_string(json).map_err(|e| escaped(env, method, e))?;
    let name = JNIString::new(method);
    let r = env.call_static_method(
        bridge,
        &name,
        jni_sig!("(Ljava/lang/String;)Ljava/lang/String;"),
        &[JValue::Object(&arg)],
    );
    let s = string_result(env, method, r)?;
    parse_answer(method, &s)
}

/// `static String <method>(long, String, String)`.
pub fn call_handle(
    env: &mut Env<'_>,
    bridge: &Global<JClass<'static>>,
    method: &'static str,
    handle: i64,
    op: &str,
    json: &str,
) -> Result<serde_json::Value, BridgeError> {
    let op = env.new_string(op).map_err(|e| escaped(env, method, e))?;
    let arg = env.new_string(json).map_err(|e| escaped(env, method, e))?;
    let name = JNIString::new(method);
    let r = env.call_static_method(
        bridge,
        &name,
        jni_sig!("(JLjava/lang/String;Ljava/lang/String;)Ljava/lang/String;"),
        &[
            JValue::Long(handle),
            JValue::Object(&op),
            JValue::Object(&arg),
        ],
    );
    let s = string_result(env, method, r)?;
    parse_answer(method, &s)
}

/// `static byte[] sourcePoll(long, byte[])`.
pub fn source_poll(
    env: &mut Env<'_>,
    bridge: &Global<JClass<'static>>,
    handle: i64,
    acks: &[u8],
) -> Result<Vec<u8>, BridgeError> {
    const CALL: &str = "sourcePoll";
    let arr = env
        .byte_array_from_slice(acks)
        .map_err(|e| escaped(env, CALL, e))?;
    let r = env.call_static_method(
        bridge,
        jni_str!("sourcePoll"),
        jni_sig!("(J[B)[B"),
        &[JValue::Long(handle), JValue::Object(&arr)],
    );
    let obj: JObject<'_> = r.and_then(|v| v.l()).map_err(|e| escaped(env, CALL, e))?;
    if obj.is_null() {
        return Err(BridgeError::Protocol {
            call: CALL,
            message: "null answer".into(),
        });
    }
    let bytes = env
        .cast_local::<JByteArray>(obj)
        .and_then(|a| env.convert_byte_array(&a))
        .map_err(|e| escaped(env, CALL, e))?;
    Ok(bytes)
}

/// `static String sourceAck(long, byte[])`.
pub fn source_ack(
    env: &mut Env<'_>,
    bridge: &Global<JClass<'static>>,
    handle: i64,
    acks: &[u8],
) -> Result<serde_json::Value, BridgeError> {
    const CALL: &str = "sourceAck";
    let arr = env
        .byte_array_from_slice(acks)
        .map_err(|e| escaped(env, CALL, e))?;
    let r = env.call_static_method(
        bridge,
        jni_str!("sourceAck"),
        jni_sig!("(J[B)Ljava/lang/String;"),
        &[JValue::Long(handle), JValue::Object(&arr)],
    );
    let s = string_result(env, CALL, r)?;
    parse_answer(CALL, &s)
}

/// `static String sinkPut(long, byte[])`.
pub fn sink_put(
    env: &mut Env<'_>,
    bridge: &Global<JClass<'static>>,
    handle: i64,
    batch: &[u8],
) -> Result<serde_json::Value, BridgeError> {
    const CALL: &str = "sinkPut";
    let arr = env
        .byte_array_from_slice(batch)
        .map_err(|e| escaped(env, CALL, e))?;
    let r = env.call_static_method(
        bridge,
        jni_str!("sinkPut"),
        jni_sig!("(J[B)Ljava/lang/String;"),
        &[JValue::Long(handle), JValue::Object(&arr)],
    );
    let s = string_result(env, CALL, r)?;
    parse_answer(CALL, &s)
}
