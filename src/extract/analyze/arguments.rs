//! Argument values, not argument text (issue 14.3): an `argument_hints` API decides on the
//! value its arguments hold. A name passed as an argument is followed to its declaration
//! in the same file (`const c = {audio: true}`, `const val SOURCE = AudioSource.MIC`,
//! `static final int SRC = …`, a Swift `let`), and a hint written as `hint: false` (or
//! `= false`) is switched off, so `getUserMedia({audio: false, video: true})` reads no
//! microphone; a hint that is absent decides "no" as before.

/// Longest initialiser taken from a declaration: enough for an options object.
const MAX_VALUE: usize = 2_000;

/// How many declarations deep a name is followed (`a = b`, `b = {audio: true}`).
const MAX_DEPTH: u8 = 2;

/// The call's argument text with every name declared in `file` followed by its value.
pub(super) fn argument_values(args_text: &str, file: &str) -> String {
    let mut out = args_text.to_string();
    expand(args_text, file, MAX_DEPTH, &mut out);
    out
}

fn expand(text: &str, file: &str, depth: u8, out: &mut String) {
    if depth == 0 {
        return;
    }
    for name in identifiers(text) {
        if let Some(value) = declared_value(file, name) {
            out.push(' ');
            out.push_str(value);
            expand(value, file, depth - 1, out);
        }
    }
}

/// Identifier-like words of `text` (no literals, no keywords that decide nothing).
fn identifiers(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .filter(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                && !matches!(*w, "true" | "false" | "null" | "nil" | "this" | "self")
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The initialiser of the first declaration `name [: Type] = value` in `file`, up to the
/// end of its statement (`;`, or a line end outside brackets).
fn declared_value<'f>(file: &'f str, name: &str) -> Option<&'f str> {
    let bytes = file.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut from = 0;
    while let Some(found) = file[from..].find(name) {
        let start = from + found;
        let end = start + name.len();
        from = end;
        if (start > 0 && (is_word(bytes[start - 1]) || bytes[start - 1] == b'.'))
            || bytes.get(end).is_some_and(|b| is_word(*b))
        {
            continue;
        }
        let rest = &file[end..];
        let line_rest = rest.split('\n').next().unwrap_or(rest);
        // `name = …`, or `name: Type = …` (Kotlin, Swift, TypeScript).
        let Some(eq) = line_rest.find('=') else {
            continue;
        };
        let between = line_rest[..eq].trim();
        let annotated = between.is_empty()
            || (between.starts_with(':')
                && !between.contains(['(', ',', '{', '?', '!', '<', '>'])
                && between.len() < 80);
        let after = &line_rest[eq + 1..];
        if !annotated || after.starts_with('=') || after.starts_with('>') {
            continue;
        }
        return Some(statement(&rest[eq + 1..]));
    }
    None
}

/// The expression at the start of `text`: up to `;`, `,` or a line end at bracket depth 0.
fn statement(text: &str) -> &str {
    let mut depth = 0i32;
    for (i, c) in text.char_indices() {
        if i >= MAX_VALUE {
            return &text[..i];
        }
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth < 0 {
                    return &text[..i];
                }
            }
            ';' | ',' | '\n' if depth == 0 => return &text[..i],
            _ => {}
        }
    }
    text
}

/// Whether one of `hints` is in the (compacted, lower-case) argument values and not
/// switched off right there (`audio:false`, `audio=false`).
pub(super) fn hint_switched_on(args: &str, hint: &str) -> bool {
    let mut from = 0;
    while let Some(found) = args[from..].find(hint) {
        let end = from + found + hint.len();
        let rest = &args[end..];
        let off = [":false", "=false", ":no", ":nil", ":null", ":undefined"]
            .iter()
            .any(|f| {
                rest.strip_prefix(f).is_some_and(|tail| {
                    !tail
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            });
        if !off {
            return true;
        }
        from = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_followed_to_its_same_file_value() {
        let file = "const constraints = { audio: true, video: false };\nnavigator.mediaDevices.getUserMedia(constraints);";
        assert!(argument_values("constraints", file).contains("audio: true"));
        let kotlin = "companion object { const val SOURCE: Int = MediaRecorder.AudioSource.MIC }";
        assert!(argument_values("SOURCE", kotlin).contains("AudioSource.MIC"));
        let java = "private static final int SRC = MediaRecorder.AudioSource.VOICE_RECOGNITION;";
        assert!(argument_values("SRC", java).contains("VOICE_RECOGNITION"));
        let chained = "const a = { audio: true };\nconst b = a;";
        assert!(argument_values("b", chained).contains("audio: true"));
    }

    #[test]
    fn comparisons_and_member_writes_are_not_declarations() {
        let file = "if (mode == 1) {}\nthis.mode = 2;\nx.mode = 3;";
        assert_eq!(argument_values("mode", file), "mode");
    }

    #[test]
    fn a_hint_written_false_is_off() {
        assert!(!hint_switched_on("{audio:false,video:true}", "audio"));
        assert!(hint_switched_on("{audio:true}", "audio"));
        assert!(hint_switched_on("{audio:{echocancellation:true}}", "audio"));
        assert!(hint_switched_on("{audio:false} {audio:true}", "audio"));
        assert!(!hint_switched_on("{video:true}", "audio"));
        assert!(hint_switched_on("{audio:falsey}", "audio"));
    }
}
