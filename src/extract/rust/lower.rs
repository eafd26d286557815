//! Rust sources (Tauri back ends) lowered to [`SourceIr`] with `syn`.
//!
//! Follows the rules of [`crate::extract::ir::lowering`]. Rust specifics:
//! - `use` trees become one import per leaf (`posthog_rs::Client`, `a::b::*`, aliases
//!   as bindings); `extern crate x as y;` too. A multi-segment path to another crate
//!   used in code (`tauri_plugin_geolocation::init()`) is a qualified reference;
//! - `client.capture(event)` is a call with receiver `client`; a path call
//!   `Geolocation::get_current_position(o)` has method `get_current_position` and
//!   receiver `Geolocation`;
//! - `let` patterns (tuples, structs, slices) give the assignment targets; `if let`,
//!   `match` arms and `for` patterns are assignments of the scrutinee's value;
//! - closures passed to a call are lowered inline after it (`Assign [params] ← call`);
//! - `?`, `.await`, `&`, `*`, casts and parentheses are transparent; struct literals,
//!   tuples and arrays read their fields; comparisons and `&&`/`||` read nothing;
//! - macro arguments are parsed as comma-separated expressions where they are
//!   (`format!("{}", lat)`), with inline captures of format strings (`format!("{lat}")`)
//!   read too; other macro bodies (`json!({"lat": p.lat})`) fall back to the variable
//!   paths among their tokens.
//!
//! Files syn cannot parse (unstable syntax, a macro-heavy item it rejects) and files
//! whose brackets nest deeper than [`MAX_BRACKET_NESTING`] are not lowered: `lower`
//! returns `Err` with the reason and the error's `line:column`, which the caller
//! reports as PL900 (unanalyzed file).

use std::collections::BTreeSet;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{
    Block, Expr, FnArg, ImplItem, Item, Lit, Macro, Member, Pat, Signature, Stmt, Token, TraitItem,
    UseTree,
};

use crate::extract::FileInput;
use crate::extract::ir::lowering::{Builder, FunctionOrder, call_value, var};
use crate::extract::ir::{CallId, Op, Read, SourceIr, ValueIr};
use crate::model::Location;
use depth::too_deep;
use syntax::{expr_start, pat_start, render};

/// syn parses recursively: deeper bracket nesting than this is refused before parsing
/// so a hostile or generated file cannot overflow the stack.
pub const MAX_BRACKET_NESTING: usize = 500;

/// Longest run of prefix operators accepted (see [`too_deep`]).
pub const MAX_PREFIX_RUN: usize = 256;

/// How deep the lowering itself may recurse into expressions (it runs on the parser's
/// large stack, so this only bounds pathological trees brackets do not show).
const MAX_DEPTH: usize = 2000;

/// Macros whose string arguments are format strings with inline captures.
const FORMAT_MACROS: &[&str] = &[
    "format",
    "format_args",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "panic",
    "info",
    "warn",
    "error",
    "debug",
    "trace",
    "log",
    "anyhow",
    "bail",
];

/// Crates of the standard distribution: paths into them are not third-party references.
const STD_CRATES: &[&str] = &["std", "core", "alloc", "crate", "self", "super", "Self"];

/// Stack for the thread that parses and lowers one file. syn's recursive descent takes
/// tens of kilobytes per nesting level in debug builds, far beyond a worker thread's
/// default 2 MiB at [`MAX_BRACKET_NESTING`]; the memory is reserved, not committed.
const PARSE_STACK_BYTES: usize = 256 << 20;

pub fn lower(input: &FileInput) -> Result<SourceIr, String> {
    if let Some((line, column, what)) = too_deep(input.text) {
        return Err(format!(
            "nesting too deep to parse safely: {what} at {line}:{column}"
        ));
    }
    let (path, text) = (input.path, input.text);
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("privlint-rust-parser".to_string())
            .stack_size(PARSE_STACK_BYTES)
            .spawn_scoped(scope, move || parse_and_lower(path, text))
            .map_err(|e| format!("could not start the Rust parser: {e}"))?;
        worker
            .join()
            .map_err(|_| "the Rust parser failed on this file".to_string())?
    })
}

