//! CRDs in kube-sim with the real AKO manifests: served/storage versions, the "could not find
//! the requested resource" 404 of an unserved version, conversion between v1alpha1 and
//! v1beta1, schema validation (422 naming the field, nothing stored), defaults, status
//! subresource and CRD removal.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, Patch,
    PatchParams, PostParams,
};
use serde_json::{Value, json};

use k8s_fixtures::crds::{all_crds, v1alpha1_only_crds};
use k8s_fixtures::kube_sim;

mod kube_sim_common;
use kube_sim_common::api_err;

fn hostrules(client: kube::Client, version: &str) -> Api<DynamicObject> {
    let gvk = GroupVersionKind::gvk("ako.vmware.com", version, "HostRule");
    Api::namespaced_with(
        client,
        "default",
        &ApiResource::from_gvk_with_plural(&gvk, "hostrules"),
    )
}

fn hostrule(version: &str, name: &str, spec: Value) -> DynamicObject {
    serde_json::from_value(json!({"apiVersion": format!("ako.vmware.com/{version}"), "kind": "HostRule", "metadata": {"name": name}, "spec": spec})).unwrap()
}

/// Creates HostRule `name` with `spec` through `api`, which serves `version`.
async fn create_hostrule(
    api: &Api<DynamicObject>,
    version: &str,
    name: &str,
    spec: Value,
) -> kube::Result<DynamicObject> {
    api.create(&PostParams::default(), &hostrule(version, name, spec))
        .await
}

async fn install(client: &kube::Client, crds: Vec<CustomResourceDefinition>) {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    for mut crd in crds {
        let name = crd.metadata.name.clone().unwrap();
        match api.get_opt(&name).await.unwrap() {
            Some(existing) => {
                crd.metadata.resource_version = existing.metadata.resource_version;
                api.replace(&name, &PostParams::default(), &crd)
                    .await
                    .unwrap();
            }
            None => {
                api.create(&PostParams::default(), &crd).await.unwrap();
            }
        }
    }
}

#[tokio::test]
async fn upgrade_from_v1alpha1_only_crds_converts_objects() {
    let sim = kube_sim::spawn().await.unwrap();
    let client = sim.client();
    install(&client, v1alpha1_only_crds()).await;

    let beta = hostrules(client.clone(), "v1beta1");
    let e = api_err(beta.list(&ListParams::default()).await.unwrap_err());
    assert_eq!(
        (e.code, e.reason.as_str(), e.message.as_str()),
        (
            404,
            "NotFound",
            "the server could not find the requested resource"
        )
    );

    let alpha = hostrules(client.clone(), "v1alpha1");
    let old = json!({"virtualhost": {"fqdn": "old.example.com"}});
    create_hostrule(&alpha, "v1alpha1", "old", old)
        .await
        .unwrap();

    install(&client, all_crds()).await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let stored = crds
        .get("hostrules.ako.vmware.com")
        .await
        .unwrap()
        .status
        .unwrap()
        .stored_versions
        .unwrap();
    assert_eq!(stored, ["v1alpha1", "v1beta1"]);

    let read_up = beta.get("old").await.unwrap();
    assert_eq!(read_up.types.unwrap().api_version, "ako.vmware.com/v1beta1");
    assert_eq!(
        read_up.data["spec"]["virtualhost"]["fqdn"],
        "old.example.com"
    );

    let new = json!({"virtualhost": {"fqdn": "new.example.com"}});
    let written = create_hostrule(&beta, "v1beta1", "new", new).await.unwrap();
    assert_eq!(
        written.data["spec"]["virtualhost"]["fqdnType"], "Exact",
        "schema defaults are applied"
    );
    let read_down = alpha.get("new").await.unwrap();
    assert_eq!(
        read_down.types.unwrap().api_version,
        "ako.vmware.com/v1alpha1"
    );
    assert_eq!(
        read_down.data["spec"]["virtualhost"]["fqdn"],
        "new.example.com"
    );
    let names: Vec<String> = alpha
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|o| o.metadata.name.unwrap())
        .collect();
    assert_eq!(names, ["new", "old"]);
}

