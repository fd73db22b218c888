//! The `.N` serializer (`params::to_params`) on every serde data shape,
//! against its reference, flattening serde_json's `Value`
//! (`reference::flatten`), and the query codecs.

use std::collections::BTreeMap;

use serde::ser;
use serde::Serialize;
use tencentcloud_runtime::params::*;

mod reference;
use reference::flatten;
use serde_json::json;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn lists_start_at_the_base_and_nest() {
    let request = json!({
        "InstanceIds": ["ins-1", "ins-2"],
        "Filters": [{"Name": "zone", "Values": ["ap-guangzhou-3", "ap-guangzhou-4"]}],
        "Placement": {"Zone": "ap-guangzhou-3", "ProjectId": 0},
        "DryRun": false,
        "Skipped": null,
        "Empty": []
    });
    assert_eq!(
        flatten(&request, 0),
        Ok(pairs(&[
            ("InstanceIds.0", "ins-1"),
            ("InstanceIds.1", "ins-2"),
            ("Filters.0.Name", "zone"),
            ("Filters.0.Values.0", "ap-guangzhou-3"),
            ("Filters.0.Values.1", "ap-guangzhou-4"),
            ("Placement.Zone", "ap-guangzhou-3"),
            ("Placement.ProjectId", "0"),
            ("DryRun", "false"),
        ]))
    );
    assert_eq!(flatten(&json!({"a": ["x"]}), 1), Ok(pairs(&[("a.1", "x")])));
}

#[test]
fn nested_lists_of_lists() {
    assert_eq!(
        flatten(&json!({"M": [[1, 2], [3]]}), 0),
        Ok(pairs(&[("M.0.0", "1"), ("M.0.1", "2"), ("M.1.0", "3")]))
    );
}

#[test]
fn rejects_non_objects() {
    assert!(flatten(&json!([1]), 0).is_err());
}

#[test]
fn query_encoding_round_trips() {
    let params = pairs(&[("Filters.0.Name", "a b/c+d=e&f~"), ("名", "云")]);
    let encoded = encode_query(&params);
    assert_eq!(
        encoded,
        "Filters.0.Name=a%20b%2Fc%2Bd%3De%26f~&%E5%90%8D=%E4%BA%91"
    );
    assert_eq!(decode_query(&encoded), params);
}

#[test]
fn the_fast_encoder_matches_the_reference_encoder() {
    for text in [
        "",
        "plain-_.~09AZaz",
        "a b/c+d=e&f~",
        "名=云",
        "%",
        "\u{7f}\u{80}x",
        "end%",
    ] {
        assert_eq!(
            encode_component(text),
            reference::encode_component(text),
            "{text:?}"
        );
    }
}

// ---- to_params: every serde data shape, against flattening serde_json's Value

/// `to_params`, checked against `flatten(to_value(..))`: the same params
/// when serde_json succeeds, an error when it fails.
fn direct<T: Serialize + ?Sized>(value: &T, base: usize) -> Result<Vec<(String, String)>, String> {
    let direct = to_params(value, base).map(|params| params.to_pairs());
    match serde_json::to_value(value) {
        Ok(json) => match flatten(&json, base) {
            Ok(reference) => assert_eq!(direct, Ok(reference), "{json}"),
            Err(_) => assert!(direct.is_err(), "{json}: {direct:?}"),
        },
        Err(error) => assert!(direct.is_err(), "serde_json: {error}; direct: {direct:?}"),
    }
    direct
}

#[derive(serde::Serialize)]
struct Scalars {
    t: bool,
    f: bool,
    i8: i8,
    i16: i16,
    i32: i32,
    i64: i64,
    u8: u8,
    u16: u16,
    u32: u32,
    u64: u64,
    i128: i128,
    u128: u128,
    c: char,
    s: &'static str,
    empty: String,
    none: Option<u8>,
    some: Option<u8>,
    unit: (),
    unit_struct: UnitStruct,
}

#[derive(serde::Serialize)]
struct UnitStruct;

#[test]
fn scalars_are_written_as_json_text() {
    let value = Scalars {
        t: true,
        f: false,
        i8: i8::MIN,
        i16: -300,
        i32: i32::MAX,
        i64: i64::MIN,
        u8: u8::MAX,
        u16: 0,
        u32: 7,
        u64: u64::MAX,
        i128: -5,
        u128: 6,
        c: '云',
        s: "a b&c",
        empty: String::new(),
        none: None,
        some: Some(3),
        unit: (),
        unit_struct: UnitStruct,
    };
    assert_eq!(
        direct(&value, 0),
        Ok(pairs(&[
            ("t", "true"),
            ("f", "false"),
            ("i8", "-128"),
            ("i16", "-300"),
            ("i32", "2147483647"),
            ("i64", "-9223372036854775808"),
            ("u8", "255"),
            ("u16", "0"),
            ("u32", "7"),
            ("u64", "18446744073709551615"),
            ("i128", "-5"),
            ("u128", "6"),
            ("c", "云"),
            ("s", "a b&c"),
            ("empty", ""),
            ("some", "3"),
        ]))
    );
}

