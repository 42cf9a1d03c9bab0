//! The built site (`SITE_ROOT`): its runtime options, the content-hashed names
//! of its files, and serving them — the Brotli or gzip copy made at build time
//! when the client takes it, cached for a year when the name carries a hash.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use app::StylesheetHref;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::config::LeptosOptions;
use tower_http::services::ServeDir;

use crate::config::Settings;

/// The site options shipped with the binary (`Leptos.toml`).
const LEPTOS_TOML: &str = include_str!("../../Leptos.toml");

/// Cache header of a file whose name changes with its content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache header of any other static file: keep it, but ask before reuse.
const REVALIDATE: &str = "no-cache";

/// Reads the site options (`LEPTOS_CONFIG` or the built-in `Leptos.toml`) and
/// points them at the listening address, the site root and the hash file.
pub fn leptos_options(settings: &Settings) -> anyhow::Result<LeptosOptions> {
    let text = match std::env::var("LEPTOS_CONFIG") {
        Ok(path) => std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?,
        Err(_) => LEPTOS_TOML.to_owned(),
    };
    let mut options: LeptosOptions = toml::from_str(&text).context("parsing Leptos.toml")?;
    options.site_addr = settings.addr;
    options.site_root = settings.site_root.to_string_lossy().as_ref().into();
    if options.hash_files {
        match find_hash_file(&options.hash_file, &settings.site_root) {
            // Leptos looks the file up beside the executable; an absolute path
            // wins over that.
            Some(path) => options.hash_file = path.to_string_lossy().as_ref().into(),
            None => {
                tracing::warn!(
                    hash_file = %options.hash_file,
                    "no hash file beside the executable or in the site root: \
                     pages will link unhashed file names"
                );
                options.hash_files = false;
            }
        }
    }
    Ok(options)
}

/// `cargo leptos build` writes the hash file beside the server executable; a
/// deployment may also ship it in the site root.
fn find_hash_file(name: &str, site_root: &Path) -> Option<PathBuf> {
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)));
    let candidates = [beside_exe, Some(site_root.join(name))];
    candidates
        .into_iter()
        .flatten()
        .find(|path| path.is_file())
        .and_then(|path| std::path::absolute(path).ok())
}

/// Where the shell links the stylesheet: the hashed name when the build
/// hashed it, else `/<pkg>/<name>.css`.
pub fn stylesheet_href(options: &LeptosOptions) -> StylesheetHref {
    let hash = options
        .hash_files
        .then(|| std::fs::read_to_string(options.hash_file.as_ref()).ok())
        .flatten()
        .and_then(|text| hash_of(&text, "css"));
    let name = match hash {
        Some(hash) => format!("{}.{hash}.css", options.output_name),
        None => format!("{}.css", options.output_name),
    };
    StylesheetHref(Arc::from(format!("/{}/{name}", options.site_pkg_dir)))
}

/// The hash of `kind` (`js`, `wasm`, `css`) in a hash file (`kind: hash` lines).
pub fn hash_of(text: &str, kind: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == kind).then(|| value.trim().to_owned())
    })
}

/// `/texts/<hash>/<lang>.txt`: a language's interface texts, which the
/// browser bundle loads instead of carrying them (`app::i18n::texts`).
pub async fn texts_file(
    axum::extract::Path((hash, name)): axum::extract::Path<(String, String)>,
) -> Response {
    use axum::response::IntoResponse;
    match app::i18n::texts::file(&hash, &name) {
        Some(content) => (
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CACHE_CONTROL, IMMUTABLE),
            ],
            content,
        )
            .into_response(),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

/// The site's files, their precompressed copies preferred.
pub fn files(site_root: &Path) -> ServeDir {
    ServeDir::new(site_root)
        .precompressed_br()
        .precompressed_gzip()
}

/// Middleware on the static files: cache headers by name, and `Vary` since
/// the body depends on `Accept-Encoding`.
pub async fn cache_headers(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let status = response.status();
    if status.is_success() || status == axum::http::StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        // A page rendered for an unknown path keeps its own headers.
        let is_file = !headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if is_file {
            let cache = if hashed { IMMUTABLE } else { REVALIDATE };
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    }
    response
}

/// Whether the file name carries a content hash: `name.<22 characters of
/// URL-safe base64>.ext`, as `cargo leptos` names them.
pub fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let mut parts = name.rsplit('.');
    let (Some(_ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !stem.is_empty()
        && hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
