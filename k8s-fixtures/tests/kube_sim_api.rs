//! kube-rs against kube-sim: CRUD, every patch kind, status subresources, optimistic
//! concurrency, finalizers, namespace cascades, selectors, paging and real error statuses.

use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Service};
use k8s_openapi::api::networking::v1::Ingress;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

use k8s_fixtures::kube_sim;

mod kube_sim_common;
use kube_sim_common::{api_err, cm};

#[tokio::test]
async fn crud_and_metadata() {
    let sim = kube_sim::spawn().await.unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(sim.client(), "default");
    let created = cms
        .create(&PostParams::default(), &cm("a", &[("app", "web")]))
        .await
        .unwrap();
    let meta = &created.metadata;
    assert!(
        meta.uid.is_some() && meta.creation_timestamp.is_some() && meta.resource_version.is_some()
    );
    assert_eq!(meta.generation, Some(1));

    let dup = api_err(
        cms.create(&PostParams::default(), &cm("a", &[]))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (dup.code, dup.reason.as_str(), dup.message.as_str()),
        (409, "AlreadyExists", "configmaps \"a\" already exists")
    );

    let mut got = cms.get("a").await.unwrap();
    assert_eq!(got.metadata.uid, meta.uid);
    got.data = Some([("k".to_string(), "w".to_string())].into());
    let replaced = cms
        .replace("a", &PostParams::default(), &got)
        .await
        .unwrap();
    assert_eq!(replaced.metadata.generation, Some(2));
    assert_ne!(
        replaced.metadata.resource_version,
        got.metadata.resource_version
    );

    // The old resourceVersion is now stale.
    let stale = api_err(
        cms.replace("a", &PostParams::default(), &got)
            .await
            .unwrap_err(),
    );
    assert_eq!((stale.code, stale.reason.as_str()), (409, "Conflict"));
    assert!(
        stale
            .message
            .starts_with("Operation cannot be fulfilled on configmaps \"a\""),
        "{}",
        stale.message
    );

    let missing = api_err(cms.get("nope").await.unwrap_err());
    assert_eq!(
        (
            missing.code,
            missing.reason.as_str(),
            missing.message.as_str()
        ),
        (404, "NotFound", "configmaps \"nope\" not found")
    );

    cms.delete("a", &DeleteParams::default()).await.unwrap();
    assert_eq!(api_err(cms.get("a").await.unwrap_err()).code, 404);

    let nowhere: Api<ConfigMap> = Api::namespaced(sim.client(), "ghost");
    let e = api_err(
        nowhere
            .create(&PostParams::default(), &cm("x", &[]))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (e.code, e.message.as_str()),
        (404, "namespaces \"ghost\" not found")
    );
}

