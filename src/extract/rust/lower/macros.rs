//! Macro invocations: their arguments as expressions where they parse, else the variable paths among the tokens; format strings' inline captures.

use super::*;

impl Lowerer<'_> {
    /// Reads of a macro's arguments: as expressions where they parse, else the variable
    /// paths among the tokens. Format strings add their inline captures.
    pub(super) fn macro_reads(&mut self, mac: &Macro) -> ValueIr {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
        match parser.parse2(mac.tokens.clone()) {
            Ok(args) => {
                let mut value = self.exprs(&args);
                if FORMAT_MACROS.contains(&name.as_str()) {
                    for arg in &args {
                        if let Expr::Lit(lit) = arg
                            && let Lit::Str(s) = &lit.lit
                        {
                            value.reads.extend(format_captures(&s.value()));
                        }
                    }
                }
                value
            }
            Err(_) => ValueIr {
                reads: token_reads(mac.tokens.clone()),
            },
        }
    }
}

/// `{name}` and `{name:?}` captures of a format string (not `{}`, `{0}` or `{{`).
pub(super) fn format_captures(format: &str) -> Vec<Read> {
    let mut reads = Vec::new();
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        if let Some(escaped) = after.strip_prefix('{') {
            rest = escaped;
            continue;
        }
        let Some(close) = after.find('}') else { break };
        let inner = &after[..close];
        let name = inner.split(':').next().unwrap_or("").trim();
        let is_ident = name
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if is_ident {
            reads.push(Read::Var {
                name: name.to_string(),
                members: Vec::new(),
            });
        }
        rest = &after[close + 1..];
    }
    reads
}

/// Variable paths (`pos.coords.latitude`) among a macro's tokens, for bodies that are
/// not expressions: identifiers followed by `(`, `!` or `::` are names of things, not
/// values; keywords and string contents are skipped.
pub(super) fn token_reads(tokens: TokenStream) -> Vec<Read> {
    let mut reads = Vec::new();
    let mut stack = vec![tokens];
    while let Some(stream) = stack.pop() {
        let trees: Vec<TokenTree> = stream.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(g) => {
                    if g.delimiter() != Delimiter::None || !g.stream().is_empty() {
                        stack.push(g.stream());
                    }
                    i += 1;
                }
                TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    let punct_before = |back: usize| match i.checked_sub(back).map(|k| &trees[k]) {
                        Some(TokenTree::Punct(p)) => Some(p.as_char()),
                        _ => None,
                    };
                    // `.name` is a member and `::name` a path segment, not a variable.
                    let preceded_by_dot_or_path = punct_before(1) == Some('.')
                        || (punct_before(1) == Some(':') && punct_before(2) == Some(':'));
                    let mut members = Vec::new();
                    let mut j = i + 1;
                    while let (Some(TokenTree::Punct(p)), Some(TokenTree::Ident(m))) =
                        (trees.get(j), trees.get(j + 1))
                    {
                        if p.as_char() != '.' {
                            break;
                        }
                        members.push(m.to_string());
                        j += 2;
                    }
                    let names_a_thing = match trees.get(j) {
                        Some(TokenTree::Punct(p)) => p.as_char() == '!' || p.as_char() == ':',
                        Some(TokenTree::Group(g)) => {
                            g.delimiter() == Delimiter::Parenthesis && members.is_empty()
                        }
                        _ => false,
                    };
                    if !preceded_by_dot_or_path && !names_a_thing && !is_keyword(&name) {
                        reads.push(Read::Var { name, members });
                    }
                    i = j.max(i + 1);
                }
                _ => i += 1,
            }
        }
    }
    reads
}

pub(super) fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "true"
            | "false"
            | "null"
            | "let"
            | "mut"
            | "ref"
            | "as"
            | "in"
            | "if"
            | "else"
            | "match"
            | "for"
            | "while"
            | "loop"
            | "fn"
            | "move"
            | "return"
            | "self"
            | "Self"
            | "crate"
            | "super"
            | "struct"
            | "enum"
            | "impl"
            | "pub"
            | "use"
            | "where"
    )
}
