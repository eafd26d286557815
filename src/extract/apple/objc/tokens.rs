//! The token pass: message sends found in the masked text where the tree is damaged (inside ERROR nodes), and the byte-level scanning it needs.

use super::*;

impl Lowerer<'_> {
    /// Message sends in `from..to` that the tree did not recover, found on tokens of
    /// the masked text (comments and strings blanked).
    pub(super) fn token_sends(&mut self, from: usize, to: usize, ops: &mut Vec<Op>) {
        let bytes = self.masked.as_bytes();
        let mut i = from;
        while i < to.min(bytes.len()) {
            if bytes[i] == b'['
                && !self.lowered_sends.contains(&i)
                && let Some((_, end)) = self.token_send(i, ops)
            {
                i = end;
                continue;
            }
            i += 1;
        }
    }

    /// Lower one `[recv sel…]` at `open` (nested sends first); returns its call id and
    /// the offset after its `]`.
    pub(super) fn token_send(&mut self, open: usize, ops: &mut Vec<Op>) -> Option<(CallId, usize)> {
        if self.depth > MAX_DEPTH {
            self.too_deep = true;
            return None;
        }
        self.depth += 1;
        let result = self.token_send_inner(open, ops);
        self.depth -= 1;
        result
    }

    pub(super) fn token_send_inner(
        &mut self,
        open: usize,
        ops: &mut Vec<Op>,
    ) -> Option<(CallId, usize)> {
        let bytes = self.masked.as_bytes();
        let close = matching_bracket(bytes, open)?;
        let mut i = skip_spaces(bytes, open + 1);
        // Receiver: a nested send or a dotted identifier path.
        let (receiver_text, receiver_value) = if bytes.get(i) == Some(&b'[') {
            let (id, end) = self.token_send(i, ops)?;
            let written = token_receiver_text(self.masked.get(i..end)?);
            i = end;
            (written, call_value(id))
        } else {
            let end = dotted_identifier_end(bytes, i)?;
            let written = self.source.get(i..end)?.to_string();
            i = end;
            let value = path_read(&written);
            (written, value)
        };
        i = skip_spaces(bytes, i);
        let selector_end = identifier_end(bytes, i)?;
        let method = self.source.get(i..selector_end)?.to_string();
        let after = skip_spaces(bytes, selector_end);
        if bytes.get(after) != Some(&b':') && after != close {
            return None;
        }
        self.lowered_sends.insert(open);
        let mut args = Vec::new();
        let args_text = if after == close {
            String::new()
        } else {
            let inner = self.source.get(after + 1..close)?;
            for part in split_selector_args(self.masked.get(after + 1..close)?) {
                let (start, len) = part;
                args.push(self.token_value(after + 1 + start, after + 1 + start + len, ops));
            }
            collapse(inner)
        };
        let id = self.call_id();
        ops.push(Op::Call(CallIr {
            id,
            receiver: Some(receiver_text),
            receiver_value,
            method,
            args,
            args_text,
            at: Location::at_offset(self.path, self.source, open),
        }));
        Some((id, close + 1))
    }

    /// What an argument's tokens read: nested sends and `a.b.c` identifier paths.
    pub(super) fn token_value(&mut self, from: usize, to: usize, ops: &mut Vec<Op>) -> ValueIr {
        let bytes = self.masked.as_bytes();
        let mut value = ValueIr::default();
        let mut i = from;
        while i < to {
            let b = bytes[i];
            if b == b'[' {
                if let Some((id, end)) = self.token_send(i, ops) {
                    value.reads.push(Read::Call(id));
                    i = end;
                    continue;
                }
                i += 1;
            } else if (b.is_ascii_alphabetic() || b == b'_')
                && (i == 0 || !is_ident_byte(bytes[i - 1]))
                && bytes.get(i.wrapping_sub(1)) != Some(&b'@')
            {
                let end = dotted_identifier_end(bytes, i).unwrap_or(i + 1).min(to);
                if let Some(written) = self.source.get(i..end) {
                    let first = written.split('.').next().unwrap_or("");
                    if !LITERAL_IDENTIFIERS.contains(&first) {
                        value.reads.extend(path_read(written).reads);
                    }
                }
                i = end;
            } else {
                i += 1;
            }
        }
        value
    }
}

pub(super) fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

pub(super) fn identifier_end(bytes: &[u8], from: usize) -> Option<usize> {
    let first = *bytes.get(from)?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let mut i = from;
    while bytes.get(i).is_some_and(|&b| is_ident_byte(b)) {
        i += 1;
    }
    Some(i)
}

pub(super) fn dotted_identifier_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut end = identifier_end(bytes, from)?;
    while bytes.get(end) == Some(&b'.') {
        match identifier_end(bytes, end + 1) {
            Some(next) => end = next,
            None => break,
        }
    }
    Some(end)
}

pub(super) fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

pub(super) fn matching_bracket(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &b) in bytes.iter().enumerate().skip(open) {
        match b {
            b'[' | b'(' | b'{' => depth += 1,
            b']' | b')' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return (b == b']').then_some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// [`receiver_text`] for a send found on tokens: `[[A b] c]` → `A.b().c()`.
pub(super) fn token_receiver_text(masked: &str) -> String {
    let mut base = String::new();
    let mut calls = Vec::new();
    let mut rest = masked.trim();
    while let Some(inner) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let inner = inner.trim();
        // The selector is the first word after the receiver (a nested send or a path).
        let (receiver, selector) = match inner.strip_prefix('[') {
            Some(_) => {
                let close =
                    matching_bracket(inner.as_bytes(), 0).unwrap_or(inner.len().saturating_sub(1));
                (
                    inner.get(..=close).unwrap_or(inner),
                    inner.get(close + 1..).unwrap_or(""),
                )
            }
            None => inner.split_once(char::is_whitespace).unwrap_or((inner, "")),
        };
        let selector = selector.trim_start();
        let end = identifier_end(selector.as_bytes(), 0).unwrap_or(0);
        calls.push(selector.get(..end).unwrap_or("").to_string());
        rest = receiver.trim();
        if !rest.starts_with('[') {
            base = rest.chars().filter(|c| !c.is_whitespace()).collect();
            break;
        }
    }
    for method in calls.iter().rev() {
        base.push_str(&format!(".{method}()"));
    }
    base
}

/// The argument ranges `(start, len)` of `:a label:b label2:c` (the text after the first
/// selector piece's `:`), split at top-level `label:` pieces.
pub(super) fn split_selector_args(masked: &str) -> Vec<(usize, usize)> {
    let bytes = masked.as_bytes();
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'(' | b'{' => depth += 1,
            b']' | b')' | b'}' => depth = depth.saturating_sub(1),
            b if depth == 0 && b.is_ascii_whitespace() => {
                // ` label:` after whitespace starts the next argument.
                let word_start = skip_spaces(bytes, i);
                if let Some(word_end) = identifier_end(bytes, word_start)
                    && bytes.get(word_end) == Some(&b':')
                {
                    parts.push((start, i - start));
                    start = word_end + 1;
                    i = word_end + 1;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    parts.push((start, bytes.len() - start));
    parts
}
