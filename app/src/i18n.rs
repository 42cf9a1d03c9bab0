//! Translations: French first, English second.
//!
//! Every user-facing string lives in [`Tr`]; adding a field forces both
//! languages to provide it. Components read strings with [`use_i18n`].

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A language of the interface.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::En => "en",
        }
    }

    /// Parses a tag, ignoring region and case (`en-GB` → English).
    pub fn from_tag(tag: &str) -> Option<Self> {
        match tag.trim().get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("fr") => Some(Self::Fr),
            Some("en") => Some(Self::En),
            _ => None,
        }
    }

    /// The other language (the switch offers it).
    pub fn other(self) -> Self {
        match self {
            Self::Fr => Self::En,
            Self::En => Self::Fr,
        }
    }

    /// This language's strings.
    pub fn tr(self) -> &'static Tr {
        match self {
            Self::Fr => &FR,
            Self::En => &EN,
        }
    }
}

/// Every string of the interface.
pub struct Tr {
    pub app_name: &'static str,
    pub language_name: &'static str,
    pub switch_language: &'static str,
    /// Separator between a label and its text (French puts a space before).
    pub colon: &'static str,
    pub loading: &'static str,
    pub nav_home: &'static str,
    pub sign_in: &'static str,
    pub sign_up: &'static str,
    pub sign_out: &'static str,
    pub open_portal: &'static str,
    pub hero_title: &'static str,
    pub hero_text: &'static str,
    pub feature_booking_title: &'static str,
    pub feature_booking_text: &'static str,
    pub feature_vitals_title: &'static str,
    pub feature_vitals_text: &'static str,
    pub feature_assistant_title: &'static str,
    pub feature_assistant_text: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_subtitle: &'static str,
    pub login_label: &'static str,
    pub password_label: &'static str,
    pub show_password: &'static str,
    pub hide_password: &'static str,
    pub signing_in: &'static str,
    pub no_account: &'static str,
    pub sign_up_title: &'static str,
    pub sign_up_subtitle: &'static str,
    pub first_name_label: &'static str,
    pub last_name_label: &'static str,
    pub username_label: &'static str,
    pub email_label: &'static str,
    pub password_hint: &'static str,
    pub creating_account: &'static str,
    pub have_account: &'static str,
    pub portal_patient: &'static str,
    pub portal_doctor: &'static str,
    pub portal_admin: &'static str,
    pub nav_dashboard: &'static str,
    pub nav_accounts: &'static str,
    pub hello: &'static str,
    pub dashboard_patient_text: &'static str,
    pub dashboard_doctor_text: &'static str,
    pub dashboard_admin_text: &'static str,
    pub my_account: &'static str,
    pub role_label: &'static str,
    pub role_patient: &'static str,
    pub role_doctor: &'static str,
    pub role_admin: &'static str,
    pub member_since: &'static str,
    pub accounts_title: &'static str,
    pub accounts_empty: &'static str,
    pub create_staff_title: &'static str,
    pub specialty_label: &'static str,
    pub no_specialty: &'static str,
    pub create_account: &'static str,
    pub account_created: &'static str,
    pub col_name: &'static str,
    pub col_status: &'static str,
    pub col_actions: &'static str,
    pub status_active: &'static str,
    pub status_deactivated: &'static str,
    pub deactivate: &'static str,
    pub filter_all_roles: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub forbidden_title: &'static str,
    pub forbidden_text: &'static str,
    pub back_home: &'static str,
    pub err_required: &'static str,
    pub err_invalid_credentials: &'static str,
    pub err_rate_limited: &'static str,
    pub err_username_taken: &'static str,
    pub err_email_taken: &'static str,
    pub err_username_length: &'static str,
    pub err_username_characters: &'static str,
    pub err_invalid_email: &'static str,
    pub err_password_too_short: &'static str,
    pub err_password_too_long: &'static str,
    pub err_password_contains_username: &'static str,
    pub err_name_too_long: &'static str,
    pub err_permission_denied: &'static str,
    pub err_not_authenticated: &'static str,
    pub err_cannot_deactivate_self: &'static str,
    pub err_unknown_specialty: &'static str,
    pub err_invalid_role: &'static str,
    pub err_not_found: &'static str,
    pub err_unexpected: &'static str,
}

