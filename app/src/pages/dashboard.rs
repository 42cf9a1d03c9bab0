//! A portal's home: greeting, what the portal is for, and the account card.

use leptos::prelude::*;

use crate::components::forms::Text;
use crate::i18n::use_i18n;
use crate::session_state::use_session;

/// The greeting at the top of a home: hello and what the portal offers.
#[component]
pub fn Greeting(intro: Text) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                session.user.await.ok().flatten().map(|user| view! {
                    <h1 data-testid="dashboard-greeting" class="text-2xl font-bold text-slate-900">
                        {move || i18n.t(|t| t.hello)} ", " {user.first_name.clone()}
                    </h1>
                    <p class="mt-1 text-slate-600">{move || i18n.t(intro)}</p>
                })
            })}
        </Transition>
    }
}

/// The dashboard of any portal; `intro` says what the portal offers.
#[component]
pub fn Dashboard(intro: Text) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                session.user.await.ok().flatten().map(|user| {
                    let role = user.role;
                    let since = user.created_at.get(..10).unwrap_or_default().to_owned();
                    view! {
                        <h1 data-testid="dashboard-greeting" class="text-2xl font-bold text-slate-900">
                            {move || i18n.t(|t| t.hello)} ", " {user.first_name.clone()}
                        </h1>
                        <p class="mt-1 text-slate-600">{move || i18n.t(intro)}</p>
                        <dl class="mt-6 grid gap-4 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:grid-cols-2">
                            <div>
                                <dt class="text-xs uppercase text-slate-500">{move || i18n.t(|t| t.my_account)}</dt>
                                <dd class="font-medium text-slate-900">{user.full_name()} " (" {user.username.clone()} ")"</dd>
                            </div>
                            <div>
                                <dt class="text-xs uppercase text-slate-500">{move || i18n.t(|t| t.email_label)}</dt>
                                <dd class="font-medium text-slate-900">{user.email.clone()}</dd>
                            </div>
                            <div>
                                <dt class="text-xs uppercase text-slate-500">{move || i18n.t(|t| t.role_label)}</dt>
                                <dd data-testid="account-role" class="font-medium text-slate-900">{move || i18n.tr().role(role)}</dd>
                            </div>
                            <div>
                                <dt class="text-xs uppercase text-slate-500">{move || i18n.t(|t| t.member_since)}</dt>
                                <dd class="font-medium text-slate-900">{since}</dd>
                            </div>
                        </dl>
                    }
                })
            })}
        </Transition>
    }
}
