//! `<version>/paginators.rs`: per paginated action, the runtime's page
//! traits for its request and reply and a thin `<action>_paginator`
//! method. The paging logic lives in `tencentcloud_runtime::paginate`.

use super::writer::{quoted, RustWriter};
use crate::model::pagination::{LimitSource, PageMember, Paginator};
use crate::model::Version;

/// `paginators.rs`, or `None` when no action is paginated.
pub fn paginators_rs(version: &Version) -> Option<String> {
    if version.pagination.paginators.is_empty() {
        return None;
    }
    let mut w = RustWriter::new();
    w.inner_doc(
        "Paginators: each `<action>_paginator` method pages through its\n\
         action with Offset and Limit, as `futures::Stream`s of pages or items.",
    );
    w.blank();
    w.line("use tencentcloud_runtime::paginate::{Page, PageLimit, PageParam, PagedRequest, Paginator};");
    w.blank();
    w.line("use super::*;");
    for p in &version.pagination.paginators {
        paginator(&mut w, p);
    }
    Some(w.finish())
}

/// The expression that reads a page member as a number.
fn read(member: &PageMember) -> String {
    match member.optional {
        true => format!("self.{}.as_ref().and_then(PageParam::to_page)", member.name),
        false => format!("PageParam::to_page(&self.{})", member.name),
    }
}

/// The statement that sets a page member to `value`.
fn write(member: &PageMember, value: &str) -> String {
    match member.optional {
        true => format!(
            "self.{} = Some(PageParam::from_page({value}));",
            member.name
        ),
        false => format!("self.{} = PageParam::from_page({value});", member.name),
    }
}

fn paginator(w: &mut RustWriter, p: &Paginator) {
    let (request, response) = (&p.request, &p.response);
    let item = p.item.spelling();
    w.blank();
    w.block(
        format_args!("impl PagedRequest for {request} {{"),
        "}",
        |w| {
            w.block("fn offset(&self) -> Option<u64> {", "}", |w| {
                w.line(read(&p.offset))
            });
            w.block("fn limit(&self) -> Option<u64> {", "}", |w| {
                w.line(read(&p.limit))
            });
            w.block(
                "fn with_page(mut self, offset: u64, limit: u64) -> Self {",
                "}",
                |w| {
                    w.line(write(&p.offset, "offset"));
                    w.line(write(&p.limit, "limit"));
                    w.line("self");
                },
            );
        },
    );
    w.blank();
    w.block(format_args!("impl Page for {response} {{"), "}", |w| {
        w.line(format_args!("type Item = {item};"));
        w.block("fn total_count(&self) -> Option<u64> {", "}", |w| {
            w.line(read(&p.total_count))
        });
        w.block(format_args!("fn items(&self) -> &[{item}] {{"), "}", |w| {
            w.line(format_args!("&self.{}", p.items));
        });
        w.block(
            format_args!("fn into_items(self) -> Vec<{item}> {{"),
            "}",
            |w| {
                w.line(format_args!("self.{}", p.items));
            },
        );
    });
    w.blank();
    // Only a documented maximum caps the caller's Limit.
    let (page_limit, per_page) = match p.page_limit_source {
        LimitSource::Maximum => (
            format!("PageLimit::Max({})", p.page_limit),
            format!("at most {} per page", p.page_limit),
        ),
        LimitSource::Default | LimitSource::Fallback => (
            format!("PageLimit::Default({})", p.page_limit),
            format!("{} per page by default", p.page_limit),
        ),
    };
    w.block("impl Client {", "}", |w| {
        w.doc(&format!(
            "Pages through [`Client::{}`] with `{}` and `{}` ({per_page}), \
             stopping at `{}`.\n\nNothing is sent until `.pages()` or `.items()` is polled.",
            p.call, p.offset.wire, p.limit.wire, p.total_count.wire
        ));
        if p.deprecated {
            w.line("#[allow(deprecated)]");
        }
        // Inline: built only in a crate that pages, not for every
        // paginator in this one (each is a whole call path).
        w.line("#[inline]");
        w.block(
            format_args!(
                "pub fn {}(&self, request: {request}) -> Paginator<{request}, {response}> {{",
                p.method
            ),
            "}",
            |w| {
                w.line("let client = self.clone();");
                w.block(
                    format_args!(
                        "Paginator::new({}, {page_limit}, request, move |request| {{",
                        quoted(&p.action),
                    ),
                    "})",
                    |w| {
                        w.line("let client = client.clone();");
                        w.line(format_args!(
                            "async move {{ client.{}(request).await }}",
                            p.call
                        ));
                    },
                );
            },
        );
    });
}
