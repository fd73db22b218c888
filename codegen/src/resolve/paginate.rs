//! Which actions get a paginator, decided from the resolved model.
//!
//! An action is paginated when all of these hold (wire names compared
//! without regard to case, so `Offset` and the legacy `offset` both count):
//! - its request has an `Offset` and a `Limit` member, each an integer or a
//!   string (not a list);
//! - its reply has a `TotalCount` member, an integer or a string;
//! - its reply has exactly one list member: the items.
//!
//! An action with an `Offset` or a `Limit` that misses any of this is
//! skipped, with the reason in the report.
//!
//! The paginator's `Limit` is read from the member's documentation, the
//! spec's own text and its English text alike (keys compared without case):
//! a documented maximum from either ("最大值为100", "最大值 100",
//! "范围限制为[1-100]", "Maximum value: 100", "maximum is 100",
//! "Value range: 1 - 100") caps the caller's `Limit` and is asked for when
//! the caller names none. Failing that, the documented default ("默认为20",
//! "Default value: 20"), and failing that [`FALLBACK_PAGE_LIMIT`] (the
//! default every Tencent Cloud list action documents), is only what is asked
//! for when the caller names none: a caller's own `Limit` is sent as given.

use crate::docs::to_markdown;
use crate::model::pagination::{LimitSource, PageMember, Pagination, Paginator};
use crate::model::Skipped;
use crate::model::{find_struct, Member, Operation, Repr, RustType, Struct};

/// Page size when the documentation names no maximum and no default.
pub const FALLBACK_PAGE_LIMIT: u64 = 20;

/// Finds the paginated actions among `operations`.
pub fn detect(operations: &[Operation], structs: &[Struct]) -> Pagination {
    let mut pagination = Pagination::default();
    let taken: Vec<&str> = operations.iter().map(|op| op.method.as_str()).collect();
    for op in operations {
        let find = |path: &str| find_struct(structs, path);
        let (Some(request), Some(response)) = (find(&op.request), find(&op.response)) else {
            continue;
        };
        let offset = member(request, "Offset");
        let limit = member(request, "Limit");
        if offset.is_none() && limit.is_none() {
            continue;
        }
        match paginator(op, request, response, &taken) {
            Ok(p) => pagination.paginators.push(p),
            Err(reason) => pagination.skipped.push(Skipped {
                action: op.action.clone(),
                reason,
            }),
        }
    }
    pagination
}

fn member<'a>(s: &'a Struct, wire: &str) -> Option<&'a Member> {
    s.fields.iter().find(|f| f.wire.eq_ignore_ascii_case(wire))
}

fn scalar(s: &Struct, wire: &str) -> Result<PageMember, String> {
    let m = member(s, wire).ok_or_else(|| format!("no `{wire}` member in {}", s.name))?;
    if !matches!(m.ty, RustType::I64 | RustType::U64 | RustType::String) {
        return Err(format!(
            "`{}` in {} is not an integer or a string",
            m.wire, s.name
        ));
    }
    Ok(PageMember {
        wire: m.wire.clone(),
        name: m.name.clone(),
        optional: m.repr == Repr::Optional,
    })
}

fn paginator(
    op: &Operation,
    request: &Struct,
    response: &Struct,
    taken: &[&str],
) -> Result<Paginator, String> {
    let offset = scalar(request, "Offset")?;
    let limit = scalar(request, "Limit")?;
    let total_count = scalar(response, "TotalCount")?;
    let lists: Vec<&Member> = response
        .fields
        .iter()
        .filter(|f| matches!(f.ty, RustType::Vec(_)))
        .collect();
    let items = match lists.as_slice() {
        [one] => *one,
        [] => return Err("the reply has no list member".into()),
        many => {
            let names: Vec<&str> = many.iter().map(|m| m.wire.as_str()).collect();
            return Err(format!(
                "the reply has {} list members ({}): which one is the page is ambiguous",
                many.len(),
                names.join(", ")
            ));
        }
    };
    let RustType::Vec(item) = &items.ty else {
        return Err("the reply has no list member".into());
    };
    let method = format!("{}_paginator", op.method);
    if taken.contains(&method.as_str()) {
        return Err(format!("the method name `{method}` is taken by an action"));
    }
    let (page_limit, page_limit_source) = member(request, "Limit")
        .map_or((FALLBACK_PAGE_LIMIT, LimitSource::Fallback), |m| {
            documented_limit(&to_markdown(&m.spec_text), &to_markdown(&m.spec_text_en))
        });
    Ok(Paginator {
        action: op.action.clone(),
        method,
        call: op.method.clone(),
        deprecated: op.deprecated,
        request: op.request.clone(),
        response: op.response.clone(),
        offset,
        limit,
        total_count,
        items: items.name.clone(),
        items_wire: items.wire.clone(),
        item: (**item).clone(),
        page_limit,
        page_limit_source,
    })
}

