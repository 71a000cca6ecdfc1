//! One of SOFACTO's systems, as its own code would call the portal: a
//! client with its API key (`System`), and a webhook receiver on loopback
//! that checks every delivery's signature with its own implementation of
//! the Standard Webhooks scheme (`Receiver`), not the portal's.

use super::TestApp;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use privacy_portal::domain::RightKind;
use privacy_portal::domain::task::SystemName;
use privacy_portal::systems::{self, Delivery};
use sha2::Sha256;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub struct System {
    pub address: String,
    pub key: String,
    pub webhook_secret: Option<String>,
    http: reqwest::Client,
}

impl System {
    /// Declares `name` handling `rights` ("access,erasure"), pulling its
    /// tasks or pushed to `webhook`.
    pub async fn add(app: &TestApp, name: &str, rights: &str, webhook: Option<&str>) -> System {
        let delivery = match webhook {
            Some(url) => Delivery::Webhook(systems::parse_webhook_url(url).unwrap()),
            None => Delivery::Pull,
        };
        let rights: Vec<RightKind> = privacy_portal::domain::task::parse_rights(rights).unwrap();
        let credentials = systems::add(
            &app.pool,
            &app.state.secrets,
            &SystemName::parse(name).unwrap(),
            &rights,
            delivery,
            app.clock_now(),
        )
        .await
        .unwrap();
        System {
            address: app.address.clone(),
            key: credentials.api_key,
            webhook_secret: credentials.webhook_secret,
            http: reqwest::Client::new(),
        }
    }

    pub fn with_key(&self, key: &str) -> System {
        System {
            address: self.address.clone(),
            key: key.to_owned(),
            webhook_secret: None,
            http: self.http.clone(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.address))
            .bearer_auth(&self.key)
            .send()
            .await
            .unwrap()
    }

    /// The JSON of a GET that must answer 200.
    pub async fn json(&self, path: &str) -> serde_json::Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    /// The ids of the tasks listed at `path`.
    pub async fn task_ids(&self, query: &str) -> Vec<String> {
        self.json(&format!("/api/v1/tasks{query}")).await["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Posts a result under `key`.
    pub async fn answer(
        &self,
        task: &str,
        key: &str,
        result: &serde_json::Value,
    ) -> reqwest::Response {
        self.http
            .post(format!("{}/api/v1/tasks/{task}/result", self.address))
            .bearer_auth(&self.key)
            .header("idempotency-key", key)
            .json(result)
            .send()
            .await
            .unwrap()
    }
}

/// A file of a result, as a system sends it.
pub fn result_file(name: &str, content_type: &str, bytes: &[u8]) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "content_type": content_type,
        "content_base64": STANDARD.encode(bytes),
    })
}

/// One delivery a receiver took.
#[derive(Clone, Debug)]
pub struct Delivered {
    pub id: String,
    pub body: serde_json::Value,
    pub verified: bool,
}

/// A webhook receiver on loopback. It answers 204 to a delivery whose
/// signature it verifies with `secret`, 401 to any other.
pub struct Receiver {
    pub deliveries: Arc<Mutex<Vec<Delivered>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Receiver {
    pub async fn start(port: u16, secret: &str) -> Receiver {
        let deliveries: Arc<Mutex<Vec<Delivered>>> = Arc::default();
        let secret = secret.to_owned();
        let seen = deliveries.clone();
        let handler = move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let seen = seen.clone();
            let secret = secret.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                let id = header("webhook-id");
                let verified = verify(
                    &secret,
                    &id,
                    &header("webhook-timestamp"),
                    &body,
                    &header("webhook-signature"),
                );
                seen.lock().unwrap().push(Delivered {
                    id,
                    body: serde_json::from_slice(&body).unwrap_or_default(),
                    verified,
                });
                if verified {
                    axum::http::StatusCode::NO_CONTENT
                } else {
                    axum::http::StatusCode::UNAUTHORIZED
                }
            }
        };
        let router = axum::Router::new().route("/hook", axum::routing::post(handler));
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
            .await
            .unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        Receiver {
            deliveries,
            stop: Some(tx),
        }
    }

    pub fn delivered(&self) -> Vec<Delivered> {
        self.deliveries.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The Standard Webhooks check, written from the specification: the
/// secret's base64 after `whsec_` keys an HMAC-SHA256 of
/// `id.timestamp.body`; the header lists `v1,<base64>` signatures separated
/// by spaces, any of which may match; the timestamp is within 5 minutes.
fn verify(secret: &str, id: &str, timestamp: &str, body: &[u8], header: &str) -> bool {
    let Some(key) = secret
        .strip_prefix("whsec_")
        .and_then(|s| STANDARD.decode(s).ok())
    else {
        return false;
    };
    let Ok(seconds) = timestamp.parse::<i64>() else {
        return false;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    if (now - seconds).abs() > 300 || id.is_empty() {
        return false;
    }
    let mut signed = Vec::new();
    signed.extend_from_slice(format!("{id}.{timestamp}.").as_bytes());
    signed.extend_from_slice(body);
    header.split(' ').any(|signature| {
        let Some(given) = signature
            .strip_prefix("v1,")
            .and_then(|s| STANDARD.decode(s).ok())
        else {
            return false;
        };
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
        mac.update(&signed);
        mac.verify_slice(&given).is_ok()
    })
}
