//! Old-style (OpenStep) ASCII property lists, the format of `project.pbxproj`: a small
//! tokenizer and recursive-descent reader that keeps each string's byte offset.

use super::MAX_DEPTH;

/// A value of an old-style plist, with the byte offset of each string.
#[derive(Debug)]
pub(super) enum PbxValue {
    Str(String, usize),
    /// Entries in file order: key, byte offset of the key, value.
    Dict(Vec<(String, usize, PbxValue)>),
    /// Arrays are read for syntax only: nothing privlint needs lives in one.
    Array,
}

impl PbxValue {
    pub(super) fn get(&self, key: &str) -> Option<&PbxValue> {
        match self {
            PbxValue::Dict(entries) => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }
    pub(super) fn entries(&self) -> Option<&[(String, usize, PbxValue)]> {
        match self {
            PbxValue::Dict(entries) => Some(entries),
            _ => None,
        }
    }
    pub(super) fn string(&self) -> Option<&str> {
        match self {
            PbxValue::Str(s, _) => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Punct(u8),
    Str(String),
}

/// Tokenizer + reader for old-style plists. Errors carry a byte offset.
pub(super) struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

pub(super) type ReadResult<T> = Result<T, (usize, String)>;

impl<'a> Reader<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }

    pub(super) fn document(&mut self) -> ReadResult<PbxValue> {
        let value = self.value(0)?;
        match self.next_token()? {
            None => Ok(value),
            Some((offset, _)) => Err((offset, "unexpected text after the root dictionary".into())),
        }
    }

    fn value(&mut self, depth: usize) -> ReadResult<PbxValue> {
        if depth > MAX_DEPTH {
            return Err((self.pos, "nesting is too deep".into()));
        }
        match self.next_token()? {
            Some((offset, Token::Str(s))) => Ok(PbxValue::Str(s, offset)),
            Some((_, Token::Punct(b'{'))) => self.dict(depth),
            Some((_, Token::Punct(b'('))) => self.array(depth),
            Some((offset, Token::Punct(c))) => {
                Err((offset, format!("expected a value, found `{}`", c as char)))
            }
            None => Err((self.text.len(), "unexpected end of file".into())),
        }
    }

    fn dict(&mut self, depth: usize) -> ReadResult<PbxValue> {
        let mut entries = Vec::new();
        loop {
            let (key_offset, key) = match self.next_token()? {
                Some((_, Token::Punct(b'}'))) => return Ok(PbxValue::Dict(entries)),
                Some((offset, Token::Str(key))) => (offset, key),
                Some((offset, Token::Punct(c))) => {
                    return Err((
                        offset,
                        format!("expected a key or `}}`, found `{}`", c as char),
                    ));
                }
                None => return Err((self.text.len(), "unclosed dictionary".into())),
            };
            self.expect(b'=')?;
            let value = self.value(depth + 1)?;
            self.expect(b';')?;
            entries.push((key, key_offset, value));
        }
    }

    fn array(&mut self, depth: usize) -> ReadResult<PbxValue> {
        loop {
            let save = self.pos;
            if let Some((_, Token::Punct(b')'))) = self.next_token()? {
                return Ok(PbxValue::Array);
            }
            self.pos = save;
            self.value(depth + 1)?;
            match self.next_token()? {
                Some((_, Token::Punct(b','))) => {}
                Some((_, Token::Punct(b')'))) => return Ok(PbxValue::Array),
                Some((offset, _)) => {
                    return Err((offset, "expected `,` or `)` in an array".into()));
                }
                None => return Err((self.text.len(), "unclosed array".into())),
            }
        }
    }

    fn expect(&mut self, wanted: u8) -> ReadResult<()> {
        match self.next_token()? {
            Some((_, Token::Punct(c))) if c == wanted => Ok(()),
            Some((offset, _)) => Err((offset, format!("expected `{}`", wanted as char))),
            None => Err((
                self.text.len(),
                format!("expected `{}` before the end of file", wanted as char),
            )),
        }
    }

    /// The next token and its byte offset, skipping whitespace and comments.
    fn next_token(&mut self) -> ReadResult<Option<(usize, Token)>> {
        let bytes = self.text.as_bytes();
        loop {
            while bytes.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
                self.pos += 1;
            }
            let rest = &bytes[self.pos.min(bytes.len())..];
            if rest.starts_with(b"//") {
                self.pos += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            } else if rest.starts_with(b"/*") {
                match self.text[self.pos + 2..].find("*/") {
                    Some(end) => self.pos += 2 + end + 2,
                    None => return Err((self.pos, "unclosed comment".into())),
                }
            } else {
                break;
            }
        }
        let start = self.pos;
        let Some(&first) = bytes.get(start) else {
            return Ok(None);
        };
        match first {
            b'{' | b'}' | b'(' | b')' | b'=' | b';' | b',' => {
                self.pos += 1;
                Ok(Some((start, Token::Punct(first))))
            }
            b'"' | b'\'' => self.quoted(first).map(|s| Some((start, Token::Str(s)))),
            _ if is_bare(first) => {
                while bytes.get(self.pos).is_some_and(|&b| is_bare(b)) {
                    self.pos += 1;
                }
                Ok(Some((
                    start,
                    Token::Str(self.text[start..self.pos].to_string()),
                )))
            }
            _ => Err((start, "unexpected character".into())),
        }
    }

    fn quoted(&mut self, quote: u8) -> ReadResult<String> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.text[self.pos..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                c if c as u32 == quote as u32 => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, other)) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        Err((start, "unclosed string".into()))
    }
}

/// Characters of an unquoted old-style plist string.
fn is_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'_' | b'$' | b'.' | b'/' | b':' | b'-' | b'+' | b'[' | b']' | b'*' | b'<' | b'>'
        )
        || b >= 0x80
}
