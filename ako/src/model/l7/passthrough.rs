//! Passthrough shared VSes (F16, F17): `<cluster>--Shared-Passthrough-<n>` on 443
//! with a DataScript that reads the TLS SNI and selects the host's pool group
//! (unknown names are closed), and, while some host's Route asks for it, the
//! `-insecure` companion on port 80 with the HTTP→HTTPS redirect for those hosts.

use super::datascript;
use super::switching::{self, add_status};
use super::table::HostEntry;
use crate::model::ctx::{Env, Out, json};
use crate::model::graph::{AviKey, AviKind, avi_ref};
use crate::model::objects::{self, PoolSettings};
use crate::model::scope::Infra;
use crate::model::wire;
use crate::naming;

/// The DataScript event and parser the SNI selection needs.
const EVENT: &str = "VS_DATASCRIPT_EVT_L4_REQUEST";
const TLS_PARSER: &str = "Default-TLS";

const MATCHER: &str = r#"local avi_tls = require "Default-TLS"
local buffered = avi.l4.collect(20)
local payload = avi.l4.read()
local len = avi_tls.get_req_buffer_size(payload)
if buffered < len then
  avi.l4.collect(len)
end
if avi_tls.sanity_check(payload) then
  local sni = avi_tls.get_sni(avi_tls.parse_record(payload))
  local pg = sni and pgs[string.lower(sni)]
  if pg == nil then
    avi.vs.close_conn()
  else
    avi.poolgroup.select(pg)
  end
end
avi.l4.ds_done()
avi_tls = nil
"#;

fn service(port: u16, enable_ssl: bool) -> wire::Service {
    wire::Service {
        port,
        enable_ssl,
        override_network_profile_ref: None,
    }
}

/// Builds passthrough VS number `n` (name `vs`) for `hosts` (sorted by host).
pub fn parent(
    env: &Env<'_>,
    out: &mut Out,
    infra: &Infra<'_>,
    (vs, insecure_vs): (&str, String),
    hosts: &[(&str, &HostEntry<'_>)],
) {
    let vsvip = naming::shared_vsvip(vs);
    let ds_name = naming::shared_datascript(vs);
    let mut table = String::from("local pgs = {\n");
    let mut pg_keys = Vec::with_capacity(hosts.len());
    let mut redirect_hosts = Vec::new();
    let mut fqdns = Vec::with_capacity(hosts.len());
    for (host, entry) in hosts {
        let Some(pt) = &entry.passthrough else {
            continue;
        };
        fqdns.push(*host);
        let pg_name = naming::passthrough_poolgroup(env.cluster, infra.name, host);
        let mut members = Vec::with_capacity(pt.backends.len());
        let mut pool_keys = Vec::with_capacity(pt.backends.len());
        for b in &pt.backends {
            let pool = naming::passthrough_pool(env.cluster, infra.name, host, b.svc);
            let markers = [
                (naming::MARKER_HOST, *host),
                (naming::MARKER_SERVICE_NAME, b.svc),
            ];
            let (key, member) = switching::pool_member(
                env,
                out,
                infra,
                pool,
                &markers,
                b,
                &PoolSettings::default(),
            );
            members.push(member);
            pool_keys.push(key);
        }
        let pg = wire::PoolGroup {
            common: env.common(AviKind::PoolGroup, &pg_name, &[(naming::MARKER_HOST, host)]),
            members,
            implicit_priority_labels: false,
        };
        out.insert(AviKind::PoolGroup, json(&pg), pg_name.clone(), pool_keys);
        table.push_str("  [");
        datascript::lua(host, &mut table);
        table.push_str("] = ");
        datascript::lua(&pg_name, &mut table);
        table.push_str(",\n");
        pg_keys.push(AviKey::new(AviKind::PoolGroup, pg_name));
        if pt.redirect {
            redirect_hosts.push((*host).to_owned());
        }
        add_status(out, [pt.source], vs, &vsvip, host);
    }
    table.push_str("}\n");
    table.push_str(MATCHER);
    objects::vsvip(env, out, vsvip.clone(), infra, &fqdns, None);
    let ds = wire::VsDataScriptSet {
        common: env.common(AviKind::VsDataScriptSet, &ds_name, &[]),
        datascript: vec![wire::DataScript {
            evt: EVENT,
            script: table,
        }],
        pool_group_refs: pg_keys.iter().map(AviKey::to_ref).collect(),
        protocol_parser_refs: vec![avi_ref("protocolparser", TLS_PARSER)],
    };
    out.insert(
        AviKind::VsDataScriptSet,
        json(&ds),
        ds_name.clone(),
        pg_keys,
    );

    let vsvip_key = AviKey::new(AviKind::VsVip, vsvip.clone());
    let mut secure = wire::VirtualService::new(
        env.common(AviKind::VirtualService, vs, &[]),
        &infra.seg_ref,
        &env.vrf_ref,
    );
    secure.vsvip_ref = Some(vsvip_key.to_ref());
    secure.services = vec![service(443, false)];
    secure.application_profile_ref = avi_ref("applicationprofile", "System-L4-Application");
    secure.network_profile_ref = Some(avi_ref("networkprofile", "System-TCP-Proxy"));
    secure.vs_datascripts = vec![wire::VsDataScript {
        index: 0,
        vs_datascript_set_ref: avi_ref("vsdatascriptset", &ds_name),
    }];
    secure.remove_listening_port_on_vs_down = Some(true);
    let refs = vec![
        vsvip_key.clone(),
        AviKey::new(AviKind::VsDataScriptSet, ds_name),
    ];
    out.insert(AviKind::VirtualService, json(&secure), vs.to_owned(), refs);

    out.graph.shared_parents.insert(vs.to_owned());
    // The port-80 companion exists only while some host asks for the redirect:
    // with `None` nothing listens on 80 for passthrough hosts (F17).
    if redirect_hosts.is_empty() {
        return;
    }
    let redirect = switching::redirect_policy(
        env,
        out,
        naming::shared_redirect_policy(&insecure_vs),
        redirect_hosts,
    );
    let mut insecure = wire::VirtualService::new(
        env.common(AviKind::VirtualService, &insecure_vs, &[]),
        &infra.seg_ref,
        &env.vrf_ref,
    );
    insecure.vsvip_ref = Some(vsvip_key.to_ref());
    insecure.services = vec![service(80, false)];
    insecure.application_profile_ref = avi_ref("applicationprofile", "System-HTTP");
    insecure.network_profile_ref = Some(avi_ref("networkprofile", "System-TCP-Proxy"));
    insecure.http_policies = vec![wire::HttpPolicies {
        index: 0,
        http_policy_set_ref: redirect.to_ref(),
    }];
    out.insert(
        AviKind::VirtualService,
        json(&insecure),
        insecure_vs,
        vec![vsvip_key, redirect],
    );
}
