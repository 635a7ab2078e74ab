//! Runs the compatibility scenarios and prints the markdown table (or, with `--readme`, the
//! README's Compatibility section). Targets come from KAFKA_CONNECT_URL,
//! KAFKA_CONNECT_STANDALONE_URL and GATEWAY_URL. Exit status 1 when a difference is unexplained.

use std::process::ExitCode;

fn main() -> ExitCode {
    let readme = std::env::args().any(|a| a == "--readme");
    let res = match compat_tests::run_from_env() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("compat-report: {e}");
            return ExitCode::from(2);
        }
    };
    let v = compat_tests::kafka_version();
    if readme {
        print!("{}", compat_tests::report::readme_section(&res, &v));
    } else {
        print!("{}", compat_tests::report::table(&res, &v));
    }
    if let Ok(dir) = std::env::var("COMPAT_OUT_DIR") {
        if let Err(e) = compat_tests::write_outputs(&res, std::path::Path::new(&dir)) {
            eprintln!("compat-report: {e}");
        }
    }
    if res.passed() {
        ExitCode::SUCCESS
    } else {
        eprint!("{}", compat_tests::report::failures(&res));
        ExitCode::from(1)
    }
}
