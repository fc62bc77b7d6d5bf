//! AviInfraSetting `ako.vmware.com/v1beta1` (the storage version; AKO reads only this one).

super::infra_setting_version!("v1beta1");
