//! The greeting at the top of every portal's home.

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
