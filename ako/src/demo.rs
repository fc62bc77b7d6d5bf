//! `ako demo`: avi-sim and kube-sim in this process, AKO's CRDs and settings
//! installed, a sample cluster applied (Services incl. LoadBalancer, insecure and
//! TLS Ingresses, Nodes, a namespace), the controller run until it converges, and
//! the Avi objects printed as a tree (parent VS → SNI children → pools ...). The
//! only module that links the simulators (feature `demo`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use k8s_fixtures::build::{self, AKO_NAMESPACE};
use k8s_fixtures::kube_sim;
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::Resource;
use kube::api::{Api, PostParams};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use ako::avi::{AviClient, AviClientConfig, Credentials, ListQuery, refs};
use ako::controller::{Controller, ControllerDeps, ControllerOptions, ControllerStatus};
use ako::model::AviKind;

/// The demo cluster's name (prefix of every Avi object).
pub const CLUSTER: &str = "demo";

/// What `ako demo` was asked for.
pub struct DemoOptions {
    pub once: bool,
    pub avi_port: u16,
    pub kube_port: u16,
    pub kubeconfig: Option<PathBuf>,
}

async fn create_in<K>(api: Api<K>, obj: &K) -> anyhow::Result<()>
where
    K: Resource + Clone + DeserializeOwned + Serialize + std::fmt::Debug,
{
    let name = obj.meta().name.clone().unwrap_or_default();
    api.create(&PostParams::default(), obj)
        .await
        .with_context(|| format!("creating {name}"))?;
    Ok(())
}

/// Creates a namespaced object in its namespace.
async fn create<K>(client: &kube::Client, obj: &K) -> anyhow::Result<()>
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
        + Clone
        + DeserializeOwned
        + Serialize
        + std::fmt::Debug,
{
    let ns = obj.meta().namespace.clone().unwrap_or_default();
    create_in(Api::namespaced(client.clone(), &ns), obj).await
}

/// AKO's own objects, then the sample workload.
async fn seed(
    client: &kube::Client,
    avi_url: &str,
    user: &str,
    password: &str,
) -> anyhow::Result<()> {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    for crd in k8s_fixtures::crds::all_crds() {
        create_in(crds.clone(), &crd).await?;
    }
    let settings = build::ako_config()
        .cluster_name(CLUSTER)
        .controller_ip(avi_url)
        .shard_vs_size("SMALL")
        .vip_network_list(&json!([{"networkName": "vip-network", "cidr": "10.10.10.0/24"}]))
        .build();
    create(client, &settings).await?;
    create(client, &build::avi_secret(user, password)).await?;
    create(client, &build::ako_statefulset().build()).await?;
    create_in(Api::all(client.clone()), &build::namespace("shop").build()).await?;
    for (name, cidr, ip) in [
        ("node-1", "10.244.1.0/24", "192.168.10.11"),
        ("node-2", "10.244.2.0/24", "192.168.10.12"),
    ] {
        let node = build::node(name).pod_cidr(cidr).internal_ip(ip).build();
        create_in(Api::all(client.clone()), &node).await?;
    }
    for (svc, ips) in [
        ("web", ["10.244.1.10", "10.244.2.10"]),
        ("api", ["10.244.1.20", "10.244.2.20"]),
    ] {
        let service = build::service("shop", svc)
            .tcp(80, 8080)
            .selector("app", svc)
            .build();
        let slice = ips
            .iter()
            .fold(build::endpoints_for(&service), |b, ip| b.ready(ip, None))
            .build_slice();
        create(client, &service).await?;
        create(client, &slice).await?;
    }
    let lb = build::service("shop", "tcp-echo")
        .load_balancer()
        .tcp(7000, 7000)
        .selector("app", "echo")
        .build();
    let lb_slice = build::endpoints_for(&lb)
        .ready("10.244.1.30", None)
        .build_slice();
    create(client, &lb).await?;
    create(client, &lb_slice).await?;
    let storefront = build::ingress("shop", "storefront")
        .rule("shop.demo.example.com", "/", "web", 80)
        .rule("shop.demo.example.com", "/api", "api", 80)
        .build();
    create(client, &storefront).await?;
    let tls = build::tls_secret("shop", "checkout-tls", &["checkout.demo.example.com"])
        .build()
        .context("generating the demo certificate")?;
    create(client, &tls).await?;
    let checkout = build::ingress("shop", "checkout")
        .rule("checkout.demo.example.com", "/", "web", 80)
        .tls(&["checkout.demo.example.com"], "checkout-tls")
        .build();
    create(client, &checkout).await?;
    Ok(())
}

