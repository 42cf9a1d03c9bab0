//! How the interface texts reach the browser: one language at a time, as a
//! file of its own, not inside the WebAssembly.
//!
//! A string literal compiled into the bundle stays in the main module's data
//! section whichever page uses it (lazy chunks share one memory), so both
//! languages of every page would be in every first load. Instead the server
//! writes each language's texts, in the order the structs declare them, into
//! one file (`/texts/<hash>/<lang>.txt`, separated by [`SEPARATOR`], cached for
//! a year since the hash changes with them), the page preloads its language's
//! file, and the browser rebuilds the same structs from it before hydrating.
//! The structs are declared with [`texts!`](crate::texts), which writes both
//! directions, so a field added to a struct is carried without more code.

use super::Tr;

/// Between two texts in a file: a control character no text contains.
pub const SEPARATOR: char = '\u{1f}';

/// A part of the interface texts, read back in the order it was listed.
pub trait Texts: 'static {
    /// Appends every text, in declaration order.
    fn list(&self, out: &mut Vec<&'static str>);
    /// Rebuilds the part from texts in the order [`Texts::list`] wrote them.
    fn read(next: &mut dyn FnMut() -> &'static str) -> Self;
    /// How many texts the part has.
    fn count() -> usize;
}

impl Texts for &'static str {
    fn list(&self, out: &mut Vec<&'static str>) {
        out.push(self);
    }

    fn read(next: &mut dyn FnMut() -> &'static str) -> Self {
        next()
    }

    fn count() -> usize {
        1
    }
}

impl<T: Texts, const N: usize> Texts for [T; N] {
    fn list(&self, out: &mut Vec<&'static str>) {
        for item in self {
            item.list(out);
        }
    }

    fn read(next: &mut dyn FnMut() -> &'static str) -> Self {
        std::array::from_fn(|_| T::read(next))
    }

    fn count() -> usize {
        N * T::count()
    }
}

impl<A: Texts, B: Texts> Texts for (A, B) {
    fn list(&self, out: &mut Vec<&'static str>) {
        self.0.list(out);
        self.1.list(out);
    }

    fn read(next: &mut dyn FnMut() -> &'static str) -> Self {
        let first = A::read(next);
        (first, B::read(next))
    }

    fn count() -> usize {
        A::count() + B::count()
    }
}

impl<T: Texts> Texts for &'static T {
    fn list(&self, out: &mut Vec<&'static str>) {
        (**self).list(out);
    }

    fn read(next: &mut dyn FnMut() -> &'static str) -> Self {
        Box::leak(Box::new(T::read(next)))
    }

    fn count() -> usize {
        T::count()
    }
}

/// Declares a struct of texts and its [`Texts`] implementation.
#[macro_export]
macro_rules! texts {
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$field_attr:meta])* $field_vis:vis $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        $vis struct $name {
            $( $(#[$field_attr])* $field_vis $field: $ty ),*
        }

        impl $crate::i18n::texts::Texts for $name {
            fn list(&self, out: &mut Vec<&'static str>) {
                $( $crate::i18n::texts::Texts::list(&self.$field, out); )*
            }

            fn read(next: &mut dyn FnMut() -> &'static str) -> Self {
                // Fields are evaluated in the order they are written.
                Self { $( $field: <$ty as $crate::i18n::texts::Texts>::read(next) ),* }
            }

            fn count() -> usize {
                0 $( + <$ty as $crate::i18n::texts::Texts>::count() )*
            }
        }
    };
}

/// Rebuilds a language's texts from the content of its file (`None` when it
/// does not hold exactly the texts this build declares).
pub fn parse(content: &'static str) -> Option<Tr> {
    if content.split(SEPARATOR).count() != Tr::count() {
        return None;
    }
    let mut parts = content.split(SEPARATOR);
    Some(Tr::read(&mut || parts.next().unwrap_or_default()))
}

mod files {
    use std::sync::OnceLock;

    use super::{SEPARATOR, Texts};
    use crate::i18n::{EN, FR, Lang};

