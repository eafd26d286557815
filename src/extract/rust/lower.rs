//! Rust sources (Tauri back ends) lowered to [`SourceIr`] with `syn`.
//!
//! Follows the lowering rules of [`crate::extract::ir`]. Rust specifics:
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
use crate::extract::ir::{
    AssignIr, CallId, CallIr, FunctionIr, Import, Op, Read, SourceIr, ValueIr,
};
use crate::model::Location;

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

/// Where the text nests deeper than syn can safely parse: brackets nested more than
/// [`MAX_BRACKET_NESTING`] levels, or a run of more than [`MAX_PREFIX_RUN`] prefix
/// operators (`- - - x`, `&&&&x`, `|| || ||`), which syn also parses recursively.
/// Comments, strings and character literals are skipped.
fn too_deep(text: &str) -> Option<(usize, usize, String)> {
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

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

struct Lowerer<'a> {
    path: &'a str,
    imports: Vec<Import>,
    referenced: BTreeSet<String>,
    /// Modules this file declares (`mod diary;`): paths starting with one are the
    /// crate's own code, written `self::…` in the imports.
    local_modules: BTreeSet<String>,
    finished: Vec<FunctionIr>,
    /// Functions being lowered, innermost last; the bottom one is `<top>`.
    stack: Vec<FunctionIr>,
    next_call: u32,
    depth: usize,
    too_deep: bool,
    closure_depth: usize,
}

impl<'a> Lowerer<'a> {
    fn new(path: &'a str) -> Self {
        Lowerer {
            path,
            imports: Vec::new(),
            referenced: BTreeSet::new(),
            local_modules: BTreeSet::new(),
            finished: Vec::new(),
            stack: vec![FunctionIr {
                name: "<top>".to_string(),
                params: Vec::new(),
                ops: Vec::new(),
                at: Location::new(path, 1, 1),
            }],
            next_call: 0,
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
        let mut functions: Vec<FunctionIr> = self.stack.drain(..).collect();
        functions.append(&mut self.finished);
        // `use diary::capture;` after `mod diary;` (2018 uniform paths) is first-party.
        for import in &mut self.imports {
            let first = import.path.split("::").next().unwrap_or_default();
            if self.local_modules.contains(first) {
                import.path = format!("self::{}", import.path);
            }
        }
        Ok(SourceIr {
            imports: self.imports,
            functions,
        })
    }

    fn loc(&self, span: Span) -> Location {
        let start = span.start();
        Location::new(self.path, start.line as u32, start.column as u32 + 1)
    }

    fn emit(&mut self, op: Op) {
        if let Some(function) = self.stack.last_mut() {
            function.ops.push(op);
        }
    }

    fn assign(&mut self, targets: Vec<String>, value: ValueIr, at: Span) {
        if targets.is_empty() {
            return;
        }
        let at = self.loc(at);
        self.emit(Op::Assign(AssignIr { targets, value, at }));
    }

    fn call_id(&mut self) -> CallId {
        let id = CallId(self.next_call);
        self.next_call += 1;
        id
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
                self.imports.push(Import {
                    path: name,
                    bindings: vec![binding],
                    qualified_reference: false,
                    at,
                });
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
                    self.imports.push(Import {
                        path: name.clone(),
                        bindings: vec![name],
                        qualified_reference: false,
                        at: self.loc(m.ident.span()),
                    });
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
                self.imports.push(Import {
                    path,
                    bindings: vec![binding],
                    qualified_reference: false,
                    at: at.clone(),
                });
            }
            UseTree::Rename(r) => {
                let name = r.ident.to_string();
                let path = if name == "self" {
                    prefix.join("::")
                } else {
                    joined(prefix, &name)
                };
                self.imports.push(Import {
                    path,
                    bindings: vec![r.rename.to_string()],
                    qualified_reference: false,
                    at: at.clone(),
                });
            }
            UseTree::Glob(_) => self.imports.push(Import {
                path: joined(prefix, "*"),
                bindings: Vec::new(),
                qualified_reference: false,
                at: at.clone(),
            }),
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
        self.stack.push(FunctionIr {
            name: sig.ident.to_string(),
            params,
            ops: Vec::new(),
            at: self.loc(sig.fn_token.span),
        });
        let saved_closure_depth = std::mem::take(&mut self.closure_depth);
        let tail = self.block(block);
        if block_has_tail(block) {
            self.emit(Op::Return(tail));
        }
        self.closure_depth = saved_closure_depth;
        if let Some(done) = self.stack.pop() {
            self.finished.push(done);
        }
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
                    [name] if name.starts_with(|c: char| c.is_lowercase() || c == '_') => var(name),
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
                let id = self.call_id();
                let at = self.loc(span);
                self.emit(Op::Call(CallIr {
                    id,
                    receiver: Some(render(&f.base)),
                    receiver_value,
                    method: member_name(&f.member),
                    args: vec![value],
                    args_text: String::new(),
                    at,
                }));
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
        let id = self.call_id();
        let at = self.loc(at);
        self.emit(Op::Call(CallIr {
            id,
            receiver,
            receiver_value,
            method,
            args: arg_values,
            args_text: rendered.join(", "),
            at,
        }));
        for closure in closures {
            self.closure(closure, Some(id));
        }
        ValueIr {
            reads: vec![Read::Call(id)],
        }
    }

