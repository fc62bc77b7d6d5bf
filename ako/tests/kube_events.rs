//! `ako::kube::DiagnosticReporter` against kube-sim: each model diagnostic becomes
//! one structured log line (`key=Ingress/ns/name`) and one events.k8s.io Event from
//! `avi-kubernetes-operator` — not again while unchanged, again after it went away,
//! and no Event from a passive instance (B14) or with events disabled.

mod kube_support;

use ako::kube::{DiagnosticReporter, Events};
use ako::model::{ClusterState, Diagnostic, Kind, ObjectKey};
use k8s_openapi::api::events::v1::Event;
use kube::api::{Api, ListParams};
use tokio::sync::watch;

use kube_support::{Logs, sim};

async fn events(c: &kube::Client) -> Vec<Event> {
    Api::<Event>::namespaced(c.clone(), "default")
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
}

#[tokio::test]
async fn diagnostics_become_one_log_line_and_one_event_each() {
    let (logs, _guard) = Logs::capture();
    let sim = sim(vec![]).await;
    let c = sim.client();
    let state = ClusterState::new();
    let web = ObjectKey::new(Kind::Ingress, "default", "web");
    let d1 = Diagnostic::warning(
        &web,
        "DuplicateHostPath",
        "Duplicate entries found for hostpath default/web: a.example.com/ in ingresses: [\"default/other\"]",
    );
    let d2 = Diagnostic::error(&web, "InvalidSecret", "secret default/tls not found");
    let (tx, leader) = watch::channel(true);
    let mut reporter = DiagnosticReporter::new(Events::new(c.clone(), "ako-0"), leader);

    assert_eq!(
        reporter
            .report(&state, std::slice::from_ref(&d1), true)
            .await,
        1
    );
    assert_eq!(
        reporter
            .report(&state, std::slice::from_ref(&d1), true)
            .await,
        0,
        "unchanged: no new event"
    );
    let list = events(&c).await;
    assert_eq!(list.len(), 1);
    let e = &list[0];
    assert_eq!(e.reason.as_deref(), Some("DuplicateHostPath"));
    assert_eq!(
        e.reporting_controller.as_deref(),
        Some("avi-kubernetes-operator")
    );
    assert_eq!(e.type_.as_deref(), Some("Warning"));
    let regarding = e.regarding.as_ref().unwrap();
    assert_eq!(
        (regarding.kind.as_deref(), regarding.name.as_deref()),
        (Some("Ingress"), Some("web"))
    );
    let text = logs.text();
    assert_eq!(text.matches("key=Ingress/default/web").count(), 1, "{text}");
    assert!(
        text.contains("Duplicate entries found for hostpath default/web"),
        "{text}"
    );

    let both = [d1.clone(), d2.clone()];
    assert_eq!(
        reporter.report(&state, &both, true).await,
        1,
        "only the new one"
    );
    assert_eq!(reporter.report(&state, &[], true).await, 0);
    assert_eq!(
        reporter
            .report(&state, std::slice::from_ref(&d1), true)
            .await,
        1,
        "back again: reported again"
    );
    assert_eq!(events(&c).await.len(), 3);

    tx.send_replace(false);
    assert_eq!(
        reporter.report(&state, &both, true).await,
        0,
        "passive: no events (B14)"
    );
    tx.send_replace(true);
    assert_eq!(
        reporter.report(&state, &both, false).await,
        0,
        "events disabled"
    );
    assert_eq!(events(&c).await.len(), 3);
}
