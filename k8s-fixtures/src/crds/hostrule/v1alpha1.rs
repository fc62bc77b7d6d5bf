//! HostRule `ako.vmware.com/v1alpha1`: served for old manifests, not stored. Lacks the v1beta1
//! fields `useRegex`, `applicationRootPath`, `l7Rule`, `networkSecurityPolicy` and
//! `analyticsPolicy.fullClientLogs.duration` (see `crds::convert` for how they survive).

super::hostrule_version!(
    "v1alpha1",
    virtualhost_extra: {},
    full_client_logs_extra: {}
);
