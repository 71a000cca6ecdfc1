//! Many renders at once: every page and every JavaScript-off form answer
//! stays whole under load.

use crate::helpers::{Backend, Mail, Subject, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pages_render_whole_under_parallel_load() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Files).await;
    let browsers: Vec<_> = (0..24)
        .map(|i| Subject::new(&app, &format!("load{i}@")))
        .collect();
    let gets =
        futures::future::join_all(browsers.iter().map(|b| b.get("/verify?right=access"))).await;
    for response in gets {
        assert_eq!(response.status(), 200);
        assert!(response.text().await.unwrap().contains("</html>"));
    }
    let posts = futures::future::join_all(browsers.iter().map(|b| b.ask_code("access"))).await;
    for response in posts {
        assert_eq!(response.status(), 200);
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Saisissez une adresse e-mail valide")
        );
    }
}
