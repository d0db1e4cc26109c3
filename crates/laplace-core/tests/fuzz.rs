//! Fuzzing the `.npy` reader: arbitrary bytes, and files the writer made
//! then damaged (bytes flipped, inserted, deleted, cut off; the header
//! length, version, dtype, order and shape changed, keys duplicated or
//! missing, shapes whose product overflows or needs terabytes). The
//! property: `npy::read` returns `Ok` or an error, never panics, and never
//! allocates more than a small multiple of the input's own size; what it
//! accepts is a grid of the declared shape that writes back to a file it
//! reads the same.
//!
//! A plain `cargo test` runs a few hundred cases of each property
//! (`PROPTEST_CASES` sets how many); `cargo xtask fuzz [--seconds N]` runs
//! them in batches until `SHOOTOUT_FUZZ_SECONDS` have passed
//! ([`fuzzing::fuzz`]).

mod fuzzing;

use fuzzing::{fuzz, peak_during};
use laplace_core::npy;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The most `read` may allocate for an input of `len` bytes: the header
/// (at most 64 KiB) and its parse, the data bytes as read (a `Vec` that
/// doubles, so up to twice them) and the grid (as many again).
fn allowance(len: usize) -> usize {
    4 * len + 512 * 1024
}

/// Reads `bytes`, checks what `read` promises, and says whether it was
/// accepted.
fn check(bytes: &[u8]) -> Result<bool, TestCaseError> {
    let (out, peak) = peak_during(|| npy::read(bytes));
    prop_assert!(
        peak <= allowance(bytes.len()),
        "read of {} bytes allocated {peak} bytes at once",
        bytes.len()
    );
    match out {
        Err(e) => {
            let message = e.to_string();
            prop_assert!(
                message.len() < 2048,
                "error message of {} bytes",
                message.len()
            );
            Ok(false)
        }
        Ok((nx, ny, data)) => {
            prop_assert_eq!(Some(data.len()), nx.checked_mul(ny));
            // What was accepted writes back to a file that reads the same.
            let mut again = Vec::new();
            npy::write(&mut again, nx, ny, &data).expect("writing to memory");
            let (nx2, ny2, back) = npy::read(&again[..]).expect("re-reading a written grid");
            prop_assert_eq!((nx2, ny2), (nx, ny));
            prop_assert!(
                back.iter()
                    .map(|x| x.to_bits())
                    .eq(data.iter().map(|x| x.to_bits()))
            );
            Ok(true)
        }
    }
}

/// A valid file of a small grid, from the writer.
fn valid_file() -> impl Strategy<Value = Vec<u8>> {
    (0usize..5, 0usize..5)
        .prop_flat_map(|(nx, ny)| (Just((nx, ny)), prop::collection::vec(any::<f64>(), nx * ny)))
        .prop_map(|((nx, ny), data)| {
            let mut buf = Vec::new();
            npy::write(&mut buf, nx, ny, &data).expect("writing to memory");
            buf
        })
}

/// One way to damage a file.
#[derive(Debug, Clone)]
enum Damage {
    Flip { at: usize, bits: u8 },
    Set { at: usize, byte: u8 },
    Insert { at: usize, bytes: Vec<u8> },
    Delete { at: usize, len: usize },
    Truncate { at: usize },
    Append { bytes: Vec<u8> },
    HeaderLen { len: u16 },
    Version { major: u8, minor: u8 },
}

/// Byte values that mean something in a header.
fn header_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        any::<u8>(),
        prop::sample::select(b"{}()[]':,\" \n\t0123456789-+LTFx\\\x93\x00\xff".to_vec()),
    ]
}

fn damage() -> impl Strategy<Value = Damage> {
    let at = any::<usize>();
    prop_oneof![
        3 => (at, 1u8..=255).prop_map(|(at, bits)| Damage::Flip { at, bits }),
        3 => (at, header_byte()).prop_map(|(at, byte)| Damage::Set { at, byte }),
        3 => (at, prop::collection::vec(header_byte(), 1..16))
            .prop_map(|(at, bytes)| Damage::Insert { at, bytes }),
        3 => (at, 1usize..64).prop_map(|(at, len)| Damage::Delete { at, len }),
        1 => at.prop_map(|at| Damage::Truncate { at }),
        1 => prop::collection::vec(any::<u8>(), 1..24).prop_map(|bytes| Damage::Append { bytes }),
        1 => any::<u16>().prop_map(|len| Damage::HeaderLen { len }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(major, minor)| Damage::Version { major, minor }),
    ]
}

