//! LIST: selectors, `limit`/`continue` paging with opaque continue tokens (410 once the
//! history they point into is compacted), and the `<Kind>List` envelope.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};

use super::error::ApiError;
use super::ops::Sim;
use super::request::Query;
use super::resources::Resolved;
use super::selectors::Selector;
use super::store::{ObjKey, Raw, parse};

const CONTINUE_TOO_OLD: &str = "The provided continue parameter is too old to display a consistent list result. \
You can start a new list without the continue parameter, or use the continue token in this response to retrieve \
the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that \
were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

fn encode_continue(rv: u64, key: &ObjKey) -> String {
    B64.encode(json!({"v": "meta.k8s.io/v1", "rv": rv, "start": [key.0, key.1]}).to_string())
}

fn decode_continue(token: &str) -> Result<(u64, ObjKey), ApiError> {
    let bad = || ApiError::bad_request(format!("continue key is not valid: {token}"));
    let raw = B64.decode(token).map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&raw).map_err(|_| bad())?;
    let rv = v["rv"].as_u64().ok_or_else(bad)?;
    let ns = v["start"][0].as_str().ok_or_else(bad)?;
    let name = v["start"][1].as_str().ok_or_else(bad)?;
    Ok((rv, (ns.to_string(), name.to_string())))
}

pub fn selector(res: &Resolved, q: &Query) -> Result<Selector, ApiError> {
    Selector::parse(
        q.get("labelSelector"),
        q.get("fieldSelector"),
        &res.info.selectable_fields,
    )
}

/// A list answer: envelope fields and the items as JSON text at the requested version.
pub struct ListOut {
    pub kind: String,
    pub api_version: String,
    pub meta: Value,
    pub items: Vec<Raw>,
}

impl ListOut {
    /// The response body, assembled from the stored text without re-parsing it.
    pub fn body(&self) -> String {
        let mut s = format!(
            "{{\"kind\":{},\"apiVersion\":{},\"metadata\":{},\"items\":[",
            json!(self.kind),
            json!(self.api_version),
            self.meta
        );
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(item);
        }
        s.push_str("]}");
        s
    }

    pub fn parsed_items(&self) -> Vec<Value> {
        self.items.iter().map(|r| parse(r)).collect()
    }
}

/// The list of `res` (in `ns`, or all namespaces).
pub fn list(sim: &Sim, res: &Resolved, ns: Option<&str>, q: &Query) -> Result<ListOut, ApiError> {
    let sel = selector(res, q)?;
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0);
    let cont = q
        .get("continue")
        .filter(|c| !c.is_empty())
        .map(decode_continue)
        .transpose()?;
    if let Some((rv, _)) = &cont {
        sim.store
            .check_not_compacted(*rv)
            .map_err(|_| ApiError::gone(CONTINUE_TOO_OLD))?;
    }
    let ns = if res.info.namespaced { ns } else { None };
    let start = cont.as_ref().map(|(_, k)| k);
    let (items, more, remaining, current_rv) =
        sim.store
            .list(&res.info.gr, ns, start, limit, &|o| sel.matches_raw(o));
    let list_rv = cont.as_ref().map_or(current_rv, |(rv, _)| *rv);
    let items = if res.info.is_crd {
        items
            .iter()
            .map(|o| {
                sim.at_version(res, &parse(o))
                    .map(|v| Raw::from(v.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?
    } else {
        items
    };
    let mut meta = json!({"resourceVersion": list_rv.to_string()});
    if let Some(k) = more {
        meta["continue"] = json!(encode_continue(list_rv, &k));
        meta["remainingItemCount"] = json!(remaining);
    }
    Ok(ListOut {
        kind: res.info.list_kind.clone(),
        api_version: res.api_version(),
        meta,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_round_trip_and_reject_garbage() {
        let t = encode_continue(7, &("ns".into(), "a".into()));
        assert_eq!(decode_continue(&t).unwrap(), (7, ("ns".into(), "a".into())));
        assert_eq!(decode_continue("!!").unwrap_err().code, 400);
    }
}
