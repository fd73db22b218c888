//! Conversion of Tencent Cloud API descriptions into Markdown that is safe to
//! emit as rustdoc comments.
//!
//! The descriptions mix HTML fragments (`<p>`, `<li>`, `<a href>`, ...) with
//! raw Markdown. Conversion runs in three steps:
//!
//! 1. fenced code blocks are split off, so their content stays verbatim;
//! 2. the rest is read as HTML into blocks (paragraphs, list items), whose
//!    lines are token streams remembering which characters are Markdown
//!    source and which are literal text (decoded entities, code, link targets);
//! 3. every line is rendered by a small Markdown-aware sanitizer that escapes
//!    whatever rustdoc would otherwise read as HTML, intra-doc links, bare
//!    URLs or doctests.

/// Converts a spec description (HTML and Markdown mixed) into rustdoc-safe
/// Markdown lines; the text is taken to be from the Chinese site (see
/// [`to_markdown_from`]).
pub fn to_markdown(input: &str) -> String {
    to_markdown_from(input, Site::China)
}

/// [`to_markdown`] for a text of `site`: its site-relative links
/// (`/document/product/362/15633`) become links to that site's page, and a
/// link to an anchor alone (`#Filter`, a heading of the page the text was
/// written for, which the generated docs are not) keeps only its text.
pub fn to_markdown_from(input: &str, site: Site) -> String {
    let text = normalize(input);
    let mut converter = Converter::default();
    for segment in split_fences(&text) {
        match segment {
            Segment::Markup(markup) => converter.markup(&markup),
            Segment::Fence(body) => converter.fence(body),
        }
    }
    converter.paragraph_break();
    render(&converter.blocks, site)
}

/// The Tencent Cloud site a text was written for, where its site-relative
/// links lead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Site {
    /// cloud.tencent.com: the Chinese spec's text (tccli), and any text
    /// whose origin is not known.
    #[default]
    China,
    /// www.tencentcloud.com: the English text of tccli-intl-en.
    International,
}

impl Site {
    /// The scheme and host a site-relative path is appended to.
    pub fn origin(self) -> &'static str {
        match self {
            Site::China => "https://cloud.tencent.com",
            Site::International => "https://www.tencentcloud.com",
        }
    }
}

/// One character of a converted line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    /// Markdown source: may take part in Markdown syntax.
    Md(char),
    /// Literal text (decoded entity, code, link target): must render as itself.
    Lit(char),
}

use Tok::{Lit, Md};

impl Tok {
    fn ch(self) -> char {
        match self {
            Md(c) | Lit(c) => c,
        }
    }

    fn is_space(self) -> bool {
        self.ch().is_whitespace()
    }
}

/// Punctuation in the CommonMark sense, which decides whether `**` can open or
/// close emphasis. Symbols count too, as in CommonMark 0.31.
fn is_punct(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace()
}

// ---------------------------------------------------------------------------
// Step 0: characters
// ---------------------------------------------------------------------------

/// Unifies line ends and drops characters that cannot appear in a doc comment:
/// a bare `\r` is a compile error, bidi controls trip a deny-by-default lint.
fn normalize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\n' | '\t' => out.push(c),
            _ => out.extend(clean_char(c)),
        }
    }
    out
}

/// Maps a character of running text to what may be emitted: controls become
/// spaces, bidi overrides are dropped.
fn clean_char(c: char) -> Option<char> {
    match c {
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
        '\0' => Some('\u{FFFD}'),
        c if c.is_control() => Some(' '),
        c => Some(c),
    }
}

// ---------------------------------------------------------------------------
// Step 1: fenced code blocks
// ---------------------------------------------------------------------------

enum Segment {
    Markup(String),
    Fence(Vec<String>),
}

/// Splits off fenced code blocks; an unclosed fence runs to the end.
fn split_fences(text: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut markup = String::new();
    let mut lines = text.split('\n');
    while let Some(line) = lines.next() {
        let Some((fence_char, fence_len)) = fence_opening(line) else {
            markup.push_str(line);
            markup.push('\n');
            continue;
        };
        if !markup.is_empty() {
            segments.push(Segment::Markup(std::mem::take(&mut markup)));
        }
        let body = lines
            .by_ref()
            .take_while(|inner| !is_fence_closing(inner, fence_char, fence_len))
            .map(str::to_string)
            .collect();
        segments.push(Segment::Fence(body));
    }
    if !markup.is_empty() {
        segments.push(Segment::Markup(markup));
    }
    segments
}

