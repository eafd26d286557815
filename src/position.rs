//! Positions in a text: one line index per file, built in one pass, answering
//! "byte offset → line and column" in O(log n).
//!
//! Lines are counted by `\n` (a `\r` before it belongs to the line). Columns are 1-based
//! and come in three units: characters (what privlint's outputs show), UTF-8 bytes and
//! UTF-16 code units (what SARIF may ask for). Offsets that fall inside a character are
//! moved back to its start; offsets past the end stand for the end.

/// A position of a byte offset: 1-based line, and 1-based columns in three units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    /// Characters (Unicode scalar values) from the line start, plus one.
    pub column: u32,
    /// UTF-8 bytes from the line start, plus one.
    pub byte_column: u32,
    /// UTF-16 code units from the line start, plus one.
    pub utf16_column: u32,
}

/// The line starts and the multi-byte characters of one text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    len: u32,
    /// Byte offset of the start of every line; the first is 0.
    line_starts: Vec<u32>,
    /// Every character longer than one byte, in order. Empty for ASCII text, so the
    /// common case costs one vector of line starts.
    wide: Vec<WideChar>,
}

#[derive(Debug, Clone, Copy)]
struct WideChar {
    at: u32,
    /// Extra UTF-8 bytes (length − 1) of this and every earlier wide character.
    extra_bytes_through: u32,
    /// Four-byte characters (two UTF-16 units) up to and including this one.
    astral_through: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut wide = Vec::new();
        let (mut extra, mut astral) = (0u32, 0u32);
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                line_starts.push(offset32(i + 1));
            } else if b >= 0xC0 {
                // A lead byte: the text is valid UTF-8, so its length follows from it.
                let len = if b >= 0xF0 {
                    4
                } else if b >= 0xE0 {
                    3
                } else {
                    2
                };
                extra += len - 1;
                astral += u32::from(len == 4);
                wide.push(WideChar {
                    at: offset32(i),
                    extra_bytes_through: extra,
                    astral_through: astral,
                });
            }
        }
        Self {
            len: offset32(text.len()),
            line_starts,
            wide,
        }
    }

    /// How many lines the text has (a final `\n` starts an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The position of byte `offset`.
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.char_start(offset32(offset).min(self.len));
        let line_index = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line_index];
        let (extra_before, astral_before) = self.wide_before(start);
        let (extra, astral) = self.wide_before(offset);
        let bytes = offset - start;
        let chars = bytes - (extra - extra_before);
        Position {
            line: line_index as u32 + 1,
            column: chars + 1,
            byte_column: bytes + 1,
            utf16_column: chars + (astral - astral_before) + 1,
        }
    }

    /// 1-based line and character column of byte `offset`.
    pub fn line_column(&self, offset: usize) -> (u32, u32) {
        let p = self.position(offset);
        (p.line, p.column)
    }

    /// Byte range of a 1-based line, without its `\n`; `None` past the last line.
    pub fn line_range(&self, line: u32) -> Option<std::ops::Range<usize>> {
        let index = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.len, |&next| next - 1);
        Some(start as usize..end as usize)
    }

    /// Byte offset of a 1-based line and character column; a column past the line's
    /// end stands for the end of the line. `None` past the last line.
    pub fn offset(&self, line: u32, column: u32) -> Option<usize> {
        let range = self.line_range(line)?;
        let (start, end) = (offset32(range.start), offset32(range.end));
        let mut offset = start.saturating_add(column.saturating_sub(1));
        // Each wide character before the target pushes it further by its extra bytes.
        let mut n = self.wide.partition_point(|w| w.at < start);
        while let Some(w) = self.wide.get(n) {
            if w.at >= offset || w.at >= end {
                break;
            }
            offset = offset.saturating_add(self.extra_bytes(n));
            n += 1;
        }
        Some(offset.min(end) as usize)
    }

    /// Extra bytes and astral characters of the wide characters that start before `offset`.
    fn wide_before(&self, offset: u32) -> (u32, u32) {
        match self.wide.partition_point(|w| w.at < offset) {
            0 => (0, 0),
            n => {
                let w = self.wide[n - 1];
                (w.extra_bytes_through, w.astral_through)
            }
        }
    }

    /// `offset` moved back to the start of the character it falls in.
    fn char_start(&self, offset: u32) -> u32 {
        match self.wide.partition_point(|w| w.at < offset) {
            0 => offset,
            n => {
                let at = self.wide[n - 1].at;
                if offset <= at + self.extra_bytes(n - 1) {
                    at
                } else {
                    offset
                }
            }
        }
    }

    /// Extra UTF-8 bytes (length − 1) of the `n`th wide character.
    fn extra_bytes(&self, n: usize) -> u32 {
        let before = n
            .checked_sub(1)
            .map_or(0, |p| self.wide[p].extra_bytes_through);
        self.wide[n].extra_bytes_through - before
    }
}

/// Offsets are stored in 32 bits: privlint never reads files of 4 GiB.
fn offset32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition the index must agree with: count from the file start.
    fn counted(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let on_line = &before[line_start..];
        Position {
            line: before.matches('\n').count() as u32 + 1,
            column: on_line.chars().count() as u32 + 1,
            byte_column: on_line.len() as u32 + 1,
            utf16_column: on_line.encode_utf16().count() as u32 + 1,
        }
    }

    const MIXED: &str = "aé€b😀c\r\n\nxyz 😀😀é\nlast";

    #[test]
    fn every_offset_matches_counting_from_the_start() {
        for text in [MIXED, "", "\n", "plain ascii\nlines\n", "é", "😀\n😀"] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.position(offset),
                    counted(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn columns_come_in_three_units() {
        let index = LineIndex::new(MIXED);
        let c = MIXED.find('c').unwrap();
        assert_eq!(
            index.position(c),
            Position {
                line: 1,
                column: 6,
                byte_column: 12,
                utf16_column: 7,
            }
        );
    }

    #[test]
    fn offset_inverts_the_character_column() {
        for text in [MIXED, "plain\nascii", "😀\n😀é😀"] {
            let index = LineIndex::new(text);
            for (offset, _) in text.char_indices() {
                let (line, column) = index.line_column(offset);
                assert_eq!(
                    index.offset(line, column),
                    Some(offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn offset_past_a_line_end_is_the_line_end_and_past_the_last_line_is_none() {
        let index = LineIndex::new("ab\ncd");
        assert_eq!(index.offset(1, 40), Some(2));
        assert_eq!(index.offset(2, 40), Some(5));
        assert_eq!(index.offset(3, 1), None);
        assert_eq!(index.offset(0, 1), None);
        assert_eq!(index.line_range(1), Some(0..2));
        assert_eq!(index.line_range(2), Some(3..5));
        assert_eq!(index.line_count(), 2);
    }
}