fn apply(bytes: &mut Vec<u8>, damage: &Damage) {
    let n = bytes.len();
    let pick = |at: usize| if n == 0 { 0 } else { at % n };
    match damage {
        Damage::Flip { at, bits } if n > 0 => bytes[pick(*at)] ^= bits,
        Damage::Set { at, byte } if n > 0 => bytes[pick(*at)] = *byte,
        Damage::Insert { at, bytes: new } => {
            let at = if n == 0 { 0 } else { at % (n + 1) };
            bytes.splice(at..at, new.iter().copied());
        }
        Damage::Delete { at, len } if n > 0 => {
            let at = pick(*at);
            bytes.drain(at..(at + len).min(n));
        }
        Damage::Truncate { at } => bytes.truncate(if n == 0 { 0 } else { at % (n + 1) }),
        Damage::Append { bytes: new } => bytes.extend_from_slice(new),
        Damage::HeaderLen { len } if n >= 10 => bytes[8..10].copy_from_slice(&len.to_le_bytes()),
        Damage::Version { major, minor } if n >= 8 => {
            bytes[6] = *major;
            bytes[7] = *minor;
        }
        _ => {}
    }
}

/// Dimensions that break things: zero, one, huge, past `usize`, negative,
/// not numbers.
fn dimension() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0u64..6).prop_map(|d| d.to_string()),
        1 => any::<u64>().prop_map(|d| d.to_string()),
        1 => prop::sample::select(vec![
            "1000000".to_string(),
            "1000000000000".to_string(),
            "4294967296".to_string(),
            "2305843009213693952".to_string(),
            u64::MAX.to_string(),
            usize::MAX.to_string(),
            "18446744073709551616".to_string(),
            "99999999999999999999999999".to_string(),
            "-1".to_string(),
            "3L".to_string(),
            "2.0".to_string(),
            "0x10".to_string(),
            "1_0".to_string(),
            "None".to_string(),
            String::new(),
        ]),
    ]
}

/// A shape tuple: usually two dimensions, sometimes another count, with or
/// without the trailing comma.
fn shape() -> impl Strategy<Value = String> {
    (
        prop_oneof![16 => Just(2usize), 2 => 0usize..5, 1 => Just(40usize)],
        prop::collection::vec(dimension(), 40),
        any::<bool>(),
        prop::sample::select(vec![", ", ",", " , ", ",\n"]),
    )
        .prop_map(|(count, dims, trailing, sep)| {
            let mut s = dims[..count].join(sep);
            if trailing || count == 1 {
                s.push(',');
            }
            format!("({s})")
        })
}

/// A header dict: the three keys NumPy writes with values good and bad,
/// in any order, some missing, some twice, sometimes another key, then
/// padding.
fn header() -> impl Strategy<Value = String> {
    let descr = prop_oneof![
        6 => Just("'<f8'".to_string()),
        1 => prop::sample::select(vec![
            "'>f8'", "'<f4'", "'|u1'", "'<c16'", "'float64'", "\"<f8\"", "'<f8", "<f8", "''",
            "'<f8\\''", "[('a', '<f8')]", "None",
        ])
        .prop_map(str::to_string),
    ];
    let order = prop_oneof![
        6 => Just("False".to_string()),
        1 => prop::sample::select(vec!["True", "'False'", "0", "false", "Fals", "None"])
            .prop_map(str::to_string),
    ];
    let entries = (descr, order, shape()).prop_map(|(d, o, s)| {
        vec![
            format!("'descr': {d}"),
            format!("'fortran_order': {o}"),
            format!("'shape': {s}"),
            "'extra': 1".to_string(),
            "\"descr\": '<f8'".to_string(),
            "'shape': (2, 2)".to_string(),
        ]
    });
    (
        entries,
        prop_oneof![
            6 => Just(vec![]),
            1 => prop::sample::subsequence(vec![3usize, 4, 5], 1..=3),
            1 => prop::sample::subsequence((0..6).collect::<Vec<usize>>(), 0..=6),
        ],
        prop_oneof![8 => Just(vec![0usize, 1, 2]), 1 => Just(vec![])],
        any::<bool>(),
        0usize..80,
        prop_oneof![
            8 => Just("\n"),
            1 => prop::sample::select(vec!["", " \n", "\n\n", "x\n", "}\n"]),
        ],
    )
        .prop_map(|(entries, extra, usual, trailing, pad, end)| {
            // The usual three and some others, or any of them alone.
            let keep_all = usual.is_empty();
            let mut picked: Vec<usize> = usual;
            picked.extend(extra.into_iter().filter(|i| *i >= 3 || keep_all));
            let mut s = String::from("{");
            let body: Vec<&str> = picked.iter().map(|&i| entries[i].as_str()).collect();
            s.push_str(&body.join(", "));
            if trailing {
                s.push_str(", ");
            }
            s.push('}');
            s.push_str(&" ".repeat(pad));
            s.push_str(end);
            s
        })
}

