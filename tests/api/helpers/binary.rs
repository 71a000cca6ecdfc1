//! The binary itself, as an operator runs it: a clean environment (only
//! PATH), the data folder, the settings the test gives, and standard input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

pub fn run_portal(
    data_dir: &std::path::Path,
    args: &[&str],
    stdin: &str,
    extra_env: &[(&str, &str)],
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_privacy-portal"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORTAL_DATA_DIR", data_dir)
        .envs(extra_env.iter().copied());
    output_of(command, stdin)
}

/// Runs `command` with `stdin` written to it; its output.
pub fn output_of(mut command: Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run privacy-portal");
    // The program may refuse its arguments and exit before reading: a
    // closed pipe is then expected.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}
