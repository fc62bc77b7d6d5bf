//! SSLKeyAndCertificate: the private key is accepted but never echoed back.
use super::defs::Defs;
use super::{TypeSpec, summary_defs};

fn defs() -> &'static Defs {
    summary_defs("SSLKeyAndCertificate")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "sslkeyandcertificate",
    kind: "SSLKeyAndCertificate",
    defs,
    redacted: &["key", "key_passphrase"],
    ..TypeSpec::BASE
};
