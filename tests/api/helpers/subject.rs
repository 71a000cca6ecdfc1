//! The data subject's driver: a browser without JavaScript, posting forms
//! to the pages' own URLs and keeping its cookies, that reads its codes
//! from the SMTP sink; with the form fields of a valid request. It drives
//! the in-process app or, through `Subject::at`, a portal in its own
//! process.

use super::{Mailbox, TestApp, eventually};
use reqwest::header;
use std::time::Duration;

/// A data subject's browser: its own cookies, its address, and where its
/// emails arrive.
pub struct Subject {
    pub address: String,
    pub email: String,
    pub client: reqwest::Client,
    pub mail: Option<Mailbox>,
}

pub fn common_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("form[first_name]", "Jeanne"),
        ("form[last_name]", "Martin"),
        ("form[relation]", "prospect"),
        ("form[reply_channel]", "email"),
        ("form[lang]", "fr"),
    ]
}

/// A valid set of right-specific fields for each right.
pub fn right_fields(right: &str) -> Vec<(&'static str, &'static str)> {
    match right {
        "access" => vec![("form[scope]", "all")],
        "rectification" => vec![
            ("form[rows][0][item]", "Nom"),
            ("form[rows][0][current]", "Martn"),
            ("form[rows][0][corrected]", "Martin"),
        ],
        "erasure" => vec![
            ("form[scope]", "some"),
            ("form[cat_prospect]", "on"),
            ("form[erasure_ground]", "consent_withdrawn"),
        ],
        "restriction" => vec![
            ("form[restriction_ground]", "accuracy_contested"),
            ("form[scope]", "all"),
        ],
        "portability" => vec![
            ("form[format]", "csv"),
            ("form[destination]", "organisation"),
            ("form[org_name]", "Acme"),
            ("form[org_email]", "dpo@acme.example"),
        ],
        "objection" => vec![("form[processing]", "prospecting")],
        _ => unreachable!(),
    }
}

pub const RIGHTS: [&str; 6] = [
    "access",
    "rectification",
    "erasure",
    "restriction",
    "portability",
    "objection",
];

impl Subject {
    pub fn new(app: &TestApp, email: &str) -> Self {
        Self::at(&app.address, app.smtp.as_ref().map(|s| s.mailbox()), email)
    }

    /// A browser on the portal at `address` (such as `http://127.0.0.1:3000`)
    /// whose emails arrive in `mail`.
    pub fn at(address: &str, mail: Option<Mailbox>, email: &str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Subject {
            address: address.to_owned(),
            email: email.to_owned(),
            client,
            mail,
        }
    }

    /// The address this subject verifies.
    pub fn email(&self) -> &str {
        &self.email
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap()
    }

    /// The text of the page at `path`, as this browser sees it.
    pub async fn page(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .header(header::ACCEPT, "text/html")
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Verifies the address again after the session ended (from the
    /// follow page, so that the code leads to `/my-requests`).
    pub async fn verify_again(&self) {
        let before = self.sink().count_to(&self.email);
        let asked = self
            .post(
                "/verify",
                &[("form[email]", self.email.as_str()), ("form[right]", "")],
            )
            .await;
        assert_eq!(asked.status(), 303, "{}", asked.text().await.unwrap());
        // The new code, not one of an earlier email.
        eventually(Duration::from_secs(15), || async {
            (self.sink().count_to(&self.email) > before).then_some(())
        })
        .await
        .expect("a new code email");
        let code = self.latest_code().await;
        let entered = self.enter_code(&code).await;
        assert_eq!(entered.status(), 303, "{}", entered.text().await.unwrap());
    }

    /// Writes to the DPO from the request's page, with an optional file.
    pub async fn send_message(
        &self,
        reference: &str,
        text: &str,
        file: Option<(&str, Vec<u8>)>,
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new().text("form[message]", text.to_owned());
        if let Some((name, bytes)) = file {
            form = form.part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
            );
        }
        self.post_message_form(reference, form).await
    }

    /// Sends the proof of someone acting for the subject (a mandate), from
    /// the form of the follow page.
    pub async fn send_proof(
        &self,
        reference: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        let form = reqwest::multipart::Form::new()
            .text("form[purpose]", "proof")
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
            );
        self.post_message_form(reference, form).await
    }