/// French.
pub const FR: Tr = Tr {
    app_name: "MedPlat",
    language_name: "Français",
    switch_language: "Changer de langue",
    colon: "\u{a0}: ",
    loading: "Chargement…",
    nav_home: "Accueil",
    sign_in: "Se connecter",
    sign_up: "Créer un compte",
    sign_out: "Se déconnecter",
    open_portal: "Ouvrir mon espace",
    hero_title: "Vos consultations, vos médecins, votre suivi — au même endroit",
    hero_text: "Prenez rendez-vous en quelques clics, suivez vos constantes en direct avec votre médecin et obtenez des réponses à vos questions, à toute heure.",
    feature_booking_title: "Rendez-vous en ligne",
    feature_booking_text: "Trouvez un médecin par spécialité et réservez un créneau libre, au cabinet ou à distance.",
    feature_vitals_title: "Constantes en direct",
    feature_vitals_text: "Les appareils au chevet ou à domicile transmettent les constantes ; votre médecin est alerté en cas d’anomalie.",
    feature_assistant_title: "Assistant",
    feature_assistant_text: "Un assistant répond aux questions fréquentes et vous guide dans la plateforme.",
    sign_in_title: "Connexion",
    sign_in_subtitle: "Accédez à votre espace patient, médecin ou administrateur.",
    login_label: "Nom d’utilisateur ou e-mail",
    password_label: "Mot de passe",
    show_password: "Afficher",
    hide_password: "Masquer",
    signing_in: "Connexion…",
    no_account: "Pas encore de compte ? Inscrivez-vous",
    sign_up_title: "Créer un compte patient",
    sign_up_subtitle: "Quelques informations suffisent pour prendre rendez-vous.",
    first_name_label: "Prénom",
    last_name_label: "Nom",
    username_label: "Nom d’utilisateur",
    email_label: "Adresse e-mail",
    password_hint: "Au moins 10 caractères, sans votre nom d’utilisateur.",
    creating_account: "Création du compte…",
    have_account: "Déjà inscrit ? Connectez-vous",
    portal_patient: "Espace patient",
    portal_doctor: "Espace médecin",
    portal_admin: "Administration",
    nav_dashboard: "Tableau de bord",
    nav_accounts: "Comptes",
    hello: "Bonjour",
    dashboard_patient_text: "Retrouvez ici vos rendez-vous, vos traitements et le suivi de vos constantes.",
    dashboard_doctor_text: "Retrouvez ici votre agenda, vos patients et leurs constantes en direct.",
    dashboard_admin_text: "Gérez les comptes, les spécialités et la configuration de la plateforme.",
    my_account: "Mon compte",
    role_label: "Rôle",
    role_patient: "Patient",
    role_doctor: "Médecin",
    role_admin: "Administrateur",
    member_since: "Membre depuis",
    accounts_title: "Comptes",
    accounts_empty: "Aucun compte ne correspond à ce filtre.",
    create_staff_title: "Créer un compte médecin ou administrateur",
    specialty_label: "Spécialité",
    no_specialty: "— Aucune —",
    create_account: "Créer le compte",
    account_created: "Compte créé.",
    col_name: "Nom",
    col_status: "Statut",
    col_actions: "Actions",
    status_active: "Actif",
    status_deactivated: "Désactivé",
    deactivate: "Désactiver",
    filter_all_roles: "Tous les rôles",
    not_found_title: "Page introuvable",
    not_found_text: "Cette page n’existe pas ou a été déplacée.",
    forbidden_title: "Accès refusé",
    forbidden_text: "Votre compte n’a pas accès à cet espace.",
    back_home: "Retour à l’accueil",
    err_required: "Ce champ est obligatoire.",
    err_invalid_credentials: "Identifiants incorrects ou compte désactivé.",
    err_rate_limited: "Trop de tentatives. Réessayez dans quelques instants.",
    err_username_taken: "Ce nom d’utilisateur est déjà pris.",
    err_email_taken: "Un compte existe déjà avec cette adresse e-mail.",
    err_username_length: "Le nom d’utilisateur doit compter de 3 à 30 caractères.",
    err_username_characters: "Le nom d’utilisateur ne peut contenir que des lettres, des chiffres, « . », « _ » et « - ».",
    err_invalid_email: "Saisissez une adresse e-mail valide.",
    err_password_too_short: "Le mot de passe doit compter au moins 10 caractères.",
    err_password_too_long: "Le mot de passe doit compter au plus 128 caractères.",
    err_password_contains_username: "Le mot de passe ne doit pas contenir le nom d’utilisateur.",
    err_name_too_long: "100 caractères au maximum.",
    err_permission_denied: "Vous n’avez pas le droit d’effectuer cette action.",
    err_not_authenticated: "Votre session a expiré. Reconnectez-vous.",
    err_cannot_deactivate_self: "Vous ne pouvez pas désactiver votre propre compte.",
    err_unknown_specialty: "Spécialité inconnue.",
    err_invalid_role: "Rôle invalide.",
    err_not_found: "Élément introuvable.",
    err_unexpected: "Une erreur inattendue s’est produite. Réessayez plus tard.",
};

