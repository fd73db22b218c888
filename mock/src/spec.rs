//! What the mock knows about a service version: each action's input
//! fields (to validate params like the service does) and its example reply.
//! Generated crates embed it as JSON behind their `mock` feature.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MockSpec {
    pub actions: BTreeMap<String, MockAction>,
    #[serde(default)]
    pub types: BTreeMap<String, Vec<MockField>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MockAction {
    pub input: Vec<MockField>,
    /// The whole reply body of the action's first example.
    #[serde(default)]
    pub reply: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MockField {
    pub name: String,
    #[serde(rename = "type")]
    pub type_ref: String,
    #[serde(default)]
    pub required: bool,
}

/// A param the service would refuse: (error code, message).
pub type Violation = (&'static str, String);

impl MockSpec {
    pub fn parse(text: &str) -> Result<MockSpec, String> {
        serde_json::from_str(text).map_err(|e| format!("invalid mock spec: {e}"))
    }

    /// Checks params against the action's fields: required params, known
    /// names, and value types. `from_text` accepts numbers and bools in
    /// string form, as query and form params carry them.
    pub fn check(
        &self,
        action: &MockAction,
        params: &Value,
        from_text: bool,
    ) -> Result<(), Violation> {
        let Value::Object(map) = params else {
            return Err(("InvalidParameter", "The params must be an object.".into()));
        };
        self.check_object(&action.input, map, "", from_text)
    }

    fn check_object(
        &self,
        fields: &[MockField],
        map: &Map<String, Value>,
        prefix: &str,
        from_text: bool,
    ) -> Result<(), Violation> {
        for key in map.keys() {
            if !fields.iter().any(|f| f.name == *key) {
                return Err((
                    "UnknownParameter",
                    format!("The parameter `{prefix}{key}` is not recognized."),
                ));
            }
        }
        for field in fields {
            let path = format!("{prefix}{}", field.name);
            match map.get(&field.name) {
                None | Some(Value::Null) if field.required => {
                    return Err((
                        "MissingParameter",
                        format!("The request is missing a required parameter `{path}`."),
                    ))
                }
                None | Some(Value::Null) => {}
                Some(value) => self.check_value(&field.type_ref, value, &path, from_text)?,
            }
        }
        Ok(())
    }

    fn check_value(
        &self,
        type_ref: &str,
        value: &Value,
        path: &str,
        from_text: bool,
    ) -> Result<(), Violation> {
        let invalid = || {
            (
                "InvalidParameter",
                format!("The value of parameter `{path}` is not a valid {type_ref}."),
            )
        };
        if let Some(inner) = type_ref
            .strip_prefix("list<")
            .and_then(|t| t.strip_suffix('>'))
        {
            let Value::Array(items) = value else {
                return Err(invalid());
            };
            for (i, item) in items.iter().enumerate() {
                if item.is_null() {
                    return Err((
                        "InvalidParameter",
                        format!("The list `{path}` has no element {i}."),
                    ));
                }
                self.check_value(inner, item, &format!("{path}.{i}"), from_text)?;
            }
            return Ok(());
        }
        let text = value.as_str().filter(|_| from_text);
        let ok = match type_ref {
            "int64" => value.as_i64().is_some() || text.is_some_and(|t| t.parse::<i64>().is_ok()),
            "uint64" => value.as_u64().is_some() || text.is_some_and(|t| t.parse::<u64>().is_ok()),
            "float" => value.is_number() || text.is_some_and(|t| t.parse::<f64>().is_ok()),
            "bool" => value.is_boolean() || text.is_some_and(|t| bool_text(t).is_some()),
            "string" | "date" | "datetime" | "datetime_iso" | "binary" => value.is_string(),
            name => match (self.types.get(name), value) {
                (Some(fields), Value::Object(map)) => {
                    return self.check_object(fields, map, &format!("{path}."), from_text)
                }
                _ => false,
            },
        };
        if ok {
            Ok(())
        } else {
            Err(invalid())
        }
    }
}

/// A bool sent as text (a query or form param): `true` or `false`, in any
/// case. The Python SDK (and tccli on it) writes Python's `True`/`False`
/// into query and form params, and CVM's ResetInstancesPassword asks for
/// `ForceStop` "为`TRUE`".
pub(crate) fn bool_text(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A bool param's value: a JSON bool, or text as [`bool_text`] reads it
/// (a query or form param); `None` for anything else.
pub(crate) fn bool_value(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(on) => Some(*on),
        Value::String(text) => bool_text(text),
        _ => None,
    }
}

/// Folds `.N` params back into JSON: `A.0.B=x` → `{"A": [{"B": "x"}]}`.
/// Values stay strings; numeric segments are list indexes from `base`.
pub fn unflatten(params: &[(String, String)], base: usize) -> Result<Value, Violation> {
    let mut root = Value::Object(Map::new());
    for (name, value) in params {
        let segments: Vec<&str> = name.split('.').collect();
        insert(&mut root, &segments, value, base)
            .map_err(|why| ("InvalidParameter", format!("The parameter `{name}` {why}.")))?;
    }
    Ok(root)
}

fn insert(
    node: &mut Value,
    segments: &[&str],
    value: &str,
    base: usize,
) -> Result<(), &'static str> {
    let Some((head, rest)) = segments.split_first() else {
        return Err("is empty");
    };
    if head.is_empty() {
        return Err("has an empty name segment");
    }
    let next_is_index = rest
        .first()
        .is_some_and(|s| s.bytes().all(|b| b.is_ascii_digit()));
    let child = match node {
        Value::Object(map) => {
            let fresh = match (rest.is_empty(), next_is_index) {
                (true, _) => Value::Null,
                (false, true) => Value::Array(Vec::new()),
                (false, false) => Value::Object(Map::new()),
            };
            map.entry(head.to_string()).or_insert(fresh)
        }
        Value::Array(items) => {
            let index: usize = head.parse().map_err(|_| "mixes list and object forms")?;
            let index = index
                .checked_sub(base)
                .ok_or("has an index below the first")?;
            if index > 10_000 {
                return Err("has an index that is too large");
            }
            while items.len() <= index {
                items.push(Value::Null);
            }
            let slot = &mut items[index];
            if slot.is_null() && !rest.is_empty() {
                *slot = if next_is_index {
                    Value::Array(Vec::new())
                } else {
                    Value::Object(Map::new())
                };
            }
            slot
        }
        _ => return Err("mixes a value with nested params"),
    };
    if rest.is_empty() {
        if !child.is_null() {
            return Err("is given twice");
        }
        *child = Value::String(value.to_owned());
        return Ok(());
    }
    if !(child.is_object() || child.is_array()) {
        return Err("mixes a value with nested params");
    }
    insert(child, rest, value, base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn unflattens_lists_objects_and_nesting() {
        let params = pairs(&[
            ("Filters.0.Name", "zone"),
            ("Filters.0.Values.0", "a"),
            ("Filters.0.Values.1", "b"),
            ("Placement.Zone", "z"),
            ("Limit", "2"),
        ]);
        assert_eq!(
            unflatten(&params, 0),
            Ok(
                json!({"Filters": [{"Name": "zone", "Values": ["a", "b"]}], "Placement": {"Zone": "z"}, "Limit": "2"})
            )
        );
    }

    #[test]
    fn rejects_conflicts() {
        assert!(unflatten(&pairs(&[("A", "1"), ("A.0", "2")]), 0).is_err());
        assert!(unflatten(&pairs(&[("A.0", "1"), ("A.0", "2")]), 0).is_err());
        assert!(unflatten(&pairs(&[("A.0", "1"), ("A.x", "2")]), 0).is_err());
        assert!(unflatten(&pairs(&[("A..B", "1")]), 0).is_err());
        assert!(unflatten(&pairs(&[("A.99999999", "1")]), 0).is_err());
    }

    fn spec() -> MockSpec {
        MockSpec::parse(
            r#"{"actions": {"Run": {"input": [
                {"name": "Ids", "type": "list<string>", "required": true},
                {"name": "Count", "type": "int64"},
                {"name": "Disk", "type": "Disk"}
            ]}}, "types": {"Disk": [{"name": "Size", "type": "int64", "required": true}]}}"#,
        )
        .expect("valid")
    }

    #[test]
    fn checks_required_types_and_names() {
        let spec = spec();
        let run = &spec.actions["Run"];
        assert_eq!(
            spec.check(run, &json!({"Ids": ["a"], "Count": 1}), false),
            Ok(())
        );
        assert_eq!(
            spec.check(run, &json!({"Ids": ["a"], "Count": "1"}), true),
            Ok(())
        );
        let code = |params| {
            spec.check(run, &params, false)
                .map_err(|(code, message)| format!("{code}: {message}"))
        };
        assert_eq!(
            code(json!({})),
            Err("MissingParameter: The request is missing a required parameter `Ids`.".into())
        );
        assert_eq!(
            code(json!({"Ids": ["a"], "Count": "x"})),
            Err("InvalidParameter: The value of parameter `Count` is not a valid int64.".into())
        );
        assert_eq!(
            code(json!({"Ids": ["a"], "Disk": {}})),
            Err(
                "MissingParameter: The request is missing a required parameter `Disk.Size`.".into()
            )
        );
        assert_eq!(
            code(json!({"Ids": ["a"], "Nope": 1})),
            Err("UnknownParameter: The parameter `Nope` is not recognized.".into())
        );
        assert_eq!(
            code(json!({"Ids": "a"})),
            Err(
                "InvalidParameter: The value of parameter `Ids` is not a valid list<string>."
                    .into()
            )
        );
    }

    /// Query and form params carry bools as text, in the case the client
    /// wrote (the Python SDK sends `True`).
    #[test]
    fn bools_from_text_take_any_case() {
        let spec = MockSpec::parse(
            r#"{"actions": {"Stop": {"input": [{"name": "ForceStop", "type": "bool"}]}}}"#,
        )
        .expect("valid");
        let stop = &spec.actions["Stop"];
        for text in ["true", "True", "TRUE", "false", "False"] {
            assert_eq!(
                spec.check(stop, &json!({"ForceStop": text}), true),
                Ok(()),
                "{text}"
            );
        }
        for text in ["yes", "1", ""] {
            assert!(
                spec.check(stop, &json!({"ForceStop": text}), true).is_err(),
                "{text}"
            );
        }
        // A JSON body takes JSON bools only.
        assert!(spec
            .check(stop, &json!({"ForceStop": "true"}), false)
            .is_err());
    }

    /// The one reader of a bool param's value, for the CVM world's flags
    /// and the stream switch alike.
    #[test]
    fn bool_values_are_json_bools_or_text() {
        for (value, read) in [
            (json!(true), Some(true)),
            (json!(false), Some(false)),
            (json!("True"), Some(true)),
            (json!("FALSE"), Some(false)),
            (json!("yes"), None),
            (json!(1), None),
            (Value::Null, None),
        ] {
            assert_eq!(bool_value(&value), read, "{value}");
        }
    }
}
