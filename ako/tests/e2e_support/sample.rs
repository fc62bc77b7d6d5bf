//! The sample cluster the e2e tests start from, and the predicate that the
//! controller has seen all of it.

use k8s_fixtures::build::{self, WithMeta};
use k8s_openapi::api::core::v1::{Namespace, Node, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;

use super::{Env, has, rv};
use ako::model::ClusterState;

/// The sample cluster: namespace `red`, Service `web` with endpoints, an insecure
/// Ingress, a TLS Ingress with its Secret, a LoadBalancer Service and two Nodes.
pub struct Sample {
    pub web: Service,
    pub shop: Ingress,
    pub secure: Ingress,
    pub tls: Secret,
    pub lb: Service,
    pub nodes: Vec<Node>,
}

pub fn web_service() -> Service {
    build::service("red", "web")
        .tcp(80, 8080)
        .selector("app", "web")
        .build()
}

pub fn web_slice(svc: &Service, ips: &[&str]) -> EndpointSlice {
    ips.iter()
        .fold(build::endpoints_for(svc), |b, ip| b.ready(ip, Some("n1")))
        .build_slice()
}

/// The TLS Secret of `secure.example.com` (a new certificate at every call).
pub fn secure_tls() -> Secret {
    build::tls_secret("red", "secure-tls", &["secure.example.com"])
        .build()
        .unwrap()
}

pub fn shop_ingress(path: &str) -> Ingress {
    build::ingress("red", "shop")
        .rule("shop.example.com", path, "web", 80)
        .build()
}

pub async fn apply_sample(env: &Env) -> Sample {
    env.apply_global(&build::namespace("red").label("team", "red").build())
        .await;
    let nodes = [
        ("n1", "10.244.1.0/24", "192.168.1.11"),
        ("n2", "10.244.2.0/24", "192.168.1.12"),
    ];
    let mut applied_nodes = Vec::new();
    for (name, cidr, ip) in nodes {
        let n = build::node(name).pod_cidr(cidr).internal_ip(ip).build();
        applied_nodes.push(env.apply_global(&n).await);
    }
    let web = env.apply(&web_service()).await;
    env.apply(&web_slice(&web, &["10.244.1.5"])).await;
    let shop = env.apply(&shop_ingress("/")).await;
    let tls = env.apply(&secure_tls()).await;
    let secure = env
        .apply(
            &build::ingress("red", "secure")
                .rule("secure.example.com", "/", "web", 80)
                .tls(&["secure.example.com"], "secure-tls")
                .build(),
        )
        .await;
    let lb_svc = build::service("red", "lb")
        .load_balancer()
        .tcp(80, 8080)
        .selector("app", "web")
        .build();
    let lb = env.apply(&lb_svc).await;
    env.apply(&web_slice(&lb, &["10.244.1.6"])).await;
    Sample {
        web,
        shop,
        secure,
        tls,
        lb,
        nodes: applied_nodes,
    }
}

type StateCheck = Box<dyn Fn(&ClusterState) -> bool>;

/// The predicate "every object of the sample is in the controller's state".
pub fn sees_sample(sample: &Sample) -> impl Fn(&ClusterState) -> bool + use<> {
    let checks: Vec<StateCheck> = vec![
        Box::new(has::<Ingress>("red", "shop", Some(&rv(&sample.shop)))),
        Box::new(has::<Ingress>("red", "secure", Some(&rv(&sample.secure)))),
        Box::new(has::<Secret>("red", "secure-tls", Some(&rv(&sample.tls)))),
        Box::new(has::<Service>("red", "lb", Some(&rv(&sample.lb)))),
        Box::new(has::<Node>("", "n2", Some(&rv(&sample.nodes[1])))),
        Box::new(|s: &ClusterState| {
            s.count::<EndpointSlice>() >= 2 && s.get::<Namespace>("", "red").is_some()
        }),
    ];
    move |s: &ClusterState| checks.iter().all(|c| c(s))
}
