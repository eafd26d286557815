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

/// Longest receiver text kept: a longer one (a builder chain thousands of calls long)
/// is cut and ends in `…`. Every call of such a chain renders its receiver, so without
/// the cut text and memory grow with the square of the chain. Receivers are compared by
/// their root and short spellings, which the cut keeps.
pub(super) const MAX_RENDERED: usize = 1024;

/// Compact text of an expression (no whitespace), for receivers: paths, fields and
/// calls are spelled out; anything else is `_`. At most [`MAX_RENDERED`] bytes (+ `…`).
pub(super) fn render(expr: &Expr) -> String {
    let mut out = String::new();
    if render_into(expr, &mut out).is_err() {
        let mut cut = MAX_RENDERED.min(out.len());
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('…');
    }
    out
}

/// The text is longer than [`MAX_RENDERED`]; rendering stopped.
struct TooLong;

fn push(out: &mut String, text: &str) -> Result<(), TooLong> {
    out.push_str(text);
    if out.len() > MAX_RENDERED {
        Err(TooLong)
    } else {
        Ok(())
    }
}

fn render_list(args: &Punctuated<Expr, Token![,]>, out: &mut String) -> Result<(), TooLong> {
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            push(out, ",")?;
        }
        render_into(arg, out)?;
    }
    Ok(())
}

fn render_into(expr: &Expr, out: &mut String) -> Result<(), TooLong> {
    match expr {
        Expr::Path(p) => {
            if p.path.leading_colon.is_some() {
                push(out, "::")?;
            }
            for (i, segment) in p.path.segments.iter().enumerate() {
                if i > 0 {
                    push(out, "::")?;
                }
                push(out, &segment.ident.to_string())?;
            }
            Ok(())
        }
        Expr::Field(f) => {
            render_into(&f.base, out)?;
            push(out, ".")?;
            push(out, &member_name(&f.member))
        }
        Expr::MethodCall(m) => {
            render_into(&m.receiver, out)?;
            push(out, ".")?;
            push(out, &m.method.to_string())?;
            push(out, "(")?;
            render_list(&m.args, out)?;
            push(out, ")")
        }
        Expr::Call(c) => {
            render_into(&c.func, out)?;
            push(out, "(")?;
            render_list(&c.args, out)?;
            push(out, ")")
        }
        Expr::Paren(p) => {
            push(out, "(")?;
            render_into(&p.expr, out)?;
            push(out, ")")
        }
        Expr::Reference(r) => {
            push(out, "&")?;
            render_into(&r.expr, out)
        }
        Expr::Try(t) => {
            render_into(&t.expr, out)?;
            push(out, "?")
        }
        Expr::Await(a) => {
            render_into(&a.base, out)?;
            push(out, ".await")
        }
        Expr::Index(i) => {
            render_into(&i.expr, out)?;
            push(out, "[")?;
            render_into(&i.index, out)?;
            push(out, "]")
        }
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => push(out, &s.token().to_string()),
            Lit::Int(i) => push(out, &i.token().to_string()),
            Lit::Float(f) => push(out, &f.token().to_string()),
            Lit::Bool(b) => push(out, &b.value.to_string()),
            Lit::Char(c) => push(out, &c.token().to_string()),
            _ => push(out, "_"),
        },
        Expr::Macro(m) => {
            for (i, segment) in m.mac.path.segments.iter().enumerate() {
                if i > 0 {
                    push(out, "::")?;
                }
                push(out, &segment.ident.to_string())?;
            }
            push(out, "!(..)")
        }
        Expr::Unary(u) => render_into(&u.expr, out),
        Expr::Cast(c) => render_into(&c.expr, out),
        _ => push(out, "_"),
    }
}
