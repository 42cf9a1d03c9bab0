//! Islands: the parts of a page a person acts on, hydrated one by one, while
//! the rest of the page stays the HTML the server rendered (Leptos' `islands`
//! feature). An island takes what it shows as props (serialised into the page)
//! and never reads the frame's context or the router: in the browser it is
//! hydrated on its own. When it has changed something the server renders, it
//! loads the page again ([`reload`], [`go_to`]).
//!
//! A large island is `#[island(lazy)]`: its code is a module of its own,
//! fetched when a page shows it (the build is split, `--split`).

use leptos::prelude::*;

/// Loads `path` as a new page (after a sign-in, a sign-out).
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Loads the current page again, so what the server renders shows a change.
pub fn reload() {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().reload();
    }
}

/// In the page's `<head>`, instead of Leptos' hydration
/// script: loads the bundle, waits for its `hydrate` (which fetches the
/// reader's texts first), then hydrates the islands in the page's order and
/// marks the document (`data-hydrated`) for tests and styles. Leptos' own
/// islands script hydrates the islands without waiting for `hydrate`, before
/// the texts are there.
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    // What the server renders outside islands is never hydrated: its resources
    // are not sent, and only an island's are numbered for the browser (as
    // Leptos' own islands script does).
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let (js, wasm) = bundle_names(&options);
    let pkg = format!("/{}", options.site_pkg_dir);
    let nonce = leptos::nonce::use_nonce();
    let script = format!("({LOADER})({pkg:?}, {js:?}, {wasm:?});");
    view! {
        <link rel="modulepreload" href=format!("{pkg}/{js}.js") crossorigin="anonymous" />
        <link rel="preload" href=format!("{pkg}/{wasm}.wasm") r#as="fetch" r#type="application/wasm" crossorigin="anonymous" />
        <script type="module" nonce=nonce>{script}</script>
    }
}

/// The loader: one function of the bundle's folder and file names.
const LOADER: &str = r#"async (pkg, js, wasm) => {
  const mod = await import(`${pkg}/${js}.js`);
  await mod.default({ module_or_path: `${pkg}/${wasm}.wasm` });
  try { await mod.hydrate(); } catch (error) { console.error(error); return; }
  // One island after the other, in the page's order, as the server rendered
  // them: resources and suspense boundaries are numbered in that order on
  // both sides, so an island hydrated out of turn (a lazy one whose module
  // came late) would read another's data and fail to hydrate. One failing
  // leaves the others working (and says so).
  const islands = [...document.querySelectorAll("leptos-island")]
    .filter((el) => !el.parentElement.closest("leptos-island"));
  for (const el of islands) {
    const island = mod[el.dataset.component];
    if (!island) { console.error(`no island ${el.dataset.component}`); continue; }
    try { await island(el); } catch (error) { console.error(error); }
  }
  document.documentElement.setAttribute("data-hydrated", "");
}"#;

/// The bundle's JavaScript and WebAssembly file names, without extension: with
/// hashed file names, as cargo-leptos listed them beside the server.
fn bundle_names(options: &LeptosOptions) -> (String, String) {
    let mut js = options.output_name.to_string();
    let mut wasm = options.output_name.to_string();
    if options.hash_files {
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default();
        for (file, hash) in hashes
            .lines()
            .filter_map(|line| line.trim().split_once(':'))
        {
            match file {
                "js" => js.push_str(&format!(".{}", hash.trim())),
                "wasm" => wasm.push_str(&format!(".{}", hash.trim())),
                _ => {}
            }
        }
    } else {
        wasm.push_str("_bg");
    }
    (js, wasm)
}

/// Loads the page again once `action` has succeeded: what the server renders
/// around the island then shows the change.
pub fn reload_after<S>(action: ServerAction<S>)
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if action.value().with(|value| matches!(value, Some(Ok(_)))) {
            reload();
        }
    });
}
