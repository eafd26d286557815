//! The nesting check made before parsing: syn recurses, so a file nested deeper than the limits is refused, not parsed.

use super::*;

/// Where the text nests deeper than syn can safely parse: brackets nested more than
/// [`MAX_BRACKET_NESTING`] levels, or a run of more than [`MAX_PREFIX_RUN`] prefix
/// operators (`- - - x`, `&&&&x`, `|| || ||`), which syn also parses recursively.
/// Comments, strings and character literals are skipped.
pub(super) fn too_deep(text: &str) -> Option<(usize, usize, String)> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut prefix_run = 0usize;
    let mut i = 0;
    let at = |i: usize| {
        let (line, column) = crate::model::line_column(text, i);
        (line as usize, column as usize)
    };
    while i < bytes.len() {
        let byte = bytes[i];
        if matches!(byte, b'-' | b'!' | b'*' | b'&' | b'|') {
            prefix_run += 1;
            if prefix_run > MAX_PREFIX_RUN {
                let (line, column) = at(i);
                return Some((
                    line,
                    column,
                    format!("more than {MAX_PREFIX_RUN} operators in a row"),
                ));
            }
        } else if !byte.is_ascii_whitespace() {
            prefix_run = 0;
        }
        match byte {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut comment_depth = 1;
                i += 2;
                while i < bytes.len() && comment_depth > 0 {
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        comment_depth += 1;
                        i += 1;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        comment_depth -= 1;
                        i += 1;
                    }
                    i += 1;
                }
                continue;
            }
            b'r' if matches!(bytes.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !is_ident_byte(bytes[i - 1])) =>
            {
                // r"..." or r#"..."#: find the closing quote followed by as many hashes.
                let mut j = i + 1;
                let mut hashes = 0;
                while bytes.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if bytes.get(j) == Some(&b'"') {
                    j += 1;
                    while j < bytes.len() {
                        let closing_hashes = bytes
                            .get(j + 1..)
                            .unwrap_or_default()
                            .iter()
                            .take_while(|&&b| b == b'#')
                            .count();
                        if bytes[j] == b'"' && closing_hashes >= hashes {
                            j += 1 + hashes;
                            break;
                        }
                        j += 1;
                    }
                    i = j;
                    continue;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            // '(' as a character literal; lifetimes ('a) have no closing quote there.
            b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 2,
            b'\'' if bytes.get(i + 1) == Some(&b'\\') => {
                i += 2;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKET_NESTING {
                    let (line, column) = at(i);
                    return Some((
                        line,
                        column,
                        format!("brackets nest more than {MAX_BRACKET_NESTING} levels"),
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

pub(super) fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}