    fn closure(&mut self, closure: &syn::ExprClosure, call: Option<CallId>) {
        let mut params = Vec::new();
        for input in &closure.inputs {
            pattern_names(input, &mut params);
        }
        if let Some(id) = call {
            self.assign(
                params,
                ValueIr {
                    reads: vec![Read::Call(id)],
                },
                closure.or1_token.span,
            );
        }
        self.closure_depth += 1;
        self.expr(&closure.body);
        self.closure_depth -= 1;
    }

    /// Reads of a macro's arguments: as expressions where they parse, else the variable
    /// paths among the tokens. Format strings add their inline captures.
    fn macro_reads(&mut self, mac: &Macro) -> ValueIr {
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

    /// A path into another crate used in code.
    fn reference(&mut self, segments: &[String], at: Option<Span>) {
        let Some(first) = segments.first() else {
            return;
        };
        let external = !STD_CRATES.contains(&first.as_str())
            && first.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let path = segments.join("::");
        if external && self.referenced.insert(path.clone()) {
            let at = at.map_or_else(|| Location::new(self.path, 1, 1), |s| self.loc(s));
            self.imports.push(Import {
                path,
                bindings: Vec::new(),
                qualified_reference: true,
                at,
            });
        }
    }
}

fn var(name: &str) -> ValueIr {
    ValueIr {
        reads: vec![Read::Var {
            name: name.to_string(),
            members: Vec::new(),
        }],
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

/// The first token's span of an expression, where it can be found without `printing`.
fn expr_start(expr: &Expr) -> Option<Span> {
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

fn pat_start(pat: &Pat) -> Option<Span> {
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

fn lit_span(lit: &Lit) -> Option<Span> {
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
fn render(expr: &Expr) -> String {
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

/// `{name}` and `{name:?}` captures of a format string (not `{}`, `{0}` or `{{`).
fn format_captures(format: &str) -> Vec<Read> {
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
fn token_reads(tokens: TokenStream) -> Vec<Read> {
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

fn is_keyword(name: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::flutter::pubspec::test_catalog;

    fn try_lower(text: &str) -> Result<SourceIr, String> {
        let catalog = test_catalog();
        let input = FileInput::new("src-tauri/src/main.rs", text.as_bytes(), text, &catalog);
        lower(&input)
    }

    fn lower_text(text: &str) -> SourceIr {
        try_lower(text).expect("lowering succeeds")
    }

    fn function<'i>(ir: &'i SourceIr, name: &str) -> &'i FunctionIr {
        ir.functions
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no function {name}"))
    }

    fn render_value(value: &ValueIr) -> String {
        let reads: Vec<String> = value
            .reads
            .iter()
            .map(|r| match r {
                Read::Var { name, members } if members.is_empty() => name.clone(),
                Read::Var { name, members } => format!("{name}.{}", members.join(".")),
                Read::Call(id) => format!("#{}", id.0),
            })
            .collect();
        format!("[{}]", reads.join(","))
    }

    fn render_ops(function: &FunctionIr) -> Vec<String> {
        function
            .ops
            .iter()
            .map(|op| match op {
                Op::Call(c) => {
                    let args: Vec<String> = c.args.iter().map(render_value).collect();
                    format!(
                        "#{} {}{}({}) @{}:{}",
                        c.id.0,
                        c.receiver
                            .as_ref()
                            .map(|r| format!("{r}{}.", render_value(&c.receiver_value)))
                            .unwrap_or_default(),
                        c.method,
                        args.join(" "),
                        c.at.line,
                        c.at.column
                    )
                }
                Op::Assign(a) => format!(
                    "{} = {} @{}:{}",
                    a.targets.join(","),
                    render_value(&a.value),
                    a.at.line,
                    a.at.column
                ),
                Op::Return(v) => format!("return {}", render_value(v)),
            })
            .collect()
    }

    #[test]
    fn use_trees_and_extern_crates() {
        let ir = lower_text(
            "use posthog_rs::{Client, Event as PhEvent, self};\nuse tauri_plugin_geolocation::*;\nuse ::serde::Serialize;\nextern crate posthog_rs as ph;\n",
        );
        let imports: Vec<_> = ir
            .imports
            .iter()
            .map(|i| {
                (
                    i.path.as_str(),
                    i.bindings.join(","),
                    i.at.line,
                    i.at.column,
                )
            })
            .collect();
        assert_eq!(
            imports,
            vec![
                ("posthog_rs::Client", "Client".to_string(), 1, 1),
                ("posthog_rs::Event", "PhEvent".to_string(), 1, 1),
                ("posthog_rs", "posthog_rs".to_string(), 1, 1),
                ("tauri_plugin_geolocation::*", String::new(), 2, 1),
                ("::serde::Serialize", "Serialize".to_string(), 3, 1),
                ("posthog_rs", "ph".to_string(), 4, 1),
            ]
        );
        assert!(ir.imports.iter().all(|i| !i.qualified_reference));
    }

    #[test]
    fn position_flows_through_let_try_and_await_to_the_sink() {
        let ir = lower_text(
            r#"
async fn share(app: AppHandle, client: &Client) -> Result<(), String> {
    let position = app.geolocation().get_current_position(None).map_err(|e| e.to_string())?;
    let mut event = posthog_rs::Event::new("moved", "device");
    event.insert_prop("lat", position.coords.latitude).ok();
    client.capture(event).await.map_err(|e| e.to_string())
}
"#,
        );
        let share = function(&ir, "share");
        assert_eq!(share.params, vec!["app", "client"]);
        assert_eq!(
            render_ops(share),
            vec![
                "#0 app[app].geolocation() @3:20",
                "#1 app.geolocation()[#0].get_current_position([]) @3:20",
                "#2 app.geolocation().get_current_position(None)[#1].map_err([]) @3:20",
                "e = [#2] @3:73",
                "#3 e[e].to_string() @3:77",
                "position = [#2] @3:5",
                "#4 posthog_rs::Event[].new([] []) @4:21",
                "event = [#4] @4:5",
                "#5 event[event].insert_prop([] [position.coords.latitude]) @5:5",
                "#6 event.insert_prop(\"lat\",position.coords.latitude)[#5].ok() @5:5",
                "#7 client[client].capture([event]) @6:5",
                "#8 client.capture(event).await[#7].map_err([]) @6:5",
                "e = [#8] @6:41",
                "#9 e[e].to_string() @6:45",
                "return [#8]",
            ]
        );
        let references: Vec<_> = ir
            .imports
            .iter()
            .filter(|i| i.qualified_reference)
            .map(|i| (i.path.as_str(), i.at.line, i.at.column))
            .collect();
        assert_eq!(references, vec![("posthog_rs::Event::new", 4, 21)]);
    }

    #[test]
    fn path_calls_split_receiver_and_method() {
        let ir = lower_text(
            "fn main() {\n    tauri::Builder::default()\n        .plugin(tauri_plugin_geolocation::init())\n        .run(ctx);\n    let p = Geolocation::get_current_position(opts);\n    helper(p);\n}\n",
        );
        assert_eq!(
            render_ops(function(&ir, "main")),
            vec![
                "#0 tauri::Builder[].default() @2:5",
                "#1 tauri_plugin_geolocation[].init() @3:17",
                "#2 tauri::Builder::default()[#0].plugin([#1]) @2:5",
                "#3 tauri::Builder::default().plugin(tauri_plugin_geolocation::init())[#2].run([ctx]) @2:5",
                "#4 Geolocation[].get_current_position([opts]) @5:13",
                "p = [#4] @5:5",
                "#5 helper([p]) @6:5",
            ]
        );
        let references: Vec<_> = ir
            .imports
            .iter()
            .filter(|i| i.qualified_reference)
            .map(|i| i.path.as_str())
            .collect();
        assert_eq!(
            references,
            vec!["tauri::Builder::default", "tauri_plugin_geolocation::init"]
        );
    }

    #[test]
    fn format_macros_read_arguments_and_inline_captures() {
        let ir = lower_text(
            r#"fn f(lat: f64, pos: Position) {
    let a = format!("{}", lat);
    let b = format!("{lat:.4} {{literal}} {0}", pos.coords.longitude);
    println!("{b}");
    let c = json!({"lat": pos.coords.latitude, "n": count(x)});
    let d = vec![lat; 3];
}
"#,
        );
        assert_eq!(
            render_ops(function(&ir, "f")),
            vec![
                "a = [lat] @2:5",
                "b = [pos.coords.longitude,lat] @3:5",
                "c = [pos.coords.latitude,x] @5:5",
                "d = [lat] @6:5",
            ]
        );
    }

    #[test]
    fn struct_literals_tuples_and_destructuring() {
        let ir = lower_text(
            r#"fn f(p: Position) -> Payload {
    let Payload { lat, lon: longitude } = make(p);
    let (a, _b) = (p.coords.latitude, 1);
    let payload = Payload { lat: p.coords.latitude, lon, ..Default::default() };
    payload
}
"#,
        );
        assert_eq!(
            render_ops(function(&ir, "f")),
            vec![
                "#0 make([p]) @2:43",
                "lat,longitude = [#0] @2:5",
                "a,_b = [p.coords.latitude] @3:5",
                "#1 Default[].default() @4:60",
                "payload = [p.coords.latitude,lon,#1] @4:5",
                "return [payload]",
            ]
        );
    }

    #[test]
    fn control_flow_patterns_and_comparisons() {
        let ir = lower_text(
            r#"fn f(rx: Receiver<Position>) {
    if let Some(pos) = last_known() { send(pos.coords.latitude); }
    for update in rx.iter() { send(update); }
    match watch() {
        Ok(p) if p.coords.accuracy < 10.0 => send(p),
        _ => {}
    }
    let near = distance(a, b) < 5.0 && ok;
    total += delta;
    state.last = pos;
    cache[0] = pos;
}
"#,
        );
        assert_eq!(
            render_ops(function(&ir, "f")),
            vec![
                "#0 last_known() @2:24",
                "pos = [#0] @2:8",
                "#1 send([pos.coords.latitude]) @2:39",
                "#2 rx[rx].iter() @3:19",
                "update = [#2] @3:5",
                "#3 send([update]) @3:31",
                "#4 watch() @4:11",
                "p = [#4] @5:9",
                "#5 send([p]) @5:46",
                "#6 distance([a] [b]) @8:16",
                "near = [] @8:5",
                "total = [delta,total] @9:5",
                "#7 state[state].last([pos]) @10:5",
                "cache = [pos,cache] @11:5",
            ]
        );
    }

    #[test]
    fn impl_trait_nested_functions_and_closures() {
        let ir = lower_text(
            r#"const KEY: &str = env!("KEY");
struct Tracker;
impl Tracker {
    fn track(&self, pos: Position) -> u32 {
        fn inner(x: u32) -> u32 { x }
        let f = |q: u32| { return q; };
        return inner(1);
    }
}
trait Report { fn report(&self) { log(self); } fn required(&self); }
mod nested { pub fn deep() { go(); } }
"#,
        );
        let names: Vec<_> = ir.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["<top>", "inner", "track", "report", "deep"]);
        assert_eq!(render_ops(&ir.functions[0]), vec!["KEY = [] @1:7"]);
        assert_eq!(function(&ir, "track").params, vec!["self", "pos"]);
        assert_eq!(
            render_ops(function(&ir, "track")),
            vec!["f = [] @6:9", "#0 inner([]) @7:16", "return [#0]"]
        );
        assert_eq!(render_ops(function(&ir, "inner")), vec!["return [x]"]);
        assert_eq!(function(&ir, "track").at.line, 4);
    }

    #[test]
    fn comments_and_strings_produce_nothing() {
        let ir = lower_text(
            "// client.capture(position)\n/* posthog_rs::client(\"k\") */\nfn f() { let s = \"posthog_rs::client(key)\"; }\n",
        );
        assert!(ir.imports.is_empty());
        assert_eq!(render_ops(function(&ir, "f")), vec!["s = [] @3:10"]);
    }

    #[test]
    fn syntax_errors_are_reported_with_position() {
        let error = try_lower("fn main() {\n    let x = ;\n}\n").expect_err("invalid");
        assert!(
            error.starts_with("Rust syntax not understood at 2:"),
            "{error}"
        );
    }

    #[test]
    fn deep_bracket_nesting_is_refused_before_parsing() {
        let deep = format!("fn f() {{ {}1{} }}", "(".repeat(600), ")".repeat(600));
        let error = try_lower(&deep).expect_err("too deep");
        assert!(
            error.starts_with("nesting too deep to parse safely"),
            "{error}"
        );
        // Brackets inside strings, comments and char literals do not count.
        let quoted = format!(
            "fn f() {{ let s = \"{}\"; let c = '('; /* {} */ }}\n// {}\n",
            "(".repeat(600),
            "[".repeat(600),
            "{".repeat(600)
        );
        assert!(try_lower(&quoted).is_ok());
        let raw = format!("fn f() {{ let s = r#\"{}\"#; }}", "(".repeat(600));
        assert!(try_lower(&raw).is_ok());
    }

    #[test]
    fn nesting_just_under_the_limit_fits_a_worker_stack() {
        let nested = format!(
            "fn f() {{ let x = {}a{}; }}",
            "(".repeat(MAX_BRACKET_NESTING - 2),
            ")".repeat(MAX_BRACKET_NESTING - 2)
        );
        let result = std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn_scoped(s, || try_lower(&nested).map(|ir| ir.functions.len()))
                .expect("spawn")
                .join()
                .expect("no stack overflow")
        });
        assert_eq!(result, Ok(2));
        for (kind, open, close) in [("braces", "{", "}"), ("calls", "f(", ")")] {
            let nested = format!(
                "fn f() {{ let x = {}1{}; }}",
                open.repeat(MAX_BRACKET_NESTING - 2),
                close.repeat(MAX_BRACKET_NESTING - 2)
            );
            assert!(try_lower(&nested).is_ok(), "{kind}");
        }
    }

    #[test]
    fn long_prefix_operator_runs_are_refused() {
        let text = format!("fn f() {{ let x = {}1; }}", "- ".repeat(MAX_PREFIX_RUN + 1));
        let error = try_lower(&text).expect_err("too deep");
        assert!(error.contains("operators in a row"), "{error}");
        let fine = format!(
            "fn f() {{ let x = {}1; }}\n// {}\n",
            "-".repeat(10),
            "-".repeat(1000)
        );
        assert!(try_lower(&fine).is_ok());
    }

    #[test]
    fn format_capture_parsing() {
        let names: Vec<String> = format_captures("{a} {b:?} {} {0} {{c}} {d.e} {_f:>8}")
            .into_iter()
            .map(|r| match r {
                Read::Var { name, .. } => name,
                Read::Call(_) => String::new(),
            })
            .collect();
        assert_eq!(names, vec!["a", "b", "_f"]);
    }

    /// Every prefix of a real file (cut on char boundaries): never a panic.
    fn prefixes(text: &str) -> impl Iterator<Item = &str> {
        (0..=text.len())
            .step_by(5)
            .filter(|&end| text.is_char_boundary(end))
            .map(|end| &text[..end])
    }

    #[test]
    fn truncated_inputs_never_panic() {
        let text = include_str!("../../../fixtures/tauri/geo-analytics/src-tauri/src/main.rs");
        let full = lower_text(text);
        assert!(full.calls().any(|(_, c)| c.method == "insert_prop"));
        let failures = prefixes(text).filter(|p| try_lower(p).is_err()).count();
        assert!(failures > 0, "most prefixes are not valid Rust");
    }

    /// `(sdk, capability, sink line)` of every flow the full pipeline finds in `text`.
    use crate::extract::test_flows as flows;

    #[test]
    fn declared_modules_are_first_party_imports() {
        let ir = try_lower("mod diary;\nuse diary::capture;\nuse posthog_rs::Event;\n")
            .expect("lowered");
        let paths: Vec<&str> = ir.imports.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            vec!["self::diary", "self::diary::capture", "posthog_rs::Event"]
        );
    }

    #[test]
    fn local_capture_function_is_not_the_posthog_sink() {
        let body = "fn f(app: AppHandle) {\n\
            let end = app.geolocation().get_current_position(None).unwrap();\n\
            capture(&format!(\"{}\", end.coords.latitude));\n\
            }\n";
        let imported = format!("mod diary;\nuse diary::capture;\nuse posthog_rs::Event;\n{body}");
        let local = format!("use posthog_rs::Event;\nfn capture(_: &str) {{}}\n{body}");
        let sdk = format!("use posthog_rs::{{capture, Event}};\n{body}");
        let kind = crate::walk::FileKind::Rust;
        assert_eq!(flows(kind, "src/lib.rs", &imported), vec![]);
        assert_eq!(flows(kind, "src/lib.rs", &local), vec![]);
        assert_eq!(
            flows(kind, "src/lib.rs", &sdk),
            vec![("posthog".to_string(), "location".to_string(), 4)]
        );
    }
}
