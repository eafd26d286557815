//! Syntax helpers: where an expression or pattern starts, and an expression's text as a receiver.

use super::*;

/// The first token's span of an expression, where it can be found without `printing`.
pub(super) fn expr_start(expr: &Expr) -> Option<Span> {
    match expr {
        Expr::Path(p) => p
            .path
            .leading_colon
            .as_ref()
            .map(|c| c.spans[0])
            .or_else(|| p.path.segments.first().map(|s| s.ident.span())),
        Expr::MethodCall(m) => expr_start(&m.receiver).or(Some(m.method.span())),
        Expr::Call(c) => expr_start(&c.func),
        Expr::Field(f) => expr_start(&f.base),
        Expr::Try(t) => expr_start(&t.expr),
        Expr::Await(a) => expr_start(&a.base),
        Expr::Index(i) => expr_start(&i.expr),
        Expr::Cast(c) => expr_start(&c.expr),
        Expr::Paren(p) => Some(p.paren_token.span.open()),
        Expr::Tuple(t) => Some(t.paren_token.span.open()),
        Expr::Array(a) => Some(a.bracket_token.span.open()),
        Expr::Reference(r) => Some(r.and_token.spans[0]),
        Expr::Macro(m) => m.mac.path.segments.first().map(|s| s.ident.span()),
        Expr::Struct(s) => s.path.segments.first().map(|x| x.ident.span()),
        Expr::Lit(l) => lit_span(&l.lit),
        Expr::Unary(u) => expr_start(&u.expr),
        Expr::Closure(c) => Some(c.or1_token.span),
        Expr::Block(b) => Some(b.block.brace_token.span.open()),
        _ => None,
    }
}

pub(super) fn pat_start(pat: &Pat) -> Option<Span> {
    match pat {
        Pat::Ident(p) => Some(p.ident.span()),
        Pat::TupleStruct(t) => t.path.segments.first().map(|s| s.ident.span()),
        Pat::Struct(s) => s.path.segments.first().map(|s| s.ident.span()),
        Pat::Path(p) => p.path.segments.first().map(|s| s.ident.span()),
        Pat::Tuple(t) => Some(t.paren_token.span.open()),
        Pat::Or(o) => o.cases.first().and_then(pat_start),
        _ => None,
    }
}

pub(super) fn lit_span(lit: &Lit) -> Option<Span> {
    Some(match lit {
        Lit::Str(l) => l.span(),
        Lit::ByteStr(l) => l.span(),
        Lit::CStr(l) => l.span(),
        Lit::Byte(l) => l.span(),
        Lit::Char(l) => l.span(),
        Lit::Int(l) => l.span(),
        Lit::Float(l) => l.span(),
        Lit::Bool(l) => l.span,
        _ => return None,
    })
}

/// Compact text of an expression (no whitespace), for receivers: paths, fields and
/// calls are spelled out; anything else is `_`.
pub(super) fn render(expr: &Expr) -> String {
    match expr {
        Expr::Path(p) => {
            let mut out = if p.path.leading_colon.is_some() {
                "::".to_string()
            } else {
                String::new()
            };
            let segments: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            out.push_str(&segments.join("::"));
            out
        }
        Expr::Field(f) => format!("{}.{}", render(&f.base), member_name(&f.member)),
        Expr::MethodCall(m) => {
            let args: Vec<String> = m.args.iter().map(render).collect();
            format!("{}.{}({})", render(&m.receiver), m.method, args.join(","))
        }
        Expr::Call(c) => {
            let args: Vec<String> = c.args.iter().map(render).collect();
            format!("{}({})", render(&c.func), args.join(","))
        }
        Expr::Paren(p) => format!("({})", render(&p.expr)),
        Expr::Reference(r) => format!("&{}", render(&r.expr)),
        Expr::Try(t) => format!("{}?", render(&t.expr)),
        Expr::Await(a) => format!("{}.await", render(&a.base)),
        Expr::Index(i) => format!("{}[{}]", render(&i.expr), render(&i.index)),
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => s.token().to_string(),
            Lit::Int(i) => i.token().to_string(),
            Lit::Float(f) => f.token().to_string(),
            Lit::Bool(b) => b.value.to_string(),
            Lit::Char(c) => c.token().to_string(),
            _ => "_".to_string(),
        },
        Expr::Macro(m) => {
            let segments: Vec<String> = m
                .mac
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            format!("{}!(..)", segments.join("::"))
        }
        Expr::Unary(u) => render(&u.expr),
        Expr::Cast(c) => render(&c.expr),
        _ => "_".to_string(),
    }
}
