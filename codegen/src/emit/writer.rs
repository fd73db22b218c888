//! The one writer of generated Rust: every `.rs` file the generator makes
//! is written as text through a [`RustWriter`], in the layout below. The
//! emitters say what goes on each line; the writer adds the indentation,
//! the closing lines of blocks, the blank lines between items and the doc
//! comment markers.
//!
//! # Layout
//!
//! The layout is this writer's own; it follows no formatter's rules.
//! - A file is the header `crate::render` gives every generated file, its
//!   inner docs (`//!`) and inner attributes, then its items, each after
//!   exactly one blank line. A run of `use` declarations counts as one item.
//! - A block (an `impl`, a `fn` body, a `match`, a struct, a list) opens at
//!   the end of a line, its body is indented by 4 spaces more, and it closes
//!   on a line of its own. Inside a block, members follow one another with
//!   no blank line.
//! - What grows with the spec goes one per line: fields, variants, match
//!   arms, initializers, table entries.
//! - Everything else stays on one line however long it gets: signatures,
//!   parameter, derive and `use` lists, short fixed lists, expressions. No
//!   line is ever wrapped.
//! - Docs are `///` (or `//!`) lines with rustdoc's leading space, none on
//!   an empty line. A line a comment cannot hold (a carriage return or a
//!   bidirectional-text control, which rustc rejects in a doc comment) or
//!   should not (another control character but tab, invisible there) is
//!   written as `#[doc = "..."]` (or `#![doc = "..."]`) instead, which
//!   rustdoc renders the same.
//!
//! The writer keeps the first, second and last rule; the emitters keep the
//! other two, since each says what one line holds.
//!
//! The crate root says `#![cfg_attr(rustfmt, rustfmt::skip)]` and declares
//! every module `#[rustfmt::skip]`, so `cargo fmt` keeps this layout.
//! The output is a pure function of what the emitters write: the same spec
//! gives the same bytes.

use std::fmt::{self, Display, Write as _};

/// The text of one generated Rust file, written line by line.
#[derive(Debug, Default)]
pub struct RustWriter {
    out: String,
    /// Block depth: the indentation is 4 spaces per level.
    depth: usize,
    /// A blank line is due before the next line (see [`RustWriter::blank`]).
    blank_due: bool,
    /// A line has been written in the current block (or file).
    started: bool,
}

impl RustWriter {
    /// An empty file. (`crate::render` puts the header above it.)
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// Like [`RustWriter::new`], with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        RustWriter {
            out: String::with_capacity(capacity),
            depth: 0,
            blank_due: false,
            started: false,
        }
    }

    /// One line at the current indentation. `text` holds no newline.
    pub fn line(&mut self, text: impl Display) {
        self.start_line();
        let start = self.out.len();
        let _ = write!(self.out, "{text}");
        debug_assert!(
            self.out.len() > start && !self.out[start..].contains('\n'),
            "one non-empty line; blank lines come from blank()"
        );
        self.out.push('\n');
    }

    /// Separates items: one blank line before the next line, unless that
    /// line opens the file or a block or closes a block. Calling it twice
    /// still gives one blank line.
    pub fn blank(&mut self) {
        self.blank_due = true;
    }

    /// `open` (a line ending in `{`, `[` or `(`), then `body` indented one
    /// level, then `close` (`}`, `};`, `])`, …) on a line of its own.
    pub fn block(&mut self, open: impl Display, close: &str, body: impl FnOnce(&mut Self)) {
        self.line(open);
        self.depth += 1;
        self.started = false;
        self.blank_due = false;
        body(self);
        self.depth -= 1;
        self.blank_due = false;
        self.line(close);
    }

    /// `text` as outer docs: `///` lines.
    pub fn doc(&mut self, text: &str) {
        self.doc_lines(text, "///", "#[doc = ");
    }

    /// `text` as inner docs, of the enclosing module: `//!` lines.
    pub fn inner_doc(&mut self, text: &str) {
        self.doc_lines(text, "//!", "#![doc = ");
    }

    /// The file's text.
    pub fn finish(self) -> String {
        self.out
    }

    fn doc_lines(&mut self, text: &str, comment: &str, attribute: &str) {
        for line in text.lines() {
            self.start_line();
            if line.chars().any(needs_attribute) {
                // Without the space `///` puts before the text: rustdoc
                // strips one space less from attributes among `///` lines
                // (and the same from attributes alone), so the docs render
                // as the comment form would.
                let _ = write!(self.out, "{attribute}{}]", quoted(line));
            } else {
                self.out.push_str(comment);
                if !line.is_empty() {
                    self.out.push(' ');
                    self.out.push_str(line);
                }
            }
            self.out.push('\n');
        }
    }

    /// The due blank line, then the indentation.
    fn start_line(&mut self) {
        if self.blank_due && self.started {
            self.out.push('\n');
        }
        self.blank_due = false;
        self.started = true;
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
    }
}

