//! Decoding of the Kubernetes protobuf envelope for the few kinds `kubectl create <kind>`
//! sends as protobuf (Namespace, ConfigMap, Secret), so those generators work. Other kinds in
//! protobuf get a clear 415; every other client speaks JSON.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Map, Value, json};

use super::error::ApiError;

const MAGIC: &[u8] = b"k8s\0";

enum Kind {
    Str,
    Bool,
    RepeatedStr,
    MapStr,
    MapBytes,
    Msg(&'static [Field]),
}

struct Field(u32, &'static str, Kind);

const OBJECT_META: &[Field] = &[
    Field(1, "name", Kind::Str),
    Field(2, "generateName", Kind::Str),
    Field(3, "namespace", Kind::Str),
    Field(11, "labels", Kind::MapStr),
    Field(12, "annotations", Kind::MapStr),
    Field(14, "finalizers", Kind::RepeatedStr),
];
const NAMESPACE: &[Field] = &[
    Field(1, "metadata", Kind::Msg(OBJECT_META)),
    Field(
        2,
        "spec",
        Kind::Msg(&[Field(1, "finalizers", Kind::RepeatedStr)]),
    ),
];
const CONFIG_MAP: &[Field] = &[
    Field(1, "metadata", Kind::Msg(OBJECT_META)),
    Field(2, "data", Kind::MapStr),
    Field(3, "binaryData", Kind::MapBytes),
    Field(4, "immutable", Kind::Bool),
];
const SECRET: &[Field] = &[
    Field(1, "metadata", Kind::Msg(OBJECT_META)),
    Field(2, "data", Kind::MapBytes),
    Field(3, "type", Kind::Str),
    Field(4, "stringData", Kind::MapStr),
    Field(5, "immutable", Kind::Bool),
];

enum Wire<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

struct Reader<'a> {
    buf: &'a [u8],
}

fn malformed() -> ApiError {
    ApiError::bad_request("the protobuf body could not be decoded")
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, ApiError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.buf.split_first().ok_or_else(malformed)?;
            self.buf = rest;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(malformed())
    }

    fn next(&mut self) -> Result<Option<(u32, Wire<'a>)>, ApiError> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let tag = self.varint()?;
        let field = u32::try_from(tag >> 3).map_err(|_| malformed())?;
        let wire = match tag & 7 {
            0 => Wire::Varint(self.varint()?),
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| malformed())?;
                if len > self.buf.len() {
                    return Err(malformed());
                }
                let (bytes, rest) = self.buf.split_at(len);
                self.buf = rest;
                Wire::Bytes(bytes)
            }
            1 => Wire::Bytes(self.skip(8)?),
            5 => Wire::Bytes(self.skip(4)?),
            _ => return Err(malformed()),
        };
        Ok(Some((field, wire)))
    }

    fn skip(&mut self, n: usize) -> Result<&'a [u8], ApiError> {
        if n > self.buf.len() {
            return Err(malformed());
        }
        let (bytes, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(bytes)
    }
}

fn text(b: &[u8]) -> Result<String, ApiError> {
    String::from_utf8(b.to_vec()).map_err(|_| malformed())
}

/// A map entry message: key = 1, value = 2.
fn entry(b: &[u8], bytes_value: bool) -> Result<(String, Value), ApiError> {
    let mut r = Reader { buf: b };
    let (mut k, mut v) = (String::new(), json!(""));
    while let Some((f, w)) = r.next()? {
        match (f, w) {
            (1, Wire::Bytes(x)) => k = text(x)?,
            (2, Wire::Bytes(x)) if bytes_value => v = json!(B64.encode(x)),
            (2, Wire::Bytes(x)) => v = json!(text(x)?),
            _ => {}
        }
    }
    Ok((k, v))
}

