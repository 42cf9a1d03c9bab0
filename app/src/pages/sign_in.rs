//! Sign-in page.

use leptos::prelude::*;
use leptos_router::components::{A, Redirect};

use crate::api::auth::SignIn;
use crate::components::forms::{ErrorBanner, PasswordField, SubmitButton, TextField};
use crate::i18n::use_i18n;
use crate::session_state::use_session;

/// Leaves for the user's portal once someone is signed in.
#[component]
pub fn RedirectWhenSignedIn() -> impl IntoView {
    let session = use_session();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                session.user.await.ok().flatten().map(|user| view! { <Redirect path=user.role.home_path() /> })
            })}
        </Transition>
    }
}

/// Sign in with a username (or e-mail) and password.
#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RedirectWhenSignedIn />
        <div class="mx-auto max-w-md px-4 py-12">
            <h1 class="text-2xl font-bold text-slate-900">{move || i18n.t(|t| t.sign_in_title)}</h1>
            <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.sign_in_subtitle)}</p>
            <SignInForm />
            <p class="mt-4 text-center text-sm">
                <A href="/signup" attr:class="text-teal-700 underline">{move || i18n.t(|t| t.no_account)}</A>
            </p>
        </div>
    }
}

/// The sign-in form; signed in, the browser loads the portal of the account's
/// role (rendered in the account's language and zone, which the sign-in's
/// cookies carry).
#[island]
fn SignInForm() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let error = Signal::derive(move || sign_in.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(user)) = sign_in.value().get() {
            crate::islands::go_to(user.role.home_path());
        }
    });
    view! {
        <ActionForm action=sign_in attr:class="mt-6 space-y-4 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm" attr:data-testid="sign-in-form">
            <ErrorBanner error=error />
            <TextField name="login" label=|t| t.login_label autocomplete="username" />
            <PasswordField name="password" label=|t| t.password_label />
            <SubmitButton label=|t| t.sign_in busy_label=|t| t.signing_in busy=sign_in.pending() />
        </ActionForm>
    }
}
