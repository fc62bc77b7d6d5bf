//! `ako shard` and `ako version` through the built binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use ako::shard::{self, ShardHash, ShardSize};

fn ako(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ako"));
    cmd.args(args)
        .env_remove("CLUSTER_NAME")
        .env_remove("SHARD_VS_SIZE")
        .env_remove("SHARD_HASH")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// (host, first four md5 bytes as a big-endian u32), computed with Python's hashlib.
const HOSTS: &[(&str, u32)] = &[
    ("foo.com", 0x167a_0418),
    ("bar.com", 0x0ab6_a5f3),
    ("www.example.com", 0x7c17_67b3),
    ("api.example.com", 0x0aa7_c02a),
    ("shop.example.org", 0xa826_c135),
    ("a", 0x0cc1_75b9),
    ("grafana.apps.k8s.local", 0xa209_48fd),
    ("xn--bcher-kva.example", 0xf8dd_7b47),
    ("s3.eu-west-1.amazonaws.com", 0xed27_3d0d),
];

#[test]
fn prints_shard_and_vs_name_per_host() {
    let out = stdout(&ako(
        &["shard", "foo.com", "bar.com", "--cluster", "c1"],
        None,
    ));
    let expected: String = HOSTS[..2]
        .iter()
        .map(|(h, w)| format!("{h}\t{n}\tc1--Shared-L7-{n}\n", n = w % 8))
        .collect();
    assert_eq!(out, expected);
}

#[test]
fn size_hash_infra_and_env_defaults() {
    let out = stdout(&ako(
        &[
            "shard",
            "www.example.com",
            "--size",
            "MEDIUM",
            "--infra",
            "gold",
            "--cluster",
            "c1",
        ],
        None,
    ));
    assert_eq!(
        out,
        format!(
            "www.example.com\t{n}\tc1--Shared-L7-gold-{n}\n",
            n = 0x7c17_67b3_u32 % 4
        )
    );
    let out = stdout(&ako(&["shard", "foo.com", "--size", "DEDICATED"], None));
    assert_eq!(
        out,
        "foo.com\tdedicated\tmy-cluster--foo.com-L7-dedicated\n"
    );
    let out = stdout(&ako(
        &["shard", "foo.com", "--hash", "fnv1a", "--cluster", "c1"],
        None,
    ));
    // FNV-1a("foo.com") = 0x41ad0598 (Python reference), masked with 7.
    assert_eq!(
        out,
        format!("foo.com\t{n}\tc1--Shared-L7-{n}\n", n = 0x41ad_0598_u32 & 7)
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ako"));
    let o = cmd
        .args(["shard", "foo.com"])
        .env("CLUSTER_NAME", "envc")
        .env("SHARD_VS_SIZE", "SMALL")
        .env_remove("SHARD_HASH")
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "foo.com\t0\tenvc--Shared-L7-0\n");
}

#[test]
fn plan_lists_the_hosts_that_move() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hosts.txt");
    let text: String = HOSTS
        .iter()
        .map(|(h, _)| format!("{h}  # comment\n\n"))
        .collect();
    std::fs::write(&file, text).unwrap();
    let path = file.to_str().unwrap();
    let out = stdout(&ako(
        &[
            "shard",
            "--plan",
            "--from",
            "MEDIUM",
            "--to",
            "LARGE",
            "-f",
            path,
            "--cluster",
            "c1",
        ],
        None,
    ));
    let movers: Vec<String> = HOSTS
        .iter()
        .filter(|(_, w)| w % 4 != w % 8)
        .map(|(h, w)| format!("{h}\tc1--Shared-L7-{}\tc1--Shared-L7-{}", w % 4, w % 8))
        .collect();
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!(
            "# {} of {} hosts move: MEDIUM md5 -> LARGE md5",
            movers.len(),
            HOSTS.len()
        )
    );
    assert_eq!(lines.collect::<Vec<_>>(), movers);
    assert!(!movers.is_empty());

    // Hosts on stdin; a hash migration from the original's placement.
    let stdin: String = HOSTS.iter().map(|(h, _)| format!("{h}\n")).collect();
    let out = stdout(&ako(
        &[
            "shard",
            "--plan",
            "--hash",
            "fnv1a",
            "--to-hash",
            "md5",
            "-f",
            "-",
        ],
        Some(&stdin),
    ));
    let hosts = HOSTS.iter().map(|(h, _)| *h);
    let moved = shard::moves(
        hosts,
        (ShardSize::Large, ShardHash::Fnv1a),
        (ShardSize::Large, ShardHash::Md5),
    );
    assert_eq!(out.lines().count(), 1 + moved.len());
}

#[test]
fn bad_input_is_an_error_naming_it() {
    let o = ako(&["shard", "x", "--size", "HUGE"], None);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(r#""HUGE" is not one of LARGE, MEDIUM, SMALL, DEDICATED"#),
        "{err}"
    );

    for (args, needle) in [
        (&["shard"][..], "no hosts given"),
        (
            &["shard", "a", "--plan"][..],
            "--plan needs the new setting",
        ),
        (&["shard", "a", "--cluster", "a b"][..], "--cluster \"a b\""),
        (
            &["shard", "-f", "/nonexistent/hosts"][..],
            "reading hosts from /nonexistent/hosts",
        ),
        (&["shard", "a", "--to", "LARGE"][..], "--plan"),
    ] {
        let o = ako(args, None);
        assert_eq!(
            o.status.code(),
            Some(if needle == "--plan" { 2 } else { 1 }),
            "{args:?}"
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn version() {
    let out = stdout(&ako(&["version"], None));
    assert!(
        out.starts_with(&format!("ako {} (demo: ", env!("CARGO_PKG_VERSION"))),
        "{out}"
    );
}