    /// Posts the follow page's multipart message form.
    async fn post_message_form(
        &self,
        reference: &str,
        form: reqwest::multipart::Form,
    ) -> reqwest::Response {
        self.client
            .post(format!("{}/my-requests/{reference}/message", self.address))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Presses "withdraw" on the request's page.
    pub async fn withdraw(&self, reference: &str) -> reqwest::Response {
        self.post(
            &format!("/my-requests/{reference}/withdraw"),
            &[("form[reference]", reference)],
        )
        .await
    }

    pub async fn ask_code(&self, right: &str) -> reqwest::Response {
        self.post(
            "/verify",
            &[("form[email]", self.email.as_str()), ("form[right]", right)],
        )
        .await
    }

    /// Where this subject's emails arrive.
    pub fn sink(&self) -> &Mailbox {
        self.mail.as_ref().expect("this test needs Mail::Smtp")
    }

    /// The code of the latest verification email.
    pub async fn latest_code(&self) -> String {
        let text = self
            .sink()
            .wait_for_text(&self.email, "/verify/link/")
            .await;
        let after = text
            .split("Code")
            .nth(1)
            .expect("the email states the code");
        after
            .chars()
            .filter(|c| c.is_ascii_digit())
            .take(6)
            .collect()
    }

    pub async fn latest_link_token(&self) -> String {
        let text = self
            .sink()
            .wait_for_text(&self.email, "/verify/link/")
            .await;
        let after = text.split("/verify/link/").nth(1).unwrap();
        after
            .chars()
            .take_while(|c| c.is_ascii_hexdigit())
            .collect()
    }

    pub async fn enter_code(&self, code: &str) -> reqwest::Response {
        self.post("/verify/code", &[("form[code]", code)]).await
    }

    /// Asks for a code, reads it from the email, types it.
    pub async fn verify(&self, right: &str) {
        let asked = self.ask_code(right).await;
        assert_eq!(asked.status(), 303, "{}", asked.text().await.unwrap());
        assert_eq!(asked.headers()[header::LOCATION], "/verify/code");
        let code = self.latest_code().await;
        let entered = self.enter_code(&code).await;
        assert_eq!(entered.status(), 303, "{}", entered.text().await.unwrap());
        assert_eq!(
            entered.headers()[header::LOCATION],
            format!("/request/new?right={right}").as_str()
        );
    }

    /// Opens the form and returns its one-time submission key.
    pub async fn form_key(&self, right: &str) -> String {
        let html = self
            .get(&format!("/request/new?right={right}"))
            .await
            .text()
            .await
            .unwrap();
        submission_key_in(&html).unwrap_or_else(|| panic!("no form in {html}"))
    }

    pub async fn submit(
        &self,
        right: &str,
        key: &str,
        extra: &[(&str, &str)],
    ) -> reqwest::Response {
        self.post("/request/new", &filing_fields(right, key, extra))
            .await
    }

    /// Verifies, fills and submits a valid request; returns its reference.
    pub async fn file(&self, right: &str) -> String {
        self.verify(right).await;
        let key = self.form_key(right).await;
        let response = self.submit(right, &key, &right_fields(right)).await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let reference = reference_of(&response).expect("a reference");
        assert!(
            reference.starts_with("R-") && reference.len() == 11,
            "{reference}"
        );
        reference
    }
}

/// The one-time submission key of the request form in `html`.
pub fn submission_key_in(html: &str) -> Option<String> {
    let marker = r#"name="form[submission_key]" value=""#;
    let start = html.find(marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_owned())
}

/// The reference a filing's redirect leads to (`/my-requests/R-…?new=1`).
pub fn reference_of(response: &reqwest::Response) -> Option<String> {
    let location = response.headers().get(header::LOCATION)?.to_str().ok()?;
    Some(
        location
            .strip_prefix("/my-requests/")?
            .trim_end_matches("?new=1")
            .to_owned(),
    )
}

/// The fields of a filing: its one-time key, the right, the common fields
/// and `extra`.
fn filing_fields<'f>(
    right: &'f str,
    key: &'f str,
    extra: &[(&'f str, &'f str)],
) -> Vec<(&'f str, &'f str)> {
    let mut fields = vec![("form[submission_key]", key), ("form[right]", right)];
    fields.extend(common_fields());
    fields.extend(extra.iter().copied());
    fields
}

/// Files a valid request for `right` from a browser already verified on
/// the portal at `address`, asserting nothing: under load or while the
/// server is killed a filing may fail, and the caller counts it. The
/// reference when the portal acknowledged it.
pub async fn try_file(address: &str, client: &reqwest::Client, right: &str) -> Option<String> {
    let form = client
        .get(format!("{address}/request/new?right={right}"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    let key = submission_key_in(&form)?;
    let response = client
        .post(format!("{address}/request/new"))
        .header(header::ACCEPT, "text/html")
        .form(&filing_fields(right, &key, &right_fields(right)))
        .send()
        .await
        .ok()?;
    if response.status() != 303 {
        return None;
    }
    reference_of(&response)
}