/// Keys naming a maximum, each followed closely by the number.
const MAXIMUM_KEYS: &[&str] = &[
    "最大值",
    "最大为",
    "最大不超过",
    "上限为",
    "maximum value",
    "maximum",
    "max value",
    "max:",
];

/// Keys naming a range, followed closely by its least and largest numbers.
const RANGE_KEYS: &[&str] = &["范围", "range", "ranges from"];

/// Keys naming a default, each followed closely by the number.
const DEFAULT_KEYS: &[&str] = &[
    "默认为",
    "默认值为",
    "默认值",
    "默认",
    "default value",
    "default",
];

/// The `Limit` the documentation of the member names, and whether it is a
/// maximum: `spec_text` is the spec's own text, `english` its English text
/// (either may be empty). A maximum in either wins over a default in either;
/// where both name one, the spec's own text wins.
pub fn documented_limit(spec_text: &str, english: &str) -> (u64, LimitSource) {
    let texts = [spec_text.to_lowercase(), english.to_lowercase()];
    let maximum = texts.iter().find_map(|doc| {
        MAXIMUM_KEYS
            .iter()
            .find_map(|key| number_after(doc, key, 0))
            .or_else(|| RANGE_KEYS.iter().find_map(|key| number_after(doc, key, 1)))
    });
    if let Some(n) = maximum {
        return (n, LimitSource::Maximum);
    }
    let default = texts.iter().find_map(|doc| {
        DEFAULT_KEYS
            .iter()
            .find_map(|key| number_after(doc, key, 0))
    });
    match default {
        Some(n) => (n, LimitSource::Default),
        None => (FALLBACK_PAGE_LIMIT, LimitSource::Fallback),
    }
}

/// The `skip`-th number (0: the first) within a few characters after an
/// occurrence of `key` in `doc`, the first occurrence that has one; never 0.
/// A single number may group thousands ("1,000"); a range's may not
/// ("[1,100]" is two numbers).
fn number_after(doc: &str, key: &str, skip: usize) -> Option<u64> {
    doc.match_indices(key).find_map(|(at, _)| {
        // Only what follows closely: "最大值为100", "范围限制为[1-100]".
        let window: String = doc[at + key.len()..].chars().take(16).collect();
        // The first number must start within 6 characters of the key.
        let first_at = window.chars().position(|c| c.is_ascii_digit())?;
        if first_at > 6 {
            return None;
        }
        let window = match skip {
            0 => ungroup_thousands(&window),
            _ => window,
        };
        window
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .nth(skip)?
            .parse()
            .ok()
            .filter(|n| *n > 0)
    })
}

