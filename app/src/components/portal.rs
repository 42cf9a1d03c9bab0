//! The frame of a role's portal: checks the signed-in user's role, then shows
//! the portal's navigation beside the current page.

use domain::accounts::Role;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::use_location;

use crate::api::chat::chat_unread;

use super::forms::{ErrorBanner, Text};
use crate::i18n::use_i18n;
use crate::session_state::use_session;

/// One entry of a portal's navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: Text,
    /// Shows the count of unread chat messages beside the label.
    pub badge: bool,
}

/// A portal reserved to `role`.
#[component]
pub fn Portal(role: Role, title: Text, nav: &'static [NavItem]) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let location = use_location();
    // Made before any Suspense, so the server and the browser number it alike.
    let unread = unread_chat(location.clone());
    // On phones the navigation is a menu, closed again on every page change.
    let open = RwSignal::new(false);
    let pathname = location.pathname;
    Effect::new(move |_| {
        pathname.track();
        open.set(false);
    });
    let current = move || {
        let path = pathname.get();
        nav.iter()
            .find(|item| item.href == path)
            .map_or_else(|| i18n.t(title), |item| i18n.t(item.label))
    };
    view! {
        <Transition fallback=move || view! { <p class="p-8 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match session.user.await {
                    Ok(Some(user)) if user.role == role => view! {
                        <div class="mx-auto flex max-w-6xl flex-col gap-4 px-4 py-4 md:flex-row md:gap-6 md:py-6">
                            <aside class="md:w-56 md:shrink-0">
                                <p data-testid="portal-title" class="mb-2 text-xs font-semibold uppercase tracking-wide text-teal-700 md:mb-3">
                                    {move || i18n.t(title)}
                                </p>
                                <button type="button" data-testid="portal-menu" aria-controls="portal-nav"
                                    aria-expanded=move || open.get().to_string()
                                    class="flex min-h-11 w-full items-center justify-between gap-2 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-semibold text-slate-800 md:hidden"
                                    on:click=move |_| open.update(|o| *o = !*o)>
                                    <span>{current}</span>
                                    <span class="flex items-center gap-2">
                                        {nav.iter().any(|item| item.badge).then(|| view! { <UnreadChat count=unread testid="unread-chat-menu" /> })}
                                        <span aria-hidden="true">{move || if open.get() { "▴" } else { "▾" }}</span>
                                        <span class="sr-only">{move || if open.get() { i18n.t(|t| t.u.close_menu) } else { i18n.t(|t| t.u.menu) }}</span>
                                    </span>
                                </button>
                                <nav id="portal-nav" data-testid="portal-nav"
                                    class=move || if open.get() { "mt-2 flex flex-col gap-1 md:mt-0" } else { "hidden flex-col gap-1 md:flex" }>
                                    {nav.iter().map(|item| view! {
                                        <A href=item.href exact=true attr:class="relative flex min-h-11 items-center justify-between gap-2 rounded-lg px-3 py-2 text-sm font-medium text-slate-700 hover:bg-teal-50 aria-[current=page]:bg-teal-100 aria-[current=page]:text-teal-900">
                                            <span>{move || i18n.t(item.label)}</span>
                                            {item.badge.then(|| view! { <UnreadChat count=unread testid="unread-chat" /> })}
                                        </A>
                                    }).collect_view()}
                                </nav>
                            </aside>
                            <section class="min-w-0 flex-1"><Outlet /></section>
                        </div>
                    }.into_any(),
                    Ok(Some(_)) => view! {
                        <div class="mx-auto max-w-xl px-4 py-16 text-center">
                            <h1 class="text-2xl font-bold text-slate-900">{move || i18n.t(|t| t.forbidden_title)}</h1>
                            <p class="mt-2 text-slate-600">{move || i18n.t(|t| t.forbidden_text)}</p>
                            <A href="/" attr:class="mt-6 inline-block text-teal-700 underline">{move || i18n.t(|t| t.back_home)}</A>
                        </div>
                    }.into_any(),
                    Ok(None) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(err) => view! { <div class="p-8"><ErrorBanner error=Signal::derive(move || Some(err.clone())) /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The count of chat messages the reader has not read: fetched on each
/// page change, and every 30 seconds while the page stays open.
fn unread_chat(
    location: leptos_router::location::Location,
) -> Resource<Result<i64, crate::error::UiError>> {
    let tick = RwSignal::new(0u32);
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || tick.update(|t| *t = t.wrapping_add(1)),
            std::time::Duration::from_secs(30),
        );
        on_cleanup(move || {
            if let Ok(handle) = handle {
                handle.clear();
            }
        });
    }
    Resource::new(
        move || (location.pathname.get(), location.search.get(), tick.get()),
        |_| chat_unread(),
    )
}

/// The unread badge.
#[component]
fn UnreadChat(
    count: Resource<Result<i64, crate::error::UiError>>,
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let n = count.await.unwrap_or(0);
                (n > 0).then(|| view! {
                    <span data-testid=testid class="relative rounded-full bg-rose-600 px-2 py-0.5 text-xs font-semibold text-white">
                        {n}<span class="sr-only">" "{move || i18n.t(|t| t.c.unread)}</span>
                    </span>
                })
            })}
        </Transition>
    }
}