#[tokio::test]
async fn every_patch_kind() {
    let sim = kube_sim::spawn().await.unwrap();
    let svcs: Api<Service> = Api::namespaced(sim.client(), "default");
    let svc: Service = serde_json::from_value(json!({
        "metadata": {"name": "web"},
        "spec": {"ports": [{"name": "http", "port": 80}], "selector": {"app": "web"}},
    }))
    .unwrap();
    svcs.create(&PostParams::default(), &svc).await.unwrap();
    let pp = PatchParams::default();

    let merged = svcs
        .patch(
            "web",
            &pp,
            &Patch::Merge(json!({"metadata": {"annotations": {"a": "1"}}})),
        )
        .await
        .unwrap();
    assert_eq!(merged.metadata.annotations.unwrap()["a"], "1");

    let jp: json_patch::Patch = serde_json::from_value(
        json!([{"op": "add", "path": "/metadata/labels", "value": {"l": "x"}}]),
    )
    .unwrap();
    let json_patched = svcs
        .patch("web", &pp, &Patch::Json::<()>(jp))
        .await
        .unwrap();
    assert_eq!(json_patched.metadata.labels.unwrap()["l"], "x");

    let smp = svcs
        .patch(
            "web",
            &pp,
            &Patch::Strategic(json!({"spec": {"ports": [{"name": "https", "port": 443}]}})),
        )
        .await
        .unwrap();
    let ports: Vec<i32> = smp
        .spec
        .unwrap()
        .ports
        .unwrap()
        .iter()
        .map(|p| p.port)
        .collect();
    assert_eq!(
        ports,
        [80, 443],
        "strategic merge keeps Service ports by key"
    );

    let apply = PatchParams::apply("test").force();
    let applied = svcs
        .patch("api", &apply, &Patch::Apply(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api"}, "spec": {"ports": [{"port": 8080}]}})))
        .await
        .unwrap();
    assert_eq!(
        applied.metadata.generation,
        Some(1),
        "apply creates a missing object"
    );
    let reapplied = svcs
        .patch("api", &apply, &Patch::Apply(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "labels": {"x": "y", "z": "w"}}, "spec": {"ports": [{"port": 8080}]}})))
        .await
        .unwrap();
    assert_eq!(reapplied.metadata.labels.unwrap()["x"], "y");
    // Another manager's label survives; what "test" stops applying goes away.
    svcs.patch("api", &PatchParams::apply("other"), &Patch::Apply(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "labels": {"o": "1"}}})))
        .await
        .unwrap();
    let shrunk = svcs
        .patch("api", &apply, &Patch::Apply(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "labels": {"x": "y"}}, "spec": {"ports": [{"port": 8080}]}})))
        .await
        .unwrap();
    let labels = shrunk.metadata.labels.unwrap();
    assert_eq!(labels.keys().collect::<Vec<_>>(), ["o", "x"]);
    assert_eq!(shrunk.spec.unwrap().ports.unwrap()[0].port, 8080);

    // Status: the main endpoint ignores it, /status changes only it.
    let ignored = svcs
        .patch(
            "web",
            &pp,
            &Patch::Merge(json!({"status": {"loadBalancer": {"ingress": [{"ip": "1.1.1.1"}]}}})),
        )
        .await
        .unwrap();
    assert!(
        ignored
            .status
            .and_then(|s| s.load_balancer)
            .and_then(|l| l.ingress)
            .is_none()
    );
    let st = svcs
        .patch_status("web", &pp, &Patch::Merge(json!({"status": {"loadBalancer": {"ingress": [{"ip": "1.1.1.1"}]}}, "spec": {"selector": {"app": "other"}}})))
        .await
        .unwrap();
    assert_eq!(
        st.status.unwrap().load_balancer.unwrap().ingress.unwrap()[0]
            .ip
            .as_deref(),
        Some("1.1.1.1")
    );
    assert_eq!(st.spec.unwrap().selector.unwrap()["app"], "web");

    let stale = Patch::Merge(
        json!({"metadata": {"resourceVersion": "1"}, "spec": {"selector": {"app": "z"}}}),
    );
    assert_eq!(
        api_err(svcs.patch("web", &pp, &stale).await.unwrap_err()).code,
        409
    );
}

#[tokio::test]
async fn finalizers_and_namespace_cascade() {
    let sim = kube_sim::spawn().await.unwrap();
    let nss: Api<Namespace> = Api::all(sim.client());
    nss.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": "team"}})).unwrap(),
    )
    .await
    .unwrap();
    let ings: Api<Ingress> = Api::namespaced(sim.client(), "team");
    let ing: Ingress = serde_json::from_value(
        json!({"metadata": {"name": "i", "finalizers": ["ako.vmware.com/cleanup"]}, "spec": {}}),
    )
    .unwrap();
    ings.create(&PostParams::default(), &ing).await.unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(sim.client(), "team");
    cms.create(&PostParams::default(), &cm("c", &[]))
        .await
        .unwrap();

    nss.delete("team", &DeleteParams::default()).await.unwrap();
    let ns = nss.get("team").await.unwrap();
    assert_eq!(ns.status.unwrap().phase.as_deref(), Some("Terminating"));
    assert_eq!(
        api_err(cms.get("c").await.unwrap_err()).code,
        404,
        "plain objects go at once"
    );
    let held = ings.get("i").await.unwrap();
    assert!(
        held.metadata.deletion_timestamp.is_some(),
        "finalizer holds the ingress"
    );
    let e = api_err(
        cms.create(&PostParams::default(), &cm("new", &[]))
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 403);

    ings.patch(
        "i",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    assert_eq!(api_err(ings.get("i").await.unwrap_err()).code, 404);
    assert_eq!(
        api_err(nss.get("team").await.unwrap_err()).code,
        404,
        "the emptied namespace is removed"
    );
    let e = api_err(
        nss.delete("default", &DeleteParams::default())
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            403,
            "namespaces \"default\" is forbidden: this namespace may not be deleted"
        )
    );
}