/// Indentation as CommonMark counts it (other whitespace is text).
fn is_indent(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn fence_opening(line: &str) -> Option<(char, usize)> {
    let trimmed = line.trim_start_matches(is_indent);
    let fence_char = trimmed.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let len = trimmed.chars().take_while(|&c| c == fence_char).count();
    // A backtick in the info string makes it inline code, not a fence.
    let info = &trimmed[len..];
    (len >= 3 && !(fence_char == '`' && info.contains('`'))).then_some((fence_char, len))
}

fn is_fence_closing(line: &str, fence_char: char, len: usize) -> bool {
    let trimmed = line.trim();
    trimmed.len() >= len && trimmed.chars().all(|c| c == fence_char)
}

// ---------------------------------------------------------------------------
// Step 2: HTML into blocks
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum BlockKind {
    #[default]
    Paragraph,
    /// A list item with its marker (`- ` or `1. `).
    Item(String),
    /// A paragraph indented under the preceding list item.
    Continuation,
}

enum Block {
    Text {
        kind: BlockKind,
        lines: Vec<Vec<Tok>>,
    },
    Fence(Vec<String>),
}

#[derive(Clone, Debug)]
enum Inline {
    Strong,
    Emphasis,
    Link(Option<String>),
}

struct Open {
    kind: Inline,
    /// Index in the current line where the element's content starts.
    start: usize,
}

enum List {
    Bullet,
    Ordered(u32),
}

#[derive(Default)]
struct Converter {
    blocks: Vec<Block>,
    /// The block receiving lines, created by its first non-empty line.
    current: Option<(BlockKind, Vec<Vec<Tok>>)>,
    line: Vec<Tok>,
    open: Vec<Open>,
    /// Text of an open `<code>` element.
    code: Option<String>,
    lists: Vec<List>,
    in_item: bool,
    /// Kind of the block that the next line starts.
    next_kind: BlockKind,
    /// Line breaks seen since the last text; two make a paragraph break.
    breaks: u32,
    /// Set after emphasis that ended in punctuation (see `emphasize`).
    flank_check: bool,
    /// Set once a search for `-->` failed, to keep comment scanning linear.
    no_comment_end: bool,
}

impl Converter {
    fn markup(&mut self, text: &str) {
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let used = match c {
                '<' => self.try_tag(rest),
                '&' => decode_entity(rest).map(|(decoded, len)| {
                    if let Some(decoded) = clean_char(decoded) {
                        self.push(Lit(decoded));
                    }
                    len
                }),
                _ => None,
            };
            let used = used.unwrap_or_else(|| {
                match c {
                    '\n' => self.line_break(),
                    '\t' => self.push(Md(' ')),
                    _ => self.push(Md(c)),
                }
                c.len_utf8()
            });
            rest = rest.get(used..).unwrap_or_default();
        }
    }

    fn fence(&mut self, body: Vec<String>) {
        self.paragraph_break();
        self.blocks.push(Block::Fence(body));
    }

    fn push(&mut self, tok: Tok) {
        if let Some(code) = &mut self.code {
            code.push(tok.ch());
            return;
        }
        if tok.is_space() {
            self.flank_check = false;
            if self.line.last().is_some_and(|t| !t.is_space()) {
                self.line.push(Md(' '));
            }
            return;
        }
        if std::mem::take(&mut self.flank_check) && !is_punct(tok.ch()) {
            self.line.push(Md(' '));
        }
        self.line.push(tok);
        self.breaks = 0;
    }

    fn has_content(&self) -> bool {
        self.current.is_some()
            || has_text(&self.line)
            || self.code.as_deref().is_some_and(|c| !c.trim().is_empty())
    }

    /// A newline or `<br>`: ends the line; a second one ends the paragraph.
    fn line_break(&mut self) {
        if let Some(code) = &mut self.code {
            code.push(' ');
            return;
        }
        if has_text(&self.line) {
            self.end_line(true);
            self.breaks = 1;
            return;
        }
        self.breaks = self.breaks.saturating_add(1);
        if self.breaks >= 2 {
            // A blank line also ends an unclosed `<li>` (seen as `<li>a<br><br>b`).
            self.paragraph_break();
        }
    }

    fn paragraph_break(&mut self) {
        if self.has_content() {
            self.end_block();
            self.in_item = false;
            self.next_kind = BlockKind::Paragraph;
        }
    }

    /// Finishes the current line, closing open inline elements; `reopen`
    /// starts them again on the next line.
    fn end_line(&mut self, reopen: bool) {
        let kinds: Vec<Inline> = if reopen {
            self.open.iter().map(|o| o.kind.clone()).collect()
        } else {
            Vec::new()
        };
        self.close_inline(0);
        self.flank_check = false;
        let line = std::mem::take(&mut self.line);
        if has_text(&line) {
            let kind = self.next_kind.clone();
            self.current
                .get_or_insert_with(|| (kind, Vec::new()))
                .1
                .push(line);
        }
        self.open = kinds
            .into_iter()
            .map(|kind| Open { kind, start: 0 })
            .collect();
    }

    /// Ends the current block. With nothing written since the last one, the
    /// pending kind is kept, so `<li><p>x</p></li>` stays one item.
    fn end_block(&mut self) {
        if !self.has_content() {
            self.code = None;
            self.open.clear();
            self.line.clear();
            self.breaks = 0;
            return;
        }
        self.end_code();
        self.end_line(false);
        if let Some((kind, lines)) = self.current.take() {
            self.blocks.push(Block::Text { kind, lines });
        }
        self.next_kind = if self.in_item {
            BlockKind::Continuation
        } else {
            BlockKind::Paragraph
        };
        self.breaks = 0;
    }

    fn end_code(&mut self) {
        let Some(code) = self.code.take() else {
            return;
        };
        let text = code.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return;
        }
        // The sanitizer picks the final delimiter length from the content.
        self.push(Md('`'));
        self.line.extend(text.chars().map(Lit));
        self.line.push(Md('`'));
    }

    fn open_inline(&mut self, kind: Inline) {
        self.open.push(Open {
            kind,
            start: self.line.len(),
        });
    }

    /// Closes the innermost open element matching `wanted`, and any opened
    /// after it (mis-nested HTML); a stray closing tag is ignored.
    fn close_tag(&mut self, wanted: fn(&Inline) -> bool) {
        if let Some(pos) = self.open.iter().rposition(|o| wanted(&o.kind)) {
            self.close_inline(pos);
        }
    }

    fn close_inline(&mut self, from: usize) {
        while self.open.len() > from {
            if let Some(open) = self.open.pop() {
                self.wrap(open);
            }
        }
    }

    /// Puts Markdown syntax around an element's content, keeping surrounding
    /// whitespace outside (`** x**` would not be bold).
    fn wrap(&mut self, open: Open) {
        let start = open.start.min(self.line.len());
        let Some(first) = self.line[start..].iter().position(|t| !t.is_space()) else {
            return;
        };
        let first = start + first;
        let last = self
            .line
            .iter()
            .rposition(|t| !t.is_space())
            .unwrap_or(first);
        match open.kind {
            Inline::Strong => self.emphasize(first, last, "**"),
            Inline::Emphasis => self.emphasize(first, last, "*"),
            Inline::Link(Some(href)) => {
                let mut tail = vec![Md(']'), Md('(')];
                tail.extend(href.chars().map(Lit));
                tail.push(Md(')'));
                self.line.splice(last + 1..last + 1, tail);
                self.line.insert(first, Md('['));
            }
            Inline::Link(None) => {}
        }
    }

    /// CommonMark does not open `**` between a letter and punctuation, nor
    /// close it between punctuation and a letter (common in Chinese text:
    /// `**注意：**请`), so a space is put on such a side.
    fn emphasize(&mut self, first: usize, last: usize, marker: &str) {
        let starts_with_punct = self.line.get(first).is_some_and(|t| is_punct(t.ch()));
        let ends_with_punct = self.line.get(last).is_some_and(|t| is_punct(t.ch()));
        let at_line_end = last + 1 == self.line.len();
        let letter_before = first
            .checked_sub(1)
            .and_then(|i| self.line.get(i))
            .is_some_and(|t| !t.is_space() && !is_punct(t.ch()));
        self.line.splice(last + 1..last + 1, marker.chars().map(Md));
        self.line.splice(first..first, marker.chars().map(Md));
        if starts_with_punct && letter_before {
            self.line.insert(first, Md(' '));
        }
        self.flank_check = ends_with_punct && at_line_end;
    }

    fn start_item(&mut self) {
        self.end_block();
        let marker = match self.lists.last_mut() {
            Some(List::Ordered(n)) => {
                let marker = format!("{n}. ");
                *n = n.saturating_add(1);
                marker
            }
            _ => "- ".to_string(),
        };
        self.in_item = true;
        self.next_kind = BlockKind::Item(marker);
    }

    fn end_list_block(&mut self) {
        self.end_block();
        self.in_item = false;
        self.next_kind = BlockKind::Paragraph;
    }

    fn try_tag(&mut self, text: &str) -> Option<usize> {
        if let Some(body) = text.strip_prefix("<!--") {
            if !self.no_comment_end {
                if let Some(end) = body.find("-->") {
                    return Some(4 + end + 3);
                }
                self.no_comment_end = true;
            }
            return None;
        }
        let tag = parse_tag(text)?;
        self.tag(&tag);
        Some(tag.len)
    }

    fn tag(&mut self, tag: &Tag) {
        let name = tag.name.as_str();
        if self.code.is_some() {
            // Inside `<code>` only text counts; block structure ends it.
            match name {
                "code" | "tt" | "kbd" | "samp" if tag.closing => self.end_code(),
                "br" => self.line_break(),
                _ if is_block_tag(name) || matches!(name, "li" | "ul" | "ol") => {
                    self.end_code();
                    self.tag(tag);
                }
                _ => {}
            }
            return;
        }
        match (name, tag.closing) {
            ("br", _) => self.line_break(),
            ("li", false) => self.start_item(),
            ("li", true) => self.end_list_block(),
            ("ul" | "ol", false) => {
                self.end_list_block();
                self.lists.push(if name == "ol" {
                    List::Ordered(1)
                } else {
                    List::Bullet
                });
            }
            ("ul" | "ol", true) => {
                self.end_list_block();
                self.lists.pop();
            }
            ("p", false) => {
                self.end_block();
                let after_item = matches!(
                    self.blocks.last(),
                    Some(Block::Text {
                        kind: BlockKind::Item(_) | BlockKind::Continuation,
                        ..
                    })
                );
                let indented = attr_value(&tag.attrs, "style")
                    .is_some_and(|style| style.to_ascii_lowercase().contains("padding-left"));
                if indented && after_item && !self.in_item {
                    self.next_kind = BlockKind::Continuation;
                }
            }
            _ if is_block_tag(name) => self.end_block(),
            ("strong" | "b", false) => self.open_inline(Inline::Strong),
            ("strong" | "b", true) => self.close_tag(|k| matches!(k, Inline::Strong)),
            ("em" | "i", false) => self.open_inline(Inline::Emphasis),
            ("em" | "i", true) => self.close_tag(|k| matches!(k, Inline::Emphasis)),
            ("code" | "tt" | "kbd" | "samp", false) => self.code = Some(String::new()),
            ("a", false) => {
                let href = attr_value(&tag.attrs, "href")
                    .map(|href| href.trim().to_string())
                    .filter(|href| !href.is_empty() && !looks_like_intra_doc(href));
                self.open_inline(Inline::Link(href));
            }
            ("a", true) => self.close_tag(|k| matches!(k, Inline::Link(_))),
            ("td" | "th", false) => self.push(Md(' ')),
            ("tr", _) => self.line_break(),
            _ => {}
        }
    }
}

