//! How far a gate call's text reaches: its argument list and a trailing closure, found by
//! matching brackets from the call's location (strings and comments skipped). The IR
//! keeps where a call starts, not where it ends, and a callback lowered inline looks like
//! the code after the call; the text tells them apart.

use crate::extract::ir::CallIr;
use crate::model::Location;

/// Most text one call may span; a longer one is treated as unbounded (not a gate extent).
const MAX_CALL_BYTES: usize = 256 * 1024;

/// Byte offsets of line starts, to turn a `Location` into an offset.
pub struct LineStarts(Vec<usize>);

impl LineStarts {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts(starts)
    }

    /// The byte offset of a 1-based line and character column.
    pub fn offset(&self, text: &str, at: &Location) -> usize {
        let Some(&start) = self.0.get(at.line.saturating_sub(1) as usize) else {
            return text.len();
        };
        let line = &text[start..];
        let column = at.column.saturating_sub(1) as usize;
        start
            + line
                .char_indices()
                .nth(column)
                .map_or(line.len(), |(i, _)| i)
    }
}

/// The end offset (exclusive) of `call`'s text: after its `( … )` and a following
/// `{ … }`, or after the `[ … ]` of an Objective-C message starting at the call.
pub fn call_end(text: &str, lines: &LineStarts, call: &CallIr) -> Option<usize> {
    let start = lines.offset(text, &call.at);
    let bytes = text.as_bytes();
    if bytes.get(start) == Some(&b'[') {
        return matching(bytes, start);
    }
    let mut window_end = text.len().min(start + MAX_CALL_BYTES);
    while !text.is_char_boundary(window_end) {
        window_end -= 1;
    }
    let window = &text[start..window_end];
    let name_at = find_word(window, &call.method)? + start + call.method.len();
    let mut end = None;
    let mut at = skip_space(bytes, name_at);
    if bytes.get(at) == Some(&b'(') {
        let close = matching(bytes, at)?;
        end = Some(close);
        at = skip_space(bytes, close);
    }
    if bytes.get(at) == Some(&b'{') {
        end = Some(matching(bytes, at)?);
    }
    end
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
        at += 1;
    }
    at
}

/// The first occurrence of `word` not inside a longer identifier.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let bytes = text.as_bytes();
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
        let after = bytes.get(i + word.len()).copied();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// The offset just past the bracket closing the one at `open`, skipping string literals
/// and comments; `None` when it is not closed within [`MAX_CALL_BYTES`].
fn matching(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    let limit = bytes.len().min(open + MAX_CALL_BYTES);
    while i < limit {
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            quote @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < limit && bytes[i] != quote && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < limit && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < limit && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::ir::{CallId, ValueIr};

    fn call(text: &str, needle: &str, method: &str) -> (usize, Option<usize>) {
        let lines = LineStarts::new(text);
        let start = text.find(needle).expect("needle");
        let line = text[..start].matches('\n').count() as u32 + 1;
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..start].chars().count() as u32 + 1;
        let call = CallIr {
            id: CallId(0),
            receiver: None,
            receiver_value: ValueIr::default(),
            method: method.to_string(),
            args: Vec::new(),
            args_text: String::new(),
            at: Location::new("f", line, column),
        };
        assert_eq!(lines.offset(text, &call.at), start);
        (start, call_end(text, &lines, &call))
    }

    #[test]
    fn a_trailing_closure_and_its_arguments_belong_to_the_call() {
        let text = "fun onCreate() {\n  info.requestConsentInfoUpdate(a, p, {\n    val s = \")\" // }\n    start()\n  }, { e -> })\n  after()\n}\n";
        let (_, end) = call(text, "info.request", "requestConsentInfoUpdate");
        let end = end.expect("closed");
        assert!(text.find("start()").expect("start") < end);
        assert!(text.find("after()").expect("after") > end);
        let swift =
            "ATTrackingManager.requestTrackingAuthorization { status in\n  go()\n}\nlater()";
        let (_, end) = call(swift, "ATTrackingManager", "requestTrackingAuthorization");
        let end = end.expect("closed");
        assert!(swift.find("go()").expect("go") < end && swift.find("later").expect("later") > end);
    }

    #[test]
    fn an_objc_message_and_an_unclosed_call() {
        let objc = "[ATTrackingManager requestTrackingAuthorizationWithCompletionHandler:^(NSUInteger s) { go(); }]; later();";
        let (_, end) = call(
            objc,
            "[ATT",
            "requestTrackingAuthorizationWithCompletionHandler",
        );
        assert_eq!(end, Some(objc.find("; later").expect("later")));
        let (_, end) = call("gate(a, {", "gate", "gate");
        assert_eq!(end, None);
    }
}
