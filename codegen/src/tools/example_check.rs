//! Decodes every example reply of tccli's `examples.json` with the
//! generated reply types and sorts the failures by cause: the example is
//! not JSON, the example contradicts its own spec (with the path and the
//! mismatch), or the generator got it wrong (the example fits the spec, yet
//! the typed reply refuses it).
//!
//! The decoding itself is done by the generated `mock::decode_reply` of
//! each version, handed in as a function, so this module needs no
//! generated crate.
//!
//! A streamed example (server-sent events, as `Stream: true` gets from
//! Hunyuan's ChatCompletions and the like) is read as an event stream, and
//! each event's data is decoded as the action's reply, as a streamed call
//! decodes it. The docs write these streams loosely, so the reader here
//! skips what comes before the first field line (an HTTP status line and
//! headers, or a note), takes blank-looking lines (a tab) for the empty
//! line that ends an event, and keeps a last event with no empty line.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde_json::Value;

use crate::spec::model::Field;
use crate::spec::{load_version, Primitive, ServiceVersion, TypeRef};

/// A generated `decode_reply`, its error turned into text.
pub type DecodeFn<'a> = &'a (dyn Fn(&str, &[u8]) -> Option<Result<Value, String>> + Sync);

/// Why an example did not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cause {
    /// The example's reply text is not JSON.
    InvalidJson,
    /// The reply has no `Response` object.
    NoResponse,
    /// A value has another type than the spec says.
    ContradictsSpec,
    /// The example names an action the spec does not have.
    UnknownAction,
    /// The example fits the spec, but the generated type refuses it.
    GeneratorBug,
}

impl Cause {
    /// Whether the generator is to blame.
    pub fn is_generator_bug(self) -> bool {
        self == Cause::GeneratorBug
    }

    fn label(self) -> &'static str {
        match self {
            Cause::InvalidJson => "the example reply is not valid JSON",
            Cause::NoResponse => "the example reply has no `Response` object",
            Cause::ContradictsSpec => "the example contradicts its own spec",
            Cause::UnknownAction => "the example is for an action the spec does not have",
            Cause::GeneratorBug => "generator bug: the example fits the spec, the type refuses it",
        }
    }
}

/// One example that failed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// `cvm 2017-03-12 DescribeInstances example 0`.
    pub example: String,
    pub cause: Cause,
    /// The path and the mismatch, or the decoder's message.
    pub detail: String,
}

/// The outcome over many examples.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub examples: usize,
    pub decoded: usize,
    /// Error replies (`Response.Error`): they decode as API errors, which
    /// is what a call does with them; counted as decoded.
    pub error_replies: usize,
    /// Streamed replies (event streams) among the decoded ones.
    pub streams: usize,
    /// Events in those streams.
    pub stream_events: usize,
    pub failures: Vec<Failure>,
}

impl Report {
    pub fn merge(&mut self, other: Report) {
        self.examples += other.examples;
        self.decoded += other.decoded;
        self.error_replies += other.error_replies;
        self.streams += other.streams;
        self.stream_events += other.stream_events;
        self.failures.extend(other.failures);
    }

    pub fn generator_bugs(&self) -> usize {
        self.failures
            .iter()
            .filter(|f| f.cause.is_generator_bug())
            .count()
    }

    /// Failures by cause, in cause order.
    pub fn by_cause(&self) -> BTreeMap<Cause, Vec<&Failure>> {
        let mut groups: BTreeMap<Cause, Vec<&Failure>> = BTreeMap::new();
        for failure in &self.failures {
            groups.entry(failure.cause).or_default().push(failure);
        }
        groups
    }

    /// The summary with up to `samples` failures of each cause.
    pub fn summary(&self, samples: usize) -> String {
        let mut text = String::new();
        let rate = if self.examples == 0 {
            100.0
        } else {
            100.0 * self.decoded as f64 / self.examples as f64
        };
        text.push_str(&format!(
            "{} of {} example replies decode ({rate:.2} %; {} of them error replies, \
             {} event streams of {} events)\n",
            self.decoded, self.examples, self.error_replies, self.streams, self.stream_events
        ));
        for (cause, failures) in self.by_cause() {
            text.push_str(&format!("{}: {}\n", cause.label(), failures.len()));
            for failure in failures.iter().take(samples) {
                text.push_str(&format!("  {}: {}\n", failure.example, failure.detail));
            }
        }
        text
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary(usize::MAX))
    }
}

