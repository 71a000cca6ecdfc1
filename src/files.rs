//! Files exchanged on a request: what is accepted (an allow-list checked on
//! the bytes, not on the name), and how a multipart upload is read.

use axum::body::Body;
use axum::extract::Multipart;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// What the portal accepts, recognised by its first bytes; text formats by
/// their content (valid UTF-8, no control characters) and extension.
pub fn kind_of(name: &str, data: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| data.starts_with(magic);
    if starts(b"%PDF-") {
        return Some("application/pdf");
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if starts(b"\xFF\xD8\xFF") {
        return Some("image/jpeg");
    }
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        return Some("application/zip");
    }
    let text = std::str::from_utf8(data).ok()?;
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return None;
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("json") => serde_json::from_str::<serde::de::IgnoredAny>(text)
            .ok()
            .map(|_| "application/json"),
        Some("csv") => Some("text/csv"),
        _ => Some("text/plain"),
    }
}

/// A file name safe to show and to offer for download: no path, no
/// control characters, at most 200 characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .take(200)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() {
        "fichier".to_owned()
    } else {
        cleaned
    }
}

/// The fields and the one file of a multipart form.
#[derive(Default)]
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub file: Option<(String, Vec<u8>)>,
}

impl Upload {
    pub fn field(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

pub enum UploadError {
    /// The body is not a readable multipart form.
    Unreadable,
    TooLarge,
}

/// Reads a multipart form of text fields and at most one file of at most
/// `max_bytes` (an empty file input counts as no file).
pub async fn read(mut multipart: Multipart, max_bytes: usize) -> Result<Upload, UploadError> {
    let mut upload = Upload::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| UploadError::Unreadable)?
    {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(|_| UploadError::TooLarge)?;
                if bytes.len() > max_bytes {
                    return Err(UploadError::TooLarge);
                }
                if !bytes.is_empty() {
                    upload.file = Some((clean_name(&file_name), bytes.to_vec()));
                }
            }
            None => {
                let text = field.text().await.map_err(|_| UploadError::Unreadable)?;
                upload.fields.push((name, text));
            }
        }
    }
    Ok(upload)
}

/// A stored file as a download: the type it was accepted as, never
/// rendered by the browser, under its cleaned name.
pub fn download(name: &str, content_type: &str, data: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"{}\"",
        name.replace(|c: char| !c.is_ascii() || c == '"' || c == '\\', "_")
    );
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(content_type)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Body::from(data),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_their_bytes() {
        assert_eq!(kind_of("x.pdf", b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(
            kind_of("report.txt", b"%PDF-1.7"),
            Some("application/pdf"),
            "the name does not decide"
        );
        assert_eq!(
            kind_of("a.png", b"\x89PNG\r\n\x1a\nIHDR"),
            Some("image/png")
        );
        assert_eq!(
            kind_of("a.jpg", b"\xFF\xD8\xFF\xE0JFIF"),
            Some("image/jpeg")
        );
        assert_eq!(kind_of("a.zip", b"PK\x03\x04rest"), Some("application/zip"));
        assert_eq!(
            kind_of("data.json", br#"{"a": [1, 2]}"#),
            Some("application/json")
        );
        assert_eq!(kind_of("data.json", b"{not json"), None);
        assert_eq!(kind_of("data.csv", b"a,b\n1,2\n"), Some("text/csv"));
        assert_eq!(
            kind_of("notes", "Bonjour\tà tous\r\n".as_bytes()),
            Some("text/plain")
        );
    }

    #[test]
    fn anything_else_is_refused() {
        assert_eq!(kind_of("run.exe", b"MZ\x90\x00\x03"), None);
        assert_eq!(kind_of("page.html", b"<html>\x00"), None);
        assert_eq!(kind_of("x.txt", &[0xC3, 0x28]), None, "not UTF-8");
    }

    #[test]
    fn names_lose_their_path_and_markup() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\x\\copie <1>.pdf"), "copie 1.pdf");
        assert_eq!(clean_name("  "), "fichier");
    }
}
