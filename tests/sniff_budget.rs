//! Sniffing a 200 MB input reads at most 64 KiB: a counting `Read + Seek` over a synthetic source whose bytes
//! are generated on demand (nothing of that size is written to disk or held in memory).

use std::io::{self, Read, Seek, SeekFrom};

use cadlens::model::FileFormat;
use cadlens::sniff::{MAX_SNIFF_BYTES, SniffError, sniff_reader};

const SIZE_200_MB: u64 = 200_000_000;

/// A virtual file: `head` at offset 0, `tail` at the end, `filler` repeated in between; counts bytes read.
struct Synthetic {
    head: Vec<u8>,
    tail: Vec<u8>,
    filler: Vec<u8>,
    len: u64,
    pos: u64,
    bytes_read: u64,
}

impl Synthetic {
    fn new(head: &[u8], filler: &[u8], tail: &[u8], len: u64) -> Synthetic {
        Synthetic { head: head.to_vec(), tail: tail.to_vec(), filler: filler.to_vec(), len, pos: 0, bytes_read: 0 }
    }

    fn byte_at(&self, at: u64) -> u8 {
        let tail_start = self.len - self.tail.len() as u64;
        if at < self.head.len() as u64 {
            self.head[at as usize]
        } else if at >= tail_start {
            self.tail[(at - tail_start) as usize]
        } else {
            self.filler[((at - self.head.len() as u64) % self.filler.len() as u64) as usize]
        }
    }
}

impl Read for Synthetic {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (self.len.saturating_sub(self.pos)).min(buf.len() as u64) as usize;
        for (i, slot) in buf[..n].iter_mut().enumerate() {
            *slot = self.byte_at(self.pos + i as u64);
        }
        self.pos += n as u64;
        self.bytes_read += n as u64;
        Ok(n)
    }
}

impl Seek for Synthetic {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::End(delta) => self.len.checked_add_signed(delta),
            SeekFrom::Current(delta) => self.pos.checked_add_signed(delta),
        };
        self.pos = target.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before start"))?;
        Ok(self.pos)
    }
}

/// Sniffs through a counting reader; returns the verdict and the bytes read.
fn sniff_counting(mut source: Synthetic) -> (Result<cadlens::sniff::Sniffed, SniffError>, u64) {
    let verdict = sniff_reader(&mut source);
    (verdict, source.bytes_read)
}

#[test]
fn binary_stl_of_200_mb_reads_at_most_64_kib() {
    let facets = ((SIZE_200_MB - 84) / 50) as u32;
    let len = 84 + 50 * u64::from(facets);
    let mut head = b"solid big part (a binary header that starts like ASCII)".to_vec();
    head.resize(80, b' ');
    head.extend_from_slice(&facets.to_le_bytes());
    let (verdict, read) = sniff_counting(Synthetic::new(&head, &[0u8; 50], &[], len));
    let found = verdict.expect("STL");
    assert_eq!((found.format, found.version.as_deref(), found.bytes), (FileFormat::Stl, Some("binary"), len));
    assert!(read <= MAX_SNIFF_BYTES, "read {read} bytes");
    assert!(len >= SIZE_200_MB - 50);
}

#[test]
fn ascii_dxf_of_200_mb_reads_at_most_64_kib() {
    let head = b"999\nbig generator\n  0\nSECTION\n  2\nHEADER\n  9\n$ACADVER\n  1\nAC1032\n  0\nENDSEC\n";
    let filler = b"  0\nLINE\n  8\n0\n 10\n0.0\n 20\n0.0\n 11\n1.0\n 21\n1.0\n";
    let (verdict, read) = sniff_counting(Synthetic::new(head, filler, b"  0\nEOF\n", SIZE_200_MB));
    let found = verdict.expect("DXF");
    assert_eq!((found.format, found.version.as_deref()), (FileFormat::Dxf, Some("AC1032")));
    assert_eq!(found.bytes, SIZE_200_MB);
    assert!(read <= MAX_SNIFF_BYTES, "read {read} bytes");
}

#[test]
fn zip_of_200_mb_reads_head_and_tail_windows_only() {
    // A DWFx whose listing is at the end, behind 200 MB of stored data.
    let name = b"DWFDocumentSequence.dwfseq";
    let mut head = b"PK\x03\x04".to_vec();
    head.extend_from_slice(&[0u8; 22]);
    head.extend_from_slice(&5u16.to_le_bytes());
    head.extend_from_slice(&[0, 0]);
    head.extend_from_slice(b"a.bin");
    let mut tail = b"PK\x01\x02".to_vec();
    tail.extend_from_slice(&[0u8; 24]);
    tail.extend_from_slice(&(name.len() as u16).to_le_bytes());
    tail.extend_from_slice(&[0u8; 16]);
    tail.extend_from_slice(name);
    tail.extend_from_slice(b"PK\x05\x06");
    tail.extend_from_slice(&[0u8; 18]);
    let (verdict, read) = sniff_counting(Synthetic::new(&head, &[0x55], &tail, SIZE_200_MB));
    assert_eq!(verdict.expect("DWFx").format, FileFormat::Dwfx);
    assert!(read <= MAX_SNIFF_BYTES, "read {read} bytes");
    assert!(read > 48 * 1024, "the tail window was read too: {read}");
}

#[test]
fn unrecognised_200_mb_input_reads_at_most_64_kib() {
    let (verdict, read) = sniff_counting(Synthetic::new(b"\x7FELF", &[0xAB], &[], SIZE_200_MB));
    assert!(matches!(verdict, Err(SniffError::Unrecognised { .. })), "{verdict:?}");
    assert!(read <= MAX_SNIFF_BYTES, "read {read} bytes");
}
