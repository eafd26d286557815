//! The one way XML manifests are parsed (AndroidManifest.xml, XML plists): roxmltree with
//! a DOCTYPE allowed (every Info.plist has one) but entity declarations refused.
//!
//! An internal entity referenced many times expands to gigabytes (a 15,000-fold
//! reference to a 200 KB entity is 3 GB), and no real manifest declares one, so a file
//! that does is not analysed (PL900) rather than expanded. External entities are never
//! fetched: roxmltree has no loader.

use roxmltree::{Document, ParsingOptions};

/// Elements, attributes and text nodes one document may have: a 4 MiB file holds far
/// fewer than this unless entities multiply it.
pub const MAX_XML_NODES: u32 = 1_000_000;

/// Why a document was not parsed, and the byte offset it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlRefusal {
    /// The DOCTYPE declares an entity (`<!ENTITY …>`) at this byte offset.
    EntityDeclared(usize),
    /// The parser's own error, at a 1-based row and column.
    Malformed { row: u32, col: u32, message: String },
}

impl XmlRefusal {
    pub fn message(&self) -> String {
        match self {
            XmlRefusal::EntityDeclared(_) => "declares an XML entity (<!ENTITY …>); entities are \
                                              never expanded, so the file is not analysed"
                .to_string(),
            XmlRefusal::Malformed { message, .. } => message.clone(),
        }
    }
}

/// Parse `text`, refusing entity declarations before the parser sees them.
pub fn parse(text: &str) -> Result<Document<'_>, XmlRefusal> {
    if let Some(offset) = entity_declaration(text) {
        return Err(XmlRefusal::EntityDeclared(offset));
    }
    let options = ParsingOptions {
        allow_dtd: true,
        nodes_limit: MAX_XML_NODES,
        // No resolver: external entities stay unresolved, never read from disk or network.
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|error| {
        let pos = error.pos();
        XmlRefusal::Malformed {
            row: pos.row,
            col: pos.col,
            message: error.to_string(),
        }
    })
}

/// The offset of the first `<!ENTITY` inside the document type declaration, if any.
/// Quoted strings are skipped, so the declaration's end (`]>` or `>`) is found exactly.
pub fn entity_declaration(text: &str) -> Option<usize> {
    let start = text.find("<!DOCTYPE")?;
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut brackets = 0usize;
    let mut i = start + "<!DOCTYPE".len();
    while let Some(&b) = bytes.get(i) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[') => brackets += 1,
            (None, b']') => brackets = brackets.saturating_sub(1),
            (None, b'>') if brackets == 0 => return None,
            (None, b'<') if bytes[i..].starts_with(b"<!ENTITY") => return Some(i),
            (None, b'<') if bytes[i..].starts_with(b"<!--") => {
                // A comment may hold quotes; skip it whole.
                i += text.get(i..)?.find("-->")? + 2;
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

    #[test]
    fn entity_declarations_are_found_only_in_the_doctype() {
        let plist = "<?xml version=\"1.0\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST \
                     1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist/>";
        assert_eq!(entity_declaration(plist), None);
        assert!(parse(plist).is_ok());
        let bomb = "<!DOCTYPE m [ <!-- it's \" --> <!ENTITY a \"aaaa\"> ]><m>&a;&a;</m>";
        let at = entity_declaration(bomb).expect("declared");
        assert!(bomb[at..].starts_with("<!ENTITY a"));
        assert_eq!(parse(bomb).unwrap_err(), XmlRefusal::EntityDeclared(at));
        // After the DOCTYPE, `<!ENTITY` can only be in a comment: not a declaration.
        let commented = "<!DOCTYPE m><m><!-- <!ENTITY x 'y'> --></m>";
        assert_eq!(entity_declaration(commented), None);
        let quoted = "<!DOCTYPE m SYSTEM \"a>b\" [ <!ENTITY x '>'> ]><m/>";
        assert!(entity_declaration(quoted).is_some());
        assert!(matches!(
            parse("<m>"),
            Err(XmlRefusal::Malformed { row: 1, .. })
        ));
    }
}
