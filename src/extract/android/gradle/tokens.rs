//! The Gradle script tokenizer and the token-slice helpers every reader shares.

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Ident(String),
    /// A string literal's content as written (interpolation kept as text).
    Str(String),
    Punct(char),
    Number,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) tok: Tok,
    /// Byte offset of the token's first character.
    pub(super) start: usize,
    /// A line break separates this token from the previous one.
    pub(super) newline_before: bool,
}

pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut newline_before = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            newline_before = true;
            i += 1;
        } else if b.is_ascii_whitespace() {
            i += 1;
        } else if text[i..].starts_with("//") {
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
        } else if text[i..].starts_with("/*") {
            let end = text[i + 2..]
                .find("*/")
                .map_or(bytes.len(), |n| i + 2 + n + 2);
            newline_before |= text[i..end].contains('\n');
            i = end;
        } else if b == b'"' || b == b'\'' {
            let (value, end) = string_literal(text, i);
            tokens.push(Token {
                tok: Tok::Str(value),
                start: i,
                newline_before,
            });
            newline_before = false;
            i = end;
        } else if b.is_ascii_alphabetic() || b == b'_' || b == b'$' {
            let end = i + text[i..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(text.len() - i);
            tokens.push(Token {
                tok: Tok::Ident(text[i..end].to_string()),
                start: i,
                newline_before,
            });
            newline_before = false;
            i = end;
        } else if b.is_ascii_digit() {
            let end = i + text[i..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
                .unwrap_or(text.len() - i);
            tokens.push(Token {
                tok: Tok::Number,
                start: i,
                newline_before,
            });
            newline_before = false;
            i = end;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            tokens.push(Token {
                tok: Tok::Punct(c),
                start: i,
                newline_before,
            });
            newline_before = false;
            i += c.len_utf8();
        }
    }
    tokens
}

/// The content of the string literal starting at `start` (a quote) and the offset just
/// past it. Unterminated literals run to the end of the text.
pub(super) fn string_literal(text: &str, start: usize) -> (String, usize) {
    let quote = text.as_bytes()[start];
    let triple = if quote == b'"' { "\"\"\"" } else { "'''" };
    if text[start..].starts_with(triple) {
        let body = start + 3;
        let end = text[body..].find(triple).map_or(text.len(), |n| body + n);
        return (text[body..end].to_string(), (end + 3).min(text.len()));
    }
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                // Skip the escaped character whole (it may be multi-byte).
                i += 1 + text[i + 1..].chars().next().map_or(0, char::len_utf8);
            }
            b'\n' => break,
            b if b == quote => return (text[start + 1..i].to_string(), i + 1),
            b'$' if quote == b'"' && bytes.get(i + 1) == Some(&b'{') => {
                i = skip_interpolation(text, i + 2);
            }
            _ => i += 1,
        }
    }
    let end = i.min(text.len());
    (text.get(start + 1..end).unwrap_or("").to_string(), end)
}

/// Offset just past the `}` closing an interpolation whose body starts at `i`.
pub(super) fn skip_interpolation(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b'"' | b'\'' => {
                let (_, end) = string_literal(text, i);
                i = end;
                continue;
            }
            b'\n' => return i,
            _ => {}
        }
        i += 1;
    }
    i
}

// ---------------------------------------------------------------------------------------
// Token helpers

pub(super) fn ident(tokens: &[Token], i: usize) -> Option<&str> {
    match tokens.get(i).map(|t| &t.tok) {
        Some(Tok::Ident(name)) => Some(name),
        _ => None,
    }
}

pub(super) fn string(tokens: &[Token], i: usize) -> Option<&str> {
    match tokens.get(i).map(|t| &t.tok) {
        Some(Tok::Str(value)) => Some(value),
        _ => None,
    }
}

pub(super) fn is_punct(tokens: &[Token], i: usize, c: char) -> bool {
    matches!(tokens.get(i).map(|t| &t.tok), Some(Tok::Punct(p)) if *p == c)
}

/// Index of the bracket closing the one at `open`, or the end of the tokens.
pub(super) fn matching(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        if let Tok::Punct(c) = token.tok {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i;
                    }
                }
                _ => {}
            }
        }
    }
    tokens.len()
}

/// Split a token range on top-level commas.
pub(super) fn split_commas(tokens: &[Token]) -> Vec<&[Token]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut from = 0;
    for (i, token) in tokens.iter().enumerate() {
        if let Tok::Punct(c) = token.tok {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    parts.push(&tokens[from..i]);
                    from = i + 1;
                }
                _ => {}
            }
        }
    }
    parts.push(&tokens[from..]);
    parts.retain(|p| !p.is_empty());
    parts
}

/// The end (exclusive) of a Groovy command-call argument list starting at `from`: it
/// runs to a line break not preceded by a comma, a `;`, a top-level `{` (a closure) or
/// an unbalanced closing bracket.
pub(super) fn command_end(tokens: &[Token], from: usize) -> usize {
    let mut depth = 0usize;
    let mut i = from;
    while i < tokens.len() {
        let token = &tokens[i];
        if i > from && depth == 0 && token.newline_before && !is_punct(tokens, i - 1, ',') {
            return i;
        }
        if let Tok::Punct(c) = token.tok {
            match c {
                '(' | '[' => depth += 1,
                '{' if depth == 0 => return i,
                '{' => depth += 1,
                ')' | ']' | '}' => {
                    if depth == 0 {
                        return i;
                    }
                    depth -= 1;
                }
                ';' if depth == 0 => return i,
                _ => {}
            }
        }
        i += 1;
    }
    tokens.len()
}
