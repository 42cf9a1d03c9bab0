//! A person's own account (`/patient/account`, `/doctor/account`,
//! `/admin/account`): names, e-mail, language, time zone, password; and the
//! page a password reset link opens (`/reset-password?token=…`).

use domain::accounts::User;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::account_settings::{ChangePassword, ResetPassword, SaveMyAccount, my_account};
use crate::components::forms::{ErrorBanner, INPUT_CLASS, PasswordField, SubmitButton};
use crate::components::medical::FieldError;
use crate::i18n::{Lang, use_i18n};
use crate::islands::reload;

/// Zones offered in the time zone field (any IANA name may be typed).
const ZONES: &[&str] = &[
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Zurich",
    "Europe/Luxembourg",
    "Europe/London",
    "Africa/Kinshasa",
    "Africa/Dakar",
    "Africa/Abidjan",
    "Africa/Casablanca",
    "Africa/Algiers",
    "Africa/Tunis",
    "America/Montreal",
    "America/Toronto",
    "America/New_York",
    "America/Guadeloupe",
    "America/Martinique",
    "America/Cayenne",
    "Indian/Reunion",
    "Indian/Mayotte",
    "Pacific/Noumea",
    "Pacific/Tahiti",
];

/// The fields of an account's names, e-mail, language and time zone, filled
/// with `user`'s; errors show under the field they name.
#[component]
pub fn SettingsFields(
    user: User,
    #[prop(into)] error: Signal<Option<crate::error::UiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let label = "block space-y-1 text-sm font-medium text-slate-700";
    let language = user.language.clone().unwrap_or_default();
    let field = move |name: &'static str,
                      text: fn(&crate::i18n::Tr) -> &'static str,
                      value: String,
                      kind: &'static str,
                      autocomplete: &'static str| {
        view! {
            <label class=label for=name>
                <span>{move || i18n.t(text)}</span>
                <input id=name name=name type=kind value=value autocomplete=autocomplete required class=INPUT_CLASS />
                <FieldError error name=name />
            </label>
        }
    };
    view! {
        {field("first_name", |t| t.first_name_label, user.first_name.clone(), "text", "given-name")}
        {field("last_name", |t| t.last_name_label, user.last_name.clone(), "text", "family-name")}
        {field("email", |t| t.email_label, user.email.clone(), "email", "email")}
        <label class=label for="language">
            <span>{move || i18n.t(|t| t.u.language_label)}</span>
            <select id="language" name="language" class=INPUT_CLASS>
                <option value="" selected=language.is_empty()>{move || i18n.t(|t| t.u.browser_choice)}</option>
                <option value="fr" selected=language == "fr">"Français"</option>
                <option value="en" selected=language == "en">"English"</option>
            </select>
            <FieldError error name="language" />
        </label>
        <label class=label for="timezone">
            <span>{move || i18n.t(|t| t.u.timezone_label)}</span>
            <input id="timezone" name="timezone" list="zones" value=user.timezone.clone().unwrap_or_default()
                placeholder=move || i18n.t(|t| t.u.browser_zone) autocomplete="off" class=INPUT_CLASS />
            <datalist id="zones">{ZONES.iter().map(|z| view! { <option value=*z></option> }).collect_view()}</datalist>
            <span class="text-xs font-normal text-slate-500">{move || i18n.t(|t| t.u.timezone_hint)}</span>
            <FieldError error name="timezone" />
        </label>
    }
}

/// The account page of every portal.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let me = Resource::new(|| (), |_| my_account());
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.u.account_title)}</h1>
        <section class="mt-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.u.account_settings)}</h2>
            <Transition fallback=move || view! { <p class="text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(user) => view! {
                            <p class="mt-1 text-sm text-slate-600">
                                {move || i18n.t(|t| t.username_label)}{move || i18n.t(|t| t.colon)}<strong>{user.username.clone()}</strong>
                                " · " {move || i18n.tr().role(user.role)}
                            </p>
                            <AccountForm user=user.clone() />
                        }.into_any(),
                        Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="mt-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.u.password_title)}</h2>
            <p class="mt-1 text-sm text-slate-600">{move || i18n.t(|t| t.u.password_intro)}</p>
            <PasswordForm />
        </section>
        <super::messaging::MessagingSettings />
    }
}

