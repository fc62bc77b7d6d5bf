//! Every naming function against the templates and examples of spec §1.

use ako::naming::{self as n, SniPath};
use ako::shard::Placement;

const GOLD: Option<&str> = Some("gold");

#[test]
fn identity() {
    assert_eq!(n::created_by("c1"), "ako-c1");
    assert_eq!(n::CLUSTER_MARKER_KEY, "clustername");
}

#[test]
fn l4_names() {
    assert_eq!(n::l4_vs("c1", "default", "web"), "c1--default-web");
    assert_eq!(n::l4_vsvip("c1", "default", "web"), "c1--default-web");
    assert_eq!(n::l4_policyset("c1", "default", "web"), "c1--default-web");
    assert_eq!(
        n::l4_pool("c1", "default", "web", "TCP", 80),
        "c1--default-web-TCP-80"
    );
    assert_eq!(
        n::l4_pool("c1", "ns", "dns", "UDP", 53),
        "c1--ns-dns-UDP-53"
    );
    assert_eq!(
        n::l4_pool("c1", "ns", "sig", "SCTP", 9000),
        "c1--ns-sig-SCTP-9000"
    );
}

#[test]
fn shared_parent_and_its_children_share_its_name() {
    assert_eq!(n::shared_vs("c1", None, 3), "c1--Shared-L7-3");
    assert_eq!(n::shared_vs("c1", GOLD, 0), "c1--Shared-L7-gold-0");
    let parent = n::shared_vs("c1", None, 7);
    assert_eq!(n::shared_vsvip(&parent), parent);
    assert_eq!(n::shared_poolgroup(&parent), parent);
    assert_eq!(n::shared_datascript(&parent), parent);
    assert_eq!(n::shared_redirect_policy(&parent), parent);
}

#[test]
fn dedicated_and_parent_dispatch() {
    assert_eq!(
        n::dedicated_vs("c1", None, "foo.com"),
        "c1--foo.com-L7-dedicated"
    );
    assert_eq!(
        n::dedicated_vs("c1", GOLD, "foo.com"),
        "c1--gold-foo.com-L7-dedicated"
    );
    assert_eq!(
        n::l7_parent_vs("c1", None, "foo.com", Placement::Shared(2)),
        "c1--Shared-L7-2"
    );
    assert_eq!(
        n::l7_parent_vs("c1", GOLD, "foo.com", Placement::Dedicated),
        "c1--gold-foo.com-L7-dedicated"
    );
}

#[test]
fn insecure_pools_and_priority_labels() {
    assert_eq!(n::priority_label("foo.com", "/api"), "foo.com/api");
    assert_eq!(n::priority_label("foo.com", ""), "foo.com");
    assert_eq!(n::priority_label("Foo.com", "/API/v1"), "foo.com/api/v1");
    assert_eq!(
        n::l7_insecure_pool("c1", None, "foo.com", "/api", "default", "web", None),
        "c1--foo.com_api-default-web"
    );
    assert_eq!(
        n::l7_insecure_pool("c1", None, "foo.com", "/api/v1/", "default", "web", None),
        "c1--foo.com_api_v1_-default-web"
    );
    assert_eq!(
        n::l7_insecure_pool("c1", None, "foo.com", "", "default", "web", None),
        "c1--foo.com-default-web"
    );
    assert_eq!(
        n::l7_insecure_pool(
            "c1",
            GOLD,
            "foo.com",
            "/",
            "default",
            "route1",
            Some("svc1")
        ),
        "c1--gold-foo.com_-default-route1-svc1"
    );
}

#[test]
fn sni_names() {
    assert_eq!(n::sni_child_vs("c1", None, "foo.com"), "c1--foo.com");
    assert_eq!(n::sni_child_vs("c1", GOLD, "foo.com"), "c1--gold-foo.com");
    let p = SniPath {
        ns: "default",
        host: "foo.com",
        path: "/api",
        ing: "web",
        route_svc: None,
        dedicated: false,
    };
    assert_eq!(n::sni_pool("c1", None, &p), "c1--default-foo.com_api-web");
    assert_eq!(
        n::sni_poolgroup("c1", None, &p),
        "c1--default-foo.com_api-web"
    );
    let route = SniPath {
        route_svc: Some("svc1"),
        dedicated: true,
        ..p
    };
    assert_eq!(
        n::sni_pool("c1", GOLD, &route),
        "c1--gold-default-foo.com_api-web-svc1-L7-dedicated"
    );
    assert_eq!(
        n::sni_poolgroup("c1", GOLD, &route),
        "c1--gold-default-foo.com_api-web-L7-dedicated"
    );
    let ps = n::sni_httppolicyset("c1", None, "default", "foo.com");
    assert_eq!(ps, "c1--default-foo.com");
    assert_eq!(
        n::sni_httppolicyset("c1", GOLD, "default", "foo.com"),
        "c1--gold-default-foo.com"
    );
    assert_eq!(n::http_policy_rule(&ps, 0), "c1--default-foo.com-0");
    assert_eq!(
        n::http_policy_rule("c1--Shared-L7-1", 12),
        "c1--Shared-L7-1-12"
    );
}

#[test]
fn certificates() {
    assert_eq!(n::tls_cert("c1", None, "foo.com"), "c1--foo.com");
    assert_eq!(n::tls_cert("c1", GOLD, "foo.com"), "c1--gold-foo.com");
    assert_eq!(n::tls_cert_alt("c1", None, "foo.com"), "c1--foo.com-alt");
    assert_eq!(n::ca_cert("c1", None, "foo.com"), "c1--foo.com-cacert");
    assert_eq!(n::ca_cert("c1", GOLD, "foo.com"), "c1--gold-foo.com-cacert");
    assert_eq!(
        n::pool_pki_profile("c1--default-foo.com_api-web"),
        "c1--default-foo.com_api-web-pkiprofile"
    );
}

#[test]
fn passthrough() {
    assert_eq!(n::passthrough_vs("c1", None, 0), "c1--Shared-Passthrough-0");
    assert_eq!(
        n::passthrough_vs("c1", GOLD, 2),
        "c1--Shared-Passthrough-gold-2"
    );
    assert_eq!(
        n::passthrough_insecure_vs("c1", None, 0),
        "c1--Shared-Passthrough-0-insecure"
    );
    assert_eq!(
        n::passthrough_insecure_vs("c1", GOLD, 1),
        "c1--Shared-Passthrough-gold-1-insecure"
    );
    assert_eq!(
        n::passthrough_poolgroup("c1", None, "foo.com"),
        "c1--foo.com"
    );
    assert_eq!(
        n::passthrough_pool("c1", None, "foo.com", "svc1"),
        "c1--foo.com-svc1"
    );
    assert_eq!(
        n::passthrough_pool("c1", GOLD, "foo.com", "svc1"),
        "c1--gold-foo.com-svc1"
    );
}

#[test]
fn static_route_ids_come_from_the_node_name() {
    assert_eq!(n::static_route_id("c1", "node-1", 0), "c1-node-1-0");
    assert_eq!(n::static_route_id("c1", "node-1", 1), "c1-node-1-1");
    // Same input, same id: nothing random (F9 "beyond").
    assert_eq!(
        n::static_route_id("c1", "node-1", 0),
        n::static_route_id("c1", "node-1", 0)
    );
}
