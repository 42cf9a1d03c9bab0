//! Twilio's request signature, as Twilio documents it: HMAC-SHA1, keyed with
//! the account's auth token, over the public URL of the request followed by
//! each form parameter's name and value, sorted by name; Base64 in the
//! `X-Twilio-Signature` header. Compared in constant time.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

type HmacSha1 = Hmac<Sha1>;

fn mac_over(token: &str, url: &str, params: &[(String, String)]) -> HmacSha1 {
    // An HMAC takes a key of any length: this cannot fail.
    let mut mac = <HmacSha1 as KeyInit>::new_from_slice(token.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(url.as_bytes());
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac
}

/// The signature Twilio sends for a form `params` posted to `url`.
pub fn compute(token: &str, url: &str, params: &[(String, String)]) -> String {
    STANDARD.encode(mac_over(token, url, params).finalize().into_bytes())
}

/// Whether `signature` is Twilio's for `params` posted to `url`. Like
/// Twilio's own validators, the URL is also tried with its default port
/// written out or left off, since a proxy may pass either.
pub fn verify(token: &str, url: &str, params: &[(String, String)], signature: &str) -> bool {
    let Ok(given) = STANDARD.decode(signature.trim()) else {
        return false;
    };
    url_forms(url).iter().any(|candidate| {
        mac_over(token, candidate, params)
            .verify_slice(&given)
            .is_ok()
    })
}

/// `url` as written, and with its scheme's default port added or removed.
fn url_forms(url: &str) -> Vec<String> {
    let mut forms = vec![url.to_owned()];
    let Some((scheme, rest)) = url.split_once("://") else {
        return forms;
    };
    let default_port = match scheme {
        "https" => "443",
        "http" => "80",
        _ => return forms,
    };
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once(':') {
        Some((host, port)) if port == default_port => {
            forms.push(format!("{scheme}://{host}{path}"));
        }
        Some(_) => {}
        None => forms.push(format!("{scheme}://{authority}:{default_port}{path}")),
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Vec<(String, String)> {
        [
            ("To", "+14158675310"),
            ("From", "+14158675309"),
            ("CallSid", "CA1234567890ABCDE"),
            ("Digits", "1234"),
            ("Caller", "+14158675309"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    }

    #[test]
    fn verifies_what_it_computes_and_nothing_else() {
        let url = "https://clinic.example/api/v1/webhooks/twilio/sms/";
        let signature = compute("12345", url, &params());
        assert!(verify("12345", url, &params(), &signature));
        assert!(
            !verify("12346", url, &params(), &signature),
            "another token"
        );
        assert!(
            !verify(
                "12345",
                "https://clinic.example/other/",
                &params(),
                &signature
            ),
            "another URL"
        );
        let mut changed = params();
        changed[3].1 = "1235".into();
        assert!(
            !verify("12345", url, &changed, &signature),
            "a changed parameter"
        );
        assert!(!verify("12345", url, &params(), "not base64!"));
        assert!(!verify("12345", url, &params(), ""));
    }

    #[test]
    fn parameter_order_does_not_matter_and_the_default_port_is_optional() {
        let url = "https://clinic.example/hook?x=1";
        let signature = compute("t", url, &params());
        let mut reversed = params();
        reversed.reverse();
        assert!(verify("t", url, &reversed, &signature));
        assert!(verify(
            "t",
            "https://clinic.example:443/hook?x=1",
            &params(),
            &signature
        ));
        let with_port = compute("t", "https://clinic.example:443/hook", &params());
        assert!(verify(
            "t",
            "https://clinic.example/hook",
            &params(),
            &with_port
        ));
    }
}