fn parse_and_lower(path: &str, text: &str) -> Result<SourceIr, String> {
    let file = syn::parse_file(text).map_err(|error| {
        let start = error.span().start();
        format!(
            "Rust syntax not understood at {}:{}: {error}",
            start.line,
            start.column + 1
        )
    })?;
    let mut lowerer = Lowerer::new(path);
    for item in &file.items {
        lowerer.item(item);
    }
    lowerer.finish()
}

struct Lowerer<'a> {
    b: Builder<'a>,
    referenced: BTreeSet<String>,
    /// Modules this file declares (`mod diary;`): paths starting with one are the
    /// crate's own code, written `self::…` in the imports.
    local_modules: BTreeSet<String>,
    depth: usize,
    too_deep: bool,
    closure_depth: usize,
}

impl<'a> Lowerer<'a> {
    fn new(path: &'a str) -> Self {
        Lowerer {
            b: Builder::new(path, ""),
            referenced: BTreeSet::new(),
            local_modules: BTreeSet::new(),
            depth: 0,
            too_deep: false,
            closure_depth: 0,
        }
    }

    fn finish(mut self) -> Result<SourceIr, String> {
        if self.too_deep {
            return Err(format!(
                "nesting too deep to analyse safely (more than {MAX_DEPTH} levels)"
            ));
        }
        // `use diary::capture;` after `mod diary;` (2018 uniform paths) is first-party.
        for import in self.b.imports_mut() {
            let first = import.path.split("::").next().unwrap_or_default();
            if self.local_modules.contains(first) {
                import.path = format!("self::{}", import.path);
            }
        }
        Ok(self.b.finish(FunctionOrder::Closed))
    }

    fn loc(&self, span: Span) -> Location {
        let start = span.start();
        Location::new(self.b.path, start.line as u32, start.column as u32 + 1)
    }

    fn emit(&mut self, op: Op) {
        self.b.op(op);
    }

    fn assign(&mut self, targets: Vec<String>, value: ValueIr, at: Span) {
        let at = self.loc(at);
        self.b.assign(targets, value, at);
    }

    // ---- items ----

