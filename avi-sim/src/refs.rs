//! Refs as clients write them — `https://<host>/api/<type>/<uuid>[#name]`,
//! `/api/<type>/<uuid>`, `/api/<type>?name=<name>[&cloud=<name>]` — parsed and
//! resolved against the store with the request's tenant visibility.

use crate::error::{AviError, Result};
use crate::schema::validate::{Resolver, Target};
use crate::schema::{self, TypeSpec};
use crate::store::{Obj, Store};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Uuid(String),
    Name { name: String, cloud: Option<String> },
}

/// A parsed ref: collection path and how to find the object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRef {
    pub path: String,
    pub lookup: Lookup,
}

/// Parses any accepted ref form; `None` when it is not a ref at all.
pub fn parse(raw: &str) -> Option<ParsedRef> {
    let no_frag = raw.split('#').next().unwrap_or(raw);
    let rest = &no_frag[no_frag.find("/api/")? + "/api/".len()..];
    let (path_part, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    let mut segs = path_part.split('/').filter(|s| !s.is_empty());
    let path = segs.next()?.to_string();
    match (segs.next(), query) {
        (Some(uuid), _) if segs.next().is_none() => Some(ParsedRef {
            path,
            lookup: Lookup::Uuid(uuid.to_string()),
        }),
        (None, Some(q)) => {
            let params: Vec<(String, String)> = serde_urlencoded::from_str(q).ok()?;
            let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            Some(ParsedRef {
                path,
                lookup: Lookup::Name {
                    name: get("name")?,
                    cloud: get("cloud"),
                },
            })
        }
        _ => None,
    }
}

/// Resolves refs for one write: visible to `tenant`, preferring objects in `cloud`.
pub struct StoreResolver<'a> {
    pub store: &'a Store,
    pub tenant: &'a str,
    pub cloud: Option<&'a str>,
}

impl StoreResolver<'_> {
    pub fn lookup(&self, spec: &'static TypeSpec, lookup: &Lookup) -> Option<&Obj> {
        match lookup {
            Lookup::Uuid(u) => self
                .store
                .get(u)
                .filter(|o| o.spec.path == spec.path && Store::visible(o, self.tenant)),
            Lookup::Name { name, cloud } => {
                let cloud_uuid = match cloud {
                    Some(c) => {
                        let cloud_spec = schema::by_path("cloud")?;
                        Some(
                            self.store
                                .find(cloud_spec, self.tenant, c, None)?
                                .uuid
                                .as_ref(),
                        )
                    }
                    None => self.cloud,
                };
                self.store.find(spec, self.tenant, name, cloud_uuid)
            }
        }
    }
}

impl Resolver for StoreResolver<'_> {
    fn resolve(&self, kind: &str, raw: &str) -> Result<Target> {
        let not_found = || AviError::ref_not_found(kind, raw);
        let spec = schema::by_kind(kind).ok_or_else(not_found)?;
        let parsed = parse(raw).ok_or_else(not_found)?;
        if parsed.path != spec.path {
            return Err(not_found());
        }
        let obj = self.lookup(spec, &parsed.lookup).ok_or_else(not_found)?;
        Ok(Target {
            canonical: obj.canonical(),
            uuid: obj.uuid.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uuid(path: &str, u: &str) -> Option<ParsedRef> {
        Some(ParsedRef {
            path: path.into(),
            lookup: Lookup::Uuid(u.into()),
        })
    }

    #[test]
    fn accepted_forms() {
        assert_eq!(
            parse("https://h:9/api/pool/pool-1#p"),
            uuid("pool", "pool-1")
        );
        assert_eq!(parse("/api/pool/pool-1/"), uuid("pool", "pool-1"));
        let by_name = parse("/api/vrfcontext/?name=global&cloud=Default-Cloud").unwrap();
        assert_eq!(
            by_name.lookup,
            Lookup::Name {
                name: "global".into(),
                cloud: Some("Default-Cloud".into())
            }
        );
        assert_eq!(
            parse("/api/pool?name=a%20b").unwrap().lookup,
            Lookup::Name {
                name: "a b".into(),
                cloud: None
            }
        );
        assert_eq!(parse("pool-1"), None);
        assert_eq!(parse("/api/pool"), None);
    }
}