#[test]
fn floats_are_written_as_serde_json_writes_them() {
    let mut floats = BTreeMap::new();
    for (name, value) in [
        ("a_one", 1.0),
        ("b_tenth", 0.1),
        ("c_big", 1e20),
        ("d_small", 1.5e-7),
        ("e_negative_zero", -0.0),
        ("f_nan", f64::NAN),
        ("g_infinity", f64::INFINITY),
        ("h_max", f64::MAX),
    ] {
        floats.insert(name, value);
    }
    assert_eq!(
        direct(&floats, 0),
        Ok(pairs(&[
            ("a_one", "1.0"),
            ("b_tenth", "0.1"),
            ("c_big", "1e+20"),
            ("d_small", "1.5e-7"),
            ("e_negative_zero", "-0.0"),
            ("h_max", "1.7976931348623157e+308"),
        ]))
    );
    // serde_json widens an f32 to f64 before writing it.
    let single = BTreeMap::from([("a", 0.1f32), ("b", f32::NAN), ("c", 2.0)]);
    assert_eq!(
        direct(&single, 0),
        Ok(pairs(&[("a", "0.10000000149011612"), ("c", "2.0")]))
    );
}

#[test]
fn wide_integers_must_fit_in_64_bits() {
    let fits = BTreeMap::from([("a", i128::from(i64::MIN)), ("b", i128::from(u64::MAX))]);
    assert_eq!(
        direct(&fits, 0),
        Ok(pairs(&[
            ("a", "-9223372036854775808"),
            ("b", "18446744073709551615")
        ]))
    );
    let error = direct(&json_like_object("Big", i128::from(u64::MAX) + 1), 0);
    assert_eq!(error, Err("`Big`: number out of range".into()));
    assert!(direct(&json_like_object("Small", i128::from(i64::MIN) - 1), 0).is_err());
    assert!(direct(&json_like_object("U", u128::MAX), 0).is_err());
}