    fn item(&mut self, item: &Item) {
        match item {
            Item::Use(u) => {
                let mut prefix = Vec::new();
                if u.leading_colon.is_some() {
                    prefix.push(String::new());
                }
                let at = self.loc(u.use_token.span);
                self.use_tree(&u.tree, &mut prefix, &at);
            }
            Item::ExternCrate(e) => {
                let name = e.ident.to_string();
                let binding = e
                    .rename
                    .as_ref()
                    .map_or_else(|| name.clone(), |(_, alias)| alias.to_string());
                let at = self.loc(e.extern_token.span);
                self.b.import(name, vec![binding], false, at);
            }
            Item::Fn(f) => self.function(&f.sig, &f.block),
            Item::Impl(i) => {
                for item in &i.items {
                    if let ImplItem::Fn(f) = item {
                        self.function(&f.sig, &f.block);
                    }
                }
            }
            Item::Trait(t) => {
                for item in &t.items {
                    if let TraitItem::Fn(f) = item
                        && let Some(block) = &f.default
                    {
                        self.function(&f.sig, block);
                    }
                }
            }
            Item::Mod(m) => {
                // A declared module is a first-party name in scope, like an import.
                let name = m.ident.to_string();
                if self.local_modules.insert(name.clone()) {
                    self.b
                        .import(name.clone(), vec![name], false, self.loc(m.ident.span()));
                }
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    self.item(item);
                }
            }
            Item::Const(c) => {
                let value = self.expr(&c.expr);
                self.assign(vec![c.ident.to_string()], value, c.ident.span());
            }
            Item::Static(s) => {
                let value = self.expr(&s.expr);
                self.assign(vec![s.ident.to_string()], value, s.ident.span());
            }
            Item::Macro(m) => {
                self.macro_reads(&m.mac);
            }
            _ => {}
        }
    }

    fn use_tree(&mut self, tree: &UseTree, prefix: &mut Vec<String>, at: &Location) {
        let joined = |prefix: &[String], last: &str| {
            let mut parts: Vec<&str> = prefix.iter().map(String::as_str).collect();
            parts.push(last);
            parts.join("::")
        };
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix, at);
                prefix.pop();
            }
            UseTree::Name(n) => {
                let name = n.ident.to_string();
                // `use a::{self}` imports `a` itself.
                let (path, binding) = if name == "self" && !prefix.is_empty() {
                    (
                        prefix.join("::"),
                        prefix.last().cloned().unwrap_or_default(),
                    )
                } else {
                    (joined(prefix, &name), name)
                };
                self.b.import(path, vec![binding], false, at.clone());
            }
            UseTree::Rename(r) => {
                let name = r.ident.to_string();
                let path = if name == "self" {
                    prefix.join("::")
                } else {
                    joined(prefix, &name)
                };
                self.b
                    .import(path, vec![r.rename.to_string()], false, at.clone());
            }
            UseTree::Glob(_) => self
                .b
                .import(joined(prefix, "*"), Vec::new(), false, at.clone()),
            UseTree::Group(g) => {
                for tree in &g.items {
                    self.use_tree(tree, prefix, at);
                }
            }
        }
    }

    fn function(&mut self, sig: &Signature, block: &Block) {
        let mut params = Vec::new();
        for input in &sig.inputs {
            match input {
                FnArg::Receiver(_) => params.push("self".to_string()),
                FnArg::Typed(t) => pattern_names(&t.pat, &mut params),
            }
        }
        let at = self.loc(sig.fn_token.span);
        self.b.begin(sig.ident.to_string(), params, at);
        let saved_closure_depth = std::mem::take(&mut self.closure_depth);
        let tail = self.block(block);
        if block_has_tail(block) {
            self.emit(Op::Return(tail));
        }
        self.closure_depth = saved_closure_depth;
        self.b.end();
    }

    // ---- statements ----

    /// Lower a block; its value is what its tail expression reads.
    fn block(&mut self, block: &Block) -> ValueIr {
        let mut tail = ValueIr::default();
        for stmt in &block.stmts {
            tail = ValueIr::default();
            match stmt {
                Stmt::Local(local) => {
                    let mut targets = Vec::new();
                    pattern_names(&local.pat, &mut targets);
                    if let Some(init) = &local.init {
                        let value = self.expr(&init.expr);
                        if let Some((_, diverge)) = &init.diverge {
                            self.expr(diverge);
                        }
                        self.assign(targets, value, local.let_token.span);
                    }
                }
                Stmt::Item(item) => self.item(item),
                Stmt::Expr(expr, semi) => {
                    let value = self.expr(expr);
                    if semi.is_none() {
                        tail = value;
                    }
                }
                Stmt::Macro(m) => {
                    self.macro_reads(&m.mac);
                }
            }
        }
        tail
    }

    // ---- expressions ----

    fn expr(&mut self, expr: &Expr) -> ValueIr {
        if self.depth >= MAX_DEPTH {
            self.too_deep = true;
            return ValueIr::default();
        }
        self.depth += 1;
        let value = self.expr_inner(expr);
        self.depth -= 1;
        value
    }

    fn exprs<'e>(&mut self, exprs: impl IntoIterator<Item = &'e Expr>) -> ValueIr {
        let mut value = ValueIr::default();
        for e in exprs {
            value.reads.extend(self.expr(e).reads);
        }
        value
    }

    fn expr_inner(&mut self, expr: &Expr) -> ValueIr {
        match expr {
            Expr::Path(p) => {
                let segments: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if segments.len() > 1 {
                    self.reference(&segments, p.path.segments.first().map(|s| s.ident.span()));
                }
                // Only local variables carry data: `None`, `MAX`, `Foo::BAR` are names
                // of constants, variants and types.
                match segments.as_slice() {
                    [name] if name.starts_with(|c: char| c.is_lowercase() || c == '_') => {
                        var(name, Vec::new())
                    }
                    _ => ValueIr::default(),
                }
            }
            Expr::Field(f) => {
                let mut value = self.expr(&f.base);
                if let [Read::Var { members, .. }] = value.reads.as_mut_slice() {
                    members.push(member_name(&f.member));
                }
                value
            }
            Expr::MethodCall(m) => {
                let receiver_value = self.expr(&m.receiver);
                let at = expr_start(&m.receiver).unwrap_or_else(|| m.method.span());
                self.finish_call(
                    Some(render(&m.receiver)),
                    receiver_value,
                    m.method.to_string(),
                    m.args.iter(),
                    at,
                )
            }
            Expr::Call(c) => {
                if let Expr::Path(p) = &*c.func {
                    let segments: Vec<String> = p
                        .path
                        .segments
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect();
                    let first = p.path.segments.first().map(|s| s.ident.span());
                    if segments.len() > 1 {
                        self.reference(&segments, first);
                    }
                    let (method, receiver) = match segments.split_last() {
                        Some((last, rest)) if !rest.is_empty() => {
                            (last.clone(), Some(rest.join("::")))
                        }
                        Some((last, _)) => (last.clone(), None),
                        None => (String::new(), None),
                    };
                    let at = first.unwrap_or_else(|| c.paren_token.span.open());
                    self.finish_call(receiver, ValueIr::default(), method, c.args.iter(), at)
                } else {
                    let receiver_value = self.expr(&c.func);
                    let at = expr_start(&c.func).unwrap_or_else(|| c.paren_token.span.open());
                    self.finish_call(
                        Some(render(&c.func)),
                        receiver_value,
                        "call".to_string(),
                        c.args.iter(),
                        at,
                    )
                }
            }
            Expr::Macro(m) => self.macro_reads(&m.mac),
            Expr::Closure(c) => {
                self.closure(c, None);
                ValueIr::default()
            }
            Expr::Assign(a) => {
                let value = self.expr(&a.right);
                let span = expr_start(&a.left).unwrap_or_else(|| a.eq_token.span);
                self.assign_to(&a.left, value, false, span)
            }
            Expr::Binary(b) => {
                use syn::BinOp;
                let left = self.expr(&b.left);
                let right = self.expr(&b.right);
                match b.op {
                    // A boolean result carries none of the data it was computed from.
                    BinOp::Eq(_)
                    | BinOp::Ne(_)
                    | BinOp::Lt(_)
                    | BinOp::Le(_)
                    | BinOp::Gt(_)
                    | BinOp::Ge(_)
                    | BinOp::And(_)
                    | BinOp::Or(_) => ValueIr::default(),
                    BinOp::AddAssign(_)
                    | BinOp::SubAssign(_)
                    | BinOp::MulAssign(_)
                    | BinOp::DivAssign(_)
                    | BinOp::RemAssign(_)
                    | BinOp::BitXorAssign(_)
                    | BinOp::BitAndAssign(_)
                    | BinOp::BitOrAssign(_)
                    | BinOp::ShlAssign(_)
                    | BinOp::ShrAssign(_) => {
                        let span = expr_start(&b.left).unwrap_or_else(Span::call_site);
                        self.assign_to(&b.left, right, true, span)
                    }
                    _ => {
                        let mut value = left;
                        value.reads.extend(right.reads);
                        value
                    }
                }
            }
            Expr::Unary(u) => self.expr(&u.expr),
            Expr::Reference(r) => self.expr(&r.expr),
            Expr::RawAddr(r) => self.expr(&r.expr),
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Group(g) => self.expr(&g.expr),
            Expr::Cast(c) => self.expr(&c.expr),
            Expr::Try(t) => self.expr(&t.expr),
            Expr::Await(a) => self.expr(&a.base),
            Expr::Struct(s) => {
                let segments: Vec<String> = s
                    .path
                    .segments
                    .iter()
                    .map(|x| x.ident.to_string())
                    .collect();
                if segments.len() > 1 {
                    self.reference(&segments, s.path.segments.first().map(|x| x.ident.span()));
                }
                let mut value = self.exprs(s.fields.iter().map(|f| &f.expr));
                if let Some(rest) = &s.rest {
                    value.reads.extend(self.expr(rest).reads);
                }
                value
            }
            Expr::Tuple(t) => self.exprs(&t.elems),
            Expr::Array(a) => self.exprs(&a.elems),
            Expr::Repeat(r) => {
                self.expr(&r.len);
                self.expr(&r.expr)
            }
            Expr::Index(i) => {
                self.expr(&i.index);
                self.expr(&i.expr)
            }
            Expr::Range(r) => self.exprs(r.start.iter().chain(r.end.iter()).map(|e| &**e)),
            Expr::Let(l) => {
                let value = self.expr(&l.expr);
                let mut targets = Vec::new();
                pattern_names(&l.pat, &mut targets);
                self.assign(targets, value, l.let_token.span);
                ValueIr::default()
            }
            Expr::If(i) => {
                self.expr(&i.cond);
                let mut value = self.block(&i.then_branch);
                if let Some((_, otherwise)) = &i.else_branch {
                    value.reads.extend(self.expr(otherwise).reads);
                }
                value
            }
            Expr::Match(m) => {
                let scrutinee = self.expr(&m.expr);
                let mut value = ValueIr::default();
                for arm in &m.arms {
                    let mut targets = Vec::new();
                    pattern_names(&arm.pat, &mut targets);
                    let span = pat_start(&arm.pat).unwrap_or(m.match_token.span);
                    self.assign(targets, scrutinee.clone(), span);
                    if let Some((_, guard)) = &arm.guard {
                        self.expr(guard);
                    }
                    value.reads.extend(self.expr(&arm.body).reads);
                }
                value
            }
            Expr::ForLoop(f) => {
                let iterable = self.expr(&f.expr);
                let mut targets = Vec::new();
                pattern_names(&f.pat, &mut targets);
                self.assign(targets, iterable, f.for_token.span);
                self.block(&f.body);
                ValueIr::default()
            }
            Expr::While(w) => {
                self.expr(&w.cond);
                self.block(&w.body);
                ValueIr::default()
            }
            Expr::Loop(l) => {
                self.block(&l.body);
                ValueIr::default()
            }
            Expr::Block(b) => self.block(&b.block),
            Expr::Unsafe(u) => self.block(&u.block),
            Expr::Async(a) => self.block(&a.block),
            Expr::TryBlock(t) => self.block(&t.block),
            Expr::Const(c) => self.block(&c.block),
            Expr::Return(r) => {
                let value = r.expr.as_ref().map(|e| self.expr(e)).unwrap_or_default();
                if self.closure_depth == 0 {
                    self.emit(Op::Return(value));
                }
                ValueIr::default()
            }
            Expr::Break(b) => {
                if let Some(e) = &b.expr {
                    self.expr(e);
                }
                ValueIr::default()
            }
            Expr::Yield(y) => {
                if let Some(e) = &y.expr {
                    self.expr(e);
                }
                ValueIr::default()
            }
            _ => ValueIr::default(),
        }
    }

    /// `x = v` assigns `x`; `a.b = v` is a call of `b` on `a`; `a[i] = v` and compound
    /// assignments keep what the target held.
    fn assign_to(
        &mut self,
        left: &Expr,
        mut value: ValueIr,
        compound: bool,
        span: Span,
    ) -> ValueIr {
        match left {
            Expr::Field(f) => {
                let receiver_value = self.expr(&f.base);
                let at = self.loc(span);
                self.b.call(
                    Some(render(&f.base)),
                    receiver_value,
                    &member_name(&f.member),
                    vec![value],
                    String::new(),
                    at,
                );
                ValueIr::default()
            }
            Expr::Index(i) => {
                self.expr(&i.index);
                value.reads.extend(self.expr(&i.expr).reads);
                self.assign(vec![render(&i.expr)], value, span);
                ValueIr::default()
            }
            Expr::Unary(u) => self.assign_to(&u.expr, value, compound, span),
            Expr::Paren(p) => self.assign_to(&p.expr, value, compound, span),
            _ => {
                if compound {
                    value.reads.extend(self.expr(left).reads);
                }
                let mut targets = Vec::new();
                expr_targets(left, &mut targets);
                self.assign(targets, value, span);
                ValueIr::default()
            }
        }
    }

    /// Lower the arguments, emit the call, then lower the closures it was given.
    fn finish_call<'e>(
        &mut self,
        receiver: Option<String>,
        receiver_value: ValueIr,
        method: String,
        args: impl Iterator<Item = &'e Expr>,
        at: Span,
    ) -> ValueIr {
        let mut arg_values = Vec::new();
        let mut closures = Vec::new();
        let mut rendered = Vec::new();
        for arg in args {
            rendered.push(render(arg));
            if let Expr::Closure(c) = arg {
                closures.push(c);
                arg_values.push(ValueIr::default());
            } else {
                arg_values.push(self.expr(arg));
            }
        }
        let at = self.loc(at);
        let id = self.b.call(
            receiver,
            receiver_value,
            &method,
            arg_values,
            rendered.join(", "),
            at,
        );
        for closure in closures {
            self.closure(closure, Some(id));
        }
        call_value(id)
    }

    fn closure(&mut self, closure: &syn::ExprClosure, call: Option<CallId>) {
        let mut params = Vec::new();
        for input in &closure.inputs {
            pattern_names(input, &mut params);
        }
        if let Some(id) = call {
            let at = self.loc(closure.or1_token.span);
            self.b.bind_callback(params, id, at);
        }
        self.closure_depth += 1;
        self.expr(&closure.body);
        self.closure_depth -= 1;
    }

    /// A path into another crate used in code.
    fn reference(&mut self, segments: &[String], at: Option<Span>) {
        let Some(first) = segments.first() else {
            return;
        };
        let external = !STD_CRATES.contains(&first.as_str())
            && first.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let path = segments.join("::");
        if external && self.referenced.insert(path.clone()) {
            let at = at.map_or_else(|| Location::new(self.b.path, 1, 1), |s| self.loc(s));
            self.b.import(path, Vec::new(), true, at);
        }
    }
}

