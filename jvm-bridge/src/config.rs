//! Where the JVM comes from and how it is started: worker keys `jvm.*`, then the
//! environment, then defaults next to the executable.

use std::path::{Path, PathBuf};

use connect_api::Props;

/// `JAVA_HOME` of the JDK or JRE to load `libjvm` from.
pub const JAVA_HOME: &str = "jvm.java.home";
/// Directory of jars forming the host class path (the shim and Kafka Connect's runtime).
pub const CLASSPATH_DIR: &str = "jvm.classpath.dir";
/// Extra JVM options, space separated (heap, GC). `-Xrs` is always added.
pub const OPTIONS: &str = "jvm.options";

/// Every worker key this crate reads, with its documentation (the worker accepts and lists them).
pub const KEYS: &[(&str, &str)] = &[
    (
        JAVA_HOME,
        "JDK/JRE whose libjvm hosts JVM plugins (default: JAVA_HOME, else java on PATH).",
    ),
    (
        CLASSPATH_DIR,
        "Directory of the shim and Kafka Connect runtime jars (default: CONNECT_GATEWAY_JVM_LIB, else jvm-bridge/lib next to the binary; scripts/jvm.sh build writes it).",
    ),
    (
        OPTIONS,
        "JVM options for the in-process JVM, space separated (default: -Xms128m -Xmx1g; -Xrs is always added).",
    ),
];

/// The environment variable scripts and tests use to point at the class path directory.
pub const CLASSPATH_ENV: &str = "CONNECT_GATEWAY_JVM_LIB";

const DEFAULT_OPTIONS: &str = "-Xms128m -Xmx1g";

#[derive(Debug, Clone, PartialEq)]
pub struct JvmConfig {
    pub java_home: Option<PathBuf>,
    pub classpath_dir: Option<PathBuf>,
    pub options: Vec<String>,
}

impl JvmConfig {
    pub fn from_worker(props: &Props) -> Self {
        let non_empty = |k: &str| props.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
        let java_home = non_empty(JAVA_HOME)
            .map(PathBuf::from)
            .or_else(|| env_path("JAVA_HOME"))
            .or_else(java_home_from_path);
        let classpath_dir = non_empty(CLASSPATH_DIR)
            .map(PathBuf::from)
            .or_else(|| env_path(CLASSPATH_ENV))
            .or_else(default_classpath_dir);
        let options = non_empty(OPTIONS)
            .unwrap_or(DEFAULT_OPTIONS)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        JvmConfig {
            java_home,
            classpath_dir,
            options,
        }
    }

    /// `$JAVA_HOME/lib/server/libjvm.so` (or the platform's name for it).
    pub fn libjvm(&self) -> Result<PathBuf, String> {
        let home = self.java_home.as_ref().ok_or_else(|| {
            format!("no JDK found: set {JAVA_HOME} or JAVA_HOME, or put java on PATH")
        })?;
        let name = if cfg!(target_os = "macos") {
            "libjvm.dylib"
        } else {
            "libjvm.so"
        };
        let candidates = [
            home.join("lib/server").join(name),
            home.join("jre/lib/server").join(name),
            home.join("lib/client").join(name),
        ];
        candidates
            .iter()
            .find(|p| p.is_file())
            .cloned()
            .ok_or_else(|| format!("no {name} under {}/lib/server", home.display()))
    }

    /// Every jar of the class path directory, sorted so the class path is stable.
    pub fn classpath(&self) -> Result<String, String> {
        let dir = self.classpath_dir.as_ref().ok_or_else(|| {
            format!("no JVM class path: set {CLASSPATH_DIR} or {CLASSPATH_ENV} (scripts/jvm.sh build prints it)")
        })?;
        let entries = std::fs::read_dir(dir).map_err(|e| {
            format!(
                "cannot read the JVM class path directory {}: {e} (run scripts/jvm.sh build)",
                dir.display()
            )
        })?;
        let mut jars: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jar"))
            .collect();
        jars.sort();
        if !jars.iter().any(|j| is_shim(j)) {
            return Err(format!(
                "{} holds no connect-gateway-shim.jar (run scripts/jvm.sh build)",
                dir.display()
            ));
        }
        let joined = std::env::join_paths(&jars).map_err(|e| e.to_string())?;
        Ok(joined.to_string_lossy().into_owned())
    }
}

fn is_shim(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n == "connect-gateway-shim.jar")
}

fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// `java` on PATH, symlinks resolved, minus `bin/java` (what `which java` + readlink gives).
fn java_home_from_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("java"))
        .find(|p| p.is_file())
        .and_then(|p| std::fs::canonicalize(p).ok())
        .and_then(|p| p.parent()?.parent().map(Path::to_path_buf))
}

/// `<exe dir>/../jvm-bridge/lib`: where `scripts/jvm.sh build` puts the jars for a binary in
/// `target/<profile>/`.
fn default_classpath_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    [dir.join("jvm-bridge/lib"), dir.join("../jvm-bridge/lib")]
        .into_iter()
        .find(|d| d.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_keys_win_and_options_split() {
        let mut p = Props::new();
        p.insert(JAVA_HOME.into(), "/opt/jdk".into());
        p.insert(CLASSPATH_DIR.into(), "/opt/lib".into());
        p.insert(OPTIONS.into(), " -Xmx64m  -XX:+UseSerialGC ".into());
        let c = JvmConfig::from_worker(&p);
        assert_eq!(c.java_home, Some(PathBuf::from("/opt/jdk")));
        assert_eq!(c.classpath_dir, Some(PathBuf::from("/opt/lib")));
        assert_eq!(c.options, vec!["-Xmx64m", "-XX:+UseSerialGC"]);
        assert!(c.libjvm().unwrap_err().contains("/opt/jdk"));
        assert!(c.classpath().unwrap_err().contains("/opt/lib"));
    }

    #[test]
    fn a_class_path_without_the_shim_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("other.jar"), b"").unwrap();
        let c = JvmConfig {
            java_home: None,
            classpath_dir: Some(dir.path().to_path_buf()),
            options: vec![],
        };
        assert!(c
            .classpath()
            .unwrap_err()
            .contains("connect-gateway-shim.jar"));
        std::fs::write(dir.path().join("connect-gateway-shim.jar"), b"").unwrap();
        let cp = c.classpath().unwrap();
        assert!(cp.contains("connect-gateway-shim.jar") && cp.contains("other.jar"));
    }
}
