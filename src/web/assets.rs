//! The built site: its file names (hashed by the build, so a browser never
//! mixes an old WASM with a new page), where to find the hash file however
//! the binary is started, and the scripts that hydrate a page's islands.

use leptos::prelude::*;
use std::path::{Path, PathBuf};

/// The names of the built files under `/{pkg}/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assets {
    /// Whether the names carry content hashes (a release build does).
    pub hashed: bool,
    pub pkg_url: String,
    pub js: String,
    pub wasm: String,
    pub css: String,
}

/// The hash file cargo-leptos writes beside the server binary, looked for
/// where each way of starting the portal puts it: copied into the site root
/// by `make build` (an installed binary finds it there), beside the binary
/// (`target/release/`), or one folder up (the test binaries in
/// `target/release/deps/`).
pub fn find_hash_file(site_root: &Path) -> Option<PathBuf> {
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf));
    let mut candidates = vec![site_root.join("hash.txt")];
    if let Some(dir) = exe_dir {
        candidates.push(dir.join("hash.txt"));
        if let Some(parent) = dir.parent() {
            candidates.push(parent.join("hash.txt"));
        }
    }
    candidates
        .into_iter()
        .find(|path| path.is_file())
        .and_then(|path| std::path::absolute(path).ok())
}

impl Assets {
    /// Reads the names from `hash_file` (`js: …`, `wasm: …`, `css: …`
    /// lines); without one, the unhashed names of a development build.
    pub fn load(output_name: &str, pkg_dir: &str, hash_file: Option<&Path>) -> Assets {
        let hashes = hash_file
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default();
        let name = |kind: &str, ext: &str| {
            let hash = hashes.lines().find_map(|line| {
                let (file, hash) = line.split_once(':')?;
                (file.trim() == kind).then(|| hash.trim().to_owned())
            });
            match hash {
                Some(hash) => format!("{output_name}.{hash}.{ext}"),
                None => format!("{output_name}.{ext}"),
            }
        };
        Assets {
            hashed: !hashes.is_empty(),
            pkg_url: format!("/{pkg_dir}"),
            js: name("js", "js"),
            wasm: name("wasm", "wasm"),
            css: name("css", "css"),
        }
    }

    /// Whether `file` (a name under `/pkg/`) carries a content hash, and so
    /// may be cached for good.
    pub fn is_hashed(&self, file: &str) -> bool {
        let base = file.trim_end_matches(".gz").trim_end_matches(".br");
        self.hashed && (base == self.js || base == self.wasm || base == self.css)
    }
}

/// Loads the WASM and hydrates the page's islands. Only pages with islands
/// include it: the others load no script at all. Modelled on Leptos's own
/// islands loader (the same `leptos-island` / `leptos-children` protocol),
/// written here so that the script carries the page's nonce and the
/// hashed names, and marks `<body data-hydrated>` when done.
#[component]
pub fn IslandScripts() -> impl IntoView {
    use_context::<std::sync::Arc<Assets>>().map(|assets| {
        let js = format!("{}/{}", assets.pkg_url, assets.js);
        let wasm = format!("{}/{}", assets.pkg_url, assets.wasm);
        let script = format!("({LOADER})({js:?}, {wasm:?});");
        // The nonce on the script and on the module preload (Leptos's own
        // loader puts it in `crossorigin` instead, which CSP ignores).
        let nonce = leptos::nonce::use_nonce().map(|n| n.to_string());
        view! {
            <link rel="modulepreload" href=js nonce=nonce.clone() />
            <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin="" />
            <script type="module" nonce=nonce>{script}</script>
        }
    })
}

const LOADER: &str = r#"(js, wasm) => {
  const childrenHooks = [];
  async function hydrate(el, mod) {
    const island = mod[el.dataset.component];
    if (!island) return;
    const hook = childrenHooks[childrenHooks.length - 1];
    if (hook) hook();
    const done = island(el);
    if (done && done.then) await done;
  }
  async function walk(node, mod) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.tagName.toLowerCase();
    if (tag === "leptos-island") await hydrate(node, mod);
    if (tag === "leptos-children") childrenHooks.push(node.$$on_hydrate);
    for (const child of node.children) await walk(child, mod);
    if (tag === "leptos-children") childrenHooks.pop();
  }
  import(js)
    .then((mod) => mod.default({ module_or_path: wasm }).then(() => mod))
    .then((mod) => { mod.hydrate(); return walk(document.body, mod); })
    .then(() => { document.body.dataset.hydrated = "true"; });
}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_come_from_the_hash_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("hash.txt");
        std::fs::write(&file, "js: abc123\nwasm: def456\ncss: 0f0f\n").unwrap();
        let assets = Assets::load("portal", "pkg", Some(&file));
        assert_eq!(assets.js, "portal.abc123.js");
        assert_eq!(assets.wasm, "portal.def456.wasm");
        assert_eq!(assets.css, "portal.0f0f.css");
        assert!(assets.is_hashed("portal.def456.wasm.br"));
        assert!(!assets.is_hashed("portal.wasm"));
    }

    #[test]
    fn without_a_hash_file_the_names_are_plain() {
        let assets = Assets::load("portal", "pkg", None);
        assert_eq!(assets.js, "portal.js");
        assert_eq!(assets.wasm, "portal.wasm");
        assert!(!assets.is_hashed("portal.js"));
    }

    #[test]
    fn the_hash_file_in_the_site_root_is_found_first() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("hash.txt"), "js: 1\n").unwrap();
        let found = find_hash_file(dir.path()).unwrap();
        assert!(found.is_absolute());
        assert_eq!(
            found,
            std::path::absolute(dir.path().join("hash.txt")).unwrap()
        );
    }
}
