//! IpamDnsProviderProfile: the cloud's IPAM (usable networks) and DNS domains.
use super::defs::Defs;
use super::{TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("IpamDnsProviderProfile")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "ipamdnsproviderprofile",
    kind: "IpamDnsProviderProfile",
    defs,
    shared: true,
    ..TypeSpec::BASE
};
