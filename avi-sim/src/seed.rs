//! The objects of a fresh controller: tenant `admin`, `Default-Cloud`, vrfcontexts
//! `global` and `management`, `Default-Group`, the System-* profiles and health
//! monitors, the `Default-TLS` protocol parser, and a VIP network with an internal
//! IPAM profile on the cloud so VsVips get addresses. Everything goes through the
//! normal write path, so seeds are valid.

use serde_json::{Value, json};

use crate::config::VipNetwork;
use crate::error::{AviError, Result};
use crate::schema;
use crate::store::Store;
use crate::write;

/// A seeded store.
pub fn seed(vip: &VipNetwork) -> Result<Store> {
    let mut s = Store::default();
    create(
        &mut s,
        "tenant",
        json!({"name": "admin", "description": "Default tenant"}),
        Some("admin"),
        true,
    )?;
    let cloud = create(
        &mut s,
        "cloud",
        json!({"name": "Default-Cloud", "vtype": "CLOUD_NONE"}),
        None,
        true,
    )?;
    for vrf in ["global", "management"] {
        create(
            &mut s,
            "vrfcontext",
            json!({"name": vrf, "system_default": true}),
            None,
            true,
        )?;
    }
    create(
        &mut s,
        "serviceenginegroup",
        json!({"name": "Default-Group"}),
        None,
        true,
    )?;
    for (name, ty) in [
        ("System-HTTP", "HTTP"),
        ("System-Secure-HTTP", "HTTP"),
        ("System-L4-Application", "L4"),
        ("System-SSL-Application", "SSL"),
        ("System-DNS", "DNS"),
        ("System-Syslog", "SYSLOG"),
    ] {
        let body = json!({"name": name, "type": format!("APPLICATION_PROFILE_TYPE_{ty}")});
        create(&mut s, "applicationprofile", body, None, true)?;
    }
    for (name, ty) in [
        ("System-TCP-Proxy", "TCP_PROXY"),
        ("System-TCP-Fast-Path", "TCP_FAST_PATH"),
        ("System-UDP-Fast-Path", "UDP_FAST_PATH"),
        ("System-UDP-Proxy", "UDP_PROXY"),
        ("System-SCTP-Proxy", "SCTP_PROXY"),
    ] {
        let body = json!({"name": name, "profile": {"type": format!("PROTOCOL_TYPE_{ty}")}});
        create(&mut s, "networkprofile", body, None, true)?;
    }
    for (name, ty) in [
        ("System-Ping", "PING"),
        ("System-TCP", "TCP"),
        ("System-HTTP", "HTTP"),
        ("System-HTTPS", "HTTPS"),
        ("System-UDP", "UDP"),
    ] {
        let body = json!({"name": name, "type": format!("HEALTH_MONITOR_{ty}")});
        create(&mut s, "healthmonitor", body, None, true)?;
    }
    create(
        &mut s,
        "analyticsprofile",
        json!({"name": "System-Analytics-Profile"}),
        None,
        true,
    )?;
    let tls = json!([{"type": "SSL_VERSION_TLS1_2"}, {"type": "SSL_VERSION_TLS1_3"}]);
    create(
        &mut s,
        "sslprofile",
        json!({"name": "System-Standard", "accepted_versions": tls}),
        None,
        true,
    )?;
    let persistence = json!({"name": "System-Persistence-Client-IP", "persistence_type": "PERSISTENCE_TYPE_CLIENT_IP_ADDRESS"});
    create(
        &mut s,
        "applicationpersistenceprofile",
        persistence,
        None,
        true,
    )?;
    // The parser AKO's passthrough DataScript requires; the code is a stand-in.
    let tls_parser = json!({"name": "Default-TLS", "parser_code": "-- TLS record parser", "description": "Default TLS protocol parser"});
    create(&mut s, "protocolparser", tls_parser, None, true)?;
    for role in ["System-Admin", "Tenant-Admin"] {
        create(&mut s, "role", json!({"name": role}), None, true)?;
    }
    let network = create(&mut s, "network", vip_network(vip)?, None, false)?;
    let ipam = json!({
        "name": "Default-IPAM",
        "type": "IPAMDNS_TYPE_INTERNAL",
        "internal_profile": {"usable_networks": [{"nw_ref": format!("/api/network/{network}")}]},
    });
    let ipam = create(&mut s, "ipamdnsproviderprofile", ipam, None, false)?;
    let old = s
        .get(&cloud)
        .cloned()
        .ok_or_else(|| AviError::not_found("Default-Cloud"))?;
    let mut body = old.body();
    body.insert(
        "ipam_provider_ref".into(),
        Value::String(format!("/api/ipamdnsproviderprofile/{ipam}")),
    );
    let spec = old.spec;
    let draft = write::build(&s, spec, "admin", body, Some(&old), cloud, false)?;
    s.commit(draft);
    Ok(s)
}

