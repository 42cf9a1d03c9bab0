//! What to tell someone whose words raised red flags, and whom to call.

use super::{EMERGENCY_NUMBERS, SUICIDE, SUICIDE_LINE};

/// The numbers to call for `codes`: 15 and 112, and 3114 for suicidal
/// thoughts; none when no flag is raised.
pub fn numbers(codes: &[&str]) -> Vec<&'static str> {
    if codes.is_empty() {
        return Vec::new();
    }
    let mut numbers = EMERGENCY_NUMBERS.to_vec();
    if codes.contains(&SUICIDE) {
        numbers.push(SUICIDE_LINE);
    }
    numbers
}

/// What to tell someone whose words raised `codes` (never empty codes).
pub fn advice(codes: &[&str], french: bool) -> String {
    let mut message = if french {
        "Urgence : appelez le 15 (SAMU) ou le 112 maintenant.".to_owned()
    } else {
        "Emergency: call 15 (SAMU) or 112 now.".to_owned()
    };
    if codes.contains(&SUICIDE) {
        message.push_str(if french {
            " Si vous pensez au suicide, ou si un proche y pense, appelez le 3114 (numéro national de prévention du suicide, gratuit, jour et nuit)."
        } else {
            " If you or someone close to you is thinking about suicide, call 3114 (the national suicide prevention line, free, day and night)."
        });
    }
    message.push_str(if french {
        " N'attendez pas une réponse en ligne."
    } else {
        " Do not wait for an answer online."
    });
    message
}
