//! A `multipart/form-data` body with one file part, streamed from memory without copying the file into a
//! second buffer (uploads may be 100 MiB).

use std::io::{Cursor, Read};

pub struct FilePart<'a> {
    boundary: String,
    head: Vec<u8>,
    file: &'a [u8],
    tail: Vec<u8>,
}

impl<'a> FilePart<'a> {
    /// `file_name` is sent as the part's filename; quotes, backslashes and line breaks are replaced so the
    /// header cannot be split or forged by a name.
    pub fn new(field: &str, file_name: &str, file: &'a [u8]) -> Result<FilePart<'a>, getrandom::Error> {
        let mut random = [0u8; 12];
        getrandom::fill(&mut random)?;
        let boundary = format!("cadlens-{}", random.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let safe_name: String =
            file_name.chars().map(|c| if matches!(c, '"' | '\\' | '\r' | '\n') { '_' } else { c }).collect();
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{safe_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        let tail = format!("\r\n--{boundary}--\r\n").into_bytes();
        Ok(FilePart { boundary, head, file, tail })
    }

    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    pub fn len(&self) -> u64 {
        (self.head.len() + self.file.len() + self.tail.len()) as u64
    }

    pub fn reader(&self) -> impl Read + '_ {
        Cursor::new(&self.head[..]).chain(self.file).chain(Cursor::new(&self.tail[..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_is_one_well_formed_file_part() {
        let part = FilePart::new("file", "bra\"cket.dxf", b"0\nEOF\n").expect("random");
        let mut body = Vec::new();
        part.reader().read_to_end(&mut body).expect("in memory");
        assert_eq!(body.len() as u64, part.len());
        let text = String::from_utf8(body).expect("ascii");
        let boundary = part.content_type().rsplit('=').next().expect("boundary").to_owned();
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"file\"; filename=\"bra_cket.dxf\"\r\n"));
        assert!(text.contains("\r\n\r\n0\nEOF\n\r\n"));
        assert!(text.ends_with(&format!("\r\n--{boundary}--\r\n")));
    }
}
