//! The NumPy `.npy` format (version 1.0) for 2-D `float64` grids, so that
//! anyone can `numpy.load` a kernel's final grid.
//!
//! The format is a magic string, a little-endian header length, a Python dict
//! literal padded to a multiple of 64 bytes, then the data. We write C order
//! (`fortran_order: False`), little-endian `<f8`, shape `(nx, ny)`.

use std::io::{self, Read, Write};

use thiserror::Error;

const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// A `.npy` file that is not a 2-D little-endian float64 C-order array.
#[derive(Debug, Error)]
pub enum NpyError {
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// The bytes are not a `.npy` file this module understands.
    #[error("not a 2-D float64 .npy file: {0}")]
    Format(String),
}

/// Writes a row-major `nx` x `ny` grid.
///
/// # Panics
/// If `data.len() != nx * ny`.
pub fn write(mut w: impl Write, nx: usize, ny: usize, data: &[f64]) -> io::Result<()> {
    assert_eq!(Some(data.len()), nx.checked_mul(ny), "grid length");
    let mut header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({nx}, {ny}), }}");
    // magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64.
    let unpadded = MAGIC.len() + 2 + 2 + header.len() + 1;
    header.extend(std::iter::repeat_n(
        ' ',
        unpadded.next_multiple_of(64) - unpadded,
    ));
    header.push('\n');
    let len = u16::try_from(header.len()).map_err(|_| io::Error::other("header too long"))?;
    w.write_all(MAGIC)?;
    w.write_all(&[1, 0])?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(header.as_bytes())?;
    let mut buf = Vec::with_capacity(data.len() * 8);
    for x in data {
        buf.extend_from_slice(&x.to_le_bytes());
    }
    w.write_all(&buf)?;
    w.flush()
}

/// Reads a grid written by [`write`] (or by NumPy for a C-order `<f8` 2-D
/// array): returns `(nx, ny, data)`.
///
/// Any input gives `Ok` or an error, never a panic, and what is allocated
/// is bounded by what the input holds: the header is at most 64 KiB (the
/// format's `u16` length), and the data is read until the byte count the
/// shape declares, never allocated from that count up front, so a header
/// declaring a 10^12-element array over a few bytes is refused after
/// reading those few bytes. The header must be the dict NumPy writes,
/// exactly: the keys `descr` (`'<f8'`), `fortran_order` (`False`) and
/// `shape` (two integers), each once, and nothing else.
pub fn read(mut r: impl Read) -> Result<(usize, usize, Vec<f64>), NpyError> {
    let mut pre = [0u8; 10];
    r.read_exact(&mut pre)?;
    if &pre[..6] != MAGIC {
        return Err(NpyError::Format("bad magic".into()));
    }
    let header_len = match pre[6] {
        1 => u16::from_le_bytes([pre[8], pre[9]]) as usize,
        v => return Err(NpyError::Format(format!("unsupported version {v}"))),
    };
    let mut header = vec![0u8; header_len];
    r.read_exact(&mut header)?;
    let header =
        String::from_utf8(header).map_err(|_| NpyError::Format("header not UTF-8".into()))?;
    let Header {
        descr,
        fortran_order,
        shape,
    } = parse_header(&header)
        .map_err(|e| NpyError::Format(format!("{e} in header {}", shown(&header))))?;
    if descr != "<f8" {
        return Err(NpyError::Format(format!(
            "dtype is {}, not '<f8'",
            shown(&descr)
        )));
    }
    if fortran_order {
        return Err(NpyError::Format("Fortran order is not supported".into()));
    }
    let shape_text = || {
        let dims: Vec<String> = shape.iter().map(u64::to_string).collect();
        dims.join(", ")
    };
    let [nx, ny] = shape[..] else {
        return Err(NpyError::Format(format!(
            "shape ({}) is not 2-D",
            shape_text()
        )));
    };
    let too_large = || NpyError::Format(format!("shape ({}) too large", shape_text()));
    let nx = usize::try_from(nx).map_err(|_| too_large())?;
    let ny = usize::try_from(ny).map_err(|_| too_large())?;
    let n = nx
        .checked_mul(ny)
        .and_then(|n| n.checked_mul(8))
        .and_then(|n| u64::try_from(n).ok())
        .filter(|&n| n < u64::MAX)
        .ok_or_else(too_large)?;
    // Grows with what is there, up to one byte past what the shape needs.
    let mut bytes = Vec::new();
    r.take(n + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 != n {
        return Err(NpyError::Format(format!(
            "expected {n} data bytes for shape ({}), found {}{}",
            shape_text(),
            (bytes.len() as u64).min(n),
            if bytes.len() as u64 > n {
                " and more"
            } else {
                ""
            }
        )));
    }
    let data = bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect();
    Ok((nx, ny, data))
}

/// What a `.npy` header says.
#[derive(Debug, PartialEq)]
struct Header {
    descr: String,
    fortran_order: bool,
    shape: Vec<u64>,
}

/// At most this many characters of a header or dtype go into an error.
const SHOWN: usize = 120;

/// `text` quoted and escaped for an error message, cut after [`SHOWN`]
/// characters of the escaped text: a header is up to 64 KiB of whatever the
/// file holds, control characters included.
fn shown(text: &str) -> String {
    let mut s: String = text
        .chars()
        .flat_map(char::escape_debug)
        .take(SHOWN + 1)
        .collect();
    if let Some((cut, _)) = s.char_indices().nth(SHOWN) {
        s.truncate(cut);
        s.push_str("...");
    }
    format!("\"{s}\"")
}

/// Parses the Python dict literal of a `.npy` header: `{'descr': '<f8',
/// 'fortran_order': False, 'shape': (2, 3), }` and padding (spaces, then a
/// newline). Strings in single or double quotes without escapes, `True`,
/// `False`, tuples of non-negative integers; each of the three keys
/// exactly once, no other key.
fn parse_header(text: &str) -> Result<Header, String> {
    let mut p = Parser {
        rest: text.trim_start(),
    };
    p.expect('{')?;
    let (mut descr, mut fortran_order, mut shape) = (None, None, None);
    loop {
        p.skip_ws();
        if p.eat('}') {
            break;
        }
        let key = p.string()?;
        p.skip_ws();
        p.expect(':')?;
        p.skip_ws();
        let duplicate = match key {
            "descr" => descr.replace(p.string()?.to_string()).is_some(),
            "fortran_order" => fortran_order.replace(p.boolean()?).is_some(),
            "shape" => shape.replace(p.tuple()?).is_some(),
            other => return Err(format!("unexpected key {}", shown(other))),
        };
        if duplicate {
            return Err(format!("key '{key}' given twice"));
        }
        p.skip_ws();
        if p.eat('}') {
            break;
        }
        p.expect(',')?;
    }
    if !p.rest.trim().is_empty() {
        return Err("text after the dict".into());
    }
    Ok(Header {
        descr: descr.ok_or("no 'descr'")?,
        fortran_order: fortran_order.ok_or("no 'fortran_order'")?,
        shape: shape.ok_or("no 'shape'")?,
    })
}

/// A cursor over a header's text.
struct Parser<'a> {
    rest: &'a str,
}

