//! Shape of the generated CRDs: versions, storage, scope, subresources, and the v1alpha1 →
//! v1beta1 field differences of spec §10.1; and that sample objects parse into the types.

use k8s_fixtures::crds::{self, hostrule, httprule, l4rule, route};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
    CustomResourceDefinition, CustomResourceDefinitionVersion, JSONSchemaProps,
};

fn find<'a>(crds: &'a [CustomResourceDefinition], name: &str) -> &'a CustomResourceDefinition {
    crds.iter()
        .find(|c| c.metadata.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("{name} missing"))
}

fn version<'a>(crd: &'a CustomResourceDefinition, v: &str) -> &'a CustomResourceDefinitionVersion {
    crd.spec.versions.iter().find(|x| x.name == v).unwrap()
}

/// The schema at a dotted path below the version's root (`spec.virtualhost`); `[]` steps into
/// array items.
fn schema_at<'a>(
    v: &'a CustomResourceDefinitionVersion,
    path: &str,
) -> Option<&'a JSONSchemaProps> {
    let mut s = v.schema.as_ref()?.open_api_v3_schema.as_ref()?;
    for seg in path.split('.') {
        s = if seg == "[]" {
            match s.items.as_ref()? {
                k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::JSONSchemaPropsOrArray::Schema(x) => x,
                _ => return None,
            }
        } else {
            s.properties.as_ref()?.get(seg)?
        };
    }
    Some(s)
}

#[test]
fn multi_version_crds_serve_both_and_store_v1beta1() {
    let all = crds::all_crds();
    let names: Vec<_> = all
        .iter()
        .map(|c| c.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "aviinfrasettings.ako.vmware.com",
            "hostrules.ako.vmware.com",
            "httprules.ako.vmware.com",
            "l4rules.ako.vmware.com"
        ]
    );
    for name in &names[..3] {
        let crd = find(&all, name);
        let versions: Vec<_> = crd
            .spec
            .versions
            .iter()
            .map(|v| (v.name.as_str(), v.served, v.storage))
            .collect();
        assert_eq!(versions.len(), 2, "{name}");
        assert!(
            versions.contains(&("v1alpha1", true, false)),
            "{name}: {versions:?}"
        );
        assert!(
            versions.contains(&("v1beta1", true, true)),
            "{name}: {versions:?}"
        );
    }
    let l4 = find(&all, "l4rules.ako.vmware.com");
    assert_eq!(l4.spec.versions.len(), 1);
    assert!(version(l4, "v1alpha2").storage);
    for crd in all.iter().chain([&crds::route_crd()]) {
        for v in &crd.spec.versions {
            let sub = v.subresources.as_ref().and_then(|s| s.status.as_ref());
            assert!(
                sub.is_some(),
                "{:?} {} lacks status subresource",
                crd.metadata.name,
                v.name
            );
            let status_field = if crd.spec.group == "route.openshift.io" {
                "status.ingress"
            } else {
                "status.error"
            };
            assert!(
                schema_at(v, status_field).is_some(),
                "{:?} {}",
                crd.metadata.name,
                v.name
            );
        }
    }
}

#[test]
fn scopes_and_groups() {
    let all = crds::all_crds();
    assert_eq!(
        find(&all, "aviinfrasettings.ako.vmware.com").spec.scope,
        "Cluster"
    );
    assert_eq!(
        find(&all, "hostrules.ako.vmware.com").spec.scope,
        "Namespaced"
    );
    let r = crds::route_crd();
    assert_eq!(r.spec.group, "route.openshift.io");
    assert_eq!(r.spec.scope, "Namespaced");
}

#[test]
fn v1beta1_only_fields_exist_only_at_v1beta1() {
    let all = crds::all_crds();
    let hr = find(&all, "hostrules.ako.vmware.com");
    for f in [
        "useRegex",
        "applicationRootPath",
        "l7Rule",
        "networkSecurityPolicy",
        "analyticsPolicy.fullClientLogs.duration",
    ] {
        let path = format!("spec.virtualhost.{f}");
        assert!(
            schema_at(version(hr, "v1beta1"), &path).is_some(),
            "v1beta1 {path}"
        );
        assert!(
            schema_at(version(hr, "v1alpha1"), &path).is_none(),
            "v1alpha1 {path}"
        );
    }
    let rr = find(&all, "httprules.ako.vmware.com");
    assert!(schema_at(version(rr, "v1beta1"), "spec.paths.[].enableHTTP2").is_some());
    assert!(schema_at(version(rr, "v1alpha1"), "spec.paths.[].enableHTTP2").is_none());
    let infra = find(&all, "aviinfrasettings.ako.vmware.com");
    assert_eq!(
        version(infra, "v1alpha1").schema,
        version(infra, "v1beta1").schema
    );
}