/// English.
pub const EN: Tr = Tr {
    app_name: "MedPlat",
    language_name: "English",
    switch_language: "Change language",
    colon: ": ",
    loading: "Loading…",
    nav_home: "Home",
    sign_in: "Sign in",
    sign_up: "Create an account",
    sign_out: "Sign out",
    open_portal: "Open my space",
    hero_title: "Your consultations, your doctors, your follow-up — in one place",
    hero_text: "Book an appointment in a few clicks, share your vital signs live with your doctor and get answers to your questions at any hour.",
    feature_booking_title: "Online booking",
    feature_booking_text: "Find a doctor by specialty and book a free slot, in person or remotely.",
    feature_vitals_title: "Live vital signs",
    feature_vitals_text: "Bedside and home devices stream vital signs; your doctor is alerted when something is off.",
    feature_assistant_title: "Assistant",
    feature_assistant_text: "An assistant answers common questions and guides you through the platform.",
    sign_in_title: "Sign in",
    sign_in_subtitle: "Reach your patient, doctor or administrator space.",
    login_label: "Username or e-mail",
    password_label: "Password",
    show_password: "Show",
    hide_password: "Hide",
    signing_in: "Signing in…",
    no_account: "No account yet? Sign up",
    sign_up_title: "Create a patient account",
    sign_up_subtitle: "A few details are all it takes to book a consultation.",
    first_name_label: "First name",
    last_name_label: "Last name",
    username_label: "Username",
    email_label: "E-mail address",
    password_hint: "At least 10 characters, without your username.",
    creating_account: "Creating your account…",
    have_account: "Already registered? Sign in",
    portal_patient: "Patient space",
    portal_doctor: "Doctor space",
    portal_admin: "Administration",
    nav_dashboard: "Dashboard",
    nav_accounts: "Accounts",
    hello: "Hello",
    dashboard_patient_text: "Your appointments, treatments and vital-sign follow-up, all here.",
    dashboard_doctor_text: "Your calendar, your patients and their live vital signs, all here.",
    dashboard_admin_text: "Manage accounts, specialties and the platform's configuration.",
    my_account: "My account",
    role_label: "Role",
    role_patient: "Patient",
    role_doctor: "Doctor",
    role_admin: "Administrator",
    member_since: "Member since",
    accounts_title: "Accounts",
    accounts_empty: "No account matches this filter.",
    create_staff_title: "Create a doctor or administrator account",
    specialty_label: "Specialty",
    no_specialty: "— None —",
    create_account: "Create account",
    account_created: "Account created.",
    col_name: "Name",
    col_status: "Status",
    col_actions: "Actions",
    status_active: "Active",
    status_deactivated: "Deactivated",
    deactivate: "Deactivate",
    filter_all_roles: "All roles",
    not_found_title: "Page not found",
    not_found_text: "This page does not exist or has moved.",
    forbidden_title: "Access denied",
    forbidden_text: "Your account cannot open this space.",
    back_home: "Back to the home page",
    err_required: "This field is required.",
    err_invalid_credentials: "Wrong credentials or deactivated account.",
    err_rate_limited: "Too many attempts. Try again in a moment.",
    err_username_taken: "This username is already taken.",
    err_email_taken: "An account already exists with this e-mail address.",
    err_username_length: "The username must be 3 to 30 characters long.",
    err_username_characters: "The username may only contain letters, digits, '.', '_' and '-'.",
    err_invalid_email: "Enter a valid e-mail address.",
    err_password_too_short: "The password must be at least 10 characters long.",
    err_password_too_long: "The password must be at most 128 characters long.",
    err_password_contains_username: "The password must not contain the username.",
    err_name_too_long: "At most 100 characters.",
    err_permission_denied: "You are not allowed to do this.",
    err_not_authenticated: "Your session has expired. Please sign in again.",
    err_cannot_deactivate_self: "You cannot deactivate your own account.",
    err_unknown_specialty: "Unknown specialty.",
    err_invalid_role: "Invalid role.",
    err_not_found: "Not found.",
    err_unexpected: "Something went wrong. Please try again later.",
};