    /// Both languages' files and the hash naming them.
    struct Files {
        hash: String,
        fr: String,
        en: String,
    }

    fn files() -> &'static Files {
        static FILES: OnceLock<Files> = OnceLock::new();
        FILES.get_or_init(|| {
            let join = |tr: &crate::i18n::Tr| {
                let mut out = Vec::new();
                tr.list(&mut out);
                out.join(&SEPARATOR.to_string())
            };
            let (fr, en) = (join(&FR), join(&EN));
            // FNV-1a over both files: the same on every instance of a build.
            let mut hash = 0xcbf2_9ce4_8422_2325_u64;
            for byte in fr.bytes().chain([0]).chain(en.bytes()) {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
            Files {
                hash: format!("{hash:016x}"),
                fr,
                en,
            }
        })
    }

    /// Where the browser finds the texts files: `/texts/<hash>/`.
    pub fn base() -> String {
        format!("/texts/{}/", files().hash)
    }

    /// The content of `/texts/<hash>/<name>` (`fr.txt`, `en.txt`), if it is
    /// one of this build's files.
    pub fn file(hash: &str, name: &str) -> Option<&'static str> {
        let files = files();
        if hash != files.hash {
            return None;
        }
        let lang = Lang::from_tag(name.strip_suffix(".txt")?)?;
        (name.len() == "fr.txt".len()).then(|| match lang {
            Lang::Fr => files.fr.as_str(),
            Lang::En => files.en.as_str(),
        })
    }
}

pub use files::{base, file};

/// The `<html>` attribute naming where the texts files are (`/texts/<hash>/`).
pub const BASE_ATTRIBUTE: &str = "data-texts";

#[cfg(feature = "hydrate")]
mod loaded {
    use std::sync::OnceLock;

    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    use super::{BASE_ATTRIBUTE, parse};
    use crate::i18n::{Lang, Tr};

    static FRENCH: OnceLock<&'static Tr> = OnceLock::new();
    static ENGLISH: OnceLock<&'static Tr> = OnceLock::new();

    fn slot(lang: Lang) -> &'static OnceLock<&'static Tr> {
        match lang {
            Lang::Fr => &FRENCH,
            Lang::En => &ENGLISH,
        }
    }

    /// The texts of `lang`, else of the language that is loaded.
    pub fn loaded(lang: Lang) -> &'static Tr {
        slot(lang)
            .get()
            .or_else(|| slot(lang.other()).get())
            .copied()
            .expect("the page's texts are loaded before it hydrates")
    }

    /// Fetches `lang`'s texts file (the page preloads its own language's)
    /// and keeps its texts; nothing to do when they are already here.
    pub async fn load(lang: Lang) -> Result<(), String> {
        if slot(lang).get().is_some() {
            return Ok(());
        }
        let base = leptos::prelude::document()
            .document_element()
            .and_then(|root| root.get_attribute(BASE_ATTRIBUTE))
            .ok_or("the page names no texts file")?;
        let url = format!("{base}{}.txt", lang.tag());
        let failed = |_| format!("{url}: not loaded");
        let response = JsFuture::from(leptos::prelude::window().fetch_with_str(&url))
            .await
            .map_err(failed)?
            .dyn_into::<web_sys::Response>()
            .map_err(failed)?;
        if !response.ok() {
            return Err(format!("{url}: HTTP {}", response.status()));
        }
        let text = JsFuture::from(response.text().map_err(failed)?)
            .await
            .map_err(failed)?
            .as_string()
            .ok_or_else(|| format!("{url}: not text"))?;
        // Kept for the page's whole life: the texts borrow from it.
        let text: &'static str = Box::leak(text.into_boxed_str());
        let tr = parse(text).ok_or_else(|| format!("{url}: not this build's texts"))?;
        let _ = slot(lang).set(Box::leak(Box::new(tr)));
        Ok(())
    }
}

#[cfg(feature = "hydrate")]
pub use loaded::{load, loaded};
