//! What the text goes through before parsing: comments and strings masked, macros the grammar chokes on blanked.

use super::*;

/// The text with comments and string/char literal contents replaced by spaces (byte
/// for byte, so offsets and char boundaries stay valid).
pub(super) fn mask_comments_and_strings(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for b in &mut out[from..to.min(bytes.len())] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"//") {
            let end = i + rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            blank(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"/*") {
            let end = text
                .get(i + 2..)
                .and_then(|r| r.find("*/"))
                .map_or(bytes.len(), |e| i + 2 + e + 2);
            blank(&mut out, i, end);
            i = end;
        } else if bytes[i] == b'"' || bytes[i] == b'\'' {
            let quote = bytes[i];
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != quote && bytes[j] != b'\n' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            let end = j.min(bytes.len());
            blank(&mut out, i + 1, end);
            i = end + 1;
        } else {
            i += 1;
        }
    }
    // Only ASCII bytes were replaced by spaces and whole multi-byte sequences lie inside
    // blanked ranges or untouched ones, but stay safe if a range split one.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The source with the macros in [`BARE_MACROS`] / [`CALL_MACROS`] replaced by spaces
/// where they appear in code (found in the masked text).
pub(super) fn blank_macros(text: &str, masked: &str) -> String {
    if masked.len() != text.len() {
        return text.to_string();
    }
    let mut out = text.as_bytes().to_vec();
    let bytes = masked.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let is_start = bytes[i].is_ascii_alphabetic() || bytes[i] == b'_';
        let after_ident = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if !is_start || after_ident {
            i += 1;
            continue;
        }
        let end = i + bytes[i..]
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
            .unwrap_or(bytes.len() - i);
        let word = &masked[i..end];
        let blank_to = if BARE_MACROS.contains(&word) {
            Some(end)
        } else if CALL_MACROS.contains(&word) {
            balanced_parens_end(bytes, end)
        } else {
            None
        };
        if let Some(to) = blank_to {
            for b in &mut out[i..to] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        }
        i = blank_to.unwrap_or(end).max(i + 1);
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// The end (exclusive) of a `( … )` group starting at or after `from` (spaces allowed).
pub(super) fn balanced_parens_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while bytes.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
        i += 1;
    }
    if bytes.get(i) != Some(&b'(') {
        return None;
    }
    let mut depth = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}
