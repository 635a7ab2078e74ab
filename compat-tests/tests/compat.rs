//! The side-by-side compatibility test: fails on any difference between the gateway and Apache
//! Kafka Connect that `allow-list.toml` does not explain, and when the targets are not given
//! (never a silent skip). Run it with `./scripts/compat.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn gateway_matches_kafka_connect() {
    let res = match compat_tests::run_from_env() {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let v = compat_tests::kafka_version();
    println!("{}", compat_tests::report::table(&res, &v));
    println!(
        "compat: {} in {:.0}s",
        compat_tests::report::summary(&res),
        res.elapsed.as_secs_f64()
    );
    if let Ok(dir) = std::env::var("COMPAT_OUT_DIR") {
        compat_tests::write_outputs(&res, std::path::Path::new(&dir)).unwrap();
    }
    assert!(
        res.passed(),
        "{} difference(s) from Kafka Connect are not explained by compat-tests/allow-list.toml, \
         {} allow-list entr(y/ies) are stale:\n{}",
        res.unexplained_count(),
        res.stale.len(),
        compat_tests::report::failures(&res)
    );
}
