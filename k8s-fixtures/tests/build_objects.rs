//! Each builder makes a valid object: required fields set, the requested settings present, and
//! a serde round trip (JSON and multi-document YAML through `load_yaml`) that changes nothing.

use std::fmt::Debug;

use k8s_fixtures::build::{self, Fixture, PathType, WithMeta};
use k8s_fixtures::crds::route::v1::{InsecureEdgeTerminationPolicy, Termination};
use k8s_openapi::Resource;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// JSON → typed → JSON is stable, the JSON names the kind, and `load_yaml` reads it back.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(
    obj: &T,
    api_version: &str,
    kind: &str,
) -> Value {
    let json = serde_json::to_value(obj).unwrap();
    assert_eq!(json["apiVersion"], api_version);
    assert_eq!(json["kind"], kind);
    assert!(json["metadata"]["name"].is_string(), "{json}");
    let back: T = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(&back, obj);
    let yaml = serde_yaml::to_string(obj).unwrap();
    let loaded = build::load_yaml(&yaml).unwrap();
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].to_value().unwrap(), json);
    json
}

#[test]
fn namespace_with_labels() {
    let ns = build::namespace("red")
        .label("team", "a")
        .annotation("ako.vmware.com/tenant-name", "t1")
        .build();
    let json = round_trip(&ns, "v1", "Namespace");
    assert_eq!(json["metadata"]["labels"]["team"], "a");
    assert_eq!(
        json["metadata"]["annotations"]["ako.vmware.com/tenant-name"],
        "t1"
    );
    assert!(json["metadata"].get("namespace").is_none());
}

