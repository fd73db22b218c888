//! `<version>/waiters.rs`: per declared waiter, a static `WaiterSpec` and a
//! one-line `wait_until_*` method; per distinct way of polling (the action,
//! its request and reply fields), one private function that hands the
//! runtime's `waiter::wait` a closure polling the action once.

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
    // Waiters that poll alike (CVM's running, stopped and gone states all
    // read DescribeInstancesStatus) share one polling function.
    let mut pollers: Vec<(&Waiter, String)> = Vec::new();
    for waiter in &version.waiters {
        let poller = match pollers.iter().find(|(first, _)| polls_alike(first, waiter)) {
            Some((_, name)) => name.clone(),
            None => {
                let taken = pollers
                    .iter()
                    .filter(|(first, _)| first.call == waiter.call);
                let name = match taken.count() {
                    0 => format!("wait_by_{}", waiter.call),
                    n => format!("wait_by_{}_{}", waiter.call, n + 1),
                };
                pollers.push((waiter, name.clone()));
                name
            }
        };
        write_waiter(&mut w, waiter, &poller);
    }
    for (waiter, name) in &pollers {
        write_poller(&mut w, waiter, name);
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

/// What decides how a waiter polls: the action, its request's fields and
/// the reply fields it reads.
fn poll_key(w: &Waiter) -> ([&str; 6], Option<&str>, bool) {
    let fields = [&w.call, &w.request, &w.ids, &w.items, &w.id, &w.state];
    (
        fields.map(String::as_str),
        w.limit.as_deref(),
        w.numeric_state,
    )
}

/// Whether two waiters build the same request and read the same reply fields.
fn polls_alike(a: &Waiter, b: &Waiter) -> bool {
    poll_key(a) == poll_key(b)
}

fn write_waiter(w: &mut RustWriter, waiter: &Waiter, poller: &str) {
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
            |w| {
                w.line(format_args!(
                    "{poller}(self, &{}, ids.into_iter().map(Into::into).collect(), config).await",
                    waiter.constant
                ))
            },
        );
    });
}

/// The private function that builds the request for the given ids and
/// polls until `wait` decides, for every waiter that polls like `waiter`.
fn write_poller(w: &mut RustWriter, waiter: &Waiter, name: &str) {
    w.blank();
    w.block(
        format_args!(
            "async fn {name}(client: &Client, spec: &'static WaiterSpec, ids: Vec<String>, config: WaiterConfig) -> Result<(), WaitError> {{"
        ),
        "}",
        |w| poll_body(w, waiter),
    );
}

fn poll_body(w: &mut RustWriter, waiter: &Waiter) {
    // `wait` hands each poll at most `MAX_IDS_PER_POLL` ids.
    w.block("wait(spec, config, &ids, |ids| {", "}).await", |w| {
        w.line(format_args!("let mut request = {}::new();", waiter.request));
        w.line(format_args!("request.{} = Some(ids.to_vec());", waiter.ids));
        if let Some(limit) = &waiter.limit {
            w.line(format_args!(
                "request.{limit} = Some(tencentcloud_runtime::paginate::PageParam::from_page(ids.len() as u64));"
            ));
        }
        w.block("async move {", "}", |w| {
            w.line(format_args!(
                "let reply = client.{}(request).await?;",
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
    });
}
