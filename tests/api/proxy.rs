//! `ops/nginx.conf` in front of the real portal: Debian's nginx runs the
//! example's TLS server section (without TLS) on loopback. The per-client
//! limits then count each client, not the proxy, and a client's own
//! `X-Forwarded-For` changes nothing; a request and its file go through;
//! `/metrics` does not.

use crate::helpers::{Backend, Mail, Subject, TestApp, free_port};
use reqwest::header;
use std::net::{IpAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The line the portal's `PORTAL_CLIENT_IP_HEADER=X-Forwarded-For` relies
/// on: the address nginx saw, in place of anything the client sent.
const FORWARDING: &str = "proxy_set_header X-Forwarded-For $remote_addr;";

/// Where the example sends requests; the test puts the portal's address there.
const EXAMPLE_UPSTREAM: &str = "127.0.0.1:3000";

/// nginx in the foreground, with its files in a folder of its own.
struct Nginx {
    base: String,
    child: Child,
    _prefix: tempfile::TempDir,
}

impl Nginx {
    /// Serves on a free loopback port what `ops/nginx.conf`'s TLS server
    /// serves, sending to `upstream` (`127.0.0.1:PORT`).
    fn start(upstream: &str) -> Nginx {
        let binary = nginx_binary();
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("ops/nginx.conf");
        let example = std::fs::read_to_string(&example)
            .unwrap_or_else(|e| panic!("{}: {e}", example.display()));
        let section = proxied_section(&example).replace(EXAMPLE_UPSTREAM, upstream);
        let prefix = tempfile::tempdir().expect("temp dir");
        let dir = prefix.path().display().to_string();
        let port = free_port();
        // Its temporary files here rather than in /var/lib/nginx, which only
        // an installed nginx owns; one process, so that killing it leaves
        // no worker behind.
        let conf = format!(
            "master_process off;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n\
             access_log off;\n\
             client_body_temp_path {dir}/client_body;\n\
             proxy_temp_path {dir}/proxy;\n\
             fastcgi_temp_path {dir}/fastcgi;\n\
             uwsgi_temp_path {dir}/uwsgi;\n\
             scgi_temp_path {dir}/scgi;\n\
             server {{\n\
             listen 127.0.0.1:{port};\n\
             {section}\n\
             }}\n\
             }}\n"
        );
        std::fs::write(prefix.path().join("nginx.conf"), conf).unwrap();
        let log = std::fs::File::create(prefix.path().join("stderr.log")).unwrap();
        let mut child = Command::new(&binary)
            .args([
                "-e",
                "stderr",
                "-p",
                &dir,
                "-c",
                &format!("{dir}/nginx.conf"),
            ])
            .args([
                "-g",
                &format!("daemon off; pid {dir}/nginx.pid; error_log stderr;"),
            ])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            let stopped = child.try_wait().unwrap().is_some();
            if stopped || Instant::now() > deadline {
                let _ = child.kill();
                let log = std::fs::read_to_string(prefix.path().join("stderr.log"));
                panic!(
                    "nginx did not start listening on port {port}: {}",
                    log.unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx {
            base: format!("http://127.0.0.1:{port}"),
            child,
            _prefix: prefix,
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Debian's nginx, which `make test` installs: in `PATH`, else in
/// `/usr/sbin` (outside a user's `PATH`). Missing, the test fails: it is
/// the only check of the example an operator copies.
fn nginx_binary() -> PathBuf {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .chain([PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join("nginx"))
        .find(|path| path.is_file())
        .expect(
            "nginx is not installed: `.ci/tools.sh test` (which `make test` runs) installs \
             Debian's nginx-light, or nginx",
        )
}

/// The body of the example's `server` that listens on 443, without what
/// only TLS and the installed machine need (listen, server_name, ssl_*,
/// log files): the body-size limit, the refused paths and the proxying,
/// as written. Fails when the forwarding line is not in it.
fn proxied_section(example: &str) -> String {
    let lines: Vec<&str> = example.lines().collect();
    let tls = lines
        .iter()
        .position(|line| line.trim_start().starts_with("listen 443"))
        .expect("ops/nginx.conf has a server listening on 443");
    let open = (0..tls)
        .rev()
        .find(|&i| lines[i].trim() == "server {")
        .expect("the 443 listen line is inside a `server {`");
    let mut depth = 0;
    let mut body = Vec::new();
    for line in &lines[open..] {
        let code = line.split('#').next().unwrap_or_default();
        depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
        if depth == 0 {
            break;
        }
        body.push(*line);
    }
    let kept: Vec<&str> = body[1..]
        .iter()
        .copied()
        .filter(|line| {
            let word = line.split_whitespace().next().unwrap_or_default();
            !matches!(word, "listen" | "server_name" | "access_log" | "error_log")
                && !word.starts_with("ssl_")
        })
        .collect();
    assert!(
        kept.iter().any(|line| line.trim() == FORWARDING),
        "ops/nginx.conf's TLS server no longer has `{FORWARDING}`"
    );
    assert!(
        kept.iter()
            .any(|line| line.trim() == format!("proxy_pass http://{EXAMPLE_UPSTREAM};")),
        "ops/nginx.conf's TLS server no longer proxies to {EXAMPLE_UPSTREAM}"
    );
    kept.join("\n")
}

/// A browser whose connections leave from `ip` (all of 127.0.0.0/8 is
/// loopback on Linux).
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Asks for a verification code for `email` at `base`, with a forged
/// `X-Forwarded-For` if given; whether the code was sent (a 303 to the
/// code form) or refused for too many codes.
async fn code_sent(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    forged: Option<&str>,
) -> bool {
    let mut request = client
        .post(format!("{base}/verify"))
        .header(header::ACCEPT, "text/html")
        .form(&[("form[email]", email), ("form[right]", "access")]);
    if let Some(forged) = forged {
        request = request.header("x-forwarded-for", forged);
    }
    let response = request.send().await.unwrap();
    if response.status() == 303 {
        return true;
    }
    let html = response.text().await.unwrap();
    assert!(html.contains("Trop de codes"), "{html}");
    false
}

#[tokio::test]
async fn behind_nginx_each_client_is_counted_by_its_own_address() {
    let app = TestApp::spawn_with(Backend::Sqlite, Mail::Files, |c| {
        c.client_ip_header = Some("X-Forwarded-For".into());
        c.limits.codes_per_ip_per_hour = 2;
    })
    .await;
    app.to_next_hour();
    let nginx = Nginx::start(app.address.trim_start_matches("http://"));
    let (first, second) = (client_from("127.0.0.2"), client_from("127.0.0.3"));
    // A new mailbox each time: only the client's count can refuse.
    assert!(code_sent(&first, &nginx.base, "a1@example.org", None).await);
    assert!(code_sent(&first, &nginx.base, "a2@example.org", None).await);
    assert!(
        !code_sent(&first, &nginx.base, "a3@example.org", None).await,
        "the third code from 127.0.0.2 in the hour"
    );
    assert!(
        code_sent(&second, &nginx.base, "b1@example.org", None).await,
        "127.0.0.3 through the same nginx has its own count"
    );
    assert!(
        !code_sent(&first, &nginx.base, "a4@example.org", Some("10.9.9.9")).await,
        "127.0.0.2 claiming to be 10.9.9.9 is still 127.0.0.2"
    );
    // The portal itself believes the header: nginx's line is what stops
    // the forgery.
    assert!(code_sent(&first, &app.address, "a5@example.org", Some("10.9.9.9")).await);
}

#[tokio::test]
async fn a_request_and_its_file_go_through_nginx_and_metrics_do_not() {
    let app = TestApp::spawn_with(Backend::Sqlite, Mail::Smtp, |c| {
        c.client_ip_header = Some("X-Forwarded-For".into());
    })
    .await;
    let nginx = Nginx::start(app.address.trim_start_matches("http://"));
    let subject = Subject::at(
        &nginx.base,
        app.smtp.as_ref().map(|s| s.mailbox()),
        "proxied@example.org",
    );
    let reference = subject.file("access").await;
    // Above nginx's default limit of 1 MiB: the example's own applies.
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(5 << 20, b' ');
    let sent = subject
        .send_message(&reference, "Ma pièce d'identité.", Some(("id.pdf", pdf)))
        .await;
    assert_eq!(sent.status(), 303, "{}", sent.text().await.unwrap());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_files").await,
        1,
        "the file arrived"
    );
    // nginx answers /metrics itself: none of the portal's headers.
    let metrics = reqwest::get(format!("{}/metrics", nginx.base))
        .await
        .unwrap();
    assert_eq!(metrics.status(), 404);
    assert!(
        !metrics
            .headers()
            .contains_key(header::X_CONTENT_TYPE_OPTIONS),
        "the portal was asked for /metrics through the proxy"
    );
    assert!(
        app.get("/metrics")
            .await
            .headers()
            .contains_key(header::X_CONTENT_TYPE_OPTIONS),
        "the portal marks its answers"
    );
}
