//! Finds the line and column of a JSON pointer in a JSON text, so that
//! errors found after parsing (schema, semantics) can point at the source.

/// 1-based line and column of the value at `pointer` (RFC 6901), or of the
/// deepest ancestor that exists. Assumes `text` is valid JSON.
pub fn locate(text: &str, pointer: &str) -> (usize, usize) {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
    };
    scanner.skip_ws();
    for segment in &segments {
        if !scanner.enter(segment) {
            break;
        }
    }
    line_column(text, scanner.pos)
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Moves from the current value to its child `segment`; false if absent.
    fn enter(&mut self, segment: &str) -> bool {
        let start = self.pos;
        let found = match self.peek() {
            Some(b'{') => self.enter_object(segment),
            Some(b'[') => segment
                .parse::<usize>()
                .is_ok_and(|index| self.enter_array(index)),
            _ => false,
        };
        if !found {
            self.pos = start;
        }
        found
    }

    fn enter_object(&mut self, key: &str) -> bool {
        self.pos += 1;
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return false;
            }
            let raw_start = self.pos;
            self.skip_string();
            let raw = &self.bytes[raw_start..self.pos];
            let this_key = std::str::from_utf8(raw)
                .ok()
                .and_then(|s| serde_json::from_str::<String>(s).ok());
            self.skip_ws();
            if self.peek() != Some(b':') {
                return false;
            }
            self.pos += 1;
            self.skip_ws();
            if this_key.as_deref() == Some(key) {
                return true;
            }
            self.skip_value();
            self.skip_ws();
            if self.peek() != Some(b',') {
                return false;
            }
            self.pos += 1;
        }
    }

    fn enter_array(&mut self, index: usize) -> bool {
        self.pos += 1;
        for _ in 0..index {
            self.skip_ws();
            self.skip_value();
            self.skip_ws();
            if self.peek() != Some(b',') {
                return false;
            }
            self.pos += 1;
        }
        self.skip_ws();
        self.peek().is_some_and(|b| b != b']')
    }

    fn skip_string(&mut self) {
        self.pos += 1;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => self.pos += 1,
                b'"' => return,
                _ => {}
            }
        }
    }

    fn skip_value(&mut self) {
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(open @ (b'{' | b'[')) => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.pos += 1;
                loop {
                    self.skip_ws();
                    match self.peek() {
                        None => return,
                        Some(b) if b == close => {
                            self.pos += 1;
                            return;
                        }
                        Some(b',' | b':') => self.pos += 1,
                        Some(_) => self.skip_value(),
                    }
                }
            }
            Some(_) => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    self.pos += 1;
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::locate;

    const TEXT: &str = "{\n  \"name\": \"X\",\n  \"input\": [\n    {\"name\": \"a\", \"type\": \"int64\"},\n    {\"name\": \"b\\\"\", \"type\": \"Foo\"}\n  ]\n}";

    #[test]
    fn finds_nested_values() {
        assert_eq!(locate(TEXT, ""), (1, 1));
        assert_eq!(locate(TEXT, "/name"), (2, 11));
        assert_eq!(locate(TEXT, "/input/0/type"), (4, 27));
        assert_eq!(locate(TEXT, "/input/1/type"), (5, 29));
    }

    #[test]
    fn falls_back_to_deepest_existing_ancestor() {
        assert_eq!(locate(TEXT, "/input/7/type"), (3, 12));
        assert_eq!(locate(TEXT, "/missing"), (1, 1));
    }

    #[test]
    fn counts_columns_in_characters() {
        let text = "{\"说明\": \"云\", \"x\": 1}";
        assert_eq!(locate(text, "/x"), (1, 18));
    }
}