fn message(b: &[u8], fields: &[Field]) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    let mut r = Reader { buf: b };
    while let Some((num, wire)) = r.next()? {
        let Some(Field(_, name, kind)) = fields.iter().find(|f| f.0 == num) else {
            continue;
        };
        let name = name.to_string();
        match (kind, wire) {
            (Kind::Str, Wire::Bytes(x)) => {
                out.insert(name, json!(text(x)?));
            }
            (Kind::Bool, Wire::Varint(v)) => {
                out.insert(name, json!(v != 0));
            }
            (Kind::RepeatedStr, Wire::Bytes(x)) => {
                let list = out.entry(name).or_insert_with(|| json!([]));
                if let Some(a) = list.as_array_mut() {
                    a.push(json!(text(x)?));
                }
            }
            (Kind::MapStr | Kind::MapBytes, Wire::Bytes(x)) => {
                let (k, v) = entry(x, matches!(kind, Kind::MapBytes))?;
                if let Some(m) = out.entry(name).or_insert_with(|| json!({})).as_object_mut() {
                    m.insert(k, v);
                }
            }
            (Kind::Msg(sub), Wire::Bytes(x)) => {
                out.insert(name, Value::Object(message(x, sub)?));
            }
            _ => return Err(malformed()),
        }
    }
    Ok(out)
}

/// Decodes a `application/vnd.kubernetes.protobuf` body into the JSON object it stands for.
pub fn decode(body: &[u8]) -> Result<Value, ApiError> {
    let envelope = body.strip_prefix(MAGIC).ok_or_else(malformed)?;
    let (mut api_version, mut kind, mut raw) = (String::new(), String::new(), &[][..]);
    let mut r = Reader { buf: envelope };
    while let Some((f, w)) = r.next()? {
        match (f, w) {
            (1, Wire::Bytes(tm)) => {
                let mut t = Reader { buf: tm };
                while let Some((tf, tw)) = t.next()? {
                    match (tf, tw) {
                        (1, Wire::Bytes(x)) => api_version = text(x)?,
                        (2, Wire::Bytes(x)) => kind = text(x)?,
                        _ => {}
                    }
                }
            }
            (2, Wire::Bytes(x)) => raw = x,
            _ => {}
        }
    }
    let fields = match (api_version.as_str(), kind.as_str()) {
        ("v1", "Namespace") => NAMESPACE,
        ("v1", "ConfigMap") => CONFIG_MAP,
        ("v1", "Secret") => SECRET,
        _ => {
            return Err(ApiError::unsupported_body(&format!(
                "application/vnd.kubernetes.protobuf ({api_version}, Kind={kind})"
            )));
        }
    };
    let mut obj = message(raw, fields)?;
    obj.insert("apiVersion".into(), json!(api_version));
    obj.insert("kind".into(), json!(kind));
    Ok(Value::Object(obj))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ld(field: u32, bytes: &[u8]) -> Vec<u8> {
        let mut v = vec![((field << 3) | 2) as u8, bytes.len() as u8];
        v.extend_from_slice(bytes);
        v
    }

    #[test]
    fn decodes_a_secret() {
        let meta = [
            ld(1, b"tls"),
            ld(11, &[ld(1, b"app"), ld(2, b"web")].concat()),
        ]
        .concat();
        let secret = [
            ld(1, &meta),
            ld(2, &[ld(1, b"tls.crt"), ld(2, b"\x01\x02")].concat()),
            ld(3, b"kubernetes.io/tls"),
        ]
        .concat();
        let envelope = [
            MAGIC.to_vec(),
            ld(1, &[ld(1, b"v1"), ld(2, b"Secret")].concat()),
            ld(2, &secret),
        ]
        .concat();
        let v = decode(&envelope).unwrap();
        assert_eq!(
            v,
            json!({"metadata": {"name": "tls", "labels": {"app": "web"}}, "data": {"tls.crt": "AQI="}, "type": "kubernetes.io/tls", "apiVersion": "v1", "kind": "Secret"})
        );
        assert_eq!(decode(b"nope").unwrap_err().code, 400);
        let pod = [
            MAGIC.to_vec(),
            ld(1, &[ld(1, b"v1"), ld(2, b"Pod")].concat()),
        ]
        .concat();
        assert_eq!(decode(&pod).unwrap_err().code, 415);
    }
}