/// Decodes every reply of one version's tccli `examples.json` text.
pub fn check_version(
    version: &ServiceVersion,
    examples_json: &str,
    decode: DecodeFn<'_>,
) -> Result<Report, String> {
    let meta = &version.meta.value;
    let parsed: Value =
        serde_json::from_str(examples_json).map_err(|e| format!("examples.json: {e}"))?;
    let actions = parsed
        .get("actions")
        .and_then(Value::as_object)
        .ok_or("examples.json: no `actions` object")?;
    let mut report = Report::default();
    for (action, examples) in actions {
        let Some(examples) = examples.as_array() else {
            continue;
        };
        for (i, example) in examples.iter().enumerate() {
            report.examples += 1;
            let name = format!("{} {} {action} example {i}", meta.service, meta.version);
            let output = example.get("output").and_then(Value::as_str).unwrap_or("");
            let mut fail = |cause, detail: String| {
                report.failures.push(Failure {
                    example: name.clone(),
                    cause,
                    detail,
                })
            };
            if let Some(events) = stream_events(output) {
                let Some(spec) = version.actions.get(action) else {
                    fail(Cause::UnknownAction, String::new());
                    continue;
                };
                match check_stream(version, &spec.value.output, action, &events, decode) {
                    Ok(StreamOutcome::Decoded(n)) => {
                        report.decoded += 1;
                        report.streams += 1;
                        report.stream_events += n;
                    }
                    Ok(StreamOutcome::ErrorEvent) => {
                        report.decoded += 1;
                        report.error_replies += 1;
                    }
                    Err((cause, detail)) => fail(cause, detail),
                }
                continue;
            }
            let reply: Value = match serde_json::from_str(output) {
                Ok(reply) => reply,
                Err(e) => {
                    fail(Cause::InvalidJson, e.to_string());
                    continue;
                }
            };
            let Some(response) = reply.get("Response").filter(|r| r.is_object()) else {
                fail(Cause::NoResponse, String::new());
                continue;
            };
            let Some(spec) = version.actions.get(action) else {
                fail(Cause::UnknownAction, String::new());
                continue;
            };
            match decode(action, output.as_bytes()) {
                None => fail(
                    Cause::GeneratorBug,
                    "the generated code has no decoder for this action".into(),
                ),
                Some(Ok(_)) => report.decoded += 1,
                Some(Err(_)) if response.get("Error").is_some() => {
                    report.decoded += 1;
                    report.error_replies += 1;
                }
                Some(Err(message)) => {
                    if let Some(mismatch) =
                        fields_mismatch(version, &spec.value.output, response, "Response")
                    {
                        fail(Cause::ContradictsSpec, mismatch);
                    } else {
                        fail(Cause::GeneratorBug, message);
                    }
                }
            }
        }
    }
    Ok(report)
}

enum StreamOutcome {
    /// Every event decoded (how many).
    Decoded(usize),
    /// An error event, which decodes as an API error.
    ErrorEvent,
}

/// Decodes each event's data as the action's reply (wrapped in `Response`
/// for the generated decoder, which reads whole replies).
fn check_stream(
    version: &ServiceVersion,
    output: &[Field],
    action: &str,
    events: &[String],
    decode: DecodeFn<'_>,
) -> Result<StreamOutcome, (Cause, String)> {
    let mut decoded = 0;
    for (n, data) in events.iter().enumerate() {
        if data.trim() == "[DONE]" {
            break;
        }
        let value: Value = serde_json::from_str(data)
            .map_err(|e| (Cause::InvalidJson, format!("event {n}: {e}")))?;
        let wrapped = match value.get("Response") {
            Some(response) if response.is_object() => value.clone(),
            _ => serde_json::json!({ "Response": value }),
        };
        let response = &wrapped["Response"];
        match decode(action, wrapped.to_string().as_bytes()) {
            None => {
                return Err((
                    Cause::GeneratorBug,
                    "the generated code has no decoder for this action".into(),
                ))
            }
            Some(Ok(_)) => decoded += 1,
            Some(Err(_)) if response.get("Error").is_some() => {
                return Ok(StreamOutcome::ErrorEvent)
            }
            Some(Err(message)) => {
                let path = format!("event {n}");
                return Err(match fields_mismatch(version, output, response, &path) {
                    Some(mismatch) => (Cause::ContradictsSpec, mismatch),
                    None => (Cause::GeneratorBug, format!("{path}: {message}")),
                });
            }
        }
    }
    Ok(StreamOutcome::Decoded(decoded))
}