/// Whether a doc line holding `c` must be an attribute: rustc rejects a
/// carriage return in a doc comment and denies bidirectional-text controls
/// in comments (`text_direction_codepoint_in_comment`); other control
/// characters are kept out of comments as well. Tabs are fine.
fn needs_attribute(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` as a Rust string literal, for `format_args!`. The one escaping
/// function of the generator: `{:?}` of a `str` is a valid Rust literal of
/// the same value for every text (it escapes `"`, `\` and control and
/// invisible characters, the latter as `\u{…}`).
pub fn quoted(text: &str) -> impl Display + '_ {
    Quoted(text)
}

struct Quoted<'a>(&'a str);

impl Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_indent_and_items_are_one_blank_line_apart() {
        let mut w = RustWriter::new();
        w.inner_doc("A module.\n\nTwo paragraphs.");
        w.blank();
        w.line("use a::b;");
        w.line("use c::d;");
        w.blank();
        w.blank();
        w.doc("A type.");
        w.block("impl A {", "}", |w| {
            w.blank();
            w.block("fn f() -> [u8; 2] {", "}", |w| {
                w.block("[", "]", |w| {
                    w.line("1,");
                    w.line("2,");
                    w.blank();
                });
            });
            w.line(format_args!("const N: &str = {};", quoted("x")));
        });
        w.blank();
        assert_eq!(
            w.finish(),
            "//! A module.\n\
             //!\n\
             //! Two paragraphs.\n\
             \n\
             use a::b;\n\
             use c::d;\n\
             \n\
             /// A type.\n\
             impl A {\n    \
                 fn f() -> [u8; 2] {\n        \
                     [\n            \
                         1,\n            \
                         2,\n        \
                     ]\n    \
                 }\n    \
                 const N: &str = \"x\";\n\
             }\n"
        );
    }

    #[test]
    fn doc_lines_a_comment_cannot_hold_are_attributes() {
        let mut w = RustWriter::new();
        w.block("mod m {", "}", |w| {
            w.doc("plain\n\n/ starts with a slash, ends */ a comment\ttab\nbare\rreturn\nright\u{202E}to left\r\n\u{7}bell");
        });
        w.inner_doc("a\u{0}b");
        assert_eq!(
            w.finish(),
            "mod m {\n    \
                 /// plain\n    \
                 ///\n    \
                 /// / starts with a slash, ends */ a comment\ttab\n    \
                 #[doc = \"bare\\rreturn\"]\n    \
                 #[doc = \"right\\u{202e}to left\"]\n    \
                 #[doc = \"\\u{7}bell\"]\n\
             }\n\
             #![doc = \"a\\0b\"]\n"
        );
    }

    /// Reads a string literal back the way rustc does, for the escapes it
    /// allows; `None` for anything else.
    fn unescape(literal: &str) -> Option<String> {
        let mut chars = literal.strip_prefix('"')?.strip_suffix('"')?.chars();
        let mut out = String::new();
        while let Some(c) = chars.next() {
            match c {
                '"' | '\r' => return None,
                '\\' => out.push(match chars.next()? {
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    '\\' => '\\',
                    '0' => '\0',
                    '"' => '"',
                    '\'' => '\'',
                    'u' => {
                        let rest: String = chars.by_ref().take_while(|&c| c != '}').collect();
                        let hex = rest.strip_prefix('{')?;
                        if hex.is_empty() || hex.len() > 6 {
                            return None;
                        }
                        char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                    }
                    _ => return None,
                }),
                c => out.push(c),
            }
        }
        Some(out)
    }

    #[test]
    fn quoted_is_a_rust_literal_of_the_same_text() {
        let mut every_char: String = (0..=0x10FFFF).filter_map(char::from_u32).collect();
        every_char.push_str("\x00123 \\u{41} \"quoted\" 'single' */ /* \r\n");
        for text in [
            "",
            "DescribeInstances",
            "云服务器 (`cvm`)",
            "a\"b\\c",
            "e\u{301} at the start: \u{301}",
            &every_char,
        ] {
            let literal = quoted(text).to_string();
            assert!(
                !literal.contains(['\n', '\u{202E}', '\u{2066}']),
                "raw control in {literal:?}"
            );
            assert_eq!(unescape(&literal).as_deref(), Some(text), "{literal}");
        }
    }
}