fn vip_network(vip: &VipNetwork) -> Result<Value> {
    let bad = || {
        AviError::bad_request(format!(
            "invalid VIP network {} / {}-{}",
            vip.cidr, vip.first, vip.last
        ))
    };
    let net: ipnet::IpNet = vip.cidr.parse().map_err(|_| bad())?;
    let first: std::net::IpAddr = vip.first.parse().map_err(|_| bad())?;
    let last: std::net::IpAddr = vip.last.parse().map_err(|_| bad())?;
    if !net.contains(&first) || !net.contains(&last) || first > last {
        return Err(bad());
    }
    Ok(json!({
        "name": vip.name,
        "dhcp_enabled": false,
        "configured_subnets": [{
            "prefix": {"ip_addr": crate::ipam::ip_json(net.network()), "mask": net.prefix_len()},
            "static_ip_ranges": [{
                "range": {"begin": crate::ipam::ip_json(first), "end": crate::ipam::ip_json(last)},
                "type": "STATIC_IPS_FOR_VIP",
            }],
        }],
    }))
}

/// Creates one object in tenant admin; returns its uuid.
fn create(
    s: &mut Store,
    path: &str,
    body: Value,
    uuid: Option<&str>,
    system: bool,
) -> Result<String> {
    let spec = schema::by_path(path).ok_or_else(|| AviError::not_found(path))?;
    let Value::Object(body) = body else {
        return Err(AviError::bad_request(path));
    };
    let uuid = uuid.map(str::to_string).unwrap_or_else(|| new_uuid(path));
    let mut draft = write::build(s, spec, "admin", body, None, uuid, true)?;
    draft.system = system;
    Ok(s.commit(draft).uuid.to_string())
}

/// `<type>-<uuid4>`, the form of a real controller's uuids.
pub fn new_uuid(path: &str) -> String {
    format!("{path}-{}", uuid::Uuid::new_v4())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn seeds_are_valid_and_wired() {
        let s = seed(&Config::default().vip_network).unwrap();
        let cloud = schema::by_path("cloud").unwrap();
        let c = s.find(cloud, "admin", "Default-Cloud", None).unwrap();
        assert!(
            c.field("ipam_provider_ref")
                .unwrap()
                .as_str()
                .unwrap()
                .starts_with("/api/ipamdnsproviderprofile/")
        );
        assert!(c.system);
        let vrf = schema::by_path("vrfcontext").unwrap();
        assert_eq!(
            s.find(vrf, "admin", "global", Some(&*c.uuid))
                .unwrap()
                .cloud
                .as_deref(),
            Some(&*c.uuid)
        );
    }

    /// AKO's passthrough DataScript names `Default-TLS`; a real controller ships it,
    /// so a fresh simulator must resolve the ref (and refuse to delete the parser).
    #[test]
    fn default_tls_parser_resolves_for_datascripts() {
        let s = seed(&Config::default().vip_network).unwrap();
        let parser = schema::by_path("protocolparser").unwrap();
        let tls = s.find(parser, "admin", "Default-TLS", None).unwrap();
        assert!(tls.system);
        let ds = json!({
            "name": "ds",
            "datascript": [{"evt": "VS_DATASCRIPT_EVT_L4_REQUEST", "script": "avi.l4.ds_done()"}],
            "protocol_parser_refs": ["/api/protocolparser?name=Default-TLS"],
        });
        let Value::Object(ds) = ds else { panic!() };
        let spec = schema::by_path("vsdatascriptset").unwrap();
        let draft = write::build(
            &s,
            spec,
            "admin",
            ds,
            None,
            new_uuid("vsdatascriptset"),
            true,
        )
        .unwrap();
        let want = format!("/api/protocolparser/{}", tls.uuid);
        let refs = draft.body.get("protocol_parser_refs").unwrap();
        assert_eq!(refs, &json!([want]));
    }
}