#[tokio::test]
async fn selectors_paging_and_bad_input() {
    let sim = kube_sim::spawn().await.unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(sim.client(), "default");
    for i in 0..7 {
        let tier = if i % 2 == 0 { "fe" } else { "be" };
        cms.create(
            &PostParams::default(),
            &cm(&format!("c{i}"), &[("tier", tier)]),
        )
        .await
        .unwrap();
    }
    let names = |l: kube::core::ObjectList<ConfigMap>| {
        l.items
            .into_iter()
            .map(|c| c.metadata.name.unwrap())
            .collect::<Vec<_>>()
    };
    let odd = ["c1", "c3", "c5"];
    let even = ["c0", "c2", "c4", "c6"];
    for (lp, want) in [
        (ListParams::default().labels("tier=be"), &odd[..]),
        (ListParams::default().labels("tier notin (fe)"), &odd),
        (
            ListParams::default().labels("tier in (fe,be),tier!=be"),
            &even,
        ),
        (ListParams::default().fields("metadata.name=c2"), &["c2"]),
    ] {
        let got = names(cms.list(&lp).await.unwrap());
        assert_eq!(got, want, "{:?} {:?}", lp.label_selector, lp.field_selector);
    }

    let mut seen = Vec::new();
    let mut lp = ListParams::default().limit(3);
    loop {
        let page = cms.list(&lp).await.unwrap();
        let cont = page.metadata.continue_.clone();
        seen.extend(names(page));
        match cont {
            Some(c) if !c.is_empty() => lp = lp.continue_token(&c),
            _ => break,
        }
    }
    assert_eq!(seen, (0..7).map(|i| format!("c{i}")).collect::<Vec<_>>());

    let bad_field = api_err(
        cms.list(&ListParams::default().fields("spec.x=1"))
            .await
            .unwrap_err(),
    );
    assert_eq!(bad_field.code, 400);

    // Raw bad bodies: invalid JSON or YAML is a 400, an unknown patch type a 415; on
    // built-ins a wrongly typed field is a 400 (decode), an invalid value a 422.
    let app_json = "application/json";
    let cms_path = "/api/v1/namespaces/default/configmaps";
    let svcs = "/api/v1/namespaces/default/services";
    let ings = "/apis/networking.k8s.io/v1/namespaces/default/ingresses";
    let svc = r#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[{"port":"http"}]}}"#;
    let bare =
        r#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[80]}}"#;
    let ing = r#"{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"i"},"spec":{"rules":[{"http":{"paths":[{"path":"/","backend":{"service":{"name":"s","port":{"number":80}}}}]}}]}}"#;
    let c1 = format!("{cms_path}/c1");
    for (method, path, content_type, body, want) in [
        ("POST", cms_path, app_json, "{not json", 400),
        ("PATCH", c1.as_str(), "text/plain", "{}", 415),
        ("POST", cms_path, "application/yaml", "a: [", 400),
        ("POST", svcs, app_json, svc, 400),
        ("POST", svcs, app_json, bare, 400),
        ("POST", ings, app_json, ing, 422),
    ] {
        let got = reqwest_like(&sim, method, path, content_type, body).await;
        assert_eq!(got, want, "{method} {path} {body}");
    }
}

/// Sends a raw request through the kube client and returns the HTTP status.
async fn reqwest_like(
    sim: &kube_sim::Handle,
    method: &str,
    path: &str,
    content_type: &str,
    body: &str,
) -> u16 {
    let req = http::Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", content_type)
        .body(body.as_bytes().to_vec())
        .unwrap();
    match sim.client().request_text(req).await {
        Ok(_) => 200,
        Err(kube::Error::Api(s)) => s.code,
        Err(e) => panic!("{e:?}"),
    }
}
