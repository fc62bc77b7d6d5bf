//! `/sim/ui`: a small read-only HTML view of the store — object counts per type, and
//! per type a table of objects (tenant, created_by, refs as links to their type page).

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Html;

use crate::schema::TYPES;
use crate::sim::Sim;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font-family:sans-serif}}td,th{{padding:2px 8px;text-align:left;vertical-align:top}}</style>\
         </head><body><h1>{t}</h1>{body}</body></html>",
        t = esc(title)
    ))
}

pub async fn index(State(sim): State<Arc<Sim>>) -> Html<String> {
    let store = sim.store.read();
    let mut b = String::from("<table><tr><th>type</th><th>objects</th></tr>");
    for t in TYPES {
        let n = store.of_type(t.path).count();
        let _ = write!(
            b,
            "<tr><td><a href=\"/sim/ui/{p}\">{p}</a></td><td>{n}</td></tr>",
            p = t.path
        );
    }
    b.push_str("</table>");
    page("avi-sim", &b)
}

pub async fn of_type(State(sim): State<Arc<Sim>>, Path(ty): Path<String>) -> Html<String> {
    let store = sim.store.read();
    let mut b = String::from(
        "<p><a href=\"/sim/ui\">all types</a></p><table><tr><th>name</th><th>uuid</th><th>tenant</th><th>created_by</th><th>refs</th></tr>",
    );
    for o in store.of_type(&ty) {
        let refs: Vec<String> = o
            .refs
            .iter()
            .filter_map(|r| store.get(&r.target))
            .map(|t| {
                format!(
                    "<a href=\"/sim/ui/{p}#{u}\">{k} {n}</a>",
                    p = t.spec.path,
                    u = esc(&t.uuid),
                    k = t.spec.kind,
                    n = esc(&t.name)
                )
            })
            .collect();
        let created_by = o.created_by().unwrap_or("");
        let _ = write!(
            b,
            "<tr id=\"{u}\"><td>{n}</td><td>{u}</td><td>{t}</td><td>{c}</td><td>{r}</td></tr>",
            u = esc(&o.uuid),
            n = esc(&o.name),
            t = esc(&o.tenant),
            c = esc(created_by),
            r = refs.join("<br>")
        );
    }
    b.push_str("</table>");
    page(&format!("avi-sim: {ty}"), &b)
}
