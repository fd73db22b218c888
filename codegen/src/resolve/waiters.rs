//! Resolves `waiters.json` against the version's actions and types: the
//! polled action must exist, `ids` must be one of its optional
//! `list<string>` inputs, `limit` an optional integer or string input, and
//! `items` a list of objects in its output whose `id` and `state` fields
//! are strings or integers. Every mismatch is an error at the waiter's line.

use std::collections::{BTreeMap, BTreeSet};

use super::naming::{self, NameKind};
use crate::model::waiters::{Acceptor, Matcher, Waiter};
use crate::model::{find_struct, Member, Operation, Repr, RustType, Struct};
use crate::spec::{ServiceVersion, SpecError};

/// The version's waiters, in spec order; empty without a `waiters.json`.
pub fn resolve(
    version: &ServiceVersion,
    operations: &[Operation],
    structs: &[Struct],
    errors: &mut Vec<SpecError>,
) -> Vec<Waiter> {
    let Some(file) = &version.waiters else {
        return Vec::new();
    };
    let taken: BTreeSet<&str> = operations.iter().map(|op| op.method.as_str()).collect();
    // By Rust name: the constant, upper case, is the stricter of the two.
    let mut names: BTreeMap<String, &str> = BTreeMap::new();
    let mut waiters = Vec::new();
    for (i, def) in file.value.waiters.iter().enumerate() {
        let at = |key: &str| format!("/waiters/{i}/{key}");
        let mut fail = |key: &str, message: String| errors.push(file.error(at(key), message));
        let snake = naming::sanitize(&def.name, NameKind::Method);
        let (method, constant) = (format!("wait_until_{snake}"), snake.to_uppercase());
        if let Some(other) = names.insert(constant.clone(), &def.name) {
            let message = if other == def.name {
                format!("duplicate waiter `{other}`")
            } else {
                format!(
                    "waiter `{}` and waiter `{other}` both become `{method}` and `{constant}`",
                    def.name
                )
            };
            fail("name", message);
            continue;
        }
        if taken.contains(method.as_str()) {
            fail(
                "name",
                format!("the method `{method}` is taken by an action"),
            );
            continue;
        }
        let Some(op) = operations.iter().find(|op| op.action == def.action) else {
            fail("action", format!("unknown action `{}`", def.action));
            continue;
        };
        let find = |path: &str| find_struct(structs, path);
        let (Some(request), Some(response)) = (find(&op.request), find(&op.response)) else {
            continue;
        };
        let field = |s: &Struct, wire: &str| s.fields.iter().find(|f| f.wire == wire).cloned();

        let ids = match field(request, &def.ids) {
            Some(m)
                if m.ty == RustType::Vec(Box::new(RustType::String))
                    && m.repr == Repr::Optional =>
            {
                m.name
            }
            Some(_) => {
                fail(
                    "ids",
                    format!(
                        "`{}` is not an optional list<string> input of {}",
                        def.ids, def.action
                    ),
                );
                continue;
            }
            None => {
                fail("ids", format!("{} has no input `{}`", def.action, def.ids));
                continue;
            }
        };
        if let Some(required) = request.fields.iter().find(|f| f.required) {
            fail(
                "action",
                format!(
                    "{} requires `{}`, which a waiter cannot fill",
                    def.action, required.wire
                ),
            );
            continue;
        }
        let limit = match &def.limit {
            None => None,
            Some(wire) => match field(request, wire) {
                Some(m)
                    if matches!(m.ty, RustType::I64 | RustType::U64 | RustType::String)
                        && m.repr == Repr::Optional =>
                {
                    Some(m.name)
                }
                _ => {
                    fail(
                        "limit",
                        format!(
                            "`{wire}` is not an optional integer or string input of {}",
                            def.action
                        ),
                    );
                    continue;
                }
            },
        };
        let (items, item) = match field(response, &def.items) {
            Some(Member {
                ty: RustType::Vec(inner),
                name,
                ..
            }) => match inner.named() {
                Some(item) => (name, item),
                _ => {
                    fail("items", format!("`{}` is not a list of objects", def.items));
                    continue;
                }
            },
            _ => {
                fail(
                    "items",
                    format!("{} has no list output `{}`", def.action, def.items),
                );
                continue;
            }
        };
        let Some(item) = find(&item) else {
            continue;
        };
        let scalar = |key: &str, wire: &str| match field(item, wire) {
            Some(m) if matches!(m.ty, RustType::String) => Ok((m.name, false)),
            Some(m) if matches!(m.ty, RustType::I64 | RustType::U64) => Ok((m.name, true)),
            _ => Err((
                key.to_owned(),
                format!("{} has no string or integer field `{wire}`", item.name),
            )),
        };
        let (id, state) = match (scalar("id", &def.id), scalar("state", &def.state)) {
            (Err((key, message)), _) | (_, Err((key, message))) => {
                fail(&key, message);
                continue;
            }
            (Ok((_, true)), _) => {
                fail("id", format!("the id field `{}` must be a string", def.id));
                continue;
            }
            (Ok((id, false)), Ok(state)) => (id, state),
        };
        let mut acceptors = Vec::new();
        for (j, a) in def.acceptors.iter().enumerate() {
            let matcher = match (&a.state, a.absent, &a.error) {
                (Some(s), None, None) => Matcher::State(s.clone()),
                (None, Some(true), None) => Matcher::Absent,
                (None, None, Some(e)) => Matcher::ErrorCode(e.clone()),
                _ => {
                    errors.push(file.error(
                        format!("/waiters/{i}/acceptors/{j}"),
                        "an acceptor has exactly one of `state`, `absent` and `error`",
                    ));
                    continue;
                }
            };
            acceptors.push(Acceptor {
                matcher,
                result: a.result,
            });
        }
        waiters.push(Waiter {
            name: def.name.clone(),
            method,
            constant,
            description: def.description.clone(),
            action: def.action.clone(),
            call: op.method.clone(),
            request: op.request.clone(),
            ids,
            limit,
            items,
            id,
            state: state.0,
            numeric_state: state.1,
            acceptors,
            interval_seconds: def.interval_seconds,
            timeout_seconds: def.timeout_seconds,
        });
    }
    waiters
}