/// The `data` of each event, when `output` is an event stream as the docs
/// write one; `None` for anything else (a JSON reply).
pub fn stream_events(output: &str) -> Option<Vec<String>> {
    if output.trim_start().starts_with(['{', '[']) {
        return None;
    }
    let is_field = |line: &str| {
        ["data:", "id:", "event:", "retry:"]
            .iter()
            .any(|field| line.starts_with(field))
    };
    let lines: Vec<&str> = output.lines().collect();
    let start = lines.iter().position(|line| is_field(line))?;
    let mut events = Vec::new();
    let mut data: Option<String> = None;
    for line in &lines[start..] {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            events.extend(data.take());
            continue;
        }
        if line.starts_with(':') {
            continue;
        }
        if let Some(value) = line.strip_prefix("data:") {
            let value = value.strip_prefix(' ').unwrap_or(value);
            match &mut data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => data = Some(value.to_owned()),
            }
        }
        // `id:`, `event:`, `retry:` carry nothing to decode; other lines
        // are the docs' notes.
    }
    events.extend(data);
    (!events.is_empty()).then_some(events)
}

/// One generated version to check: `("cvm", "2017-03-12", "v20170312", decode)`,
/// the spec folder names and tccli's folder name.
pub type VersionDecoder<'a> = (&'a str, &'a str, &'a str, DecodeFn<'a>);

/// Checks every version in `versions`, in parallel: the spec from
/// `spec_root/<service>/<version>/`, the examples from
/// `tccli_services/<service>/<folder>/examples.json` (a version without one
/// has no examples).
pub fn check_tree(
    spec_root: &Path,
    tccli_services: &Path,
    versions: &[VersionDecoder<'_>],
) -> Result<Report, String> {
    let results = crate::parallel::map(versions, |(service, version, folder, decode)| {
        let spec =
            load_version(&spec_root.join(service).join(version)).map_err(|e| e.to_string())?;
        let examples = tccli_services
            .join(service)
            .join(folder)
            .join("examples.json");
        if !examples.is_file() {
            return Ok(Report::default());
        }
        let text = std::fs::read_to_string(&examples)
            .map_err(|e| format!("{}: {e}", examples.display()))?;
        check_version(&spec, &text, *decode)
    });
    let mut report = Report::default();
    for result in results {
        report.merge(result?);
    }
    Ok(report)
}

/// The first place where `object` has a value of another type than
/// `fields` say, as `path: expected X, found Y`. It accepts what the
/// generated types accept: null anywhere but inside a list, numbers and
/// bools also as strings, and keys the spec does not know.
fn fields_mismatch(
    version: &ServiceVersion,
    fields: &[Field],
    object: &Value,
    path: &str,
) -> Option<String> {
    let map = object.as_object()?;
    fields.iter().find_map(|field| {
        let value = map.get(&field.name)?;
        let type_ref = TypeRef::parse(&field.type_ref).ok()?;
        value_mismatch(
            version,
            &type_ref,
            value,
            &format!("{path}.{}", field.name),
            false,
        )
    })
}

fn value_mismatch(
    version: &ServiceVersion,
    type_ref: &TypeRef,
    value: &Value,
    path: &str,
    in_list: bool,
) -> Option<String> {
    if value.is_null() {
        return in_list.then(|| format!("{path}: null inside a list"));
    }
    let found = || match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the bool {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {:?}", truncate(s)),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    };
    let mismatch = |expected: &str| Some(format!("{path}: expected {expected}, found {}", found()));
    let text = value.as_str().map(str::trim);
    match type_ref {
        TypeRef::Primitive(p) => match p {
            Primitive::Int64 => {
                let ok = value.as_i64().is_some() || text.is_some_and(|t| t.parse::<i64>().is_ok());
                (!ok).then(|| mismatch("an int64")).flatten()
            }
            Primitive::Uint64 => {
                let ok = value.as_u64().is_some() || text.is_some_and(|t| t.parse::<u64>().is_ok());
                (!ok).then(|| mismatch("a uint64")).flatten()
            }
            Primitive::Float => {
                let ok = value.is_number() || text.is_some_and(|t| t.parse::<f64>().is_ok());
                (!ok).then(|| mismatch("a float")).flatten()
            }
            Primitive::Bool => {
                let ok = value.is_boolean() || text.is_some_and(|t| t.parse::<bool>().is_ok());
                (!ok).then(|| mismatch("a bool")).flatten()
            }
            Primitive::String
            | Primitive::Date
            | Primitive::Datetime
            | Primitive::DatetimeIso
            | Primitive::Binary => (!value.is_string()).then(|| mismatch("a string")).flatten(),
        },
        TypeRef::List(inner) => match value.as_array() {
            Some(items) => items.iter().enumerate().find_map(|(i, item)| {
                value_mismatch(version, inner, item, &format!("{path}[{i}]"), true)
            }),
            None => mismatch("a list"),
        },
        TypeRef::Named(name) => {
            if !value.is_object() {
                return mismatch(&format!("a `{name}` object"));
            }
            let ty = version.types.get(name)?;
            fields_mismatch(version, &ty.value.fields, value, path)
        }
    }
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}
