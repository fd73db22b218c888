//! The `.N` serializer (`params::to_params`) against the reference path it
//! replaces, `reference::flatten(serde_json::to_value(..))`: the same params in
//! the same order (or both failing), over arbitrary JSON values, arbitrary
//! values of every serde data shape, and the generated CVM request types
//! filled from their own specs.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};
use tencentcloud_cvm::{v2, v20170312};
use tencentcloud_mock::{MockField, MockSpec};
use tencentcloud_runtime::params::to_params;

#[path = "../../runtime/tests/reference/mod.rs"]
mod reference;
use reference::flatten;

/// `to_params(value)` equals `flatten(to_value(value))`; both fail together.
fn check_same<T: Serialize>(value: &T, base: usize) -> Result<(), TestCaseError> {
    let direct = to_params(value, base).map(|params| params.to_pairs());
    match serde_json::to_value(value) {
        Ok(json) => match flatten(&json, base) {
            Ok(reference) => prop_assert_eq!(direct, Ok(reference)),
            Err(_) => prop_assert!(direct.is_err(), "{:?}", direct),
        },
        Err(error) => prop_assert!(direct.is_err(), "serde_json: {}; {:?}", error, direct),
    }
    Ok(())
}

/// Any JSON value: every leaf kind, empty and nested lists and objects,
/// keys of any text.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..4)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone, Serialize)]
enum Choice {
    Unit,
    Newtype(i32),
    Tuple(u8, String),
    Struct { a: Option<f64>, b: Vec<bool> },
}

#[derive(Debug, Clone, Serialize)]
struct Inner {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Values")]
    values: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weight: Option<f32>,
    extra: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Serialize)]
struct Id(u64);

#[derive(Debug, Clone, Serialize)]
struct Shapes {
    id: Option<Id>,
    n: i64,
    x: f64,
    wide: i128,
    flags: Vec<Option<bool>>,
    inner: Vec<Inner>,
    nested: Option<Box<Inner>>,
    choices: Vec<Choice>,
    pair: (char, i16),
    keyed: BTreeMap<i32, Choice>,
    unit: (),
    grid: Vec<Vec<u8>>,
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![
        Just(Choice::Unit),
        any::<i32>().prop_map(Choice::Newtype),
        (any::<u8>(), ".{0,4}").prop_map(|(a, b)| Choice::Tuple(a, b)),
        (
            any::<Option<f64>>(),
            prop::collection::vec(any::<bool>(), 0..3)
        )
            .prop_map(|(a, b)| Choice::Struct { a, b }),
    ]
}

fn inner() -> impl Strategy<Value = Inner> {
    (
        ".{0,6}",
        prop::collection::vec(".{0,6}", 0..3),
        any::<Option<f32>>(),
        prop::collection::btree_map(".{0,4}", any::<i64>(), 0..3),
    )
        .prop_map(|(name, values, weight, extra)| Inner {
            name,
            values,
            weight,
            extra,
        })
}

fn shapes() -> impl Strategy<Value = Shapes> {
    // `wide` mostly fits in 64 bits, sometimes not (then both must fail).
    let wide = prop_oneof![
        4 => any::<i64>().prop_map(i128::from),
        4 => any::<u64>().prop_map(i128::from),
        1 => any::<i128>(),
    ];
    (
        (any::<Option<u64>>(), any::<i64>(), any::<f64>(), wide),
        prop::collection::vec(any::<Option<bool>>(), 0..3),
        prop::collection::vec(inner(), 0..3),
        prop::option::of(inner()),
        prop::collection::vec(choice(), 0..4),
        (any::<char>(), any::<i16>()),
        prop::collection::btree_map(any::<i32>(), choice(), 0..3),
        prop::collection::vec(prop::collection::vec(any::<u8>(), 0..3), 0..3),
    )
        .prop_map(
            |((id, n, x, wide), flags, inner, nested, choices, pair, keyed, grid)| Shapes {
                id: id.map(Id),
                n,
                x,
                wide,
                flags,
                inner,
                nested: nested.map(Box::new),
                choices,
                pair,
                keyed,
                unit: (),
                grid,
            },
        )
}

