//! L4Rule (namespaced), only at v1alpha2: overrides for the L4 virtual service of a Service of
//! type LoadBalancer that names it in the annotation `ako.vmware.com/l4rule` (spec §10.5).

pub mod v1alpha2;