#[test]
fn node_addresses_cidr_and_readiness() {
    let n = build::node("n1")
        .pod_cidr("10.244.1.0/24")
        .internal_ip("10.0.0.1")
        .external_ip("1.2.3.4")
        .label("zone", "a")
        .build();
    let json = round_trip(&n, "v1", "Node");
    assert_eq!(json["spec"]["podCIDR"], "10.244.1.0/24");
    assert_eq!(json["spec"]["podCIDRs"][0], "10.244.1.0/24");
    let addrs = json["status"]["addresses"].as_array().unwrap();
    let types: Vec<_> = addrs.iter().map(|a| a["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["InternalIP", "ExternalIP", "Hostname"]);
    assert_eq!(json["status"]["conditions"][0]["status"], "True");
    let down = build::node("n2").not_ready().build();
    let cond = &down.status.unwrap().conditions.unwrap()[0];
    assert_eq!(
        (cond.type_.as_str(), cond.status.as_str()),
        ("Ready", "False")
    );
}

#[test]
fn service_types_ports_and_npl() {
    let svc = build::service("red", "web")
        .load_balancer()
        .tcp(80, 8080)
        .node_port(30080)
        .udp(53, 5353)
        .sctp(9000, 9000)
        .port_name("sig")
        .load_balancer_ip("10.10.10.10")
        .node_port_local()
        .build();
    let json = round_trip(&svc, "v1", "Service");
    assert_eq!(json["spec"]["type"], "LoadBalancer");
    assert_eq!(json["spec"]["loadBalancerIP"], "10.10.10.10");
    assert_eq!(json["spec"]["selector"]["app"], "web");
    assert_eq!(
        json["metadata"]["annotations"][build::NPL_SERVICE_ANNOTATION],
        "true"
    );
    let ports = json["spec"]["ports"].as_array().unwrap();
    let summary: Vec<_> = ports
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["protocol"].as_str().unwrap(),
                p["port"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("tcp-80", "TCP", 80),
            ("udp-53", "UDP", 53),
            ("sig", "SCTP", 9000)
        ]
    );
    assert_eq!(ports[0]["nodePort"], 30080);
    assert_eq!(ports[0]["targetPort"], 8080);

    let plain = build::service("red", "api").selector("tier", "be").build();
    let spec = plain.spec.unwrap();
    assert_eq!(spec.type_.as_deref(), Some("ClusterIP"));
    assert_eq!(spec.selector.unwrap().len(), 1);
    let port = &spec.ports.unwrap()[0];
    assert_eq!((port.port, port.name.as_deref()), (80, None));
    let np = build::service("red", "np").node_port_type().build();
    assert_eq!(np.spec.unwrap().type_.as_deref(), Some("NodePort"));
}

#[test]
fn endpoints_and_slices_follow_the_service() {
    let svc = build::service("red", "web")
        .tcp(80, 8080)
        .tcp(443, 8443)
        .build();
    let ready = build::pod("red", "web-1")
        .label("app", "web")
        .ip("10.244.1.5")
        .node("n1")
        .container_port(8080)
        .build();
    let unready = build::pod("red", "web-2")
        .ip("10.244.2.5")
        .node("n2")
        .not_ready()
        .build();
    let pending = build::pod("red", "web-3").build();
    let b = build::endpoints_for(&svc)
        .pod(&ready)
        .pod(&unready)
        .pod(&pending)
        .ready("10.244.3.1", None);

    let ep = b.build_endpoints();
    let json = round_trip(&ep, "v1", "Endpoints");
    assert_eq!(json["metadata"]["name"], "web");
    let subset = &json["subsets"][0];
    assert_eq!(subset["addresses"].as_array().unwrap().len(), 2);
    assert_eq!(subset["addresses"][0]["targetRef"]["name"], "web-1");
    assert_eq!(subset["notReadyAddresses"][0]["ip"], "10.244.2.5");
    assert_eq!(subset["ports"][1]["port"], 8443);

    let slice = b.slice_name("web-abcde").build_slice();
    let json = round_trip(&slice, "discovery.k8s.io/v1", "EndpointSlice");
    assert_eq!(json["metadata"]["name"], "web-abcde");
    assert_eq!(
        json["metadata"]["labels"]["kubernetes.io/service-name"],
        "web"
    );
    assert_eq!(json["addressType"], "IPv4");
    let eps = json["endpoints"].as_array().unwrap();
    assert_eq!(eps.len(), 3);
    assert_eq!(eps[0]["nodeName"], "n1");
    assert_eq!(eps[1]["conditions"]["ready"], false);
    assert_eq!(json["ports"][0]["port"], 8080);

    let v6 = build::endpoints_for(&svc)
        .ready("fd00::5", Some("n1"))
        .build_slice();
    assert_eq!(v6.address_type, "IPv6");
}

#[test]
fn pod_with_node_port_local_mapping() {
    let p = build::pod("red", "web-1")
        .ip("10.244.1.5")
        .node("n1")
        .npl(8080, "10.0.0.1", 61001)
        .build();
    let json = round_trip(&p, "v1", "Pod");
    assert_eq!(json["status"]["podIP"], "10.244.1.5");
    assert_eq!(json["status"]["phase"], "Running");
    assert!(json["spec"]["containers"][0]["name"].is_string());
    let npl: Value = serde_json::from_str(
        json["metadata"]["annotations"][build::NPL_POD_ANNOTATION]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(npl[0]["nodePort"], 61001);
    assert_eq!(npl[0]["nodeIP"], "10.0.0.1");
    assert_eq!(npl[0]["podPort"], 8080);
}

#[test]
fn ingress_rules_tls_and_class() {
    let ing = build::ingress("red", "web")
        .class("avi-lb")
        .rule("foo.com", "/", "web", 80)
        .rule("bar.com", "/api", "api", "http")
        .rule("foo.com", "/exact", "web", 80)
        .path_type(PathType::Exact)
        .tls(&["foo.com"], "foo-tls")
        .annotation("passthrough.ako.vmware.com/enabled", "false")
        .build();
    let json = round_trip(&ing, "networking.k8s.io/v1", "Ingress");
    assert_eq!(json["spec"]["ingressClassName"], "avi-lb");
    let rules = json["spec"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2);
    let foo = &rules[0]["http"]["paths"];
    assert_eq!(foo[0]["pathType"], "Prefix");
    assert_eq!(foo[1]["path"], "/exact");
    assert_eq!(foo[1]["pathType"], "Exact");
    assert_eq!(foo[0]["backend"]["service"]["port"]["number"], 80);
    assert_eq!(
        rules[1]["http"]["paths"][0]["backend"]["service"]["port"]["name"],
        "http"
    );
    assert_eq!(json["spec"]["tls"][0]["secretName"], "foo-tls");
    assert_eq!(json["spec"]["tls"][0]["hosts"][0], "foo.com");
}

#[test]
fn ingress_class_controller_default_and_parameters() {
    let class = build::ingress_class("avi-lb")
        .default_class()
        .parameters("infra-1")
        .build();
    let json = round_trip(&class, "networking.k8s.io/v1", "IngressClass");
    assert_eq!(json["spec"]["controller"], build::AKO_INGRESS_CONTROLLER);
    assert_eq!(
        json["metadata"]["annotations"]["ingressclass.kubernetes.io/is-default-class"],
        "true"
    );
    let params = &json["spec"]["parameters"];
    assert_eq!(
        (
            params["apiGroup"].as_str(),
            params["kind"].as_str(),
            params["name"].as_str()
        ),
        (
            Some("ako.vmware.com"),
            Some("AviInfraSetting"),
            Some("infra-1")
        )
    );
    let other = build::ingress_class("nginx")
        .controller("k8s.io/ingress-nginx")
        .build();
    assert_eq!(
        other.spec.unwrap().controller.as_deref(),
        Some("k8s.io/ingress-nginx")
    );
}

#[test]
fn routes_with_each_termination() {
    let tls = build::TlsMaterial::self_signed(&["r.example.com"]).unwrap();
    let edge = build::route("red", "r", "web")
        .host("r.example.com")
        .path("/app")
        .weight(80)
        .alternate_backend("web-canary", 20)
        .target_port("http")
        .edge(&tls)
        .insecure_policy(InsecureEdgeTerminationPolicy::Redirect)
        .build();
    let json = round_trip(&edge, "route.openshift.io/v1", "Route");
    assert_eq!(
        json["spec"]["to"],
        serde_json::json!({"kind": "Service", "name": "web", "weight": 80})
    );
    assert_eq!(json["spec"]["alternateBackends"][0]["weight"], 20);
    assert_eq!(json["spec"]["port"]["targetPort"], "http");
    assert_eq!(json["spec"]["tls"]["termination"], "edge");
    assert_eq!(
        json["spec"]["tls"]["insecureEdgeTerminationPolicy"],
        "Redirect"
    );
    assert!(
        json["spec"]["tls"]["key"]
            .as_str()
            .unwrap()
            .contains("PRIVATE KEY")
    );
    let pt = build::route("red", "p", "web")
        .passthrough()
        .target_port(443)
        .build();
    assert_eq!(pt.spec.tls.unwrap().termination, Termination::Passthrough);
    assert_eq!(pt.spec.port.unwrap().target_port, IntOrString::Int(443));
    let re = build::route("red", "re", "web")
        .reencrypt(&tls, &tls.cert_pem)
        .build();
    let re_tls = re.spec.tls.unwrap();
    assert_eq!(re_tls.termination, Termination::Reencrypt);
    assert_eq!(
        re_tls.destination_ca_certificate.as_deref(),
        Some(tls.cert_pem.as_str())
    );
}

#[test]
fn ako_configmap_statefulset_secret_and_lease() {
    let cm = build::ako_config()
        .cluster_name("c1")
        .controller_ip("10.1.1.1:9443")
        .shard_vs_size("SMALL")
        .node_port_selector("k", "v")
        .build();
    let json = round_trip(&cm, "v1", "ConfigMap");
    assert_eq!(json["metadata"]["namespace"], build::AKO_NAMESPACE);
    assert_eq!(json["metadata"]["name"], build::CONFIGMAP_NAME);
    let data = &json["data"];
    assert_eq!(data["clusterName"], "c1");
    assert_eq!(data["controllerIP"], "10.1.1.1:9443");
    assert_eq!(data["shardVSSize"], "SMALL");
    assert_eq!(data["nodeKey"], "k");
    assert_eq!(data["tenantName"], "admin");
    assert_eq!(data["vipNetworkList"], "[]");
    assert!(
        !build::ako_config()
            .build()
            .data
            .unwrap()
            .contains_key("nodeKey")
    );
    let removed = build::ako_config()
        .remove("logLevel")
        .delete_config(true)
        .build()
        .data
        .unwrap();
    assert!(!removed.contains_key("logLevel"));
    assert_eq!(removed["deleteConfig"], "true");

    let sts = build::ako_statefulset()
        .replicas(2)
        .annotation("AviObjectDeletionStatus", "Done")
        .build();
    let json = round_trip(&sts, "apps/v1", "StatefulSet");
    assert_eq!(json["metadata"]["name"], "ako");
    assert_eq!(json["spec"]["replicas"], 2);
    assert_eq!(
        json["spec"]["selector"]["matchLabels"],
        json["spec"]["template"]["metadata"]["labels"]
    );
    assert_eq!(
        json["spec"]["template"]["spec"]["containers"][0]["env"][0]["name"],
        "POD_NAME"
    );

    let secret = build::avi_secret("admin", "pw");
    let json = round_trip(&secret, "v1", "Secret");
    assert_eq!(json["data"]["username"], "YWRtaW4="); // base64("admin")

    let at: k8s_openapi::jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let lease = build::lease().held_by("ako-0", at).transitions(3).build();
    let json = round_trip(&lease, "coordination.k8s.io/v1", "Lease");
    assert_eq!(json["metadata"]["name"], build::LEASE_NAME);
    assert_eq!(json["spec"]["holderIdentity"], "ako-0");
    assert_eq!(json["spec"]["leaseDurationSeconds"], 15);
    assert_eq!(json["spec"]["leaseTransitions"], 3);
    assert!(
        json["spec"]["renewTime"]
            .as_str()
            .unwrap()
            .starts_with("2026-01-01T00:00:00")
    );
    assert_eq!(k8s_openapi::api::coordination::v1::Lease::KIND, "Lease");
    assert!(matches!(
        build::load_yaml(&serde_yaml::to_string(&lease).unwrap()).unwrap()[0],
        Fixture::Lease(_)
    ));
}
