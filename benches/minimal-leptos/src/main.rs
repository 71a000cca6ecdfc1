//! Serves the minimal page, for the framework's floor in `make bench`.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() {
    use leptos::prelude::*;
    use leptos_axum::{LeptosRoutes, generate_route_list};
    use minimal_leptos::{App, shell};

    let conf = get_configuration(None).expect("leptos configuration");
    let options = conf.leptos_options;
    let address = options.site_addr;
    let routes = generate_route_list(App);
    let app = axum::Router::new()
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .with_state(options);
    let listener = tokio::net::TcpListener::bind(address).await.expect("bind");
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await.expect("serve");
}

#[cfg(not(feature = "ssr"))]
fn main() {}