fn has_text(line: &[Tok]) -> bool {
    line.iter().any(|t| !t.is_space())
}

/// HTML elements understood (or dropped) as tags; anything else that looks
/// like a tag, such as `<InstanceId>`, is kept as text.
#[rustfmt::skip]
const KNOWN_TAGS: &[&str] = &[
    "a", "abbr", "address", "article", "aside", "b", "big", "blockquote", "body", "br", "caption",
    "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt",
    "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "head",
    "header", "hr", "html", "i", "img", "ins", "kbd", "label", "li", "mark", "nav", "ol", "p",
    "pre", "q", "s", "samp", "section", "small", "span", "strike", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var", "wbr",
];

#[rustfmt::skip]
const BLOCK_TAGS: &[&str] = &[
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "div", "dl",
    "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "nav", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead",
];

fn is_known_tag(name: &str) -> bool {
    // `dx`, `dx-alert`, ... are the documentation site's own elements.
    name == "dx" || name.starts_with("dx-") || KNOWN_TAGS.contains(&name)
}

fn is_block_tag(name: &str) -> bool {
    name.starts_with("dx-") || BLOCK_TAGS.contains(&name)
}

struct Tag {
    /// Lower-case element name.
    name: String,
    closing: bool,
    attrs: String,
    /// Bytes consumed, `<` to `>`.
    len: usize,
}

/// Longest attribute text accepted; beyond it a `<` is taken as text.
const MAX_TAG_LEN: usize = 2048;

/// Parses a tag at the start of `text` (which starts with `<`).
fn parse_tag(text: &str) -> Option<Tag> {
    let body = text.strip_prefix('<')?;
    let (closing, body) = match body.strip_prefix('/') {
        Some(body) => (true, body),
        None => (false, body),
    };
    let name_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(body.len());
    let name = body[..name_len].to_ascii_lowercase();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) || !is_known_tag(&name) {
        return None;
    }
    let rest = &body[name_len..];
    if !rest.starts_with(|c: char| c.is_whitespace() || c == '/' || c == '>') {
        return None;
    }
    let mut quote = None;
    let mut after_equals = false;
    for (i, c) in rest.char_indices().take_while(|&(i, _)| i <= MAX_TAG_LEN) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            // Quotes only delimit attribute values, so `it's` stays text.
            None if after_equals && matches!(c, '"' | '\'') => quote = Some(c),
            None if c == '<' => return None,
            None if c == '>' => {
                let attrs = rest[..i].trim().trim_end_matches('/').to_string();
                let len = 1 + usize::from(closing) + name_len + i + 1;
                return Some(Tag {
                    name,
                    closing,
                    attrs,
                    len,
                });
            }
            None => {}
        }
        if !c.is_whitespace() {
            after_equals = c == '=';
        }
    }
    None
}

/// The entity-decoded value of attribute `wanted`, if present.
fn attr_value(attrs: &str, wanted: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return None;
        }
        let name_len = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        rest = rest[name_len..].trim_start();
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (found, remaining) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = &after[1..];
                    match inner.find(q) {
                        Some(end) => (&inner[..end], &inner[end + 1..]),
                        None => (inner, ""),
                    }
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    after.split_at(end)
                }
            };
            value = found;
            rest = remaining;
        }
        if name.eq_ignore_ascii_case(wanted) {
            return Some(decode_entities(value));
        }
    }
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let (decoded, used) = decode_entity(rest).unwrap_or((c, c.len_utf8()));
        out.extend(clean_char(decoded));
        rest = rest.get(used..).unwrap_or_default();
    }
    out
}

/// Decodes an entity at the start of `text`: the character and the bytes used.
fn decode_entity(text: &str) -> Option<(char, usize)> {
    let body = text.strip_prefix('&')?;
    let (end, _) = body.char_indices().take(33).find(|&(_, c)| c == ';')?;
    let name = &body[..end];
    let decoded = if let Some(number) = name.strip_prefix('#') {
        let (digits, radix) = match number.strip_prefix(|c| c == 'x' || c == 'X') {
            Some(hex) => (hex, 16),
            None => (number, 10),
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        let code = u32::from_str_radix(digits, radix).unwrap_or(u32::MAX);
        char::from_u32(code).unwrap_or('\u{FFFD}')
    } else {
        named_entity(name)?
    };
    Some((decoded, 1 + end + 1))
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "amp" | "AMP" => '&',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        // Non-breaking and typographic spaces become plain spaces, so lines trim.
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "middot" => '·',
        "bull" => '•',
        "times" => '×',
        "divide" => '÷',
        "deg" => '°',
        "plusmn" => '±',
        "micro" => 'µ',
        "para" => '¶',
        "sect" => '§',
        "cent" => '¢',
        "pound" => '£',
        "yen" => '¥',
        "euro" => '€',
        "larr" => '←',
        "rarr" => '→',
        "uarr" => '↑',
        "darr" => '↓',
        "harr" => '↔',
        "le" => '≤',
        "ge" => '≥',
        "ne" => '≠',
        "asymp" => '≈',
        "infin" => '∞',
        "sup2" => '²',
        "sup3" => '³',
        "frac12" => '½',
        "frac14" => '¼',
        "frac34" => '¾',
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Step 3: rendering
// ---------------------------------------------------------------------------

fn render(blocks: &[Block], site: Site) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut prev_item = false;
    // Continuation indent of the last list item: at most 3, as 4 would make
    // an indented code block.
    let mut indent = String::new();
    for block in blocks {
        let (lines, is_item) = match block {
            Block::Fence(body) => (render_fence(body), false),
            Block::Text { kind, lines } => {
                let rendered = lines
                    .iter()
                    .map(|line| render_line(line, site))
                    .filter(|line| !line.is_empty());
                match kind {
                    BlockKind::Paragraph => (rendered.collect(), false),
                    BlockKind::Item(marker) => {
                        indent = " ".repeat(marker.len().min(3));
                        let lines = rendered
                            .enumerate()
                            .map(|(i, line)| {
                                let prefix = if i == 0 { marker } else { &indent };
                                format!("{prefix}{line}")
                            })
                            .collect();
                        (lines, true)
                    }
                    BlockKind::Continuation => (
                        rendered.map(|line| format!("{indent}{line}")).collect(),
                        false,
                    ),
                }
            }
        };
        if lines.is_empty() {
            continue;
        }
        // Items of one list stay tight; every other block is set apart.
        let tight = prev_item && is_item;
        if !out.is_empty() && !tight {
            out.push(String::new());
        }
        out.extend(lines);
        prev_item = is_item;
    }
    out.join("\n")
}

/// A fenced block as ```` ```text ````, so rustdoc never compiles it; the
/// fence is longer than any backtick run that could close it early.
fn render_fence(body: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in body {
        let expanded = expand_tabs(raw);
        let line = expanded.trim_end();
        let content = line.trim_start_matches(is_indent);
        if content.is_empty() {
            if lines.last().is_some_and(|l| !l.is_empty()) {
                lines.push(String::new());
            }
            continue;
        }
        let indent = (line.len() - content.len()).min(3);
        lines.push(format!("{}{content}", " ".repeat(indent)));
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    if lines.is_empty() {
        return lines;
    }
    let longest = lines
        .iter()
        .map(|l| l.trim_start().chars().take_while(|&c| c == '`').count())
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let mut out = Vec::with_capacity(lines.len() + 2);
    out.push(format!("{fence}text"));
    out.extend(lines);
    out.push(fence);
    out
}

/// Tabs as spaces to the next multiple of 4 (clippy::tabs_in_doc_comments).
fn expand_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let width = 4 - column % 4;
            out.push_str(&" ".repeat(width));
            column += width;
        } else {
            out.push(c);
            column += 1;
        }
    }
    out
}

