//! Avi object references in their wire forms: what ako sends (`/api/<type>?name=<n>`)
//! and what the controller returns (`https://<host>/api/<type>/<uuid>#<name>`).

/// A parsed reference: the type and whatever identifies the target.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AviRef {
    pub obj_type: String,
    pub uuid: Option<String>,
    pub name: Option<String>,
}

/// Parses any of the accepted forms; `None` when the string is not a reference:
/// `https://h/api/<type>/<uuid>[#<name>]`, `/api/<type>/<uuid>`,
/// `/api/<type>[/]?name=<name>[&...]`.
pub fn parse(s: &str) -> Option<AviRef> {
    let rest = if let Some(rest) = s.strip_prefix("/api/") {
        rest
    } else if s.starts_with("http://") || s.starts_with("https://") {
        let after_scheme = &s[s.find("://")? + 3..];
        let path = &after_scheme[after_scheme.find('/')?..];
        path.strip_prefix("/api/")?
    } else {
        return None;
    };
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    let mut segments = path.split('/').filter(|seg| !seg.is_empty());
    let obj_type = segments.next()?.to_string();
    let uuid = segments.next().map(str::to_string);
    if segments.next().is_some() || !obj_type.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    // `+` stays a plus: ako's refs carry names verbatim, only `%XX` is decoded.
    let query_name = query.and_then(|q| {
        let q = q.replace('+', "%2B");
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "name")
            .map(|(_, v)| v.into_owned())
    });
    let name = fragment.map(str::to_string).or(query_name);
    if uuid.is_none() && name.is_none() {
        return None;
    }
    Some(AviRef {
        obj_type,
        uuid,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(t: &str, uuid: Option<&str>, name: Option<&str>) -> Option<AviRef> {
        Some(AviRef {
            obj_type: t.into(),
            uuid: uuid.map(Into::into),
            name: name.map(Into::into),
        })
    }

    #[test]
    fn every_wire_form() {
        assert_eq!(
            parse("/api/pool?name=c1--p"),
            r("pool", None, Some("c1--p"))
        );
        assert_eq!(
            parse("/api/tenant/?name=admin&cloud=x"),
            r("tenant", None, Some("admin"))
        );
        assert_eq!(
            parse("https://10.0.0.1:9443/api/pool/pool-1#c1--p"),
            r("pool", Some("pool-1"), Some("c1--p"))
        );
        assert_eq!(
            parse("http://h/api/vsvip/vsvip-9"),
            r("vsvip", Some("vsvip-9"), None)
        );
        assert_eq!(
            parse("/api/cloud/cloud-1"),
            r("cloud", Some("cloud-1"), None)
        );
        assert_eq!(parse("/api/pool?name=a%20b"), r("pool", None, Some("a b")));
        assert_eq!(parse("/api/pool?name=a+b"), r("pool", None, Some("a+b")));
    }

    #[test]
    fn plain_strings_are_not_refs() {
        for s in [
            "c1--pool",
            "/api/",
            "/api/pool",
            "https://h/x/pool/1",
            "/api/a/b/c",
            "",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
