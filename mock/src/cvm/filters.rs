//! The Describe* conventions: `Filters` (values within one filter OR,
//! filters AND), ids exclusive with Filters where documented, and
//! `Offset`/`Limit` paging.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::Outcome;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

impl Tag {
    pub fn new(key: &str, value: &str) -> Tag {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }
}

pub fn tags_json(tags: &[Tag]) -> Value {
    Value::Array(
        tags.iter()
            .map(|t| json!({"Key": t.key, "Value": t.value}))
            .collect(),
    )
}

/// Whether `tags` satisfy a `tag-key`, `tag-value` or `tag:<key>` filter
/// value; `None` when `name` is not a tag filter.
pub fn tag_matches(tags: &[Tag], name: &str, value: &str) -> Option<bool> {
    Some(match name {
        "tag-key" => tags.iter().any(|t| t.key == value),
        "tag-value" => tags.iter().any(|t| t.value == value),
        _ => {
            let key = name.strip_prefix("tag:")?;
            tags.iter().any(|t| t.key == key && t.value == value)
        }
    })
}

/// One `{Name, Values}` of a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

/// What an action accepts: its documented filter names (`tag:` stands for
/// every `tag:<key>`), and the most values one filter may carry.
pub struct FilterRules {
    pub names: &'static [&'static str],
    pub max_values: usize,
}

/// At most 10 filters per request, for every CVM action.
const MAX_FILTERS: usize = 10;

/// Reads `Filters` (or another list of `{Name, Values}`) and checks every
/// name against `rules`; an unknown name gets `InvalidFilter`.
pub fn parse(params: &Value, key: &str, rules: &FilterRules) -> Result<Vec<Filter>, Outcome> {
    let Some(items) = params.get(key).and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    if items.len() > MAX_FILTERS {
        return Err(Outcome::error(
            "InvalidParameterValue.LimitExceeded",
            format!(
                "At most {MAX_FILTERS} filters are allowed; {} given.",
                items.len()
            ),
        ));
    }
    let mut filters = Vec::new();
    for item in items {
        let name = item.get("Name").and_then(Value::as_str).unwrap_or_default();
        let known = rules.names.iter().any(|n| match *n {
            "tag:" => name.len() > 4 && name.starts_with("tag:"),
            n => n == name,
        });
        if !known {
            let names: Vec<&str> = rules.names.to_vec();
            return Err(Outcome::error(
                "InvalidFilter",
                format!(
                    "The filter `{name}` is not supported; supported: {}.",
                    names.join(", ").replace("tag:", "tag:<key>")
                ),
            ));
        }
        let values: Vec<String> = item
            .get("Values")
            .and_then(Value::as_array)
            .map(|vs| vs.iter().filter_map(text).collect())
            .unwrap_or_default();
        if values.len() > rules.max_values {
            return Err(Outcome::error(
                "InvalidFilterValue.LimitExceeded",
                format!(
                    "The filter `{name}` takes at most {} values; {} given.",
                    rules.max_values,
                    values.len()
                ),
            ));
        }
        filters.push(Filter {
            name: name.to_owned(),
            values,
        });
    }
    Ok(filters)
}

/// Whether an item passes every filter: for each, one of its values makes
/// `test(name, value)` true.
pub fn matches(filters: &[Filter], mut test: impl FnMut(&str, &str) -> bool) -> bool {
    filters
        .iter()
        .all(|f| f.values.iter().any(|v| test(&f.name, v)))
}

/// A string or number param as text.
pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn param(params: &Value, name: &str) -> Option<String> {
    params.get(name).and_then(text)
}

/// A bool param: a JSON bool, or `true`/`false` as text in any case (see
/// `crate::spec::bool_value`); `None` when absent or neither.
pub fn boolean(params: &Value, name: &str) -> Option<bool> {
    params.get(name).and_then(crate::spec::bool_value)
}

/// Whether a bool param is set to true (`ForceStop`, `DryRun`, ...).
pub fn flag(params: &Value, name: &str) -> bool {
    boolean(params, name) == Some(true)
}

pub fn strings(params: &Value, name: &str) -> Vec<String> {
    params
        .get(name)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(text).collect())
        .unwrap_or_default()
}