/// A file with a generated header: magic, version 1.0, the header's true
/// length (or another), and data bytes about the size a small shape needs.
fn file_with_header() -> impl Strategy<Value = Vec<u8>> {
    (
        header(),
        prop::option::weighted(0.1, any::<u16>()),
        prop_oneof![0usize..200, Just(0), Just(8), Just(16), Just(32)],
    )
        .prop_map(|(header, len, data)| {
            let mut buf = b"\x93NUMPY\x01\x00".to_vec();
            let len = len.unwrap_or(u16::try_from(header.len()).unwrap_or(u16::MAX));
            buf.extend_from_slice(&len.to_le_bytes());
            buf.extend_from_slice(header.as_bytes());
            buf.extend((0..data).map(|k| (k * 37 % 251) as u8));
            buf
        })
}

#[test]
fn npy_reader_survives_arbitrary_bytes() {
    let bytes = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        // Past the magic, where the parsing starts.
        prop::collection::vec(any::<u8>(), 0..256).prop_map(|rest| {
            let mut b = b"\x93NUMPY\x01\x00".to_vec();
            b.extend(rest);
            b
        }),
    ];
    fuzz("npy arbitrary bytes", 512, bytes, |b| check(&b).map(drop));
}

#[test]
fn npy_reader_survives_damaged_files() {
    let damaged = (valid_file(), prop::collection::vec(damage(), 1..4)).prop_map(|(mut b, ds)| {
        for d in &ds {
            apply(&mut b, d);
        }
        b
    });
    fuzz("npy damaged files", 512, damaged, |b| check(&b).map(drop));
}

#[test]
fn npy_reader_survives_hostile_headers() {
    fuzz("npy hostile headers", 512, file_with_header(), |b| {
        check(&b).map(drop)
    });
}

#[test]
fn npy_reader_reads_what_the_writer_wrote() {
    fuzz("npy valid files", 128, valid_file(), |b| {
        prop_assert!(check(&b)?, "a written file was refused");
        Ok(())
    });
}

/// A file of `header` and `data` data bytes.
fn with_header(header: &str, data: usize) -> Vec<u8> {
    let mut buf = b"\x93NUMPY\x01\x00".to_vec();
    buf.extend_from_slice(&u16::try_from(header.len()).unwrap().to_le_bytes());
    buf.extend_from_slice(header.as_bytes());
    buf.resize(buf.len() + data, 0);
    buf
}

#[test]
fn huge_declared_shapes_are_refused_without_allocating_them() {
    for shape in [
        "(1000000, 1000000)",
        "(1000000000000, 1)",
        "(4294967296, 4294967296)",
        "(2305843009213693952, 1)",
        "(18446744073709551615, 2)",
        "(18446744073709551616, 1)",
        "(99999999999999999999999999, 1)",
    ] {
        let header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}\n");
        let file = with_header(&header, 64);
        let (out, peak) = peak_during(|| npy::read(&file[..]));
        let e = out.expect_err(shape).to_string();
        assert!(
            e.contains("too large") || e.contains("expected"),
            "{shape}: {e}"
        );
        assert!(peak < 1 << 20, "{shape}: allocated {peak} bytes");
    }
}