/// The account's names, e-mail, language and time zone. A new language or
/// zone loads the page again, in it.
#[island(lazy)]
fn AccountForm(user: User) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveMyAccount>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let before = (user.language.clone(), user.timezone.clone());
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            if (saved.language.clone(), saved.timezone.clone()) != before {
                if let Some(lang) = saved.language.as_deref().and_then(Lang::from_tag) {
                    i18n.set(lang);
                }
                reload();
            }
        }
    });
    view! {
        <ActionForm action=save attr:class="mt-3 grid gap-3 sm:grid-cols-2" attr:data-testid="account-form">
            <SettingsFields user error />
            <div class="flex items-center gap-3 sm:col-span-2">
                <button type="submit" class="min-h-11 rounded-lg bg-teal-700 px-4 py-2 font-semibold text-white hover:bg-teal-800" data-testid="save-account">
                    {move || i18n.t(|t| t.s.save)}
                </button>
                <Show when=move || matches!(save.value().get(), Some(Ok(_)))>
                    <span role="status" class="text-sm text-teal-800" data-testid="account-saved">{move || i18n.t(|t| t.s.saved)}</span>
                </Show>
            </div>
        </ActionForm>
    }
}

/// Changing one's password (the current one asked first).
#[island(lazy)]
fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let password = ServerAction::<ChangePassword>::new();
    let error = Signal::derive(move || password.value().get().and_then(Result::err));
    view! {
        <ActionForm action=password attr:class="mt-3 grid gap-3 sm:max-w-md" attr:data-testid="password-form">
            <PasswordField name="current_password" label=|t| t.u.current_password />
            <FieldError error name="current_password" />
            <PasswordField name="new_password" label=|t| t.u.new_password autocomplete="new-password" hint=|t| t.password_hint />
            <FieldError error name="new_password" />
            <FieldError error name="password" />
            <SubmitButton label=|t| t.u.change_password busy_label=|t| t.loading busy=password.pending() />
            <Show when=move || matches!(password.value().get(), Some(Ok(())))>
                <p role="status" class="text-sm text-teal-800" data-testid="password-changed">{move || i18n.t(|t| t.u.password_changed)}</p>
            </Show>
        </ActionForm>
    }
}

/// `/reset-password?token=…`: the owner of a reset link chooses a new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = query.with_untracked(|q| q.get("token").unwrap_or_default());
    view! { <ResetForm token /> }
}

/// The new password's form, for the link's `token`.
#[island(lazy)]
fn ResetForm(token: String) -> impl IntoView {
    let i18n = use_i18n();
    let token = StoredValue::new(token);
    let reset = ServerAction::<ResetPassword>::new();
    let error = Signal::derive(move || reset.value().get().and_then(Result::err));
    let done = move || matches!(reset.value().get(), Some(Ok(())));
    view! {
        <div class="mx-auto max-w-md px-4 py-12">
            <h1 class="text-2xl font-bold text-slate-900">{move || i18n.t(|t| t.u.reset_title)}</h1>
            <Show when=done fallback=move || view! {
                <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.u.reset_intro)}</p>
                <ActionForm action=reset attr:class="mt-6 space-y-4 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm" attr:data-testid="reset-form">
                    <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.field.as_deref() != Some("new_password") && e.field.as_deref() != Some("password"))) />
                    <input type="hidden" name="token" value=token.get_value() />
                    <PasswordField name="new_password" label=|t| t.u.new_password autocomplete="new-password" hint=|t| t.password_hint />
                    <FieldError error name="new_password" />
                    <FieldError error name="password" />
                    <SubmitButton label=|t| t.u.change_password busy_label=|t| t.loading busy=reset.pending() />
                </ActionForm>
            }>
                <p role="status" class="mt-4 rounded-lg bg-teal-50 px-3 py-2 text-teal-900" data-testid="reset-done">{move || i18n.t(|t| t.u.reset_done)}</p>
                <a href="/login" class="mt-4 inline-block rounded-lg bg-teal-700 px-4 py-2 font-semibold text-white">{move || i18n.t(|t| t.sign_in)}</a>
            </Show>
        </div>
    }
}
