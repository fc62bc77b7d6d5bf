//! Every scenario file is one test, named after its path under scenarios/ without
//! `.yaml` (e.g. `faq/f02-sharding`): `cargo test -p ako-tests --test scenarios -- f02`.
//! Pending scenarios are reported as ignored, with their reason.

use std::path::{Path, PathBuf};

use ako_tests::runner::{Outcome, Target, run_file};
use ako_tests::scenario::{Scenario, discover};
use libtest_mimic::{Arguments, Failed, Trial};

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut args = Arguments::from_args();
    // Scenarios mostly wait on the controller: more than one per core keeps the
    // suite short without starving them.
    args.test_threads.get_or_insert(4);
    let dir = scenarios_dir();
    let files = discover(&dir).expect("scenarios/ readable");
    let trials = files
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(&dir)
                .unwrap_or(&path)
                .with_extension("")
                .display()
                .to_string();
            let pending = Scenario::load(&path)
                .ok()
                .filter(|s| s.pending)
                .map(|s| s.pending_reason.unwrap_or_default());
            match pending {
                Some(reason) => Trial::test(format!("{name} (pending: {reason})"), || Ok(()))
                    .with_ignored_flag(true),
                None => Trial::test(name, move || {
                    let report = run_file(&path, &Target::InProcess);
                    match report.outcome {
                        Outcome::Passed | Outcome::Pending(_) => Ok(()),
                        _ => Err(Failed::from(report.to_string())),
                    }
                }),
            }
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