fn block_has_tail(block: &Block) -> bool {
    matches!(block.stmts.last(), Some(Stmt::Expr(_, None)))
}

fn member_name(member: &Member) -> String {
    match member {
        Member::Named(ident) => ident.to_string(),
        Member::Unnamed(index) => index.index.to_string(),
    }
}

/// Variables a pattern binds.
fn pattern_names(pat: &Pat, names: &mut Vec<String>) {
    match pat {
        Pat::Ident(p) => {
            names.push(p.ident.to_string());
            if let Some((_, sub)) = &p.subpat {
                pattern_names(sub, names);
            }
        }
        Pat::Tuple(t) => t.elems.iter().for_each(|p| pattern_names(p, names)),
        Pat::TupleStruct(t) => t.elems.iter().for_each(|p| pattern_names(p, names)),
        Pat::Struct(s) => s.fields.iter().for_each(|f| pattern_names(&f.pat, names)),
        Pat::Slice(s) => s.elems.iter().for_each(|p| pattern_names(p, names)),
        Pat::Or(o) => o.cases.iter().for_each(|p| pattern_names(p, names)),
        Pat::Reference(r) => pattern_names(&r.pat, names),
        Pat::Paren(p) => pattern_names(&p.pat, names),
        Pat::Type(t) => pattern_names(&t.pat, names),
        _ => {}
    }
}

/// Targets of a destructuring assignment `(a, b) = …`.
fn expr_targets(expr: &Expr, targets: &mut Vec<String>) {
    match expr {
        Expr::Tuple(t) => t.elems.iter().for_each(|e| expr_targets(e, targets)),
        Expr::Array(a) => a.elems.iter().for_each(|e| expr_targets(e, targets)),
        Expr::Paren(p) => expr_targets(&p.expr, targets),
        Expr::Infer(_) => {}
        other => targets.push(render(other)),
    }
}

mod depth;
mod macros;
mod syntax;
#[cfg(test)]
mod tests;
