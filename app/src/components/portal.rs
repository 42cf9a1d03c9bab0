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

/// One entry of the navigation as the browser gets it: its words already in
/// the reader's language.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct NavLink {
    pub href: String,
    pub label: String,
    pub badge: bool,
}

/// The texts of the navigation, in the reader's language.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct NavTexts {
    /// The portal's name, over the navigation (and on the phone's menu button
    /// for a page the navigation does not list).
    pub title: String,
    pub menu: String,
    pub close_menu: String,
    pub unread: String,
}

/// A portal reserved to `role`.
#[component]
pub fn Portal(role: Role, title: Text, nav: &'static [NavItem]) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let location = use_location();
    // Made before any Suspense, so the server and the browser number it alike.
    let unread = unread_chat(location.clone());
    let pathname = location.pathname;
    view! {
        <Transition fallback=move || view! { <p class="p-8 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match session.user.await {
                    Ok(Some(user)) if user.role == role => view! {
                        <div class="mx-auto flex max-w-6xl flex-col gap-4 px-4 py-4 md:flex-row md:gap-6 md:py-6">
                            <aside class="md:w-56 md:shrink-0">
                                // Drawn again after each page change, with the
                                // page's path and the unread count then.
                                <Transition fallback=|| ()>
                                    {move || Suspend::new(async move {
                                        let unread = unread.await.unwrap_or(0);
                                        let tr = i18n.tr();
                                        let links = nav.iter().map(|item| NavLink {
                                            href: item.href.into(),
                                            label: (item.label)(tr).into(),
                                            badge: item.badge,
                                        }).collect::<Vec<_>>();
                                        let texts = NavTexts {
                                            title: title(tr).into(),
                                            menu: tr.u.menu.into(),
                                            close_menu: tr.u.close_menu.into(),
                                            unread: tr.c.unread.into(),
                                        };
                                        let path = pathname.get_untracked();
                                        view! { <PortalNav links texts path unread /> }
                                    })}
                                </Transition>
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

/// The count of chat messages the reader has not read, fetched on each page
/// change.
fn unread_chat(
    location: leptos_router::location::Location,
) -> Resource<Result<i64, crate::error::UiError>> {
    Resource::new(
        move || (location.pathname.get(), location.search.get()),
        |_| chat_unread(),
    )
}

/// The portal's navigation: a list beside the page on wide screens, a menu on
/// phones. The unread count is asked again every 30 seconds while the page
/// stays open.
#[island]
fn PortalNav(links: Vec<NavLink>, texts: NavTexts, path: String, unread: i64) -> impl IntoView {
    let open = RwSignal::new(false);
    let unread = RwSignal::new(unread);
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || {
                leptos::task::spawn_local(async move {
                    if let Ok(n) = chat_unread().await {
                        unread.set(n);
                    }
                })
            },
            std::time::Duration::from_secs(30),
        );
        on_cleanup(move || {
            if let Ok(handle) = handle {
                handle.clear();
            }
        });
    }
    let current = links
        .iter()
        .find(|link| link.href == path)
        .map_or_else(|| texts.title.clone(), |link| link.label.clone());
    let any_badge = links.iter().any(|link| link.badge);
    let NavTexts {
        title,
        menu,
        close_menu,
        unread: unread_text,
        ..
    } = texts;
    let badge = move |testid: &'static str| {
        let unread_text = unread_text.clone();
        move || {
            (unread.get() > 0).then(|| view! {
            <span data-testid=testid class="relative rounded-full bg-rose-600 px-2 py-0.5 text-xs font-semibold text-white">
                {unread.get()}<span class="sr-only">" "{unread_text.clone()}</span>
            </span>
        })
        }
    };
    view! {
        <p data-testid="portal-title" class="mb-2 text-xs font-semibold uppercase tracking-wide text-teal-700 md:mb-3">
            {title}
        </p>
        <button type="button" data-testid="portal-menu" aria-controls="portal-nav"
            aria-expanded=move || open.get().to_string()
            class="flex min-h-11 w-full items-center justify-between gap-2 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-semibold text-slate-800 md:hidden"
            on:click=move |_| open.update(|o| *o = !*o)>
            <span>{current}</span>
            <span class="flex items-center gap-2">
                {any_badge.then(|| badge("unread-chat-menu"))}
                <span aria-hidden="true">{move || if open.get() { "▴" } else { "▾" }}</span>
                <span class="sr-only">{move || if open.get() { close_menu.clone() } else { menu.clone() }}</span>
            </span>
        </button>
        <nav id="portal-nav" data-testid="portal-nav"
            class=move || if open.get() { "mt-2 flex flex-col gap-1 md:mt-0" } else { "hidden flex-col gap-1 md:flex" }>
            {links.into_iter().map(|link| {
                let here = (link.href == path).then_some("page");
                view! {
                    <a href=link.href aria-current=here class="relative flex min-h-11 items-center justify-between gap-2 rounded-lg px-3 py-2 text-sm font-medium text-slate-700 hover:bg-teal-50 aria-[current=page]:bg-teal-100 aria-[current=page]:text-teal-900">
                        <span>{link.label}</span>
                        {link.badge.then(|| badge("unread-chat"))}
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}
