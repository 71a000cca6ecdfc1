//! The DPO's driver: a browser signed in to the console, posting its
//! forms (actions, files, a letter's intake) and reading its pages. It
//! drives the in-process app or, through `Dpo::at`, a portal in its own
//! process.

use super::TestApp;
use privacy_portal::accounts;
use reqwest::header;

pub const PASSWORD: &str = "a long enough passphrase for the DPO";

/// A DPO's browser: its own cookies.
pub struct Dpo {
    pub address: String,
    pub email: String,
    pub client: reqwest::Client,
}

impl Dpo {
    /// Creates the account (as `privacy-portal dpo add` does).
    pub async fn create(app: &TestApp, email: &str) -> Dpo {
        let address = privacy_portal::domain::Email::parse(email).unwrap();
        accounts::create_account(&app.pool, &address, PASSWORD, app.clock_now())
            .await
            .unwrap();
        Dpo::browser(app, email)
    }

    pub fn browser(app: &TestApp, email: &str) -> Dpo {
        Self::at(&app.address, email)
    }

    /// A browser on the portal at `address`, for the account `email`.
    pub fn at(address: &str, email: &str) -> Dpo {
        Dpo {
            address: address.to_owned(),
            email: email.to_owned(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap()
    }

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

    pub async fn sign_in_with(&self, password: &str) -> reqwest::Response {
        self.post(
            "/dpo/login",
            &[
                ("form[email]", self.email.as_str()),
                ("form[password]", password),
                ("form[next]", "/dpo"),
            ],
        )
        .await
    }

    pub async fn sign_in(&self) {
        let response = self.sign_in_with(PASSWORD).await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        assert_eq!(response.headers()[header::LOCATION], "/dpo");
    }

    /// Attaches a reply file to `reference`, as seen in `status`.
    pub async fn attach(
        &self,
        reference: &str,
        seen: &str,
        name: &str,
        bytes: &[u8],
    ) -> reqwest::Response {
        self.attach_as(reference, seen, "reply", name, bytes).await
    }

    /// Attaches a file of `kind` (`reply`, or `original`: the scanned
    /// original of a request received by another channel).
    pub async fn attach_as(
        &self,
        reference: &str,
        seen: &str,
        kind: &str,
        name: &str,
        bytes: &[u8],
    ) -> reqwest::Response {
        let form = reqwest::multipart::Form::new()
            .text("seen", seen.to_owned())
            .text("kind", kind.to_owned())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
            );
        self.client
            .post(format!("{}/dpo/requests/{reference}/attach", self.address))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Records an objection that came by letter on `arrived` (YYYY-MM-DD),
    /// with no email address, through `/dpo/new`.
    pub async fn record_letter(&self, arrived: &str) -> reqwest::Response {
        let form = self.page("/dpo/new?right=objection").await;
        let key = form
            .split(r#"name="form[submission_key]" value=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a submission key")
            .to_owned();
        let fields = [
            ("form[submission_key]", key.as_str()),
            ("form[right]", "objection"),
            ("form[first_name]", "Paul"),
            ("form[last_name]", "Durand"),
            ("form[relation]", "prospect"),
            ("form[reply_channel]", "postal"),
            ("form[reply_postal]", "3 rue Basse, 34000 Montpellier"),
            ("form[lang]", "fr"),
            ("form[processing]", "prospecting"),
            ("intake[channel]", "letter"),
            ("intake[arrived_on]", arrived),
            ("intake[email]", ""),
            (
                "intake[late_reason]",
                "Ouverte au retour du service courrier.",
            ),
        ];
        self.post("/dpo/new", &fields).await
    }

    /// Posts `action` on `reference` as seen in `status`.
    pub async fn act(
        &self,
        reference: &str,
        action: &str,
        seen: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut all = vec![("form[seen]", seen)];
        // Processing starts once identity is established, said how: a
        // checked customer number unless the test says otherwise.
        if action == "start"
            && !fields
                .iter()
                .any(|(name, _)| *name == "form[identity_method]")
        {
            all.push(("form[identity_method]", "checked_fact"));
        }
        all.extend_from_slice(fields);
        self.post(&format!("/dpo/requests/{reference}/{action}"), &all)
            .await
    }

    /// Posts `action` and expects it done.
    pub async fn done(&self, reference: &str, action: &str, seen: &str, fields: &[(&str, &str)]) {
        let response = self.act(reference, action, seen, fields).await;
        assert_eq!(
            response.status(),
            303,
            "{action}: {}",
            response.text().await.unwrap()
        );
        assert_eq!(
            response.headers()[header::LOCATION],
            format!("/dpo/requests/{reference}?done={action}").as_str()
        );
    }
}

/// An access answer's fields (Art. 15(1), every one filled), with its
/// summary and what it says of transfers.
pub fn access_answer(
    summary: &'static str,
    transfers: &'static str,
) -> Vec<(&'static str, &'static str)> {
    vec![
        ("form[summary]", summary),
        ("form[access_purposes]", "Gestion de la relation client."),
        ("form[access_categories]", "Identité, coordonnées."),
        ("form[access_recipients]", "Nos équipes."),
        ("form[access_retention]", "3 ans."),
        ("form[access_rights]", "Rectification, effacement."),
        ("form[access_source]", "Vous-même."),
        ("form[access_automated]", "Aucune."),
        ("form[access_transfers]", transfers),
    ]
}

/// The figure a queue chip shows (`data-figure="{name}"`), if any.
pub fn figure(page: &str, name: &str) -> Option<i64> {
    let at = page.find(&format!(r#"data-figure="{name}""#))?;
    let after = &page[at..];
    let start = after.find('>')? + 1;
    let end = after[start..].find('<')? + start;
    after[start..end].trim().parse().ok()
}

/// The reference of a request the console just recorded, from the
/// address it redirected to (`/dpo/requests/{reference}`).
pub fn recorded_reference(response: &reqwest::Response) -> String {
    response.headers()[reqwest::header::LOCATION]
        .to_str()
        .unwrap()
        .trim_start_matches("/dpo/requests/")
        .to_owned()
}

/// Reads a download: status, headers, body.
pub async fn download(response: reqwest::Response) -> (String, String) {
    assert_eq!(response.status(), 200);
    let disposition = response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    (disposition, response.text().await.unwrap())
}
