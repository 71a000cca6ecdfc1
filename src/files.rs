//! Files exchanged on a request: what is accepted (an allow-list checked on
//! the bytes, not on the name), and how a multipart upload is read.

use axum::body::Body;
use axum::extract::Multipart;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// Who sends a file. A subject may send documents and pictures only: PDF,
/// PNG, JPEG, plain text, CSV and JSON. The DPO may also send a ZIP (an
/// export of several files); no one may send an archive of their own
/// making to the DPO, nor an Office file (a ZIP or a binary inside).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sender {
    Subject,
    Dpo,
}

/// The extensions a text file may carry; none is fine too.
const TEXT_EXTENSIONS: [&str; 4] = ["txt", "text", "csv", "json"];

/// What the portal accepts from `sender`, recognised by its first bytes;
/// text formats by their content (valid UTF-8, no control characters, no
/// markup or script) and their extension, which must be a text one: a page
/// or a script is never accepted as "text".
pub fn kind_of(name: &str, data: &[u8], sender: Sender) -> Option<&'static str> {
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
        return (sender == Sender::Dpo).then_some("application/zip");
    }
    let text = std::str::from_utf8(data).ok()?;
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || looks_like_code(text)
    {
        return None;
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    if extension
        .as_deref()
        .is_some_and(|ext| !TEXT_EXTENSIONS.contains(&ext))
    {
        return None;
    }
    match extension.as_deref() {
        Some("json") => serde_json::from_str::<serde::de::IgnoredAny>(text)
            .ok()
            .map(|_| "application/json"),
        Some("csv") => Some("text/csv"),
        _ => Some("text/plain"),
    }
}

/// Text a browser or a shell would run: markup (HTML, SVG, XML: it starts
/// with `<`), a script tag anywhere, or a shebang.
fn looks_like_code(text: &str) -> bool {
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    start.starts_with('<')
        || start.starts_with("#!")
        || text.to_ascii_lowercase().contains("<script")
}

/// A file name safe to show and to offer for download: no path, no
/// control or format characters (a right-to-left override would show
/// `report\u{202E}fdp.hta` as `reportath.pdf`), at most 200 characters.
pub fn clean_name(name: &str) -> String {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| {
            !c.is_control()
                && c.general_category() != GeneralCategory::Format
                && !matches!(c, '"' | '<' | '>')
        })
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

/// The extension of a type the portal accepts.
fn extension_of(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "application/zip" => "zip",
        "application/json" => "json",
        "text/csv" => "csv",
        _ => "txt",
    }
}

/// The name a file is downloaded under: its cleaned name's stem and the
/// extension of the type found in its bytes, whatever the sender called it.
pub fn download_name(name: &str, content_type: &str) -> String {
    let name = clean_name(name);
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) if !stem.trim().is_empty() => stem.trim_end(),
        _ => name.as_str(),
    };
    format!("{stem}.{}", extension_of(content_type))
}

/// A stored file as a download: the type it was accepted as, never
/// rendered by the browser (and sandboxed if it were), under its cleaned
/// name with the extension of that type.
pub fn download(name: &str, content_type: &str, data: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"{}\"",
        download_name(name, content_type)
            .replace(|c: char| !c.is_ascii() || c == '"' || c == '\\', "_")
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
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("sandbox"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
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
        let kind_of = |name: &str, data: &[u8]| kind_of(name, data, Sender::Dpo);
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
        let kind_of = |name: &str, data: &[u8]| kind_of(name, data, Sender::Dpo);
        assert_eq!(kind_of("run.exe", b"MZ\x90\x00\x03"), None);
        assert_eq!(kind_of("page.html", b"<html>\x00"), None);
        assert_eq!(kind_of("x.txt", &[0xC3, 0x28]), None, "not UTF-8");
        // Pages and scripts, whatever they are called.
        assert_eq!(
            kind_of("page.html", b"Bonjour"),
            None,
            "not a text extension"
        );
        assert_eq!(kind_of("run.hta", b"Bonjour"), None);
        assert_eq!(kind_of("a.svg", b"Bonjour"), None);
        assert_eq!(
            kind_of("page.txt", b"\xEF\xBB\xBF  <!DOCTYPE html><p>x"),
            None
        );
        assert_eq!(kind_of("image.txt", b"<svg onload=alert(1)>"), None);
        assert_eq!(kind_of("notes.txt", b"ok\n<SCRIPT>alert(1)</script>"), None);
        assert_eq!(kind_of("run.txt", b"#!/bin/sh\nrm -rf ~"), None);
        assert_eq!(
            kind_of("notes.txt", b"a < b, and b > c"),
            Some("text/plain")
        );
    }

    #[test]
    fn a_subject_sends_no_archive() {
        let zip = b"PK\x03\x04rest";
        assert_eq!(kind_of("a.zip", zip, Sender::Subject), None);
        assert_eq!(
            kind_of("lettre.docx", zip, Sender::Subject),
            None,
            "Office is a ZIP"
        );
        assert_eq!(kind_of("a.zip", zip, Sender::Dpo), Some("application/zip"));
        assert_eq!(
            kind_of("scan.pdf", b"%PDF-1.7", Sender::Subject),
            Some("application/pdf")
        );
    }

    #[test]
    fn a_download_is_named_after_its_bytes_without_format_characters() {
        assert_eq!(clean_name("report\u{202E}fdp.hta"), "reportfdp.hta");
        assert_eq!(clean_name("a\u{200B}b\u{2066}c\u{FEFF}.pdf"), "abc.pdf");
        assert_eq!(
            download_name("report\u{202E}fdp.hta", "application/pdf"),
            "reportfdp.pdf"
        );
        assert_eq!(download_name("facture.exe", "image/png"), "facture.png");
        assert_eq!(download_name("notes", "text/plain"), "notes.txt");
        assert_eq!(download_name(".pdf", "application/pdf"), ".pdf.pdf");
        assert_eq!(
            download_name("rapport.final.csv", "text/csv"),
            "rapport.final.csv"
        );
    }

    #[test]
    fn names_lose_their_path_and_markup() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\x\\copie <1>.pdf"), "copie 1.pdf");
        assert_eq!(clean_name("  "), "fichier");
    }
}
