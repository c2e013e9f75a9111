//! Reading a `POST /v1/parse` body (api.md §3.1): multipart, streamed, with the `file` part counted as it
//! arrives and refused with 413 the moment it passes the limit, so an oversized upload is never read to
//! its end. Everything stays in memory; nothing is written anywhere until the caller has validated it.

use axum::extract::Multipart;
use axum::http::StatusCode;
use zeroize::Zeroizing;

use super::error::ApiError;

/// Text fields are short (a mode, a URL): each is cut off at this size, and only this many are read.
const MAX_FIELD_BYTES: usize = 4096;
const MAX_FIELDS: usize = 32;
/// Multipart framing and text fields allowed on top of the file limit when checking `Content-Length`.
pub const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// A read upload: the file (held in memory, zeroed when dropped) and the text fields.
pub struct Upload {
    pub file_name: String,
    pub bytes: Zeroizing<Vec<u8>>,
    pub fields: Vec<(String, String)>,
}

impl Upload {
    /// The value of text field `name`, if sent.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

pub fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "FILE_TOO_LARGE",
        format!("File exceeds the upload limit of {limit} bytes"),
    )
}

fn file_required(detail: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "FILE_REQUIRED", detail)
}

/// Reads every part: exactly one `file` part (at most `limit` bytes), short text fields.
pub async fn read(mut multipart: Multipart, limit: u64) -> Result<Upload, ApiError> {
    let mut file: Option<(String, Zeroizing<Vec<u8>>)> = None;
    let mut fields = Vec::new();
    loop {
        let next = multipart
            .next_field()
            .await
            .map_err(|e| ApiError::invalid_request(format!("Malformed multipart body: {}", e.body_text())))?;
        let Some(mut field) = next else { break };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if file.is_some() {
                return Err(file_required("Send exactly one part named file"));
            }
            let file_name = display_name(field.file_name().unwrap_or_default());
            let mut bytes = Zeroizing::new(Vec::new());
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|e| ApiError::invalid_request(format!("Malformed multipart body: {}", e.body_text())))?
            {
                if bytes.len() as u64 + chunk.len() as u64 > limit {
                    return Err(too_large(limit));
                }
                bytes.extend_from_slice(&chunk);
            }
            file = Some((file_name, bytes));
        } else {
            if fields.len() >= MAX_FIELDS {
                return Err(ApiError::invalid_request("Too many form fields"));
            }
            let mut value = Vec::new();
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|e| ApiError::invalid_request(format!("Malformed multipart body: {}", e.body_text())))?
            {
                if value.len() + chunk.len() > MAX_FIELD_BYTES {
                    return Err(ApiError::validation(&name, "the value is too long"));
                }
                value.extend_from_slice(&chunk);
            }
            let value = String::from_utf8(value).map_err(|_| ApiError::validation(&name, "the value is not UTF-8"))?;
            fields.push((name, value));
        }
    }
    match file {
        Some((_, bytes)) if bytes.is_empty() => Err(file_required("The file part is empty")),
        Some((file_name, bytes)) => Ok(Upload { file_name, bytes, fields }),
        None => Err(file_required("A part named file is required")),
    }
}

/// The client's file name as shown back (`fileName`): the last path component, no control characters,
/// at most 255 bytes, `upload` when nothing is left. Never used for a path.
pub fn display_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut name = String::new();
    for c in base.chars().filter(|c| !c.is_control()) {
        if name.len() + c.len_utf8() > 255 {
            break;
        }
        name.push(c);
    }
    let name = name.trim().to_owned();
    if name.is_empty() || name == "." || name == ".." { "upload".to_owned() } else { name }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_lose_paths_and_control_characters() {
        assert_eq!(display_name("../../etc/x.step"), "x.step");
        assert_eq!(display_name("C:\\dwg\\plan.dwg"), "plan.dwg");
        assert_eq!(display_name("a\r\nX-Evil: 1.step"), "aX-Evil: 1.step");
        assert_eq!(display_name(""), "upload");
        assert_eq!(display_name(".."), "upload");
        assert_eq!(display_name(&"é".repeat(200)).len(), 254);
    }
}
