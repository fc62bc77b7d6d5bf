//! Collection reads: filters, `include_name`, and every page via `next`, checked complete.

use std::collections::HashSet;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::client::{AviClient, Call};
use super::error::{AviError, Target};
use super::verbs::{decode, encode};

/// Filters of a collection read. Refs always come back as `…/<uuid>#<name>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery {
    params: Vec<(String, String)>,
    page_size: u32,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            params: Vec::new(),
            page_size: 100,
        }
    }
}

impl ListQuery {
    pub fn new() -> Self {
        Self::default()
    }

    /// Any `key=value` filter the controller knows (`cloud_ref.name`, `name.in`, ...).
    pub fn filter(mut self, key: &str, value: &str) -> Self {
        self.params.push((key.to_string(), value.to_string()));
        self
    }

    pub fn created_by(self, value: &str) -> Self {
        self.filter("created_by", value)
    }

    pub fn name(self, value: &str) -> Self {
        self.filter("name", value)
    }

    /// Only these fields (the controller adds `name`, `url`, `uuid`).
    pub fn fields(self, fields: &[&str]) -> Self {
        let joined = fields.join(",");
        self.filter("fields", &joined)
    }

    /// Objects per page, 1..=200 (the controller's range).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n.clamp(1, 200);
        self
    }

    fn first_path(&self, obj_type: &str) -> String {
        let mut path = format!(
            "/api/{obj_type}?include_name=true&page_size={}",
            self.page_size
        );
        for (k, v) in &self.params {
            path.push('&');
            path.push_str(&encode(k));
            path.push('=');
            path.push_str(&encode(v));
        }
        path
    }
}

impl AviClient {
    /// Every object of `obj_type` matching `query`, all pages. Fails rather than return a
    /// partial list: a short read must never look like "these objects are gone".
    pub async fn list<R: DeserializeOwned>(
        &self,
        obj_type: &str,
        query: &ListQuery,
    ) -> Result<Vec<R>, AviError> {
        let target = Target::new(obj_type, "");
        let collection = format!("/api/{obj_type}");
        let mut path = query.first_path(obj_type);
        let mut objects: Vec<Value> = Vec::new();
        let mut pages = 0usize;
        let count = loop {
            pages += 1;
            let call = Call {
                method: Method::GET,
                path: path.clone(),
                body: None,
                target: target.clone(),
            };
            let (_, bytes) = self.send(call).await?;
            let page: Page = decode(&Method::GET, &target, &bytes)?;
            let returned = page.results.len();
            objects.extend(page.results);
            let Some(next) = page.next.filter(|n| !n.is_empty()) else {
                break page.count;
            };
            // A controller that pages forever is cut off after `count` pages.
            match next.split_once(collection.as_str()) {
                Some((_, rest)) if returned > 0 && pages <= page.count => {
                    path = format!("{collection}{rest}");
                }
                _ => {
                    return Err(AviError::Decode {
                        method: Method::GET,
                        target,
                        detail: format!("unusable next link {next:?} after {pages} pages"),
                    });
                }
            }
        };
        check_complete(&target, &objects, count)?;
        objects
            .into_iter()
            .map(|o| serde_json::from_value(o).map_err(|e| decode_error(&target, e)))
            .collect()
    }

    /// The object named `name`, if there is one (one call; `name` is unique per type).
    pub async fn get_by_name<R: DeserializeOwned>(
        &self,
        obj_type: &str,
        name: &str,
    ) -> Result<Option<R>, AviError> {
        let target = Target::new(obj_type, name);
        let mut found: Vec<Value> = self.list(obj_type, &ListQuery::new().name(name)).await?;
        match found.len() {
            0 => Ok(None),
            1 => serde_json::from_value(found.remove(0))
                .map(Some)
                .map_err(|e| decode_error(&target, e)),
            n => Err(AviError::Decode {
                method: Method::GET,
                target,
                detail: format!("{n} objects share the name"),
            }),
        }
    }
}

#[derive(serde::Deserialize)]
struct Page {
    count: usize,
    #[serde(default)]
    results: Vec<Value>,
    #[serde(default)]
    next: Option<String>,
}

/// The pages must add up to the final count, without an object seen twice (objects
/// created or deleted between pages shift them; the caller reads again next round).
fn check_complete(target: &Target, objects: &[Value], count: usize) -> Result<(), AviError> {
    let uuids: HashSet<&str> = objects
        .iter()
        .filter_map(|o| o.get("uuid").and_then(Value::as_str))
        .collect();
    if objects.len() != count || uuids.len() != objects.len() {
        return Err(AviError::IncompleteList {
            target: target.clone(),
            read: uuids.len(),
            count,
        });
    }
    Ok(())
}

fn decode_error(target: &Target, e: serde_json::Error) -> AviError {
    AviError::Decode {
        method: Method::GET,
        target: target.clone(),
        detail: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_page_carries_filters_encoded() {
        let q = ListQuery::new()
            .created_by("ako-c1")
            .name("a b&c")
            .fields(&["name", "markers"])
            .page_size(500);
        assert_eq!(
            q.first_path("pool"),
            "/api/pool?include_name=true&page_size=200&created_by=ako-c1&name=a+b%26c&fields=name%2Cmarkers"
        );
    }

    #[test]
    fn completeness_needs_count_and_distinct_uuids() {
        let t = Target::new("pool", "");
        let a = serde_json::json!({"uuid": "pool-1"});
        let b = serde_json::json!({"uuid": "pool-2"});
        assert!(check_complete(&t, &[a.clone(), b.clone()], 2).is_ok());
        assert!(check_complete(&t, std::slice::from_ref(&a), 2).is_err());
        assert!(check_complete(&t, &[a.clone(), a], 2).is_err());
    }
}
