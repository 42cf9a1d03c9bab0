//! How responses travel: security headers on every answer, compression as the
//! client asks, and the site's hashed files served precompressed and cached
//! for a year. The site is a small stand-in built by each test, so these run
//! without `cargo leptos build`.

use crate::common;

use std::path::{Path, PathBuf};

use common::{TestApp, spawn_with};
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY, CONTENT_TYPE, VARY,
};

const WASM_HASH: &str = "AbCdEfGhIjKlMnOpQrSt_-";
const CSS_HASH: &str = "ZyXwVuTsRqPoNmLkJiHg12";

/// A site root with a hash file, a hashed WASM file with its Brotli and gzip
/// copies, and an unhashed icon.
fn stand_in_site(dir: &Path) -> PathBuf {
    let pkg = dir.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        dir.join("hash.txt"),
        format!("js: JsJsJsJsJsJsJsJsJsJsJs\nwasm: {WASM_HASH}\ncss: {CSS_HASH}\n"),
    )
    .unwrap();
    let wasm = pkg.join(format!("medplat.{WASM_HASH}.wasm"));
    std::fs::write(&wasm, b"\0asm raw bytes").unwrap();
    std::fs::write(wasm.with_extension("wasm.br"), b"brotli bytes").unwrap();
    std::fs::write(wasm.with_extension("wasm.gz"), b"gzip bytes").unwrap();
    std::fs::write(
        dir.join("favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    dir.to_path_buf()
}

async fn app_with_site(extra: &[(&str, &str)]) -> (TestApp, PathBuf) {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).unwrap();
    let id: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let site = stand_in_site(&std::env::temp_dir().join(format!("medplat-site-{id}")));
    let site_root = site.to_string_lossy().to_string();
    let mut overrides = vec![("SITE_ROOT", site_root.as_str())];
    overrides.extend_from_slice(extra);
    (spawn_with(&overrides).await, site)
}

async fn get(app: &TestApp, path: &str, encoding: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    if let Some(encoding) = encoding {
        request = request.header(ACCEPT_ENCODING, encoding);
    }
    request.send().await.unwrap()
}