fn trim_toks(toks: &[Tok]) -> &[Tok] {
    let start = toks
        .iter()
        .position(|t| !t.is_space())
        .unwrap_or(toks.len());
    let end = toks
        .iter()
        .rposition(|t| !t.is_space())
        .map_or(start, |i| i + 1);
    &toks[start..end.max(start)]
}

fn render_line(toks: &[Tok], site: Site) -> String {
    let mut out = String::new();
    let rest = block_markers(trim_toks(toks), &mut out);
    render_inline(rest, false, site, &mut out);
    out.truncate(out.trim_end().len());
    out
}

/// Copies leading blockquote and list markers, with exactly one space after
/// each: more spaces after a marker would start an indented code block.
fn block_markers<'a>(mut toks: &'a [Tok], out: &mut String) -> &'a [Tok] {
    while let Some(len) = marker_len(toks) {
        out.extend(toks[..len].iter().map(|t| t.ch()));
        toks = trim_toks(&toks[len..]);
        if !toks.is_empty() {
            out.push(' ');
        }
    }
    toks
}

fn marker_len(toks: &[Tok]) -> Option<usize> {
    match toks {
        // `>=5`, `>5GB` are comparisons, not quotes.
        [Md('>'), next, ..] if next.ch() == '=' || next.ch().is_ascii_digit() => None,
        [Md('>'), ..] => Some(1),
        [Md('-' | '*' | '+'), next, ..] if next.is_space() => Some(1),
        _ => {
            let digits = toks
                .iter()
                .take(10)
                .take_while(|t| matches!(t, Md(c) if c.is_ascii_digit()))
                .count();
            match toks.get(digits..digits + 2)? {
                [Md('.' | ')'), next] if (1..=9).contains(&digits) && next.is_space() => {
                    Some(digits + 1)
                }
                _ => None,
            }
        }
    }
}

/// Renders inline content. `in_link` is set for link text, where links and
/// autolinks cannot nest and rustdoc does not look for bare URLs; `site`
/// is where the text's site-relative links lead.
fn render_inline(toks: &[Tok], in_link: bool, site: Site, out: &mut String) {
    let mut i = 0;
    while let Some(&tok) = toks.get(i) {
        let rest = &toks[i..];
        let used = match tok {
            Md('\\') => escape_pair(rest, out),
            Md('`') => code_span(rest, out),
            Md('<') if !in_link => autolink(rest, out),
            Md('[') if !in_link => link(rest, site, out),
            // No images: rustdoc checks their alt text for bare URLs, and API
            // docs should not hot-link pictures. `\![t](u)` is `!` and a link.
            tok if tok.ch() == '!' && rest.get(1) == Some(&Md('[')) => {
                out.push_str("\\!");
                1
            }
            // A bare `&` reads better, unless an entity name follows it.
            Lit('&') if !starts_entity(&rest[1..]) => {
                out.push('&');
                1
            }
            _ if !in_link => bare_url(rest, out),
            _ => 0,
        };
        if used == 0 {
            push_text(tok, out);
            i += 1;
        } else {
            i += used;
        }
    }
}

fn starts_entity(toks: &[Tok]) -> bool {
    let name = toks
        .iter()
        .take(33)
        .take_while(|t| t.ch().is_ascii_alphanumeric() || t.ch() == '#')
        .count();
    name > 0 && toks.get(name).is_some_and(|t| t.ch() == ';')
}

fn push_text(tok: Tok, out: &mut String) {
    match tok {
        Md('<') | Lit('<') => out.push_str("&lt;"),
        Md('>') | Lit('>') => out.push_str("&gt;"),
        Md('[') | Lit('[') => out.push_str("\\["),
        Md(']') | Lit(']') => out.push_str("\\]"),
        Lit('&') => out.push_str("&amp;"),
        // `~` too: rustdoc renders single-tilde strikethrough (`2~128 ... 2~256`).
        Md('~') | Lit('`' | '*' | '_' | '~' | '\\') => {
            out.push('\\');
            out.push(tok.ch());
        }
        t if t.is_space() => {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        }
        t => out.push(t.ch()),
    }
}

/// A backslash: keeps a Markdown escape, otherwise escapes the backslash so
/// it cannot swallow the escape emitted for the next character.
fn escape_pair(toks: &[Tok], out: &mut String) -> usize {
    match toks {
        [Md('\\'), Md(c), ..] if c.is_ascii_punctuation() => {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                _ => {
                    out.push('\\');
                    out.push(*c);
                }
            }
            2
        }
        _ => {
            out.push_str("\\\\");
            1
        }
    }
}

fn run_len(toks: &[Tok]) -> usize {
    toks.iter().take_while(|t| **t == Md('`')).count()
}

