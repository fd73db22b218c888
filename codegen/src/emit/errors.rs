//! `<version>/errors.rs`: the version's documented error codes as a
//! non-exhaustive enum, with `Other` for codes not on the list.

use super::writer::{quoted, RustWriter};
use crate::model::Version;

/// `errors.rs`, or `None` when the version has no `errorcodes.json`.
pub fn errors_rs(service: &str, version: &Version) -> Option<String> {
    let set = version.error_codes.as_ref()?;
    let mut w = RustWriter::new();
    w.inner_doc(&format!(
        "The error codes {service} {} documents ({} of them).\n\n\
         Source: {}.\n\n\
         Match an error with [`ErrorCode::of`]; a code not on the list is [`ErrorCode::Other`].",
        version.meta.version,
        set.codes.len(),
        set.source
    ));

    w.blank();
    w.doc(
        "An error code of this API version. Non-exhaustive: the service may\n\
         add codes, which arrive as [`ErrorCode::Other`].",
    );
    w.line("#[derive(Debug, Clone, PartialEq, Eq, Hash)]");
    w.line("#[non_exhaustive]");
    if set.codes.iter().any(|c| c.variant.contains('_')) {
        w.line("#[allow(non_camel_case_types)]");
    }
    w.block("pub enum ErrorCode {", "}", |w| {
        for c in &set.codes {
            w.doc(&c.doc);
            w.line(format_args!("{},", c.variant));
        }
        w.doc("A code that is not on the documented list.");
        w.line("Other(String),");
    });

    // The matches are inline: compiled only in a crate that matches
    // codes, not in every crate that depends on this one.
    w.blank();
    w.block("impl ErrorCode {", "}", |w| {
        w.doc("The code of an API error; `None` for other errors (transport,\ndecoding, …).");
        w.line("#[inline]");
        w.block(
            "pub fn of(error: &tencentcloud_runtime::Error) -> Option<ErrorCode> {",
            "}",
            |w| {
                w.line("error.code().map(ErrorCode::parse)");
            },
        );
        w.doc("The documented variant of `code`, or [`ErrorCode::Other`].");
        w.line("#[inline]");
        w.block("pub fn parse(code: &str) -> ErrorCode {", "}", |w| {
            w.block("match code {", "}", |w| {
                for c in &set.codes {
                    w.line(format_args!(
                        "{} => ErrorCode::{},",
                        quoted(&c.code),
                        c.variant
                    ));
                }
                w.line("other => ErrorCode::Other(other.to_owned()),");
            });
        });
        w.doc("The code as the service sends it.");
        w.line("#[inline]");
        w.block("pub fn as_str(&self) -> &str {", "}", |w| {
            w.block("match self {", "}", |w| {
                for c in &set.codes {
                    w.line(format_args!(
                        "ErrorCode::{} => {},",
                        c.variant,
                        quoted(&c.code)
                    ));
                }
                w.line("ErrorCode::Other(code) => code,");
            });
        });
        w.doc("The documented description; `None` for [`ErrorCode::Other`].");
        w.line("#[inline]");
        w.block(
            "pub fn description(&self) -> Option<&'static str> {",
            "}",
            |w| {
                w.block("match self {", "}", |w| {
                    for c in &set.codes {
                        w.line(format_args!(
                            "ErrorCode::{} => Some({}),",
                            c.variant,
                            quoted(&c.description)
                        ));
                    }
                    w.line("ErrorCode::Other(_) => None,");
                });
            },
        );
    });

    w.blank();
    w.block("impl From<&str> for ErrorCode {", "}", |w| {
        w.line("#[inline]");
        w.block("fn from(code: &str) -> Self {", "}", |w| {
            w.line("ErrorCode::parse(code)")
        });
    });
    w.blank();
    w.block("impl std::str::FromStr for ErrorCode {", "}", |w| {
        w.line("type Err = std::convert::Infallible;");
        w.line("#[inline]");
        w.block(
            "fn from_str(code: &str) -> Result<Self, Self::Err> {",
            "}",
            |w| {
                w.line("Ok(ErrorCode::parse(code))");
            },
        );
    });
    w.blank();
    w.block("impl std::fmt::Display for ErrorCode {", "}", |w| {
        w.line("#[inline]");
        w.block(
            "fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {",
            "}",
            |w| {
                w.line("f.write_str(self.as_str())");
            },
        );
    });
    Some(w.finish())
}