impl<'a> Parser<'a> {
    fn skip_ws(&mut self) {
        self.rest = self.rest.trim_start();
    }

    fn eat(&mut self, c: char) -> bool {
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("expected '{c}'"))
        }
    }

    /// `'...'` or `"..."`, without escapes.
    fn string(&mut self) -> Result<&'a str, String> {
        let quote = match self.rest.chars().next() {
            Some(q @ ('\'' | '"')) => q,
            _ => return Err("expected a string".into()),
        };
        let body = &self.rest[1..];
        let end = body
            .find([quote, '\\'])
            .filter(|&i| body[i..].starts_with(quote))
            .ok_or("unterminated or escaped string")?;
        self.rest = &body[end + 1..];
        Ok(&body[..end])
    }

    fn boolean(&mut self) -> Result<bool, String> {
        for (word, value) in [("True", true), ("False", false)] {
            if let Some(rest) = self.rest.strip_prefix(word) {
                self.rest = rest;
                return Ok(value);
            }
        }
        Err("expected True or False".into())
    }

    /// `(a, b, ...)`, a trailing comma allowed (and needed for one element,
    /// as in Python); each a non-negative integer, perhaps with Python 2's
    /// `L` suffix.
    fn tuple(&mut self) -> Result<Vec<u64>, String> {
        self.expect('(')?;
        let mut dims = Vec::new();
        let mut comma = false;
        loop {
            self.skip_ws();
            if self.eat(')') {
                break;
            }
            let digits = self.rest.len()
                - self
                    .rest
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .len();
            if digits == 0 {
                return Err("expected a non-negative integer in the shape".into());
            }
            let (number, rest) = self.rest.split_at(digits);
            self.rest = rest.strip_prefix('L').unwrap_or(rest);
            dims.push(
                number
                    .parse()
                    .map_err(|_| format!("dimension {number} too large"))?,
            );
            if dims.len() > 32 {
                return Err("more than 32 dimensions".into());
            }
            self.skip_ws();
            comma = self.eat(',');
            if !comma {
                self.skip_ws();
                self.expect(')')?;
                break;
            }
        }
        if dims.len() == 1 && !comma {
            return Err("(n) is not a tuple".into());
        }
        Ok(dims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let data: Vec<f64> = (0..12).map(|k| k as f64 * 0.5 - 1.0).collect();
        let mut buf = Vec::new();
        write(&mut buf, 3, 4, &data).unwrap();
        assert_eq!(&buf[..6], MAGIC);
        assert_eq!((buf.len() - 12 * 8) % 64, 0, "data starts 64-byte aligned");
        let (nx, ny, back) = read(&buf[..]).unwrap();
        assert_eq!((nx, ny), (3, 4));
        assert_eq!(back, data);
    }

    #[test]
    fn header_is_what_numpy_writes() {
        let mut buf = Vec::new();
        write(&mut buf, 2, 3, &[0.0; 6]).unwrap();
        let header = std::str::from_utf8(&buf[10..buf.len() - 48]).unwrap();
        assert!(header.starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"));
        assert!(header.ends_with('\n'));
    }

    #[test]
    fn rejects_truncated_and_foreign_files() {
        let mut buf = Vec::new();
        write(&mut buf, 2, 2, &[1.0; 4]).unwrap();
        assert!(read(&buf[..buf.len() - 1]).is_err());
        let mut longer = buf.clone();
        longer.push(0);
        assert!(read(&longer[..]).is_err());
        assert!(read(&b"hello world, not npy"[..]).is_err());
        let foreign = String::from_utf8_lossy(&buf).replace("<f8", "<f4");
        assert!(read(foreign.as_bytes()).is_err());
    }

    /// A file of `header` (padding added) and `data` zero data bytes.
    fn file(header: &str, data: usize) -> Vec<u8> {
        let mut buf = MAGIC.to_vec();
        buf.extend_from_slice(&[1, 0]);
        buf.extend_from_slice(&(header.len() as u16 + 1).to_le_bytes());
        buf.extend_from_slice(header.as_bytes());
        buf.push(b'\n');
        buf.resize(buf.len() + data, 0);
        buf
    }

    fn error(header: &str, data: usize) -> String {
        read(&file(header, data)[..]).unwrap_err().to_string()
    }

    #[test]
    fn headers_are_read_as_numpy_writes_them_and_nothing_else() {
        let ok = |h: &str| read(&file(h, 48)[..]).map(|(nx, ny, _)| (nx, ny)).unwrap();
        assert_eq!(
            ok("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"),
            (2, 3)
        );
        assert_eq!(
            ok("{\"shape\":(3,2),\"fortran_order\":False,\"descr\":\"<f8\"}"),
            (3, 2)
        );
        assert_eq!(
            ok("{'descr':'<f8','fortran_order':False,'shape':(6L, 1L)}"),
            (6, 1)
        );
        // A decoy key, or a second key, does not hide what the header says.
        for (header, says) in [
            (
                "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), 'x': \"'descr':'<f8'\"}",
                "unexpected key",
            ),
            (
                "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3)}",
                "dtype is \">f8\"",
            ),
            (
                "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), 'fortran_order': False}",
                "given twice",
            ),
            ("{'descr': '<f8', 'shape': (2, 3)}", "no 'fortran_order'"),
            (
                "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)} junk",
                "text after",
            ),
            (
                "{'descr': '<f8', 'fortran_order': False, 'shape': (6)}",
                "not a tuple",
            ),
            (
                "{'descr': '<f8', 'fortran_order': False, 'shape': (6,)}",
                "not 2-D",
            ),
            (
                "{'descr': '<f8', 'fortran_order': False, 'shape': (-2, -3)}",
                "non-negative",
            ),
            (
                "{'descr': '<f8', 'fortran_order': False, 'shape': (2.0, 3)}",
                "expected ')'",
            ),
            (
                "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 1)}",
                "too large",
            ),
            (
                "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}",
                "too large",
            ),
        ] {
            let e = error(header, 48);
            assert!(e.contains(says), "{header}: {e}");
        }
    }

    #[test]
    fn errors_quote_at_most_a_little_of_a_hostile_header() {
        let header = format!(
            "{{'descr': '<f8', 'fortran_order': False, 'k': '\x1b[2J{}', 'shape': (2, 3)}}",
            "x".repeat(60_000)
        );
        let e = error(&header, 48);
        assert!(e.len() < 400, "{} bytes", e.len());
        assert!(!e.contains('\x1b'), "{e}");
        // Escapes count: a header of control characters is cut as short.
        let header = format!("{{'{}': 1}}", "\x01".repeat(60_000));
        let e = error(&header, 0);
        assert!(e.len() < 400, "{} bytes: {e}", e.len());
    }
}