/// Start of the next backtick run of exactly `n`, searching from `from`.
fn closing_run(toks: &[Tok], from: usize, n: usize) -> Option<usize> {
    let mut i = from;
    while i < toks.len() {
        if toks[i] == Md('`') {
            let len = run_len(&toks[i..]);
            if len == n {
                return Some(i);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

/// A backtick run: a code span if closed on this line, else escaped
/// backticks, so no span can pair across lines and hide or expose text.
fn code_span(toks: &[Tok], out: &mut String) -> usize {
    let n = run_len(toks);
    match closing_run(toks, n, n) {
        Some(end) => {
            write_code(&toks[n..end], out);
            end + n
        }
        None => {
            for _ in 0..n {
                out.push_str("\\`");
            }
            n
        }
    }
}

fn write_code(content: &[Tok], out: &mut String) {
    let text: String = content.iter().map(|t| t.ch()).collect();
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if longest > 0 { " " } else { "" };
    out.push_str(&fence);
    out.push_str(pad);
    out.push_str(&text);
    out.push_str(pad);
    out.push_str(&fence);
}

/// Length of an autolink `<http(s)://...>` at the start of `toks`.
fn autolink_len(toks: &[Tok]) -> Option<usize> {
    let end = 1 + toks[1..].iter().position(|t| {
        let c = t.ch();
        matches!(c, '<' | '>') || c.is_whitespace() || c.is_control()
    })?;
    let url: String = toks[1..end].iter().map(|t| t.ch()).collect();
    (toks[end].ch() == '>' && is_web_url(&url)).then_some(end + 1)
}

fn autolink(toks: &[Tok], out: &mut String) -> usize {
    let Some(len) = autolink_len(toks) else {
        return 0;
    };
    out.extend(toks[..len].iter().map(|t| t.ch()));
    len
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn is_web_url(text: &str) -> bool {
    strip_prefix_ignore_case(text, "https://")
        .or_else(|| strip_prefix_ignore_case(text, "http://"))
        .is_some_and(|rest| !rest.is_empty())
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_graphic()
        && !matches!(
            c,
            '<' | '>' | '"' | '`' | '[' | ']' | '\\' | '{' | '}' | '|' | '^'
        )
}

/// Wraps a bare `http(s)://` URL in `<...>` (rustdoc::bare_urls).
fn bare_url(toks: &[Tok], out: &mut String) -> usize {
    // Checked on the tokens: this runs at every character of every doc.
    let starts_with = |prefix: &str| {
        toks.len() >= prefix.len()
            && toks
                .iter()
                .zip(prefix.chars())
                .all(|(t, c)| t.ch().eq_ignore_ascii_case(&c))
    };
    if !starts_with("http://") && !starts_with("https://") {
        return 0;
    }
    let len = toks.iter().take_while(|t| is_url_char(t.ch())).count();
    let mut url: String = toks[..len].iter().map(|t| t.ch()).collect();
    // Trailing punctuation belongs to the sentence, as in GFM autolinks.
    while let Some(last) = url.chars().last() {
        let unbalanced_paren = last == ')' && url.matches('(').count() < url.matches(')').count();
        if unbalanced_paren
            || matches!(
                last,
                '.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '_' | '~'
            )
        {
            url.pop();
        } else {
            break;
        }
    }
    if !is_web_url(&url) {
        return 0;
    }
    out.push('<');
    out.push_str(&url);
    out.push('>');
    url.len()
}

/// Longest link text or destination looked for. Scans stay linear on
/// pathological input; an over-long link only gets its brackets escaped.
const MAX_LINK_LEN: usize = 2048;

/// Index of the `]` closing the `[` at the start of `toks`. Code spans and
/// autolinks bind tighter than brackets, as in CommonMark.
fn closing_bracket(toks: &[Tok]) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 1;
    while let Some(&tok) = toks.get(i).filter(|_| i <= MAX_LINK_LEN) {
        match tok {
            Md('\\') => i += 1,
            Md('`') => {
                let n = run_len(&toks[i..]);
                i = closing_run(toks, i + n, n).map_or(i + n, |end| end + n);
                continue;
            }
            Md('<') => {
                i += autolink_len(&toks[i..]).unwrap_or(1);
                continue;
            }
            Md('[') => depth += 1,
            Md(']') if depth == 0 => return Some(i),
            Md(']') => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Parses `(dest "title")` at `open`: the destination and the index after
/// `)`. Destinations with a backtick or angle bracket are refused, so code
/// spans and HTML cannot overlap a link.
fn destination(toks: &[Tok], open: usize) -> Option<(Vec<Tok>, usize)> {
    if toks.get(open) != Some(&Md('(')) {
        return None;
    }
    let toks = &toks[..toks.len().min(open + MAX_LINK_LEN)];
    let mut i = skip_spaces(toks, open + 1);
    let mut dest = Vec::new();
    if toks.get(i) == Some(&Md('<')) {
        i += 1;
        loop {
            match *toks.get(i)? {
                Md('>') => break,
                Md('<' | '`') => return None,
                // Spaces and parentheses are valid here only: encode them later.
                tok => dest.push(Lit(tok.ch())),
            }
            i += 1;
        }
        i += 1;
    } else {
        let mut depth = 0usize;
        while let Some(&tok) = toks.get(i) {
            match tok {
                Md('\\') => {
                    if let Some(&Md(c)) = toks.get(i + 1).filter(|t| t.ch().is_ascii_punctuation())
                    {
                        dest.push(Lit(c));
                        i += 2;
                        continue;
                    }
                }
                Md('(') => depth += 1,
                Md(')') if depth == 0 => break,
                Md(')') => depth -= 1,
                Md('<' | '>' | '`') => return None,
                Md(c) if c.is_whitespace() => break,
                _ => {}
            }
            dest.push(tok);
            i += 1;
        }
        if depth != 0 {
            return None;
        }
    }
    i = skip_spaces(toks, i);
    if let Some(&Md(quote @ ('"' | '\'' | '('))) = toks.get(i) {
        let close = if quote == '(' { ')' } else { quote };
        let len = toks[i + 1..]
            .iter()
            .position(|t| *t == Md(close) || *t == Md('`'))?;
        if toks[i + 1 + len] != Md(close) {
            return None;
        }
        i = skip_spaces(toks, i + len + 2);
    }
    (toks.get(i) == Some(&Md(')'))).then_some((dest, i + 1))
}

fn skip_spaces(toks: &[Tok], from: usize) -> usize {
    from + toks
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take_while(|t| matches!(t, Md(c) if c.is_whitespace()))
        .count()
}

/// Whether rustdoc would try to resolve `dest` as an intra-doc link path
/// (and warn when it fails), following its `preprocess_link` checks.
fn looks_like_intra_doc(dest: &str) -> bool {
    let path = dest.split('#').next().unwrap_or_default().trim();
    !dest.contains('/')
        && !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_alphanumeric() || ":_<>, !*&;@()".contains(c))
}

/// A `[text](dest)` link, kept as a link (its title dropped), or turned into
/// an autolink when the text is empty or the URL itself. A site-relative
/// destination (`/document/...`) is made absolute on `site`; an anchor
/// alone (`#...`) points into the page the text was written for, which
/// rustdoc does not have, so only the text is kept.
fn link(toks: &[Tok], site: Site, out: &mut String) -> usize {
    let Some(close) = closing_bracket(toks) else {
        return 0;
    };
    let Some((dest, end)) = destination(toks, close + 1) else {
        return 0;
    };
    let text = trim_toks(&toks[1..close]);
    let label: String = text.iter().map(|t| t.ch()).collect();
    let mut target: String = dest.iter().map(|t| t.ch()).collect();
    if target.starts_with('#') && !text.is_empty() {
        render_inline(text, false, site, out);
        return end;
    }
    let mut encoded = String::new();
    if target.starts_with('/') && !target.starts_with("//") {
        target.insert_str(0, site.origin());
        encoded.push_str(site.origin());
    }
    for &tok in &dest {
        push_dest_char(tok, &mut encoded);
    }
    if (text.is_empty() || label == target) && is_web_url(&target) {
        out.push('<');
        out.push_str(&encoded);
        out.push('>');
    } else if text.is_empty() || target.trim().is_empty() || looks_like_intra_doc(&target) {
        return 0;
    } else {
        out.push('[');
        render_inline(text, true, site, out);
        out.push_str("](");
        out.push_str(&encoded);
        out.push(')');
    }
    end
}

/// Destination characters: Markdown source is kept as written, literal ones
/// are percent-encoded where they could end the link or the autolink.
fn push_dest_char(tok: Tok, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    match tok {
        Md(c) => out.push(c),
        Lit(c)
            if c.is_whitespace()
                || c.is_control()
                || matches!(c, '(' | ')' | '<' | '>' | '\\' | '`' | '"' | '[' | ']') =>
        {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xF)]));
            }
        }
        Lit(c) => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::to_markdown;

    #[track_caller]
    fn check(input: &str, expected: &str) {
        let out = to_markdown(input);
        assert_eq!(out, expected, "input: {input:?}");
        assert_invariants(input, &out);
    }

    // ---- paragraphs and line breaks -------------------------------------

    #[test]
    fn empty_and_blank_inputs() {
        check("", "");
        check("   \n\t\n  ", "");
        check("<p></p><br><ul></ul>", "");
    }

    #[test]
    fn paragraphs() {
        check("<p>第一段</p><p>第二段</p>", "第一段\n\n第二段");
        check("a\n\n\n\nb", "a\n\nb");
        check("\n\n  a  \n\n", "a");
        check(
            "<p>实例主网卡的公网<code>IP</code>列表。</p>\n注意：此字段可能返回 null。",
            "实例主网卡的公网`IP`列表。\n\n注意：此字段可能返回 null。",
        );
    }

    #[test]
    fn line_breaks() {
        check("a<br>b<br/>c<BR />d", "a\nb\nc\nd");
        check("<p>CHC的状态<br></p>", "CHC的状态");
        check("a\nb", "a\nb");
        // Two breaks in a row make an empty line, i.e. a new paragraph.
        check("a<br><br>b", "a\n\nb");
        check("a<br>\n<br>b", "a\n\nb");
    }

    #[test]
    fn whitespace_is_trimmed_and_collapsed() {
        check("  a   b  \n   c\t", "a b\nc");
        check("<p>  x  </p>", "x");
    }

    // ---- lists -----------------------------------------------------------

    #[test]
    fn list_items() {
        check("<ul><li>a</li><li>b</li></ul>", "- a\n- b");
        check(
            "取值：<li>一</li><li>二</li>后记",
            "取值：\n\n- 一\n- 二\n\n后记",
        );
        check(
            "取值：<br><li>一</li><br><li>二</li>",
            "取值：\n\n- 一\n- 二",
        );
        check("<ol><li>a</li><li>b</li></ol>", "1. a\n2. b");
    }

    #[test]
    fn unclosed_items_end_at_blank_line() {
        check(
            "取值范围：<br><li>true：开启<br><li>false：关闭<br><br>默认取值：false。",
            "取值范围：\n\n- true：开启\n- false：关闭\n\n默认取值：false。",
        );
    }

    #[test]
    fn item_with_line_break_and_paragraphs() {
        check("<li>line1<br>line2</li>", "- line1\n  line2");
        check("<li><p>a</p><p>b</p></li>", "- a\n\n  b");
    }

    #[test]
    fn padded_paragraphs_continue_the_item() {
        check(
            "<li><strong>zone</strong></li>\n<p style=\"padding-left: 30px;\">类型：String</p><p style=\"padding-left: 30px;\">必选：否</p>\n<li><strong>vpc-id</strong></li> <p style=\"padding-left: 30px;\">类型：String</p>\n每次请求的上限为10。",
            "- **zone**\n\n  类型：String\n\n  必选：否\n\n- **vpc-id**\n\n  类型：String\n\n每次请求的上限为10。",
        );
        // Without a preceding item, padding means nothing.
        check("<p style=\"padding-left: 30px;\">x</p>", "x");
    }

    #[test]
    fn markdown_lists_pass_through() {
        check("说明：\n* 甲\n* 乙", "说明：\n* 甲\n* 乙");
        check("注意：\n1. 甲\n2. 乙", "注意：\n1. 甲\n2. 乙");
    }

    // ---- inline formatting -----------------------------------------------

    #[test]
    fn strong_and_bold() {
        check("a<strong>b</strong>c <b>d</b>", "a**b**c **d**");
        check("x<strong> y </strong>z", "x **y** z");
        check("<strong></strong>", "");
        check(
            "按照【<strong>可用区</strong>】过滤",
            "按照【**可用区**】过滤",
        );
    }

    #[test]
    fn strong_next_to_punctuation_gets_a_space() {
        // `**` cannot close between `：` and a letter, nor open between a
        // letter and `“`.
        check("<strong>注意：</strong>请勿", "**注意：** 请勿");
        check("以<strong>“CDH_”</strong>为前缀", "以 **“CDH_”** 为前缀");
    }

    #[test]
    fn unclosed_and_misnested_inline_tags() {
        check("<p><strong>未闭合", "**未闭合**");
        check("<strong>a<br>b</strong>", "**a**\n**b**");
        check(
            "<strong><a href=\"https://e.com/x\">t</strong></a>",
            "**[t](https://e.com/x)**",
        );
        check("</strong></li></ul></p></a>", "");
    }

    #[test]
    fn code() {
        check("用<code>img-xxx</code>格式", "用`img-xxx`格式");
        check("<code>[x, &lt;y&gt;]</code>", "`[x, <y>]`");
        check("<code>a`b</code>", "`` a`b ``");
        check("<code>`</code>", "`` ` ``");
        check("<code>  a \n b  </code>", "`a b`");
        check("<code></code>x", "x");
        check("<code>abc", "`abc`");
        check("<code><b>x</b></code>", "`x`");
    }

    #[test]
    fn html_links() {
        check(
            "<a href=\"https://e.com/a?b=1&amp;c=2\">文档</a>",
            "[文档](https://e.com/a?b=1&c=2)",
        );
        check(
            "<a href=\"https://e.com\">https://e.com</a>",
            "<https://e.com>",
        );
        check(
            "<a href=\"https://e.com/a (b)\">t</a>",
            "[t](https://e.com/a%20%28b%29)",
        );
        check(
            "<a href='https://e.com'><code>X</code></a>",
            "[`X`](https://e.com)",
        );
        check("<a href=\"https://e.com\"></a>", "");
        check("<a name=\"anchor\">t</a>", "t");
        // A target rustdoc would resolve as a Rust path is dropped.
        check("<a href=\"DescribeImages\">t</a>", "t");
    }

    #[test]
    fn markdown_links_stay_intact() {
        check(
            "见[DescribeInstances](https://cloud.tencent.com/document/api/213/15728)接口",
            "见[DescribeInstances](https://cloud.tencent.com/document/api/213/15728)接口",
        );
        check(
            "[镜像](https://cloud.tencent.com/document/product/213/4940)ID",
            "[镜像](https://cloud.tencent.com/document/product/213/4940)ID",
        );
        check(
            "[ DescribeDisks ](https://e.com/a)",
            "[DescribeDisks](https://e.com/a)",
        );
        check("[a](https://e.com/x_(y))", "[a](https://e.com/x_(y))");
        check("[a](https://e.com \"title\")", "[a](https://e.com)");
        check("[](https://e.com)", "<https://e.com>");
        check(
            "![架构](https://e.com/a.png)",
            "\\![架构](https://e.com/a.png)",
        );
        check("&#33;[x](https://e.com/y)", "\\![x](https://e.com/y)");
        check("\\![x](https://e.com/y)", "\\![x](https://e.com/y)");
        check(
            "!!<a href=\"https://e.com/y\">x</a>",
            "!\\![x](https://e.com/y)",
        );
        check("![x]", "\\!\\[x\\]");
        check(
            "【<strong>[CDH](https://e.com/416) ID</strong>】",
            "【**[CDH](https://e.com/416) ID**】",
        );
    }

    /// Site-relative links lead to the page on the site the text was
    /// written for: rustdoc (docs.rs) would resolve them on its own host.
    #[test]
    fn site_relative_links_become_absolute_on_the_texts_site() {
        use super::{to_markdown_from, Site};
        #[track_caller]
        fn check_on(site: Site, input: &str, expected: &str) {
            let out = to_markdown_from(input, site);
            assert_eq!(out, expected, "input: {input:?} on {site:?}");
            assert_invariants(input, &out);
        }
        // The Chinese spec's text: cloud.tencent.com.
        check(
            "[镜像](/document/product/213/4940)ID",
            "[镜像](https://cloud.tencent.com/document/product/213/4940)ID",
        );
        check_on(
            Site::China,
            "通过[DescribeDisks](/document/product/362/16315)接口查询",
            "通过[DescribeDisks](https://cloud.tencent.com/document/product/362/16315)接口查询",
        );
        check_on(
            Site::China,
            "<a href=\"/document/api/213/15753#Filter\">过滤</a>",
            "[过滤](https://cloud.tencent.com/document/api/213/15753#Filter)",
        );
        // tccli-intl-en's English text: www.tencentcloud.com.
        check_on(
            Site::International,
            "see [ENI Use Limits](/document/product/576/18527).",
            "see [ENI Use Limits](https://www.tencentcloud.com/document/product/576/18527).",
        );
        check_on(
            Site::International,
            "<a href=\"/document/product/362/15633\">overview</a>",
            "[overview](https://www.tencentcloud.com/document/product/362/15633)",
        );
        // Without a text, the page itself; absolute links stay as written.
        check_on(
            Site::International,
            "[](/document/product/1)",
            "<https://www.tencentcloud.com/document/product/1>",
        );
        check_on(
            Site::International,
            "[a](https://cloud.tencent.com/document/product/1)",
            "[a](https://cloud.tencent.com/document/product/1)",
        );
        // A path with literal characters is still encoded after the host.
        check_on(
            Site::China,
            "<a href=\"/help/a (b)\">t</a>",
            "[t](https://cloud.tencent.com/help/a%20%28b%29)",
        );
    }

    /// A link to an anchor alone points at a heading of Tencent's page,
    /// which the generated docs are not: the text stays, the link goes.
    #[test]
    fn anchor_only_links_keep_their_text() {
        check(
            "否则操作会以特定[错误码](#6.-.E9.94.99.E8.AF.AF.E7.A0.81)返回。",
            "否则操作会以特定错误码返回。",
        );
        check("<a href=\"#Filter\">Filter</a>传值", "Filter传值");
        check("[`Filter`](#Filter)传值", "`Filter`传值");
        check("[**注意**](#note)", "**注意**");
        // Nothing to keep: the brackets stay, escaped.
        check("[](#x)", "\\[\\](#x)");
    }

    #[test]
    fn unknown_tags_are_dropped_but_text_kept() {
        check(
            "属性。<dx-alert infotype=\"explain\" title=\"\">若指定则必传。</dx-alert>",
            "属性。\n\n若指定则必传。",
        );
        check(
            "<dx>x</dx><span style=\"color:red\">红</span><font>字</font>",
            "x红字",
        );
        check("a<div>b</div>c", "a\n\nb\n\nc");
        check("a<!-- hidden -->b", "ab");
    }

    #[test]
    fn stray_angle_brackets_are_text() {
        check("a < b", "a &lt; b");
        check("<5GB", "&lt;5GB");
        check("a <b", "a &lt;b");
        check("使用<InstanceId>替换", "使用&lt;InstanceId&gt;替换");
        check("<<<>>>", "&lt;&lt;&lt;&gt;&gt;&gt;");
        check("a <!-- b", "a &lt;!-- b");
        check("特殊字符'<>,.?/", "特殊字符'&lt;&gt;,.?/");
    }

    #[test]
    fn entities() {
        check(
            "&lt;li/&gt; true &amp; &quot;x&quot; &#39;y&#39; &#x4E2D;&#25991; a&nbsp;b",
            "&lt;li/&gt; true & \"x\" 'y' 中文 a b",
        );
        check("&foo; & bar &#xZZ; &#", "&foo; & bar &#xZZ; &#");
        // A decoded `&` that would read as an entity again stays escaped.
        check("&amp;lt; &amp;#60; &amp;", "&amp;lt; &amp;#60; &");
        check("&#96;&#42;&#91;&#93;&#92;", "\\`\\*\\[\\]\\\\");
        check("&#0;&#x110000;&#13;x", "\u{FFFD}\u{FFFD} x");
    }

    // ---- rustdoc safety --------------------------------------------------

    #[test]
    fn indentation_is_clamped() {
        check(
            "    indented\n\tTab\n        deeper",
            "indented\nTab\ndeeper",
        );
        check("-     item", "- item");
        check(">     quoted", "> quoted");
        check("1.      first", "1. first");
    }

    #[test]
    fn fences_become_text() {
        check(
            "a\n```\nfn main() {}\n```",
            "a\n\n```text\nfn main() {}\n```",
        );
        check(
            "```json\n{\n        \"a\": 1\n}",
            "```text\n{\n   \"a\": 1\n}\n```",
        );
        check("~~~\nx\n~~~\nafter", "```text\nx\n```\n\nafter");
        check("~~~\n```\n~~~", "````text\n```\n````");
        check("```\n\n\n```", "");
        check("```\na\n\n\n\nb\n```", "```text\na\n\nb\n```");
        check(
            "```\n\tx\ty\n  ab\tc\n```",
            "```text\n   x   y\n  ab    c\n```",
        );
        check("<li>x</li>\n```\ny\n```", "- x\n\n```text\ny\n```");
    }

    #[test]
    fn inline_backticks_never_open_a_fence() {
        // Delimiters are normalised to the shortest that works.
        check("see ```x``` here", "see `x` here");
        check("<p>```</p>", "\\`\\`\\`");
        check("<p>~~~</p>", "\\~\\~\\~");
        check("~~~", "");
        check("a`b", "a\\`b");
        check("`a\nb`", "\\`a\nb\\`");
    }

    #[test]
    fn bare_urls_are_wrapped() {
        check(
            "可切换至新链接：https://cloud.tencent.com/document/product/1596/77930。",
            "可切换至新链接：<https://cloud.tencent.com/document/product/1596/77930>。",
        );
        check("(see http://a.com/x).", "(see <http://a.com/x>).");
        check("<https://a.com>", "<https://a.com>");
        check("`https://a.com`", "`https://a.com`");
        check("HTTPS://A.COM/x?y=1&z=2", "<HTTPS://A.COM/x?y=1&z=2>");
        check("https:// 和 http://", "https:// 和 http://");
        check("&lt;https://a.com/x&gt;", "&lt;<https://a.com/x>&gt;");
    }

    #[test]
    fn brackets_that_are_not_links_are_escaped() {
        check("长度限制[1-60]。", "长度限制\\[1-60\\]。");
        check("如[ins-xxx]与【可用区】", "如\\[ins-xxx\\]与【可用区】");
        check("[a](Foo)", "\\[a\\](Foo)");
        check("[a]()", "\\[a\\]()");
        check("[foo]: /url", "\\[foo\\]: /url");
        check(
            "[x [y](https://e.com/y) z](https://e.com/z)",
            "[x \\[y\\](https://e.com/y) z](https://e.com/z)",
        );
        check("<code>[x]</code>", "`[x]`");
        check("[( ) \\` ~ [ ] ]中", "\\[( ) \\` \\~ \\[ \\] \\]中");
    }

    #[test]
    fn markdown_escapes_are_kept() {
        check("()\\`\\~!@#$%^&\\*-+=\\_|", "()\\`\\~!@#$%^&\\*-+=\\_|");
        check("\\<div\\>", "&lt;div&gt;");
        check("a\\b\\", "a\\\\b\\\\");
    }

    #[test]
    fn blockquotes() {
        check(">描述\n> * 若存在\n>\n> 以", "> 描述\n> * 若存在\n>\n> 以");
        check(">=5 或 >5GB", "&gt;=5 或 &gt;5GB");
    }

    #[test]
    fn control_and_bidi_characters_are_removed() {
        check("a\r\nb\rc", "a\nb\nc");
        check("a\u{202E}b\u{2066}c", "abc");
        check("a\u{7}b", "a b");
    }

    #[test]
    fn no_panic_at_any_char_boundary() {
        let sample = "<p>中文<a href=\"https://例子.com/路径\">链接</a>&lt;é&#x1F600;<code>`代码`</code>[甲](乙) https://e.com/测试 ```\n  - 项\n```\n<li>😀</li>";
        let bounds: Vec<usize> = sample
            .char_indices()
            .map(|(i, _)| i)
            .chain([sample.len()])
            .collect();
        for &start in &bounds {
            for &end in bounds.iter().filter(|&&end| end >= start) {
                let input = &sample[start..end];
                assert_invariants(input, &to_markdown(input));
            }
        }
    }

    #[test]
    fn random_inputs_keep_the_invariants() {
        const PIECES: &[&str] = &[
            "<",
            ">",
            "&",
            "&lt;",
            "&#x3C;",
            "&amp;",
            "&nbsp;",
            "<p>",
            "</p>",
            "<p style=\"padding-left: 30px;\">",
            "<li>",
            "</li>",
            "<ul>",
            "</ul>",
            "<ol>",
            "<br>",
            "<strong>",
            "</strong>",
            "<code>",
            "</code>",
            "<a href=\"https://e.com/(x)\">",
            "</a>",
            "<dx-alert>",
            "</dx-alert>",
            "<!--",
            "-->",
            "`",
            "``",
            "```",
            "~~~",
            "[",
            "]",
            "](",
            ")",
            "(",
            "http://",
            "https://e.com/a",
            "\\",
            "*",
            "**",
            "_",
            "~",
            ">",
            "- ",
            "1. ",
            "#",
            "|",
            "\n",
            "\n\n",
            "\r",
            "\t",
            "    ",
            " ",
            "中文",
            "é",
            "😀",
            "\u{202E}",
            "x",
            "y=1",
            "\"",
            "'",
            "=",
            "/",
        ];
        // A fixed linear congruential generator keeps the test deterministic.
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(state >> 33).unwrap_or(0)
        };
        for _ in 0..3000 {
            let len = next() % 40;
            let input: String = (0..len).map(|_| PIECES[next() % PIECES.len()]).collect();
            let out = to_markdown(&input);
            assert_invariants(&input, &out);
            assert_eq!(out, to_markdown(&input), "not deterministic for {input:?}");
        }
    }

    #[test]
    fn every_document_of_the_cvm_spec() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/tccli/cvm-v20170312.api.json"
        );
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read the CVM spec at {path}: {e}"));
        let spec: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not valid JSON: {e}"));
        let document = |value: &serde_json::Value, what: &str| -> String {
            value["document"]
                .as_str()
                .unwrap_or_else(|| panic!("{what} has no `document` string"))
                .to_string()
        };
        let mut docs = Vec::new();
        let actions = spec["actions"].as_object().expect("`actions` object");
        for (name, action) in actions {
            docs.push(document(action, name));
        }
        let objects = spec["objects"].as_object().expect("`objects` object");
        for (name, object) in objects {
            docs.push(document(object, name));
            let members = object["members"].as_array().expect("`members` array");
            for member in members {
                docs.push(document(member, name));
            }
        }
        assert!(docs.len() > 1000, "only {} documents found", docs.len());
        for doc in &docs {
            assert_invariants(doc, &to_markdown(doc));
        }
    }

    // ---- invariant checker -------------------------------------------------
    //
    // Written independently of the converter: it reads the output the way
    // rustdoc would, only far more simply.

    #[track_caller]
    fn assert_invariants(input: &str, out: &str) {
        let fail = |why: &str| -> ! { panic!("{why}\ninput:  {input:?}\noutput: {out:?}") };
        if out.contains('\r') {
            fail("output contains \\r");
        }
        if out.is_empty() {
            return;
        }
        let lines: Vec<&str> = out.split('\n').collect();
        if lines.first() == Some(&"") || lines.last() == Some(&"") {
            fail("leading or trailing empty line");
        }
        if lines.windows(2).any(|w| w[0].is_empty() && w[1].is_empty()) {
            fail("more than one empty line in a row");
        }
        let mut fence: Option<usize> = None;
        for line in &lines {
            if line.starts_with("    ") || line.starts_with('\t') {
                fail("line indented by 4+ spaces or a tab");
            }
            if line.ends_with(char::is_whitespace) {
                fail("trailing whitespace");
            }
            let trimmed = line.trim_start();
            let ticks = trimmed.chars().take_while(|&c| c == '`').count();
            match fence {
                Some(open) if ticks >= open && trimmed.len() == ticks => fence = None,
                Some(_) => {}
                None if ticks >= 3 && !trimmed[ticks..].contains('`') => {
                    if &trimmed[ticks..] != "text" {
                        fail("fence is not ```text");
                    }
                    fence = Some(ticks);
                }
                None => {
                    if trimmed.starts_with("~~~") {
                        fail("tilde fence");
                    }
                    check_text_line(line).unwrap_or_else(|why| fail(why));
                }
            }
        }
        if fence.is_some() {
            fail("unbalanced fence");
        }
    }

    /// Checks a line outside fences, after removing code spans, autolinks
    /// and `[text](dest)` links.
    fn check_text_line(line: &str) -> Result<(), &'static str> {
        let chars: Vec<char> = line.chars().collect();
        let mut plain = String::new();
        let mut i = 0;
        while i < chars.len() {
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            if chars[i] == '\\' {
                plain.push(' ');
                i += 2;
            } else if run > 0 {
                i = code_span_end(&chars, i).ok_or("unmatched backtick")?;
            } else if chars[i] == '<' && starts_with_at(&chars, i + 1, "http") {
                match chars[i..].iter().position(|&c| c == '>') {
                    Some(len) if !chars[i..i + len].iter().any(|c| c.is_whitespace()) => {
                        i += len + 1;
                    }
                    _ => return Err("broken autolink"),
                }
            } else if chars[i] == '[' {
                match link_end(&chars, i) {
                    Some(end) => i = end,
                    None => return Err("unescaped ["),
                }
            } else {
                plain.push(chars[i]);
                i += 1;
            }
        }
        if plain.contains(']') {
            return Err("unescaped ]");
        }
        let lower = plain.to_ascii_lowercase();
        for scheme in ["http://", "https://"] {
            for (pos, _) in lower.match_indices(scheme) {
                if lower[pos + scheme.len()..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
                    return Err("bare URL");
                }
            }
        }
        let tag_like = plain
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/'));
        if tag_like {
            return Err("raw HTML tag");
        }
        Ok(())
    }

    fn starts_with_at(chars: &[char], at: usize, prefix: &str) -> bool {
        chars.len() >= at + prefix.len()
            && chars[at..at + prefix.len()]
                .iter()
                .zip(prefix.chars())
                .all(|(a, b)| a.eq_ignore_ascii_case(&b))
    }

    /// End of the code span whose opening backticks start at `start`.
    fn code_span_end(chars: &[char], start: usize) -> Option<usize> {
        let ticks = |at: usize| chars[at..].iter().take_while(|&&c| c == '`').count();
        let run = ticks(start);
        let close = (start + run..chars.len())
            .find(|&j| chars[j] == '`' && chars[j - 1] != '`' && ticks(j) == run)?;
        Some(close + run)
    }

    /// End of a `[text](dest)` link starting at `start`, if it is one. Code
    /// spans in the text bind tighter than its brackets.
    fn link_end(chars: &[char], start: usize) -> Option<usize> {
        let mut depth = 0;
        let mut i = start + 1;
        loop {
            match *chars.get(i)? {
                '\\' => i += 1,
                '`' => {
                    i = code_span_end(chars, i)?;
                    continue;
                }
                '[' => depth += 1,
                ']' if depth == 0 => break,
                ']' => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        if chars.get(i + 1) != Some(&'(') {
            return None;
        }
        let mut depth = 0;
        let mut j = i + 2;
        loop {
            match *chars.get(j)? {
                '(' => depth += 1,
                ')' if depth == 0 => return Some(j + 1),
                ')' => depth -= 1,
                c if c.is_whitespace() || c == '<' => return None,
                _ => {}
            }
            j += 1;
        }
    }
}
