//! The page frame: header with navigation, language switch and session buttons.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::auth::SetLanguage;
use crate::i18n::use_i18n;
use crate::session_state::use_session;

/// Switches between French and English without reloading, and remembers the
/// choice in a cookie for the next server-rendered page.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SetLanguage>::new();
    let apply = move |next: crate::i18n::Lang| {
        i18n.set(next);
        #[cfg(feature = "hydrate")]
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", next.tag());
        }
        save.dispatch(SetLanguage {
            lang: next.tag().into(),
        });
    };
    let switch = move |_| {
        let next = i18n.lang_untracked().other();
        // The browser holds one language's texts until the other is asked for.
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::i18n::texts::load(next).await {
                Ok(()) => apply(next),
                Err(error) => leptos::logging::error!("{error}"),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        apply(next);
    };
    view! {
        <button
            type="button"
            data-testid="language-switch"
            title=move || i18n.t(|t| t.switch_language)
            class="rounded-full border border-slate-300 px-3 py-1 text-sm text-slate-700 hover:bg-slate-100"
            on:click=switch
        >
            {move || i18n.lang().other().native_name()}
        </button>
    }
}

/// The top bar of every page.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let link = "rounded-lg px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100";
    let primary =
        "rounded-lg bg-teal-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-teal-800";
    view! {
        <header class="border-b border-slate-200 bg-white/90 backdrop-blur">
            <div class="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
                <A href="/" attr:class="flex items-center gap-2 text-lg font-bold text-teal-800">
                    <span aria-hidden="true" class="grid h-8 w-8 place-items-center rounded-lg bg-teal-700 text-white">"+"</span>
                    {move || i18n.t(|t| t.app_name)}
                </A>
                <nav class="flex flex-wrap items-center gap-2">
                    <LanguageSwitch />
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match session.user.await {
                                Ok(Some(user)) => view! {
                                    <A href=user.role.home_path() attr:class=link>{move || i18n.t(|t| t.open_portal)}</A>
                                    <span data-testid="signed-in-as" class="hidden text-sm text-slate-500 sm:inline">{user.full_name()}</span>
                                    <button type="button" data-testid="sign-out" class=link on:click=move |_| { session.sign_out.dispatch(crate::api::auth::SignOut {}); }>
                                        {move || i18n.t(|t| t.sign_out)}
                                    </button>
                                }.into_any(),
                                _ => view! {
                                    <A href="/login" attr:class=link>{move || i18n.t(|t| t.sign_in)}</A>
                                    <A href="/signup" attr:class=primary>{move || i18n.t(|t| t.sign_up)}</A>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                </nav>
            </div>
        </header>
    }
}