fn json_like_object<T: Serialize>(key: &'static str, value: T) -> BTreeMap<&'static str, T> {
    BTreeMap::from([(key, value)])
}

#[derive(serde::Serialize)]
struct Nested {
    #[serde(rename = "Ids")]
    ids: Vec<&'static str>,
    #[serde(rename = "Filters")]
    filters: Vec<Filter>,
    #[serde(rename = "Placement")]
    placement: Option<Placement>,
    #[serde(rename = "Empty")]
    empty: Vec<u8>,
    #[serde(rename = "Holes")]
    holes: Vec<Option<u8>>,
    #[serde(rename = "Matrix")]
    matrix: Vec<Vec<u8>>,
    #[serde(rename = "Tuple")]
    tuple: (u8, &'static str),
    #[serde(rename = "TupleStruct")]
    tuple_struct: TupleStruct,
    #[serde(rename = "Newtype")]
    newtype: Newtype,
    #[serde(rename = "EmptyObject")]
    empty_object: BTreeMap<String, u8>,
}

#[derive(serde::Serialize)]
struct Filter {
    #[serde(rename = "Name")]
    name: &'static str,
    #[serde(rename = "Values")]
    values: Vec<&'static str>,
}

#[derive(serde::Serialize)]
struct Placement {
    #[serde(rename = "Zone")]
    zone: &'static str,
    #[serde(rename = "ProjectId", skip_serializing_if = "Option::is_none")]
    project_id: Option<i64>,
}

#[derive(serde::Serialize)]
struct TupleStruct(u8, u8);

#[derive(serde::Serialize)]
struct Newtype(Placement);

#[test]
fn lists_and_objects_nest_with_indexes_from_the_base() {
    let value = Nested {
        ids: vec!["ins-1", "ins-2"],
        filters: vec![Filter {
            name: "zone",
            values: vec!["ap-guangzhou-3", "ap-guangzhou-4"],
        }],
        placement: Some(Placement {
            zone: "z",
            project_id: None,
        }),
        empty: vec![],
        holes: vec![None, Some(1)],
        matrix: vec![vec![1, 2], vec![], vec![3]],
        tuple: (9, "x"),
        tuple_struct: TupleStruct(4, 5),
        newtype: Newtype(Placement {
            zone: "n",
            project_id: Some(-1),
        }),
        empty_object: BTreeMap::new(),
    };
    assert_eq!(
        direct(&value, 0),
        Ok(pairs(&[
            ("Ids.0", "ins-1"),
            ("Ids.1", "ins-2"),
            ("Filters.0.Name", "zone"),
            ("Filters.0.Values.0", "ap-guangzhou-3"),
            ("Filters.0.Values.1", "ap-guangzhou-4"),
            ("Placement.Zone", "z"),
            ("Holes.1", "1"),
            ("Matrix.0.0", "1"),
            ("Matrix.0.1", "2"),
            ("Matrix.2.0", "3"),
            ("Tuple.0", "9"),
            ("Tuple.1", "x"),
            ("TupleStruct.0", "4"),
            ("TupleStruct.1", "5"),
            ("Newtype.Zone", "n"),
            ("Newtype.ProjectId", "-1"),
        ]))
    );
    assert_eq!(
        direct(&json_like_object("Ids", ["a", "b"]), 1),
        Ok(pairs(&[("Ids.1", "a"), ("Ids.2", "b")]))
    );
}

/// Written with `serialize_bytes`, as `serde_bytes` would.
struct Bytes(&'static [u8]);

impl serde::Serialize for Bytes {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

#[test]
fn bytes_are_a_list_of_numbers() {
    assert_eq!(
        direct(&json_like_object("B", Bytes(&[0, 255])), 0),
        Ok(pairs(&[("B.0", "0"), ("B.1", "255")]))
    );
    assert!(direct(&Bytes(b"x"), 0).is_err());
}

#[derive(serde::Serialize)]
enum Shape {
    Unit,
    Newtype(u8),
    Tuple(u8, &'static str),
    Struct { a: u8, b: Option<u8> },
    Empty(Option<u8>),
}

#[test]
fn enum_variants_are_written_as_serde_json_writes_them() {
    let value = json_like_object(
        "S",
        vec![
            Shape::Unit,
            Shape::Newtype(1),
            Shape::Tuple(2, "t"),
            Shape::Struct { a: 3, b: None },
            Shape::Empty(None),
        ],
    );
    assert_eq!(
        direct(&value, 0),
        Ok(pairs(&[
            ("S.0", "Unit"),
            ("S.1.Newtype", "1"),
            ("S.2.Tuple.0", "2"),
            ("S.2.Tuple.1", "t"),
            ("S.3.Struct.a", "3"),
        ]))
    );
    // At the top a variant with data is an object; its name has no dot before it.
    assert_eq!(
        direct(&Shape::Newtype(1), 0),
        Ok(pairs(&[("Newtype", "1")]))
    );
    assert_eq!(
        direct(&Shape::Tuple(2, "t"), 0),
        Ok(pairs(&[("Tuple.0", "2"), ("Tuple.1", "t")]))
    );
    assert_eq!(
        direct(&Shape::Struct { a: 3, b: Some(4) }, 0),
        Ok(pairs(&[("Struct.a", "3"), ("Struct.b", "4")]))
    );
    assert_eq!(direct(&Shape::Empty(None), 0), Ok(vec![]));
    assert!(direct(&Shape::Unit, 0).is_err());
}

#[derive(serde::Serialize, PartialEq, Eq, PartialOrd, Ord)]
enum KeyVariant {
    Zone,
}

#[derive(serde::Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct KeyNewtype(&'static str);

#[test]
fn map_keys_are_what_serde_json_accepts() {
    assert_eq!(
        direct(
            &json_like_object("M", BTreeMap::from([(-3, "a"), (4, "b")])),
            0
        ),
        Ok(pairs(&[("M.-3", "a"), ("M.4", "b")]))
    );
    assert_eq!(
        direct(
            &json_like_object("M", BTreeMap::from([(false, "a"), (true, "b")])),
            0
        ),
        Ok(pairs(&[("M.false", "a"), ("M.true", "b")]))
    );
    assert_eq!(
        direct(&json_like_object("M", BTreeMap::from([('k', "a")])), 0),
        Ok(pairs(&[("M.k", "a")]))
    );
    assert_eq!(
        direct(&BTreeMap::from([(KeyVariant::Zone, "a")]), 0),
        Ok(pairs(&[("Zone", "a")]))
    );
    assert_eq!(
        direct(&BTreeMap::from([(KeyNewtype("k"), "a")]), 0),
        Ok(pairs(&[("k", "a")]))
    );
    assert_eq!(
        direct(&BTreeMap::from([(u128::MAX, 1)]), 0),
        Ok(pairs(&[("340282366920938463463374607431768211455", "1")]))
    );
    // Float keys: serde_json writes an f32 key at f32 precision.
    assert_eq!(
        direct(
            &vec![(0.1f32, 1)].into_iter().collect::<FloatKeys<f32>>(),
            0
        ),
        Ok(pairs(&[("0.1", "1")]))
    );
    assert_eq!(
        direct(
            &vec![(1e20f64, 1)].into_iter().collect::<FloatKeys<f64>>(),
            0
        ),
        Ok(pairs(&[("1e+20", "1")]))
    );
    assert!(direct(
        &vec![(f64::NAN, 1)].into_iter().collect::<FloatKeys<f64>>(),
        0
    )
    .is_err());
    // Keys that are not strings to serde_json.
    assert_eq!(
        direct(&json_like_object("M", BTreeMap::from([(Some("k"), 1)])), 0),
        Err("a key under `M`: key must be a string".into())
    );
    assert!(direct(&BTreeMap::from([((1, 2), 1)]), 0).is_err());
    assert!(direct(&BTreeMap::from([((), 1)]), 0).is_err());
}

/// A map with float keys, which std's maps cannot hold.
struct FloatKeys<K>(Vec<(K, u8)>);

impl<K> FromIterator<(K, u8)> for FloatKeys<K> {
    fn from_iter<I: IntoIterator<Item = (K, u8)>>(iter: I) -> Self {
        FloatKeys(iter.into_iter().collect())
    }
}

impl<K: Serialize> Serialize for FloatKeys<K> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[test]
fn the_top_must_be_an_object() {
    assert_eq!(
        direct(&[1], 0),
        Err("a request must serialize to a JSON object".to_owned())
    );
    assert!(direct(&"text", 0).is_err());
    assert!(direct(&1, 0).is_err());
    assert!(direct(&f64::NAN, 0).is_err());
    assert!(direct(&Option::<Placement>::None, 0).is_err());
    assert!(direct(&(), 0).is_err());
    assert!(direct(&UnitStruct, 0).is_err());
    // Wrappers of an object are an object.
    let placement = || Placement {
        zone: "z",
        project_id: None,
    };
    assert_eq!(direct(&Some(placement()), 0), Ok(pairs(&[("Zone", "z")])));
    assert_eq!(
        direct(&Newtype(placement()), 0),
        Ok(pairs(&[("Zone", "z")]))
    );
    assert_eq!(direct(&BTreeMap::<String, u8>::new(), 0), Ok(vec![]));
}

/// A hand-written `Serialize` that fails, or misuses the map protocol.
enum Broken {
    Custom,
    ValueWithoutKey,
}

impl serde::Serialize for Broken {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use ser::SerializeMap as _;
        match self {
            Broken::Custom => Err(ser::Error::custom("the clock is not set")),
            Broken::ValueWithoutKey => {
                let mut map = serializer.serialize_map(None)?;
                map.serialize_value(&1)?;
                map.end()
            }
        }
    }
}

#[test]
fn a_failing_serialize_is_an_error_not_a_panic() {
    assert_eq!(
        direct(&json_like_object("A", Broken::Custom), 0),
        Err("the clock is not set".into())
    );
    // serde_json panics on this one, so only the serializer is asked.
    let error = to_params(&json_like_object("A", Broken::ValueWithoutKey), 0);
    assert_eq!(error, Err("a value under `A` came without its key".into()));
}

#[test]
fn a_json_value_serializes_like_it_flattens() {
    let request = json!({
        "InstanceIds": ["ins-1", null, "ins-2"],
        "Filters": [{"Name": "zone", "Values": ["a", "b"]}],
        "Placement": {"Zone": "z", "ProjectId": 0, "Deep": {"List": [[1.5, -2]]}},
        "DryRun": false,
        "Skipped": null,
        "": {"": "empty names"}
    });
    let direct = to_params(&request, 0).map(|params| params.to_pairs());
    assert_eq!(direct, flatten(&request, 0));
    assert_eq!(direct.map(|p| p.len()), Ok(11));
}

#[test]
fn params_keep_order_and_hide_the_token_in_debug() {
    let mut params = Params::new();
    params.push("B", "2");
    params.push_with("A", |text| text.push_str("one"));
    params.push("Token", "secret-token");
    assert_eq!(params.len(), 3);
    assert!(params.contains("A") && !params.contains("C"));
    assert_eq!(
        params.to_pairs(),
        pairs(&[("B", "2"), ("A", "one"), ("Token", "secret-token")])
    );
    assert_eq!(params.encode_query(), encode_query(&params.to_pairs()));
    let debug = format!("{params:?}");
    assert!(
        !debug.contains("secret-token") && debug.contains("<redacted>"),
        "{debug}"
    );
}
