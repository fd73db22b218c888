//! `<version>/waiters.rs`: per declared waiter, a static `WaiterSpec` and a
//! thin `wait_until_*` method that polls the action once per call of the
//! runtime's `waiter::wait`.

use super::writer::{quoted, RustWriter};
use crate::model::waiters::{Matcher, Waiter};
use crate::model::Version;
use crate::spec::extras::AcceptorResult;

/// `waiters.rs`, or `None` without waiters.
pub fn waiters_rs(version: &Version) -> Option<String> {
    if version.waiters.is_empty() {
        return None;
    }
    let mut w = RustWriter::new();
    w.inner_doc(
        "Waiters: each `wait_until_*` method polls an action until every\n\
         given resource reaches a state, as `waiters.json` declares.",
    );
    w.blank();
    w.line("use std::time::Duration;");
    w.blank();
    w.line("pub use tencentcloud_runtime::waiter::{WaitError, WaiterConfig, WaiterSpec};");
    w.line("use tencentcloud_runtime::waiter::{wait, Acceptor, Matcher, Observed, Outcome};");
    w.blank();
    w.line("use super::*;");
    for waiter in &version.waiters {
        write_waiter(&mut w, waiter);
    }
    Some(w.finish())
}

fn matcher(matcher: &Matcher) -> String {
    match matcher {
        Matcher::State(state) => format!("Matcher::State({})", quoted(state)),
        Matcher::Absent => "Matcher::Absent".to_owned(),
        Matcher::ErrorCode(code) => format!("Matcher::ErrorCode({})", quoted(code)),
    }
}

fn outcome(result: AcceptorResult) -> &'static str {
    match result {
        AcceptorResult::Success => "Outcome::Success",
        AcceptorResult::Failure => "Outcome::Failure",
        AcceptorResult::Retry => "Outcome::Retry",
    }
}

fn write_waiter(w: &mut RustWriter, waiter: &Waiter) {
    w.blank();
    w.doc(&format!(
        "The `{}` waiter as `waiters.json` declares it.",
        waiter.name
    ));
    w.block(
        format_args!("pub static {}: WaiterSpec = WaiterSpec {{", waiter.constant),
        "};",
        |w| {
            w.line(format_args!("name: {},", quoted(&waiter.name)));
            w.line(format_args!("action: {},", quoted(&waiter.action)));
            w.block("acceptors: &[", "],", |w| {
                for acceptor in &waiter.acceptors {
                    w.block("Acceptor {", "},", |w| {
                        w.line(format_args!("matcher: {},", matcher(&acceptor.matcher)));
                        w.line(format_args!("outcome: {},", outcome(acceptor.result)));
                    });
                }
            });
            w.line(format_args!(
                "default_interval: Duration::from_secs({}),",
                waiter.interval_seconds
            ));
            w.line(format_args!(
                "default_timeout: Duration::from_secs({}),",
                waiter.timeout_seconds
            ));
        },
    );
    w.blank();
    w.block("impl Client {", "}", |w| {
        w.doc(&format!(
            "{}\n\nPolls [`Client::{}`] every {} s (default) for at most {} s (default); \
             `config` overrides both. Errors: [`WaitError::FailureState`], \
             [`WaitError::Timeout`], [`WaitError::Api`].",
            waiter.description.trim(),
            waiter.call,
            waiter.interval_seconds,
            waiter.timeout_seconds
        ));
        w.block(
            format_args!(
                "pub async fn {}(&self, ids: impl IntoIterator<Item = impl Into<String>>, config: WaiterConfig) -> Result<(), WaitError> {{",
                waiter.method
            ),
            "}",
            |w| wait_body(w, waiter),
        );
    });
}

/// Builds the request for the given ids and polls until `wait` decides.
fn wait_body(w: &mut RustWriter, waiter: &Waiter) {
    w.line("let ids: Vec<String> = ids.into_iter().map(Into::into).collect();");
    w.line(format_args!("let mut request = {}::new();", waiter.request));
    w.line(format_args!("request.{} = Some(ids.clone());", waiter.ids));
    if let Some(limit) = &waiter.limit {
        w.line(format_args!(
            "request.{limit} = Some(tencentcloud_runtime::paginate::PageParam::from_page(ids.len() as u64));"
        ));
    }
    w.block(
        format_args!("wait(&{}, config, &ids, || {{", waiter.constant),
        "}).await",
        |w| {
            w.line("let request = request.clone();");
            w.block("async move {", "}", |w| {
                w.line(format_args!(
                    "let reply = self.{}(request).await?;",
                    waiter.call
                ));
                w.block(
                    format_args!(
                        "Ok(reply.{}.into_iter().map(|item| Observed {{",
                        waiter.items
                    ),
                    "}).collect())",
                    |w| {
                        w.line(format_args!("id: item.{}.unwrap_or_default(),", waiter.id));
                        match waiter.numeric_state {
                            true => w.line(format_args!(
                                "state: item.{}.map(|s| s.to_string()),",
                                waiter.state
                            )),
                            false => w.line(format_args!("state: item.{},", waiter.state)),
                        }
                    },
                );
            });
        },
    );
}