fn header(response: &reqwest::Response, name: impl reqwest::header::AsHeaderName) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let (app, site) = app_with_site(&[]).await;
    for path in [
        "/health",
        "/login",
        "/api/v1/specialties/",
        "/favicon.svg",
        "/nowhere",
    ] {
        let response = get(&app, path, None).await;
        assert_eq!(
            header(&response, "x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            header(&response, "referrer-policy"),
            "same-origin",
            "{path}"
        );
        assert!(
            header(&response, CONTENT_SECURITY_POLICY).contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert!(
            response
                .headers()
                .get("strict-transport-security")
                .is_none(),
            "{path}"
        );
    }
    std::fs::remove_dir_all(site).unwrap();
}

#[tokio::test]
async fn hsts_only_behind_https() {
    let (app, site) = app_with_site(&[("COOKIE_SECURE", "true")]).await;
    let response = get(&app, "/health", None).await;
    assert!(header(&response, "strict-transport-security").starts_with("max-age=31536000"));
    std::fs::remove_dir_all(site).unwrap();
}

#[tokio::test]
async fn pages_allow_only_their_nonce_and_link_hashed_files() {
    let (app, site) = app_with_site(&[]).await;
    let response = get(&app, "/login", None).await;
    assert_eq!(response.status(), 200);
    let policy = header(&response, CONTENT_SECURITY_POLICY);
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap()
        .to_owned();
    let page = response.text().await.unwrap();
    assert!(
        page.contains(&format!("nonce=\"{nonce}\"")),
        "inline scripts carry the nonce"
    );
    assert!(
        page.contains(&format!("/pkg/medplat.{CSS_HASH}.css")),
        "hashed stylesheet"
    );
    assert!(
        page.contains(&format!("/pkg/medplat.{WASM_HASH}.wasm")),
        "hashed WASM"
    );

    // Another answer, another nonce.
    let again = header(&get(&app, "/login", None).await, CONTENT_SECURITY_POLICY);
    assert!(!again.contains(&nonce));
    std::fs::remove_dir_all(site).unwrap();
}

#[tokio::test]
async fn swagger_ui_gets_its_own_policy() {
    let (app, site) = app_with_site(&[]).await;
    let response = get(&app, "/api/docs/", None).await;
    assert_eq!(response.status(), 200);
    let policy = header(&response, CONTENT_SECURITY_POLICY);
    assert!(policy.contains("script-src 'self';"), "{policy}");
    assert!(
        policy.contains("style-src 'self' 'unsafe-inline'"),
        "{policy}"
    );
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    std::fs::remove_dir_all(site).unwrap();
}

#[tokio::test]
async fn pages_and_api_answers_are_compressed_as_asked() {
    let (app, site) = app_with_site(&[]).await;
    for (accept, expected) in [(Some("br"), "br"), (Some("gzip"), "gzip"), (None, "")] {
        for path in ["/login", "/api/openapi.json"] {
            let response = get(&app, path, accept).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(
                header(&response, CONTENT_ENCODING),
                expected,
                "{path} {accept:?}"
            );
        }
    }
    std::fs::remove_dir_all(site).unwrap();
}

#[tokio::test]
async fn hashed_files_are_served_precompressed_and_cached_for_a_year() {
    let (app, site) = app_with_site(&[]).await;
    let path = format!("/pkg/medplat.{WASM_HASH}.wasm");
    for (accept, encoding, body) in [
        (Some("gzip, deflate, br"), "br", &b"brotli bytes"[..]),
        (Some("gzip"), "gzip", &b"gzip bytes"[..]),
        (None, "", &b"\0asm raw bytes"[..]),
    ] {
        let response = get(&app, &path, accept).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, CONTENT_ENCODING), encoding);
        assert_eq!(header(&response, CONTENT_TYPE), "application/wasm");
        assert_eq!(
            header(&response, CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        assert!(
            header(&response, VARY)
                .to_ascii_lowercase()
                .contains("accept-encoding")
        );
        assert_eq!(&response.bytes().await.unwrap()[..], body);
    }

    // Unhashed files are revalidated; a missing hashed name is a 404 page.
    let icon = get(&app, "/favicon.svg", None).await;
    assert_eq!(header(&icon, CACHE_CONTROL), "no-cache");
    let missing = get(&app, "/pkg/medplat.0000000000000000000000.wasm", None).await;
    assert_eq!(missing.status(), 404);
    assert!(missing.headers().get(CACHE_CONTROL).is_none());
    std::fs::remove_dir_all(site).unwrap();
}

#[tokio::test]
async fn a_page_names_its_language_texts_file_which_is_compressed_and_cached_for_a_year() {
    let (app, site) = app_with_site(&[]).await;
    for (lang, expected) in [("fr", "Se connecter"), ("en", "Sign in")] {
        let page = app
            .client
            .get(app.url("/login"))
            .header(reqwest::header::COOKIE, format!("medplat_lang={lang}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let base = page
            .split("data-texts=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the page names where its texts are")
            .to_owned();
        assert!(base.starts_with("/texts/") && base.ends_with('/'), "{base}");
        let href = format!("{base}{lang}.txt");
        assert!(
            page.contains(&format!("rel=\"preload\" href=\"{href}\" as=\"fetch\"")),
            "the page preloads its own language's texts"
        );
        let response = get(&app, &href, Some("br")).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, CONTENT_ENCODING), "br");
        assert_eq!(header(&response, CONTENT_TYPE), "text/plain; charset=utf-8");
        assert_eq!(
            header(&response, CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        let plain = get(&app, &href, None).await.text().await.unwrap();
        assert!(plain.split('\u{1f}').any(|text| text == expected), "{lang}");

        // Another build's file or another name is no file.
        let stale = get(&app, &format!("/texts/0000000000000000/{lang}.txt"), None).await;
        assert_eq!(stale.status(), 404);
        let unknown = get(&app, &format!("{base}de.txt"), None).await;
        assert_eq!(unknown.status(), 404);
    }
    std::fs::remove_dir_all(site).unwrap();
}
