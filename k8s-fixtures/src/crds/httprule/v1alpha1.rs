//! HTTPRule `ako.vmware.com/v1alpha1`: served for old manifests, not stored; no `enableHTTP2`.

super::httprule_version!("v1alpha1", path_extra: {});
