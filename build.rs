//! Gives the server build the git commit it was built from, for
//! `privacy-portal --version` and `/health`: `PORTAL_GIT_COMMIT`, or
//! "unknown" outside a git checkout (an unpacked source archive). The
//! browser build does not use it, so only the `ssr` build reruns on a commit.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=PORTAL_GIT_COMMIT");
    if std::env::var_os("CARGO_FEATURE_SSR").is_none() {
        return;
    }
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
    };
    let commit = std::env::var("PORTAL_GIT_COMMIT")
        .ok()
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=PORTAL_GIT_COMMIT={commit}");
    // A new commit moves HEAD or the branch it names: rerun then, and only
    // then. (A path that does not exist would rerun on every build.)
    // (`--git-path` finds each where it is, in a linked worktree too.)
    let mut watched = vec!["HEAD".to_owned(), "packed-refs".to_owned()];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--git-path", &name])
            && Path::new(&path).exists()
        {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
