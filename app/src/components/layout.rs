//! The page frame: header with navigation, language switch and session buttons.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::auth::{SignOut, set_language};
use crate::i18n::use_i18n;
use crate::session_state::use_session;

/// Switches between French and English: remembers the choice in a cookie,
/// then loads the page again in the other language.
#[island]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let switch = move |_| {
        let next = i18n.lang_untracked().other();
        leptos::task::spawn_local(async move {
            match set_language(next.tag().into()).await {
                Ok(()) => crate::islands::reload(),
                Err(error) => leptos::logging::error!("{error:?}"),
            }
        });
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

/// Signs out, then loads the page again (a portal's page then leads to the
/// sign-in page).
#[island]
pub fn SignOutButton() -> impl IntoView {
    let i18n = use_i18n();
    let sign_out = ServerAction::<SignOut>::new();
    crate::islands::reload_after(sign_out);
    view! {
        <button type="button" data-testid="sign-out" class=LINK on:click=move |_| { sign_out.dispatch(SignOut {}); }>
            {move || i18n.t(|t| t.sign_out)}
        </button>
    }
}

const LINK: &str = "rounded-lg px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100";

/// The top bar of every page.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let link = LINK;
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
                                    <SignOutButton />
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
