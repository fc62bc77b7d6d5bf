//! Typed Avi request bodies (spec §3, §4.3). Each struct serialises to the JSON the
//! Avi REST API takes; `None` / empty fields are left out so a body only says what
//! AKO decides. References are name-query refs (`/api/<type>?name=<name>`).

use std::borrow::Cow;

use serde::Serialize;

/// Fields every object body starts with.
#[derive(Debug, Clone, Serialize)]
pub struct Common<'a> {
    pub name: &'a str,
    pub tenant_ref: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_ref: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<&'a str>,
    pub markers: Vec<Marker<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Marker<'a> {
    pub key: &'a str,
    pub values: [&'a str; 1],
}

#[derive(Debug, Clone, Serialize)]
pub struct IpAddr<'a> {
    pub addr: &'a str,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl<'a> IpAddr<'a> {
    pub fn new(addr: &'a str) -> Self {
        let kind = if addr.contains(':') { "V6" } else { "V4" };
        Self { addr, kind }
    }
}

// ---- VsVip ----

#[derive(Debug, Clone, Serialize)]
pub struct VsVip<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub vrf_context_ref: &'a str,
    pub east_west_placement: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dns_info: Vec<DnsInfo<'a>>,
    pub vip: Vec<Vip<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DnsInfo<'a> {
    pub fqdn: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Vip<'a> {
    pub vip_id: &'static str,
    pub auto_allocate_ip: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<IpAddr<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipam_network_subnet: Option<IpamNetworkSubnet<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IpamNetworkSubnet<'a> {
    pub network_ref: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet: Option<Subnet<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet6: Option<Subnet<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Subnet<'a> {
    pub ip_addr: IpAddr<'a>,
    pub mask: u8,
}

// ---- Pool / PoolGroup ----

#[derive(Debug, Clone, Serialize)]
pub struct Pool<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub vrf_ref: &'a str,
    pub servers: Vec<Server<'a>>,
    pub health_monitor_refs: Vec<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub placement_networks: Vec<PlacementNetwork>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lb_algorithm: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lb_algorithm_hash: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lb_algorithm_consistent_hash_hdr: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_persistence_profile_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_profile_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pki_profile_ref: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sni_enabled: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub enable_http2: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Server<'a> {
    pub ip: IpAddr<'a>,
    pub port: u16,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlacementNetwork {
    pub network_ref: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PoolGroup<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub members: Vec<PoolGroupMember<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub implicit_priority_labels: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PoolGroupMember<'a> {
    pub pool_ref: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority_label: Option<&'a str>,
    pub ratio: u32,
}

// ---- DataScript / HTTP policy / L4 policy ----

#[derive(Debug, Clone, Serialize)]
pub struct VsDataScriptSet<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub datascript: Vec<DataScript>,
    pub pool_group_refs: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub protocol_parser_refs: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataScript {
    pub evt: &'static str,
    pub script: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpPolicySet<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub http_request_policy: HttpRequestPolicy,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpRequestPolicy {
    pub rules: Vec<HttpRequestRule>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpRequestRule {
    pub name: String,
    pub index: usize,
    pub enable: bool,
    #[serde(rename = "match")]
    pub matches: MatchTarget,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub switching_action: Option<SwitchingAction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_action: Option<RedirectAction>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MatchTarget {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_hdr: Option<HostHdrMatch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathMatch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vs_port: Option<PortMatch>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HostHdrMatch {
    pub match_criteria: &'static str,
    pub value: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PathMatch {
    pub match_criteria: &'static str,
    pub match_case: &'static str,
    pub match_str: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PortMatch {
    pub match_criteria: &'static str,
    pub ports: Vec<u16>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SwitchingAction {
    pub action: &'static str,
    pub pool_group_ref: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RedirectAction {
    pub protocol: &'static str,
    pub port: u16,
    pub status_code: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct L4PolicySet<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub l4_connection_policy: L4ConnectionPolicy,
}

#[derive(Debug, Clone, Serialize)]
pub struct L4ConnectionPolicy {
    pub rules: Vec<L4Rule>,
}

#[derive(Debug, Clone, Serialize)]
pub struct L4Rule {
    pub name: String,
    pub index: usize,
    #[serde(rename = "match")]
    pub matches: L4Match,
    pub action: L4Action,
}

#[derive(Debug, Clone, Serialize)]
pub struct L4Match {
    pub port: PortMatch,
    pub protocol: ProtocolMatch,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProtocolMatch {
    pub match_criteria: &'static str,
    pub protocol: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct L4Action {
    pub select_pool: SelectPool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SelectPool {
    pub action_type: &'static str,
    pub pool_ref: String,
}

// ---- Certificates ----

#[derive(Debug, Clone, Serialize)]
pub struct SslKeyAndCertificate<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub certificate: CertificateBody<'a>,
    pub key: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct CertificateBody<'a> {
    pub certificate: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct PkiProfile<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub ca_certs: Vec<CertificateBody<'a>>,
    pub crl_check: bool,
}

// ---- VirtualService ----

/// Every VS flavour AKO writes (L4, shared parent, SNI child, dedicated).
#[derive(Debug, Clone, Serialize)]
pub struct VirtualService<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// Always sent, so an out-of-band disable is seen as drift and repaired (B23).
    pub enabled: bool,
    pub se_group_ref: &'a str,
    pub vrf_context_ref: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vsvip_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vh_parent_vs_ref: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vh_domain_name: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    pub application_profile_ref: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_profile_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool_group_ref: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vs_datascripts: Vec<VsDataScript>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub http_policies: Vec<HttpPolicies>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub l4_policies: Vec<L4Policies>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ssl_key_and_certificate_refs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_profile_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waf_policy_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analytics_profile_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_page_profile_refs: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove_listening_port_on_vs_down: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_enabled: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub port: u16,
    pub enable_ssl: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_network_profile_ref: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VsDataScript {
    pub index: usize,
    pub vs_datascript_set_ref: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpPolicies {
    pub index: usize,
    pub http_policy_set_ref: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct L4Policies {
    pub index: usize,
    pub l4_policy_set_ref: String,
}

impl<'a> VirtualService<'a> {
    /// A VS with only the fields every flavour sets.
    pub fn new(common: Common<'a>, se_group_ref: &'a str, vrf_context_ref: &'a str) -> Self {
        Self {
            common,
            kind: None,
            enabled: true,
            se_group_ref,
            vrf_context_ref,
            vsvip_ref: None,
            vh_parent_vs_ref: None,
            vh_domain_name: Vec::new(),
            services: Vec::new(),
            application_profile_ref: String::new(),
            network_profile_ref: None,
            pool_group_ref: None,
            vs_datascripts: Vec::new(),
            http_policies: Vec::new(),
            l4_policies: Vec::new(),
            ssl_key_and_certificate_refs: Vec::new(),
            ssl_profile_ref: None,
            waf_policy_ref: None,
            analytics_profile_ref: None,
            error_page_profile_refs: None,
            remove_listening_port_on_vs_down: None,
            traffic_enabled: None,
        }
    }
}
