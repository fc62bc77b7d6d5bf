//! AviInfraSetting `ako.vmware.com/v1alpha1` (served for old manifests, not stored; same
//! schema as v1beta1).

super::infra_setting_version!("v1alpha1");