#[tokio::test]
async fn schema_violations_are_422_and_store_nothing() {
    let sim = kube_sim::spawn().await.unwrap();
    install(&sim.client(), all_crds()).await;
    let beta = hostrules(sim.client(), "v1beta1");

    for (spec, field_error) in [
        (
            json!({"virtualhost": {}}),
            "spec.virtualhost.fqdn: Required value",
        ),
        (
            json!({"virtualhost": {"fqdn": "a.b", "fqdnType": "Bogus"}}),
            "spec.virtualhost.fqdnType: Unsupported value: \"Bogus\": supported values: \"Exact\", \"Wildcard\", \"Contains\"",
        ),
        (
            json!({"virtualhost": {"fqdn": 7}}),
            "spec.virtualhost.fqdn: Invalid value: \"integer\": spec.virtualhost.fqdn in body must be of type string: \"integer\"",
        ),
    ] {
        let e = api_err(
            create_hostrule(&beta, "v1beta1", "bad", spec)
                .await
                .unwrap_err(),
        );
        assert_eq!((e.code, e.reason.as_str()), (422, "Invalid"));
        assert_eq!(
            e.message,
            format!("HostRule.ako.vmware.com \"bad\" is invalid: {field_error}")
        );
    }
    assert!(
        beta.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty(),
        "nothing stored on error"
    );

    // Optimistic concurrency and update rules of custom resources.
    let ok = json!({"virtualhost": {"fqdn": "ok.example.com"}});
    let ok = create_hostrule(&beta, "v1beta1", "ok", ok).await.unwrap();
    let mut stale = ok.clone();
    beta.patch(
        "ok",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"virtualhost": {"useRegex": true}}})),
    )
    .await
    .unwrap();
    let refused_replace = async |obj: &DynamicObject| {
        let e = beta.replace("ok", &PostParams::default(), obj).await;
        api_err(e.unwrap_err()).code
    };
    assert_eq!(refused_replace(&stale).await, 409);
    stale.metadata.resource_version = None;
    assert_eq!(refused_replace(&stale).await, 422);
    let smp = beta
        .patch(
            "ok",
            &PatchParams::default(),
            &Patch::Strategic(json!({"spec": {}})),
        )
        .await
        .unwrap_err();
    assert_eq!(
        api_err(smp).code,
        415,
        "strategic merge is not supported for custom resources"
    );
    let bad_patch = beta
        .patch(
            "ok",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"virtualhost": {"fqdnType": "Nope"}}})),
        )
        .await;
    assert_eq!(api_err(bad_patch.unwrap_err()).code, 422);

    // Status subresource.
    let st = beta
        .patch_status(
            "ok",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"status": "Accepted", "error": ""}})),
        )
        .await
        .unwrap();
    assert_eq!(st.data["status"]["status"], "Accepted");
    let main = beta
        .patch(
            "ok",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"status": "Rejected"}})),
        )
        .await
        .unwrap();
    assert_eq!(
        main.data["status"]["status"], "Accepted",
        "the main endpoint ignores status"
    );
    assert_eq!(
        main.metadata.generation,
        Some(2),
        "only the spec change bumped generation"
    );

    // Removing the CRD removes its objects and its API.
    let crds: Api<CustomResourceDefinition> = Api::all(sim.client());
    crds.delete("hostrules.ako.vmware.com", &DeleteParams::default())
        .await
        .unwrap();
    let e = api_err(beta.list(&ListParams::default()).await.unwrap_err());
    assert_eq!(
        e.message,
        "the server could not find the requested resource"
    );
}

#[tokio::test]
async fn discovery_follows_crds_and_openshift_flag() {
    let sim = kube_sim::spawn().await.unwrap();
    install(&sim.client(), all_crds()).await;
    let discovery = kube::Discovery::new(sim.client()).run().await.unwrap();
    let ako = discovery
        .get("ako.vmware.com")
        .expect("ako group discovered");
    assert_eq!(ako.preferred_version_or_latest(), "v1beta1");
    assert!(ako.recommended_kind("HostRule").is_some());
    // Aggregated discovery (what kubectl asks for) lists the CRD group too.
    let req = http::Request::get("/apis")
        .header(
            "accept",
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
        )
        .body(Vec::new())
        .unwrap();
    let agg: Value = serde_json::from_str(&sim.client().request_text(req).await.unwrap()).unwrap();
    assert_eq!(agg["kind"], "APIGroupDiscoveryList");
    let group = agg["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["metadata"]["name"] == "ako.vmware.com")
        .unwrap();
    assert_eq!(group["versions"][0]["version"], "v1beta1");
    assert!(discovery.get("route.openshift.io").is_none());

    let cfg = kube_sim::Config {
        openshift: true,
        ..Default::default()
    };
    let openshift = kube_sim::spawn_with(cfg).await.unwrap();
    let discovery = kube::Discovery::new(openshift.client())
        .run()
        .await
        .unwrap();
    assert!(discovery.get("route.openshift.io").is_some());
}
