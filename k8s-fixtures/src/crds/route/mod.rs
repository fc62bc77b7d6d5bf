//! OpenShift `route.openshift.io` Routes. On OpenShift this is a built-in API; kube-sim serves
//! it from a CRD generated from these types, which is enough for AKO's informers and status.

pub mod v1;