/// JSON for one field list of a spec: each required field a value of its
/// type, each optional one absent or a value; struct types nest up to
/// `depth`.
fn fields_json(spec: &MockSpec, fields: &[MockField], depth: u32) -> BoxedStrategy<Value> {
    let entries: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .iter()
        .map(|field| {
            let name = field.name.clone();
            let entry = type_json(spec, &field.type_ref, depth)
                .prop_map(move |value| Some((name.clone(), value)));
            if field.required {
                entry.boxed()
            } else {
                prop_oneof![Just(None), entry].boxed()
            }
        })
        .collect();
    entries
        .prop_map(|entries| Value::Object(entries.into_iter().flatten().collect::<Map<_, _>>()))
        .boxed()
}

fn type_json(spec: &MockSpec, type_ref: &str, depth: u32) -> BoxedStrategy<Value> {
    if let Some(item) = type_ref
        .strip_prefix("list<")
        .and_then(|t| t.strip_suffix('>'))
    {
        return prop::collection::vec(type_json(spec, item, depth), 0..3)
            .prop_map(Value::Array)
            .boxed();
    }
    match type_ref {
        "int64" => any::<i64>().prop_map(Value::from).boxed(),
        "uint64" => any::<u64>().prop_map(Value::from).boxed(),
        // JSON numbers are finite.
        "float" => any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from)
            .boxed(),
        "bool" => any::<bool>().prop_map(Value::Bool).boxed(),
        name => match spec.types.get(name) {
            Some(fields) if depth > 0 => fields_json(spec, fields, depth - 1),
            Some(_) => Just(Value::Object(Map::new())).boxed(),
            None => ".{0,8}".prop_map(Value::String).boxed(),
        },
    }
}

/// A request of `action` from the spec, as JSON.
fn request_json(spec_text: &str, action: &str) -> BoxedStrategy<Value> {
    let spec = MockSpec::parse(spec_text).expect("the generated mock spec parses");
    let fields = spec.actions[action].input.clone();
    fields_json(&spec, &fields, 3)
}

/// Fills the typed request from spec-shaped JSON and compares both paths.
fn check_typed<T>(json: Value) -> Result<(), TestCaseError>
where
    T: Serialize + serde::de::DeserializeOwned,
{
    let typed: T = match serde_json::from_value(json.clone()) {
        Ok(typed) => typed,
        Err(error) => return Err(TestCaseError::fail(format!("{error}: {json}"))),
    };
    check_same(&typed, 0)?;
    check_same(&typed, 1)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn json_values_serialize_as_they_flatten(value in json_value(), base in 0usize..2) {
        check_same(&value, base)?;
        // A JSON value is itself `Serialize`: the client sends those too.
        prop_assert_eq!(
            to_params(&value, base).map(|params| params.to_pairs()),
            flatten(&value, base)
        );
    }

    #[test]
    fn every_serde_shape_serializes_as_it_flattens(value in shapes(), base in 0usize..2) {
        check_same(&value, base)?;
    }

    #[test]
    fn describe_instances_requests(json in request_json(v20170312::mock::SPEC, "DescribeInstances")) {
        check_typed::<v20170312::DescribeInstancesRequest>(json)?;
    }

    #[test]
    fn run_instances_requests(json in request_json(v20170312::mock::SPEC, "RunInstances")) {
        check_typed::<v20170312::RunInstancesRequest>(json)?;
    }

    #[test]
    fn inquiry_price_run_instances_requests(json in request_json(v20170312::mock::SPEC, "InquiryPriceRunInstances")) {
        check_typed::<v20170312::InquiryPriceRunInstancesRequest>(json)?;
    }

    #[test]
    fn v2_describe_instances_requests(json in request_json(v2::mock::SPEC, "DescribeInstances")) {
        check_typed::<v2::DescribeInstancesRequest>(json)?;
    }

    #[test]
    fn v2_run_instances_requests(json in request_json(v2::mock::SPEC, "RunInstances")) {
        check_typed::<v2::RunInstancesRequest>(json)?;
    }
}