/// `text` without the commas that group a number's thousands ("100,000").
fn ungroup_thousands(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            let grouping =
                c == ',' && i > 0 && digit(i - 1) && (1..=3).all(|k| digit(i + k)) && !digit(i + 4);
            !grouping
        })
        .map(|(_, &c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::StructKind;

    fn field(wire: &str, ty: RustType, repr: Repr) -> Member {
        Member {
            wire: wire.into(),
            name: crate::resolve::naming::sanitize(wire, crate::resolve::naming::NameKind::Field),
            setter: String::new(),
            ty,
            repr,
            required: false,
            deprecated: false,
            secret: false,
            doc: String::new(),
            spec_text: String::new(),
            spec_text_en: String::new(),
        }
    }

    fn list() -> RustType {
        RustType::Vec(Box::new(RustType::String))
    }

    /// One action `A` with these request and reply members.
    fn detect_one(input: Vec<Member>, output: Vec<Member>) -> Pagination {
        let s = |name: &str, kind, fields| Struct {
            name: name.into(),
            doc: String::new(),
            kind,
            fields,
        };
        let op = Operation {
            action: "A".into(),
            method: "a".into(),
            title: String::new(),
            doc: String::new(),
            deprecated: false,
            host: None,
            request: "ARequest".into(),
            response: "AResponse".into(),
            client_token: None,
            read_only: true,
        };
        detect(
            &[op],
            &[
                s("ARequest", StructKind::Request, input),
                s("AResponse", StructKind::Response, output),
            ],
        )
    }

    #[test]
    fn the_rule_and_its_skips() {
        let page_input = || {
            vec![
                field("Offset", RustType::String, Repr::Optional),
                field("limit", RustType::U64, Repr::Plain),
            ]
        };
        let total = || field("TotalCount", RustType::I64, Repr::Optional);
        let found = detect_one(
            page_input(),
            vec![total(), field("Set", list(), Repr::List)],
        );
        assert_eq!(found.skipped, vec![]);
        let p = &found.paginators[0];
        assert_eq!(
            (p.method.as_str(), p.items_wire.as_str()),
            ("a_paginator", "Set")
        );
        assert!(p.offset.optional && !p.limit.optional);
        assert_eq!(
            (p.page_limit, p.page_limit_source),
            (20, LimitSource::Fallback)
        );

        let reason = |found: Pagination| {
            assert!(found.paginators.is_empty());
            found.skipped[0].reason.clone()
        };
        let two_lists = detect_one(
            page_input(),
            vec![
                total(),
                field("A", list(), Repr::List),
                field("B", list(), Repr::List),
            ],
        );
        assert!(reason(two_lists).contains("2 list members (A, B)"));
        assert!(reason(detect_one(page_input(), vec![total()])).contains("no list member"));
        assert!(reason(detect_one(
            page_input(),
            vec![field("Set", list(), Repr::List)]
        ))
        .contains("no `TotalCount`"));
        let list_offset = vec![
            field("Offset", list(), Repr::Optional),
            field("Limit", RustType::I64, Repr::Optional),
        ];
        assert!(reason(detect_one(
            list_offset,
            vec![total(), field("S", list(), Repr::List)]
        ))
        .contains("not an integer or a string"));
        // Neither Offset nor Limit: not a candidate at all.
        assert_eq!(detect_one(vec![], vec![]), Pagination::default());
    }

    #[test]
    fn limits_from_the_documentation() {
        let max = |doc: &str| documented_limit(doc, "");
        assert_eq!(
            max("返回数量，默认为20，最大值为100。关于`Limit`"),
            (100, LimitSource::Maximum)
        );
        assert_eq!(
            max("返回数量，默认 20，最大值 100。"),
            (100, LimitSource::Maximum)
        );
        assert_eq!(
            max("本次请求量, 默认值20，范围限制为[1-100]。"),
            (100, LimitSource::Maximum)
        );
        assert_eq!(max("数量限制，默认值: 20"), (20, LimitSource::Default));
        assert_eq!(max("每页行数，默认为50。"), (50, LimitSource::Default));
        assert_eq!(
            max("返回数量"),
            (FALLBACK_PAGE_LIMIT, LimitSource::Fallback)
        );
        // A number far from the key is not taken for it.
        assert_eq!(
            max("最大值请参考文档中关于分页的章节 100"),
            (FALLBACK_PAGE_LIMIT, LimitSource::Fallback)
        );
    }

    #[test]
    fn english_limits_without_regard_to_case() {
        let en = |doc: &str| documented_limit("", doc);
        // DescribeReservedInstances: no Chinese text at all.
        assert_eq!(
            en(
                "Number of returned instances. Default value: 20. Maximum value: 100. \
                For more information on `Limit`, see the API Introduction."
            ),
            (100, LimitSource::Maximum)
        );
        for doc in [
            "Number of results returned; default value: 20; maximum: 100.",
            "Default is 20. Maximum is 100.",
            "defaults to 20 with a maximum value of 100",
            "The default value is 20. MAXIMUM VALUE IS 100.",
            "Default 20, max value 100",
            "Value range: 1 - 100. Default value: 20.",
        ] {
            assert_eq!(en(doc), (100, LimitSource::Maximum), "{doc}");
        }
        assert_eq!(
            en("Default: 15; maximum: 1,000."),
            (1000, LimitSource::Maximum)
        );
        assert_eq!(
            en("Number of entries per page. Default value: 15"),
            (15, LimitSource::Default)
        );
        assert_eq!(en("This value defaults to 50."), (50, LimitSource::Default));
        // "Maximum number" names no maximum; the default that follows is one.
        assert_eq!(
            en("Maximum number of IPs to be returned. Default value: 100,000."),
            (100_000, LimitSource::Default)
        );
        assert_eq!(
            en("Page size. The default value is 0."),
            (20, LimitSource::Fallback)
        );
    }

    #[test]
    fn a_maximum_in_either_text_wins_over_a_default() {
        // A maximum in English beats a default in the spec's own text.
        assert_eq!(
            documented_limit("数量限制，默认值: 20", "Default: 20. Maximum: 50."),
            (50, LimitSource::Maximum)
        );
        assert_eq!(
            documented_limit("最大值为100", "Default value: 20"),
            (100, LimitSource::Maximum)
        );
        // Two defaults: the spec's own text wins.
        assert_eq!(
            documented_limit("每页大小，默认为 15", "The default value is 10."),
            (15, LimitSource::Default)
        );
        assert_eq!(
            documented_limit("", "Default value: 10."),
            (10, LimitSource::Default)
        );

        // Through detection: an empty spec text and an English maximum.
        let mut limit = field("Limit", RustType::I64, Repr::Optional);
        limit.spec_text_en = "<p>Default value: 20. Maximum value: 100.</p>".into();
        let found = detect_one(
            vec![field("Offset", RustType::I64, Repr::Optional), limit],
            vec![
                field("TotalCount", RustType::I64, Repr::Optional),
                field("Set", list(), Repr::List),
            ],
        );
        let p = &found.paginators[0];
        assert_eq!(
            (p.page_limit, p.page_limit_source),
            (100, LimitSource::Maximum)
        );
    }
}
