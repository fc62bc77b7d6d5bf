//! The Lua DataScript that routes insecure host/paths on a shared parent (F4) to a
//! pool-group member by priority label. Unlike the original, which looked only at
//! the first path segment (B22), it follows `pathType`: an Exact path matches only
//! itself; a Prefix matches on path-element boundaries; the longest match wins and
//! Exact beats Prefix of the same length (the Kubernetes Ingress rules).

use std::fmt::Write;

use super::table::PathRoute;
use crate::naming;

/// The event the script runs on.
pub const EVENT: &str = "VS_DATASCRIPT_EVT_HTTP_REQ";

const MATCHER: &str = r#"local host = avi.http.get_host_tokens(1)
if host == nil then return end
local r = routes[string.lower(host)]
if r == nil then return end
local path = avi.http.get_path()
local label = r.exact[path]
if label == nil then
  for _, p in ipairs(r.prefix) do
    local pre = p[1]
    if pre == "/" or path == pre or string.sub(path, 1, #pre + 1) == pre .. "/" then
      label = p[2]
      break
    end
  end
end
if label ~= nil then
  avi.poolgroup.select(pg, label)
end
"#;

/// Appends `s` as a Lua string literal.
pub(super) fn lua(s: &str, buf: &mut String) {
    buf.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                buf.push('\\');
                buf.push(c);
            }
            '\n' => buf.push_str("\\n"),
            c => buf.push(c),
        }
    }
    buf.push('"');
}

/// The script for pool group `pg` and the insecure routes of each host (hosts in
/// name order; each host's routes in any order — they are sorted here).
pub fn script<'a, 's: 'a>(pg: &str, hosts: &[(&'s str, &'a [PathRoute<'s>])]) -> String {
    let mut buf = String::with_capacity(512 + hosts.len() * 128);
    buf.push_str("-- AKO-rs: host/path -> pool group priority label (Exact, then longest Prefix)\nlocal pg = ");
    lua(pg, &mut buf);
    buf.push_str("\nlocal routes = {\n");
    let mut routes: Vec<&PathRoute<'_>> = Vec::new();
    for (host, paths) in hosts {
        if paths.is_empty() {
            continue;
        }
        routes.clear();
        routes.extend(paths.iter());
        routes.sort_by(|a, b| a.precedence().cmp(&b.precedence()));
        routes.dedup_by(|a, b| a.exact == b.exact && a.prefix() == b.prefix() && a.path == b.path);
        buf.push_str("  [");
        lua(host, &mut buf);
        buf.push_str("] = { exact = {");
        for r in routes.iter().filter(|r| r.exact) {
            buf.push_str(" [");
            lua(r.path, &mut buf);
            buf.push_str("] = ");
            lua(&naming::priority_label(host, r.path), &mut buf);
            buf.push(',');
        }
        buf.push_str(" }, prefix = {");
        for r in routes.iter().filter(|r| !r.exact) {
            buf.push_str(" { ");
            lua(r.prefix(), &mut buf);
            buf.push_str(", ");
            lua(&naming::priority_label(host, r.path), &mut buf);
            buf.push_str(" },");
        }
        let _ = writeln!(buf, " }} }},");
    }
    buf.push_str("}\n");
    buf.push_str(MATCHER);
    buf
}
