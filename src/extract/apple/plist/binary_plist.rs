//! A bounded look at a binary plist before the `plist` crate reads it.
//!
//! A binary plist stores each object once and refers to it by index, so an array of
//! 100 references to an array of 100 references to … expands to 100^n values: 221 bytes
//! became 4 GB. The crate expands every reference, so this pass walks the object graph
//! first (iteratively, each object once) and refuses the file when the expanded tree
//! would exceed [`MAX_PLIST_VALUES`] values or [`MAX_PLIST_BYTES`] bytes of strings and
//! data, nests deeper than [`crate::scan::MAX_NESTING`], refers in a cycle or points
//! outside the file.

/// Values (dictionaries, arrays, keys, strings, numbers…) the expanded plist may hold.
/// An Info.plist has a few hundred.
pub const MAX_PLIST_VALUES: u64 = 1_000_000;

/// Bytes of string and data contents the expanded plist may hold.
pub const MAX_PLIST_BYTES: u64 = 64 * 1024 * 1024;

const TRAILER_LEN: usize = 32;

/// Why the binary plist in `bytes` is not read, with the byte offset it concerns; `None`
/// when the crate may read it (versions other than `bplist00` are left to the crate).
pub fn refusal(bytes: &[u8]) -> Option<(usize, String)> {
    if !bytes.starts_with(b"bplist00") {
        return None;
    }
    let graph = match Graph::read(bytes) {
        Ok(graph) => graph,
        Err(reason) => return Some((0, format!("malformed binary plist: {reason}"))),
    };
    graph.expansion_refusal().map(|reason| (0, reason))
}

/// The offset table and trailer of a `bplist00` file.
struct Graph<'a> {
    bytes: &'a [u8],
    offsets: Vec<usize>,
    ref_size: usize,
    top: usize,
}

/// What one object is, as far as the expansion cost goes.
enum Object {
    /// A leaf with this many bytes of contents.
    Leaf(u64),
    /// An array, set or dictionary: the indexes of its members (keys and values).
    Container(Vec<usize>),
}

impl<'a> Graph<'a> {
    fn read(bytes: &'a [u8]) -> Result<Self, String> {
        let trailer = bytes
            .len()
            .checked_sub(TRAILER_LEN)
            .filter(|&start| start >= 8)
            .map(|start| &bytes[start..])
            .ok_or("shorter than its header and trailer")?;
        let offset_size = usize::from(trailer[6]);
        let ref_size = usize::from(trailer[7]);
        let count = be_uint(&trailer[8..16]);
        let top = be_uint(&trailer[16..24]);
        let table = be_uint(&trailer[24..32]);
        if !(1..=8).contains(&offset_size) || !(1..=8).contains(&ref_size) {
            return Err("invalid offset or reference size".into());
        }
        let table_len = count
            .checked_mul(offset_size as u64)
            .ok_or("object count out of range")?;
        let table_end = table
            .checked_add(table_len)
            .filter(|&end| end <= (bytes.len() - TRAILER_LEN) as u64)
            .ok_or("offset table outside the file")?;
        if top >= count {
            return Err("top object out of range".into());
        }
        let table = &bytes[table as usize..table_end as usize];
        let offsets = table
            .chunks_exact(offset_size)
            .map(|chunk| usize::try_from(be_uint(chunk)).unwrap_or(usize::MAX))
            .collect();
        Ok(Graph {
            bytes,
            offsets,
            ref_size,
            top: top as usize,
        })
    }

    fn object(&self, index: usize) -> Result<Object, String> {
        let at = *self.offsets.get(index).ok_or("reference out of range")?;
        let marker = *self.bytes.get(at).ok_or("object offset outside the file")?;
        let (kind, low) = (marker >> 4, marker & 0x0F);
        let (count, body) = match kind {
            0x4..=0x6 | 0x8 | 0xA | 0xC | 0xD => self.count(at, low)?,
            _ => (0, at + 1),
        };
        let refs = |n: u64| -> Result<Vec<usize>, String> {
            let len = usize::try_from(n)
                .ok()
                .and_then(|n| n.checked_mul(self.ref_size))
                .ok_or("container size out of range")?;
            let end = body.checked_add(len).ok_or("container outside the file")?;
            let raw = self
                .bytes
                .get(body..end)
                .ok_or("container outside the file")?;
            Ok(raw
                .chunks_exact(self.ref_size)
                .map(|r| usize::try_from(be_uint(r)).unwrap_or(usize::MAX))
                .collect())
        };
        Ok(match kind {
            0xA | 0xC => Object::Container(refs(count)?),
            0xD => Object::Container(refs(count.saturating_mul(2))?),
            0x4 | 0x5 => Object::Leaf(count),
            0x6 => Object::Leaf(count.saturating_mul(2)),
            _ => Object::Leaf(0),
        })
    }

    /// The element count of a sized object (in the marker, or an integer after it when
    /// the marker says 0xF) and where its contents start.
    fn count(&self, at: usize, low: u8) -> Result<(u64, usize), String> {
        if low != 0x0F {
            return Ok((u64::from(low), at + 1));
        }
        let int_marker = *self.bytes.get(at + 1).ok_or("size outside the file")?;
        if int_marker >> 4 != 0x1 || int_marker & 0x0F > 3 {
            return Err("invalid size".into());
        }
        let len = 1usize << (int_marker & 0x0F);
        let raw = self
            .bytes
            .get(at + 2..at + 2 + len)
            .ok_or("size outside the file")?;
        Ok((be_uint(raw), at + 2 + len))
    }

