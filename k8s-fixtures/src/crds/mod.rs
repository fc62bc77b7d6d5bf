//! The `ako.vmware.com` custom resources (AviInfraSetting, HostRule, HTTPRule, L4Rule) and
//! OpenShift Routes: typed Rust structs per kind and version, the CRD manifests generated from
//! them, and the v1alpha1 ↔ v1beta1 conversion kube-sim applies on read and write.

pub mod convert;