/// Every object `cluster` owns on the controller, by (type, name).
async fn inventory(
    client: &AviClient,
    cluster: &str,
) -> anyhow::Result<BTreeMap<(String, String), Value>> {
    let mut out = BTreeMap::new();
    for kind in AviKind::ALL {
        let list: Vec<Value> = client.list(kind.api_path(), &ListQuery::new()).await?;
        for body in list
            .into_iter()
            .filter(|b| ako::sync::owns(kind, b, cluster))
        {
            let name = body["name"].as_str().unwrap_or_default().to_owned();
            out.insert((kind.api_path().to_owned(), name), body);
        }
    }
    Ok(out)
}

/// An Avi object by (type, name).
type Key = (String, String);

/// One line describing an object: its type and name, plus what a reader looks for.
fn describe(ty: &str, name: &str, body: &Value) -> String {
    let texts = |list: &str, field: &str, sub: &str| -> Vec<String> {
        body[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| {
                v[field][sub]
                    .as_str()
                    .or_else(|| v[field].as_str())
                    .map(str::to_owned)
            })
            .collect()
    };
    let extra = match ty {
        "vsvip" => format!(
            " vip={} fqdn={}",
            texts("vip", "ip_address", "addr").join(","),
            texts("dns_info", "fqdn", "").join(",")
        ),
        "pool" => {
            let servers: Vec<String> = body["servers"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| format!("{}:{}", s["ip"]["addr"].as_str().unwrap_or("?"), s["port"]))
                .collect();
            format!(" servers={}", servers.join(","))
        }
        _ => String::new(),
    };
    format!("{ty} {name}{extra}")
}

/// The objects as a tree: each virtual service with what it refers to (recursively),
/// SNI children under their parent; objects nothing refers to at the end.
pub fn render_tree(objects: &BTreeMap<(String, String), Value>) -> String {
    let by_uuid: BTreeMap<&str, &(String, String)> = objects
        .iter()
        .filter_map(|(k, b)| Some((b["uuid"].as_str()?, k)))
        .collect();
    let resolve = |s: &str| -> Option<(String, String)> {
        let r = refs::parse(s)?;
        let key = match (&r.name, &r.uuid) {
            (Some(n), _) => (r.obj_type.clone(), n.clone()),
            (None, Some(u)) => (*by_uuid.get(u.as_str())?).clone(),
            _ => return None,
        };
        objects.contains_key(&key).then_some(key)
    };
    let parent_of = |b: &Value| b["vh_parent_vs_ref"].as_str().and_then(resolve);
    let mut shown = BTreeSet::new();
    let mut out = String::new();
    let roots: Vec<&(String, String)> = objects
        .iter()
        .filter(|(k, b)| k.0 == "virtualservice" && parent_of(b).is_none())
        .map(|(k, _)| k)
        .collect();
    fn walk(
        key: &(String, String),
        depth: usize,
        objects: &BTreeMap<(String, String), Value>,
        resolve: &dyn Fn(&str) -> Option<(String, String)>,
        children: &dyn Fn(&Key) -> Vec<Key>,
        shown: &mut BTreeSet<(String, String)>,
        out: &mut String,
    ) {
        let body = &objects[key];
        out.push_str(&format!(
            "{}{}\n",
            "  ".repeat(depth),
            describe(&key.0, &key.1, body)
        ));
        shown.insert(key.clone());
        let mut refs = Vec::new();
        let mut stack: Vec<(&str, &Value)> = body
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        while let Some((field, v)) = stack.pop() {
            match v {
                // `url` is the object itself; the parent is shown above its children.
                Value::String(s) if field != "vh_parent_vs_ref" && field != "url" => {
                    refs.extend(resolve(s))
                }
                Value::Array(a) => stack.extend(a.iter().map(|x| (field, x))),
                Value::Object(m) => stack.extend(m.iter().map(|(k, x)| (k.as_str(), x))),
                _ => {}
            }
        }
        refs.sort();
        refs.dedup();
        for r in refs.iter().chain(children(key).iter()) {
            if !shown.contains(r) {
                walk(r, depth + 1, objects, resolve, children, shown, out);
            }
        }
    }
    let children = |parent: &(String, String)| -> Vec<(String, String)> {
        objects
            .iter()
            .filter(|(k, b)| k.0 == "virtualservice" && parent_of(b).as_ref() == Some(parent))
            .map(|(k, _)| k.clone())
            .collect()
    };
    for root in roots {
        walk(root, 0, objects, &resolve, &children, &mut shown, &mut out);
    }
    for (key, body) in objects.iter().filter(|(k, _)| !shown.contains(*k)) {
        out.push_str(&format!(
            "(unreferenced) {}\n",
            describe(&key.0, &key.1, body)
        ));
    }
    out
}

