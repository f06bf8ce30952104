//! Reads files out of a Qt binary resource (`.rcc`, format versions 1–3), where GCompris keeps
//! its photos. No crate reads the format; it is a tree of nodes, a name table and a data table
//! (Qt's `rcc.cpp`, `RCCFileInfo::writeDataInfo`), so the reader is small.

use std::collections::BTreeMap;
use std::io::Read;

use anyhow::{Context, Result, bail, ensure};

const DIRECTORY: u16 = 0x2;
const ZLIB: u16 = 0x1;
const ZSTD: u16 = 0x4;

/// Every file in the resource, by its path (`a/b/c.webp`), decompressed.
pub fn files(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>> {
    ensure!(
        bytes.starts_with(b"qres"),
        "not a Qt resource file (no `qres` magic)"
    );
    let version = be32(bytes, 4)?;
    ensure!(
        (1..=3).contains(&version),
        "Qt resource format version {version} is not supported (1 to 3 are)"
    );
    let reader = Reader {
        bytes,
        tree: be32(bytes, 8)? as usize,
        data: be32(bytes, 12)? as usize,
        names: be32(bytes, 16)? as usize,
        // Version 2 added a modification time to every node.
        node_size: if version < 2 { 14 } else { 22 },
    };
    let mut out = BTreeMap::new();
    reader.walk(0, "", &mut out, 0)?;
    Ok(out)
}

struct Reader<'a> {
    bytes: &'a [u8],
    tree: usize,
    data: usize,
    names: usize,
    node_size: usize,
}

impl Reader<'_> {
    fn walk(
        &self,
        index: usize,
        prefix: &str,
        out: &mut BTreeMap<String, Vec<u8>>,
        depth: usize,
    ) -> Result<()> {
        // A well-formed tree is shallow; a cycle in a corrupt one would not end.
        ensure!(
            depth < 64,
            "the resource tree is deeper than 64 folders (corrupt?)"
        );
        let node = self.tree + index * self.node_size;
        let flags = be16(self.bytes, node + 4)?;
        // The root has no name.
        let name = if index == 0 {
            String::new()
        } else {
            self.name(be32(self.bytes, node)? as usize)?
        };
        let path = match (prefix.is_empty(), name.is_empty()) {
            (_, true) => prefix.to_string(),
            (true, false) => name,
            (false, false) => format!("{prefix}/{name}"),
        };
        if flags & DIRECTORY != 0 {
            let count = be32(self.bytes, node + 6)? as usize;
            let first = be32(self.bytes, node + 10)? as usize;
            for child in first..first + count {
                self.walk(child, &path, out, depth + 1)?;
            }
            return Ok(());
        }
        let at = self.data + be32(self.bytes, node + 10)? as usize;
        let size = be32(self.bytes, at)? as usize;
        let blob = slice(self.bytes, at + 4, size)?;
        let contents = if flags & ZLIB != 0 {
            // A 4-byte uncompressed size, then a zlib stream.
            let mut plain = Vec::with_capacity(be32(blob, 0)? as usize);
            flate2::read::ZlibDecoder::new(slice(blob, 4, blob.len().saturating_sub(4))?)
                .read_to_end(&mut plain)
                .with_context(|| format!("{path}: corrupt zlib data"))?;
            plain
        } else if flags & ZSTD != 0 {
            bail!("{path}: zstd-compressed resources are not supported");
        } else {
            blob.to_vec()
        };
        out.insert(path, contents);
        Ok(())
    }

    /// A name: its length in UTF-16 units, a hash, then the units, big-endian.
    fn name(&self, offset: usize) -> Result<String> {
        let at = self.names + offset;
        let units = be16(self.bytes, at)? as usize;
        let raw = slice(self.bytes, at + 6, 2 * units)?;
        let utf16: Vec<u16> = raw
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect();
        String::from_utf16(&utf16).context("a resource name is not valid UTF-16")
    }
}

fn slice(bytes: &[u8], at: usize, len: usize) -> Result<&[u8]> {
    at.checked_add(len)
        .and_then(|end| bytes.get(at..end))
        .with_context(|| format!("the resource is truncated (wanted {len} bytes at {at})"))
}

fn be32(bytes: &[u8], at: usize) -> Result<u32> {
    Ok(u32::from_be_bytes(slice(bytes, at, 4)?.try_into()?))
}

fn be16(bytes: &[u8], at: usize) -> Result<u16> {
    Ok(u16::from_be_bytes(slice(bytes, at, 2)?.try_into()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A version-2 resource: root → folder `d` → files `a.txt` (stored) and `b.txt` (zlib).
    fn resource() -> Vec<u8> {
        let mut names = Vec::new();
        let mut name = |s: &str| {
            let offset = names.len() as u32;
            names.extend((s.len() as u16).to_be_bytes());
            names.extend([0u8; 4]);
            for unit in s.encode_utf16() {
                names.extend(unit.to_be_bytes());
            }
            offset
        };
        let (d, a, b) = (name("d"), name("a.txt"), name("b.txt"));
        let mut data = Vec::new();
        data.extend(5u32.to_be_bytes());
        data.extend(b"hello");
        let b_at = data.len() as u32;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(b"zipped text").unwrap();
        let z = z.finish().unwrap();
        data.extend((4 + z.len() as u32).to_be_bytes());
        data.extend(11u32.to_be_bytes());
        data.extend(z);
        let node = |name: u32, flags: u16, a: u32, b: u32| {
            let mut n = Vec::new();
            n.extend(name.to_be_bytes());
            n.extend(flags.to_be_bytes());
            n.extend(a.to_be_bytes());
            n.extend(b.to_be_bytes());
            n.extend([0u8; 8]);
            n
        };
        let tree = [
            node(0, DIRECTORY, 1, 1),
            node(d, DIRECTORY, 2, 2),
            // A file's `a` is its country and language; `b` its data offset.
            node(a, 0, 0, 0),
            node(b, ZLIB, 0, b_at),
        ]
        .concat();
        let header = 20;
        let mut out = b"qres".to_vec();
        out.extend(2u32.to_be_bytes());
        out.extend((header as u32).to_be_bytes());
        out.extend(((header + tree.len()) as u32).to_be_bytes());
        out.extend(((header + tree.len() + data.len()) as u32).to_be_bytes());
        out.extend(tree);
        out.extend(data);
        out.extend(names);
        out
    }

    #[test]
    fn reads_stored_and_zlib_files_by_path() {
        let files = files(&resource()).unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files["d/a.txt"], b"hello");
        assert_eq!(files["d/b.txt"], b"zipped text");
    }

    #[test]
    fn a_truncated_or_foreign_file_is_an_error_naming_the_problem() {
        let bytes = resource();
        let truncated = files(&bytes[..bytes.len() - 3]).unwrap_err().to_string();
        assert!(truncated.contains("truncated"), "{truncated}");
        let foreign = files(b"PK\x03\x04 not a resource").unwrap_err().to_string();
        assert!(foreign.contains("qres"), "{foreign}");
    }
}