/// An optional id list (`InstanceIds`, `KeyIds`, ...) of at most `max`
/// ids; more get `InvalidParameterValue.LimitExceeded`.
pub fn ids(params: &Value, name: &str, max: usize) -> Result<Vec<String>, Outcome> {
    let ids = strings(params, name);
    if ids.len() > max {
        return Err(Outcome::error(
            "InvalidParameterValue.LimitExceeded",
            format!("`{name}` takes at most {max} ids; {} given.", ids.len()),
        ));
    }
    Ok(ids)
}

/// A required id list: as [`ids`], and absent or empty gets
/// `MissingParameter`.
pub fn required_ids(params: &Value, name: &str, max: usize) -> Result<Vec<String>, Outcome> {
    let ids = ids(params, name, max)?;
    if ids.is_empty() {
        return Err(Outcome::error(
            "MissingParameter",
            format!("The request is missing a required parameter `{name}`."),
        ));
    }
    Ok(ids)
}

/// Refuses `ids` and `Filters` together, as the documented actions do.
pub fn exclusive(params: &Value, ids: &str, code: &str) -> Result<(), Outcome> {
    let given = |name: &str| {
        params
            .get(name)
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
    };
    if given(ids) && given("Filters") {
        return Err(Outcome::error(
            code,
            format!("`{ids}` and `Filters` cannot be specified at the same time."),
        ));
    }
    Ok(())
}

/// `Offset` and `Limit` (or `offset`/`limit`): default 0 and 20, Limit at
/// most 100; a negative value gets `InvalidParameterValue`.
pub fn page(params: &Value, offset: &str, limit: &str) -> Result<(usize, usize), Outcome> {
    let number = |name: &str, default: i64| -> Result<i64, Outcome> {
        match param(params, name) {
            None => Ok(default),
            Some(t) => match t.trim().parse::<i64>() {
                Ok(n) if n >= 0 => Ok(n),
                _ => Err(Outcome::error(
                    "InvalidParameterValue",
                    format!("`{name}` must be a non-negative integer, not `{t}`."),
                )),
            },
        }
    };
    let offset = number(offset, 0)?;
    let limit = number(limit, 20)?.min(100);
    Ok((
        usize::try_from(offset).unwrap_or(usize::MAX),
        usize::try_from(limit).unwrap_or(100),
    ))
}

/// The page of `items` at `(offset, limit)`.
pub fn window<T>(items: Vec<T>, (offset, limit): (usize, usize)) -> Vec<T> {
    items.into_iter().skip(offset).take(limit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: FilterRules = FilterRules {
        names: &["zone", "tag:"],
        max_values: 2,
    };

    #[test]
    fn parses_and_checks_names_and_values() {
        let params = json!({"Filters": [{"Name": "zone", "Values": ["a", "b"]}, {"Name": "tag:env", "Values": ["x"]}]});
        let filters = parse(&params, "Filters", &RULES).expect("valid");
        assert_eq!(filters.len(), 2);
        let code = |params: Value| match parse(&params, "Filters", &RULES) {
            Err(Outcome::Error(code, _)) => code,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            code(json!({"Filters": [{"Name": "nope", "Values": []}]})),
            "InvalidFilter"
        );
        assert_eq!(
            code(json!({"Filters": [{"Name": "tag:", "Values": []}]})),
            "InvalidFilter"
        );
        assert_eq!(
            code(json!({"Filters": [{"Name": "zone", "Values": ["a", "b", "c"]}]})),
            "InvalidFilterValue.LimitExceeded"
        );
    }

    #[test]
    fn values_or_filters_and() {
        let filters = vec![
            Filter {
                name: "a".into(),
                values: vec!["1".into(), "2".into()],
            },
            Filter {
                name: "b".into(),
                values: vec!["x".into()],
            },
        ];
        assert!(matches(&filters, |n, v| (n == "a" && v == "2")
            || (n == "b" && v == "x")));
        assert!(!matches(&filters, |n, v| n == "a" && v == "2"));
        assert!(matches(&[], |_, _| false));
    }

    #[test]
    fn pages_with_defaults_and_cap() {
        assert_eq!(page(&json!({}), "Offset", "Limit").ok(), Some((0, 20)));
        assert_eq!(
            page(&json!({"Offset": "3", "Limit": 500}), "Offset", "Limit").ok(),
            Some((3, 100))
        );
        assert!(page(&json!({"Offset": -1}), "Offset", "Limit").is_err());
        assert_eq!(window(vec![1, 2, 3, 4], (1, 2)), vec![2, 3]);
    }
}