impl Tr {
    /// The message for an error code.
    pub fn error(&self, code: &str) -> &'static str {
        match code {
            "required" => self.err_required,
            "invalid_credentials" => self.err_invalid_credentials,
            "rate_limited" => self.err_rate_limited,
            "username_taken" => self.err_username_taken,
            "email_taken" => self.err_email_taken,
            "username_length" => self.err_username_length,
            "username_characters" => self.err_username_characters,
            "invalid_email" => self.err_invalid_email,
            "password_too_short" => self.err_password_too_short,
            "password_too_long" => self.err_password_too_long,
            "password_contains_username" => self.err_password_contains_username,
            "name_too_long" => self.err_name_too_long,
            "permission_denied" => self.err_permission_denied,
            "not_authenticated" | "token_not_valid" => self.err_not_authenticated,
            "cannot_deactivate_self" => self.err_cannot_deactivate_self,
            "unknown_specialty" => self.err_unknown_specialty,
            "invalid_role" => self.err_invalid_role,
            "not_found" => self.err_not_found,
            _ => self.err_unexpected,
        }
    }

    /// The label of a form field, for error messages.
    pub fn field(&self, field: &str) -> Option<&'static str> {
        Some(match field {
            "username" => self.username_label,
            "login" => self.login_label,
            "email" => self.email_label,
            "password" => self.password_label,
            "first_name" => self.first_name_label,
            "last_name" => self.last_name_label,
            "specialty" => self.specialty_label,
            "role" => self.role_label,
            _ => return None,
        })
    }

    /// The name of a role.
    pub fn role(&self, role: domain::accounts::Role) -> &'static str {
        use domain::accounts::Role;
        match role {
            Role::Patient => self.role_patient,
            Role::Doctor => self.role_doctor,
            Role::Admin => self.role_admin,
        }
    }
}

/// The interface language, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// The current language.
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// The current language, without tracking (event handlers).
    pub fn lang_untracked(&self) -> Lang {
        self.lang.get_untracked()
    }

    /// Switches language.
    pub fn set(&self, lang: Lang) {
        self.lang.set(lang);
    }

    /// Reads one string reactively: `{move || i18n.t(|t| t.sign_in)}`.
    pub fn t(&self, pick: impl Fn(&'static Tr) -> &'static str) -> &'static str {
        pick(self.lang.get().tr())
    }

    /// The strings of the current language (reactive read).
    pub fn tr(&self) -> &'static Tr {
        self.lang.get().tr()
    }
}

/// Provides the language for the whole app.
pub fn provide_i18n(initial: Lang) -> I18n {
    let i18n = I18n {
        lang: RwSignal::new(initial),
    };
    provide_context(i18n);
    i18n
}

/// The interface language from context.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n {
        lang: RwSignal::new(Lang::Fr),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse() {
        assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("FR"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("de"), None);
        assert_eq!(Lang::default(), Lang::Fr);
    }

    #[test]
    fn every_error_code_of_the_domain_is_translated() {
        for code in [
            "required",
            "invalid_credentials",
            "rate_limited",
            "email_taken",
            "password_too_short",
        ] {
            assert_ne!(FR.error(code), FR.err_unexpected, "{code}");
            assert_ne!(EN.error(code), FR.error(code), "{code} untranslated");
        }
    }
}
