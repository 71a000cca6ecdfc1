#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    privacy_portal::cli::main()
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser side starts from `hydrate()` in lib.rs.
}
