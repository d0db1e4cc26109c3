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
    let compact: String = header.chars().filter(|c| !c.is_whitespace()).collect();
    if !compact.contains("'descr':'<f8'") {
        return Err(NpyError::Format(format!("dtype is not '<f8': {header}")));
    }
    if !compact.contains("'fortran_order':False") {
        return Err(NpyError::Format("Fortran order is not supported".into()));
    }
    let shape = compact
        .split_once("'shape':(")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(dims, _)| dims)
        .ok_or_else(|| NpyError::Format(format!("no shape in header: {header}")))?;
    let dims: Vec<usize> = shape
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| NpyError::Format(format!("bad shape ({shape})")))
        })
        .collect::<Result<_, _>>()?;
    let [nx, ny] = dims[..] else {
        return Err(NpyError::Format(format!("shape ({shape}) is not 2-D")));
    };
    let n = nx
        .checked_mul(ny)
        .and_then(|n| n.checked_mul(8))
        .ok_or_else(|| NpyError::Format(format!("shape ({shape}) too large")))?;
    let mut bytes = Vec::new();
    r.take(n as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() != n {
        return Err(NpyError::Format(format!(
            "expected {n} data bytes for shape ({shape}), found {}{}",
            bytes.len().min(n),
            if bytes.len() > n { " and more" } else { "" }
        )));
    }
    let data = bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().expect("8-byte chunk")))
        .collect();
    Ok((nx, ny, data))
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
}