    /// Walk the graph from the top object, each object once (depth-first, no
    /// recursion), adding up what its full expansion would hold.
    fn expansion_refusal(&self) -> Option<String> {
        #[derive(Clone, Copy)]
        enum State {
            New,
            Open,
            Done { values: u64, bytes: u64 },
        }
        let mut states = vec![State::New; self.offsets.len()];
        // (object, its members, how many members are summed, running totals)
        let mut stack: Vec<(usize, Vec<usize>, usize, u64, u64)> = Vec::new();
        let mut next = Some(self.top);
        loop {
            if let Some(index) = next.take() {
                match states.get(index).copied() {
                    None => return Some("malformed binary plist: reference out of range".into()),
                    Some(State::Open) => {
                        return Some(
                            "malformed binary plist: its objects refer to each other in a cycle"
                                .into(),
                        );
                    }
                    Some(State::Done { .. }) => {}
                    Some(State::New) => match self.object(index) {
                        Err(reason) => return Some(format!("malformed binary plist: {reason}")),
                        Ok(Object::Leaf(len)) => {
                            states[index] = State::Done {
                                values: 1,
                                bytes: len,
                            }
                        }
                        Ok(Object::Container(members)) => {
                            if stack.len() >= crate::scan::MAX_NESTING {
                                return Some(format!(
                                    "binary plist nests deeper than {} levels; not parsed, to keep the scan bounded",
                                    crate::scan::MAX_NESTING
                                ));
                            }
                            states[index] = State::Open;
                            stack.push((index, members, 0, 1, 0));
                        }
                    },
                }
            }
            let (index, members, summed, values, bytes) = stack.last_mut()?;
            if let Some(&member) = members.get(*summed) {
                if let Some(State::Done {
                    values: v,
                    bytes: b,
                }) = states.get(member).copied()
                {
                    *values = values.saturating_add(v);
                    *bytes = bytes.saturating_add(b);
                    *summed += 1;
                    if *values > MAX_PLIST_VALUES || *bytes > MAX_PLIST_BYTES {
                        return Some(format!(
                            "binary plist expands to more than {MAX_PLIST_VALUES} values or {} MiB through \
                             shared references; not parsed, to keep the scan bounded",
                            MAX_PLIST_BYTES / (1024 * 1024)
                        ));
                    }
                } else {
                    next = Some(member);
                }
                continue;
            }
            states[*index] = State::Done {
                values: *values,
                bytes: *bytes,
            };
            stack.pop();
        }
    }
}

fn be_uint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `bplist00` file from objects given as raw bytes, whose references are
    /// `ref_size` bytes wide.
    fn bplist(objects: &[Vec<u8>], top: u64, ref_size: u8) -> Vec<u8> {
        let mut out = b"bplist00".to_vec();
        let mut offsets = Vec::new();
        for object in objects {
            offsets.push(out.len() as u32);
            out.extend_from_slice(object);
        }
        let table = out.len() as u64;
        for offset in &offsets {
            out.extend_from_slice(&offset.to_be_bytes());
        }
        out.extend_from_slice(&[0, 0, 0, 0, 0, 0, 4, ref_size]);
        out.extend_from_slice(&(objects.len() as u64).to_be_bytes());
        out.extend_from_slice(&top.to_be_bytes());
        out.extend_from_slice(&table.to_be_bytes());
        out
    }

    /// Object 0 is a string; object k+1 is an array of 15 references to object k.
    fn shared_bomb(levels: u8) -> Vec<u8> {
        let mut objects = vec![b"\x51a".to_vec()];
        for k in 0..levels {
            let mut array = vec![0xAF, 0x10, 15];
            array.extend(std::iter::repeat_n(k, 15));
            objects.push(array);
        }
        bplist(&objects, u64::from(levels), 1)
    }

    #[test]
    fn shared_references_are_counted_as_expanded() {
        // 15^4 = 50,625 values: read. 15^6 ≈ 11 million: refused, in microseconds.
        assert_eq!(refusal(&shared_bomb(4)), None);
        let (_, reason) = refusal(&shared_bomb(6)).expect("refused");
        assert!(reason.contains("expands to more than"), "{reason}");
    }

    #[test]
    fn cycles_and_out_of_range_references_are_malformed() {
        let cycle = bplist(&[vec![0xA1, 1], vec![0xA1, 0]], 0, 1);
        assert!(refusal(&cycle).expect("cycle").1.contains("cycle"));
        let outside = bplist(&[vec![0xA1, 7]], 0, 1);
        assert!(refusal(&outside).expect("range").1.contains("out of range"));
        let mut truncated = bplist(&[b"\x51a".to_vec()], 0, 1);
        truncated.truncate(20);
        assert!(refusal(&truncated).is_some());
    }

    #[test]
    fn a_plain_dictionary_is_read() {
        // { "a": "b" }
        let dict = bplist(
            &[vec![0xD1, 1, 2], b"\x51a".to_vec(), b"\x51b".to_vec()],
            0,
            1,
        );
        assert_eq!(refusal(&dict), None);
        let value = plist::Value::from_reader(std::io::Cursor::new(dict)).expect("valid");
        assert!(value.as_dictionary().is_some());
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        // Object k is an array holding object k-1; object 0 is empty.
        let objects: Vec<Vec<u8>> = (0..3000u16)
            .map(|k| match k.checked_sub(1) {
                None => vec![0xA0],
                Some(inner) => [vec![0xA1], inner.to_be_bytes().to_vec()].concat(),
            })
            .collect();
        let (_, reason) = refusal(&bplist(&objects, 2999, 2)).expect("too deep");
        assert!(reason.contains("nests deeper than"), "{reason}");
    }
}
