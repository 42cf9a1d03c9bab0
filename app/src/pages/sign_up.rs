//! Patient sign-up page.

use leptos::prelude::*;
use leptos_router::components::A;

use super::sign_in::RedirectWhenSignedIn;
use crate::api::auth::SignUp;
use crate::components::forms::{ErrorBanner, PasswordField, SubmitButton, TextField};
use crate::i18n::use_i18n;

/// A patient creates their account and is signed in.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RedirectWhenSignedIn />
        <div class="mx-auto max-w-lg px-4 py-12">
            <h1 class="text-2xl font-bold text-slate-900">{move || i18n.t(|t| t.sign_up_title)}</h1>
            <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.sign_up_subtitle)}</p>
            <SignUpForm />
            <p class="mt-4 text-center text-sm">
                <A href="/login" attr:class="text-teal-700 underline">{move || i18n.t(|t| t.have_account)}</A>
            </p>
        </div>
    }
}

/// The sign-up form; once the account is made (and signed in), the browser
/// loads the patient's portal.
#[island]
fn SignUpForm() -> impl IntoView {
    let sign_up = ServerAction::<SignUp>::new();
    let error = Signal::derive(move || sign_up.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(user)) = sign_up.value().get() {
            crate::islands::go_to(user.role.home_path());
        }
    });
    view! {
        <ActionForm action=sign_up attr:class="mt-6 space-y-4 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm" attr:data-testid="sign-up-form">
            <ErrorBanner error=error />
            <div class="grid gap-4 sm:grid-cols-2">
                <TextField name="first_name" label=|t| t.first_name_label autocomplete="given-name" />
                <TextField name="last_name" label=|t| t.last_name_label autocomplete="family-name" />
            </div>
            <TextField name="username" label=|t| t.username_label autocomplete="username" />
            <TextField name="email" label=|t| t.email_label kind="email" autocomplete="email" />
            <PasswordField name="password" label=|t| t.password_label autocomplete="new-password" hint=|t| t.password_hint />
            <SubmitButton label=|t| t.sign_up busy_label=|t| t.creating_account busy=sign_up.pending() />
        </ActionForm>
    }
}
