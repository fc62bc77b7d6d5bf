//! Every generated name fits Avi's 255-character limit for the longest inputs
//! Kubernetes allows (B16, B24): 253-character hosts and AviInfraSetting names,
//! 63-character names and namespaces, long paths. Too-long names are shortened
//! deterministically, keep their readable prefix, and stay distinct.

use ako::naming::{self as n, MAX_NAME_LEN, SniPath};
use proptest::prelude::*;

/// A DNS name of exactly 253 characters (labels of at most 63), ending in `last`.
fn longest_host(last: char) -> String {
    let label = "h".repeat(63);
    let host = format!("{label}.{label}.{label}.{}{last}", "h".repeat(60));
    assert_eq!(host.len(), 253);
    host
}

fn name63(c: char) -> String {
    c.to_string().repeat(63)
}

/// Every naming function applied to the given inputs.
fn all_names(
    cluster: &str,
    infra: &str,
    host: &str,
    ns: &str,
    name: &str,
    path: &str,
) -> Vec<String> {
    let infra = Some(infra);
    let p = SniPath {
        ns,
        host,
        path,
        ing: name,
        route_svc: Some(name),
        dedicated: true,
    };
    let pool = n::sni_pool(cluster, infra, &p);
    vec![
        n::created_by(cluster),
        n::l4_vs(cluster, ns, name),
        n::l4_vsvip(cluster, ns, name),
        n::l4_policyset(cluster, ns, name),
        n::l4_pool(cluster, ns, name, "SCTP", 65535),
        n::shared_vs(cluster, infra, 7),
        n::dedicated_vs(cluster, infra, host),
        n::l7_insecure_pool(cluster, infra, host, path, ns, name, Some(name)),
        n::sni_child_vs(cluster, infra, host),
        n::sni_poolgroup(cluster, infra, &p),
        n::sni_httppolicyset(cluster, infra, ns, host),
        n::http_policy_rule(&n::sni_httppolicyset(cluster, infra, ns, host), 99),
        n::tls_cert(cluster, infra, host),
        n::tls_cert_alt(cluster, infra, host),
        n::ca_cert(cluster, infra, host),
        n::pool_pki_profile(&pool),
        pool,
        n::passthrough_vs(cluster, infra, 7),
        n::passthrough_insecure_vs(cluster, infra, 7),
        n::passthrough_poolgroup(cluster, infra, host),
        n::passthrough_pool(cluster, infra, host, name),
        n::static_route_id(cluster, host, 3),
    ]
}

#[test]
fn longest_kubernetes_inputs_fit_and_keep_the_cluster_prefix() {
    let cluster = "c".repeat(32);
    let path = format!("/{}", "p".repeat(1000));
    // AviInfraSetting (cluster-scoped) names are DNS subdomains: up to 253.
    let names = all_names(
        &cluster,
        &"i".repeat(253),
        &longest_host('a'),
        &name63('n'),
        &name63('s'),
        &path,
    );
    for name in &names {
        assert!(name.len() <= MAX_NAME_LEN, "{} chars: {name}", name.len());
        assert!(
            name.starts_with(&cluster) || name.starts_with("ako-"),
            "{name}"
        );
    }
    // The long ones really were shortened (a test that cannot fail is worth nothing).
    assert!(names.iter().filter(|n| n.len() == MAX_NAME_LEN).count() >= 10);
}

#[test]
fn shortened_names_are_deterministic_and_distinct() {
    let path = "/x".repeat(200);
    let with_host = |last| {
        all_names(
            "c1",
            &name63('i'),
            &longest_host(last),
            &name63('n'),
            &name63('s'),
            &path,
        )
    };
    let a = with_host('a');
    assert_eq!(a, with_host('a'));
    // Hosts differing only in the last character, far past the cut, still differ
    // wherever the host is part of the name.
    let b = with_host('b');
    let host_names = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 19, 20, 21];
    for i in host_names {
        assert_ne!(a[i], b[i], "name #{i} lost the host: {}", a[i]);
    }
}

#[test]
fn names_that_fit_are_literal() {
    // 255 exactly: untouched.
    let host = "h".repeat(MAX_NAME_LEN - "c1--".len());
    assert_eq!(n::sni_child_vs("c1", None, &host), format!("c1--{host}"));
    // One more: shortened to exactly 255 with an md5 suffix.
    let host = format!("{host}h");
    let name = n::sni_child_vs("c1", None, &host);
    assert_eq!(name.len(), MAX_NAME_LEN);
    assert!(name[223..].bytes().all(|b| b.is_ascii_hexdigit()), "{name}");
}

proptest! {
    #[test]
    fn fit_never_exceeds_the_limit_and_keeps_short_names(s in "\\PC{0,400}") {
        let fitted = n::fit(s.clone());
        prop_assert!(fitted.len() <= MAX_NAME_LEN);
        if s.len() <= MAX_NAME_LEN {
            prop_assert_eq!(fitted, s);
        } else {
            prop_assert!(s.starts_with(&fitted[..fitted.len() - 33]));
        }
    }
}