#[test]
fn enums_required_and_defaults_are_in_the_schema() {
    let all = crds::all_crds();
    let hr = version(find(&all, "hostrules.ako.vmware.com"), "v1beta1");
    let fqdn_type = schema_at(hr, "spec.virtualhost.fqdnType").unwrap();
    let values: Vec<_> = fqdn_type
        .enum_
        .iter()
        .flatten()
        .map(|v| v.0.clone())
        .collect();
    assert_eq!(values, ["Exact", "Wildcard", "Contains"]);
    assert_eq!(fqdn_type.default.as_ref().unwrap().0, "Exact");
    let vh = schema_at(hr, "spec.virtualhost").unwrap();
    assert_eq!(vh.required.as_deref(), Some(&["fqdn".to_string()][..]));
    let infra = version(find(&all, "aviinfrasettings.ako.vmware.com"), "v1beta1");
    let shard = schema_at(infra, "spec.l7Settings.shardSize").unwrap();
    assert_eq!(shard.enum_.as_ref().unwrap().len(), 4);
    let port = schema_at(infra, "spec.network.listeners.[].port").unwrap();
    assert_eq!((port.minimum, port.maximum), (Some(1.0), Some(65535.0)));
    let tls = schema_at(
        version(find(&all, "httprules.ako.vmware.com"), "v1beta1"),
        "spec.paths.[].tls",
    )
    .unwrap();
    assert!(tls.required.as_ref().unwrap().contains(&"type".to_string()));
    let route = crds::route_crd();
    let term = schema_at(&route.spec.versions[0], "spec.tls.termination").unwrap();
    assert_eq!(term.enum_.as_ref().unwrap().len(), 3);
}

#[test]
fn v1alpha1_only_set_stores_v1alpha1() {
    let old = crds::v1alpha1_only_crds();
    assert_eq!(old.len(), 3);
    for crd in &old {
        assert_eq!(crd.spec.versions.len(), 1);
        let v = &crd.spec.versions[0];
        assert!(
            v.name == "v1alpha1" && v.served && v.storage,
            "{:?}",
            crd.metadata.name
        );
    }
}

#[test]
fn sample_objects_parse_into_the_types() {
    let hr: hostrule::v1beta1::HostRule = serde_yaml::from_str(
        "apiVersion: ako.vmware.com/v1beta1\nkind: HostRule\nmetadata: {name: hr, namespace: red}\n\
         spec:\n  virtualhost:\n    fqdn: foo.avi.internal\n    fqdnType: Wildcard\n    useRegex: true\n\
         \x20   tls: {sslKeyCertificate: {name: cert, type: ref}, termination: edge}\n\
         \x20   analyticsPolicy: {fullClientLogs: {enabled: true, throttle: HIGH, duration: 5}}\n\
         status: {status: Accepted, error: ''}\n",
    )
    .unwrap();
    assert_eq!(
        hr.spec.virtualhost.fqdn_type,
        Some(hostrule::FqdnType::Wildcard)
    );
    assert_eq!(
        hr.status.unwrap().status,
        Some(crds::common::StatusValue::Accepted)
    );
    let rr: httprule::v1alpha1::HTTPRule = serde_yaml::from_str(
        "apiVersion: ako.vmware.com/v1alpha1\nkind: HTTPRule\nmetadata: {name: rr, namespace: red}\n\
         spec:\n  fqdn: foo.avi.internal\n  paths:\n  - target: /foo\n    loadBalancerPolicy:\n\
         \x20     algorithm: LB_ALGORITHM_CONSISTENT_HASH\n      hash: LB_ALGORITHM_CONSISTENT_HASH_SOURCE_IP_ADDRESS\n\
         \x20   tls: {type: reencrypt, sslProfile: p}\n",
    )
    .unwrap();
    assert_eq!(
        rr.spec.paths[0].tls.as_ref().unwrap().type_,
        httprule::PathTlsType::Reencrypt
    );
    let l4: l4rule::v1alpha2::L4Rule = serde_yaml::from_str(
        "apiVersion: ako.vmware.com/v1alpha2\nkind: L4Rule\nmetadata: {name: l4, namespace: red}\n\
         spec:\n  loadBalancerIP: 10.0.0.1\n  backendProperties:\n  - {port: 80, protocol: UDP, lbAlgorithm: LB_ALGORITHM_ROUND_ROBIN}\n",
    )
    .unwrap();
    assert_eq!(
        l4.spec.backend_properties[0].protocol,
        l4rule::v1alpha2::Protocol::Udp
    );
    let bad = serde_yaml::from_str::<route::v1::Route>(
        "apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: r}\n\
         spec: {to: {name: s}, tls: {termination: bogus}}\n",
    );
    assert!(bad.is_err());
}