async fn print_tree(
    out: &mut dyn Write,
    avi: &AviClient,
    st: &ControllerStatus,
) -> anyhow::Result<()> {
    let objects = inventory(avi, CLUSTER).await?;
    writeln!(
        out,
        "\nAvi objects of cluster {CLUSTER:?} ({} objects, {} Avi writes so far):",
        objects.len(),
        st.total_writes
    )?;
    out.write_all(render_tree(&objects).as_bytes())?;
    for d in st.diagnostics.iter() {
        writeln!(out, "diagnostic: {} {}: {}", d.object, d.reason, d.message)?;
    }
    Ok(())
}

pub async fn run(opts: DemoOptions, out: &mut dyn Write) -> anyhow::Result<()> {
    let avi_cfg = avi_sim::Config {
        addr: SocketAddr::from(([127, 0, 0, 1], opts.avi_port)),
        ..avi_sim::Config::default()
    };
    let avi = avi_sim::spawn(avi_cfg).await.context("starting avi-sim")?;
    let mut kube_cfg = kube_sim::Config {
        port: opts.kube_port,
        kubeconfig_path: opts.kubeconfig.clone(),
        ..kube_sim::Config::default()
    };
    kube_cfg.namespaces.push(AKO_NAMESPACE.to_owned());
    let kube = kube_sim::spawn_with(kube_cfg)
        .await
        .context("starting kube-sim")?;
    seed(&kube.client(), &avi.url(), avi.username(), avi.password()).await?;
    let mut deps = ControllerDeps::new(kube.client(), AKO_NAMESPACE, "ako-demo-0");
    deps.options = ControllerOptions::fast();
    let controller = Controller::start(deps);
    let mut viewer_cfg = AviClientConfig::new(
        url::Url::parse(&avi.url())?,
        Credentials::Password {
            username: avi.username().to_owned(),
            password: avi.password().to_owned(),
        },
    );
    viewer_cfg.client_id = "ako-demo-viewer".to_owned();
    let viewer = AviClient::new(viewer_cfg)?;
    // Everything was applied before the start, and the first round waits for every list.
    let st = controller.converged().await?;
    print_tree(out, &viewer, &st).await?;
    writeln!(out, "\navi-sim dashboard: {}/sim/ui", avi.url())?;
    writeln!(
        out,
        "kubeconfig:        {}",
        kube.kubeconfig_path().display()
    )?;
    if opts.once {
        controller.shutdown().await;
        return Ok(());
    }
    writeln!(
        out,
        "try: kubectl --kubeconfig {} -n shop apply -f <ingress.yaml>; Ctrl-C stops",
        kube.kubeconfig_path().display()
    )?;
    out.flush()?;
    let mut updates = controller.subscribe();
    let mut printed = st.rounds;
    loop {
        tokio::select! {
            _ = crate::cli::run::terminated() => break,
            changed = updates.changed() => {
                if changed.is_err() { break; }
                let st = updates.borrow_and_update().clone();
                if st.is_converged() && st.rounds > printed && st.last_writes > 0 {
                    printed = st.rounds;
                    print_tree(out, &viewer, &st).await?;
                    out.flush()?;
                }
            }
        }
    }
    controller.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_nests_children_under_parents() {
        let mut objects = BTreeMap::new();
        let mut put = |ty: &str, name: &str, body: Value| {
            let mut body = body;
            body["uuid"] = json!(format!("{ty}-{name}"));
            body["name"] = json!(name);
            objects.insert((ty.to_owned(), name.to_owned()), body);
        };
        put(
            "virtualservice",
            "parent",
            json!({"vsvip_ref": "/api/vsvip?name=vip", "pool_group_ref": "https://x/api/poolgroup/poolgroup-pg"}),
        );
        put(
            "virtualservice",
            "child",
            json!({"vh_parent_vs_ref": "/api/virtualservice?name=parent", "pool_ref": "/api/pool?name=p2"}),
        );
        put(
            "vsvip",
            "vip",
            json!({"vip": [{"ip_address": {"addr": "10.10.10.10"}}], "dns_info": [{"fqdn": "a.example.com"}]}),
        );
        put(
            "poolgroup",
            "pg",
            json!({"members": [{"pool_ref": "/api/pool?name=p1"}]}),
        );
        put(
            "pool",
            "p1",
            json!({"servers": [{"ip": {"addr": "10.244.1.5"}, "port": 8080}]}),
        );
        put("pool", "p2", json!({}));
        put("pool", "orphan", json!({}));
        let text = render_tree(&objects);
        let expected = "virtualservice parent\n  poolgroup pg\n    pool p1 servers=10.244.1.5:8080\n  vsvip vip vip=10.10.10.10 fqdn=a.example.com\n  virtualservice child\n    pool p2 servers=\n(unreferenced) pool orphan servers=\n";
        assert_eq!(text, expected);
    }
}
