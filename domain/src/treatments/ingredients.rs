//! The platform's small table of medicines and their active ingredients, and
//! the check it serves: two running treatments that contain the same
//! ingredient (Doliprane and Dafalgan are both paracetamol) are an overdose
//! risk the patient and their doctor are shown.
//!
//! A name matches a product when the product's words appear in it in order,
//! whatever the case, accents, dose or form ("DOLIPRANE 1000 mg comprimé").

use super::{Interaction, Treatment};

/// A product name (or an ingredient's own name) and what it contains.
pub const PRODUCTS: &[(&str, &[&str])] = &[
    // Paracetamol.
    ("paracétamol", &["paracétamol"]),
    ("paracetamol", &["paracétamol"]),
    ("doliprane", &["paracétamol"]),
    ("dafalgan", &["paracétamol"]),
    ("efferalgan", &["paracétamol"]),
    ("dafalgan codéiné", &["paracétamol", "codéine"]),
    ("ixprim", &["paracétamol", "tramadol"]),
    ("lamaline", &["paracétamol", "opium", "caféine"]),
    ("actifed", &["paracétamol", "pseudoéphédrine"]),
    ("humex rhume", &["paracétamol", "pseudoéphédrine"]),
    (
        "fervex",
        &["paracétamol", "phéniramine", "acide ascorbique"],
    ),
    // Ibuprofen and other anti-inflammatories.
    ("ibuprofène", &["ibuprofène"]),
    ("ibuprofen", &["ibuprofène"]),
    ("advil", &["ibuprofène"]),
    ("nurofen", &["ibuprofène"]),
    ("spedifen", &["ibuprofène"]),
    ("antarène", &["ibuprofène"]),
    ("kétoprofène", &["kétoprofène"]),
    ("profenid", &["kétoprofène"]),
    ("bi-profenid", &["kétoprofène"]),
    ("diclofénac", &["diclofénac"]),
    ("voltarène", &["diclofénac"]),
    ("naproxène", &["naproxène"]),
    ("apranax", &["naproxène"]),
    // Aspirin.
    ("aspirine", &["acide acétylsalicylique"]),
    ("aspégic", &["acide acétylsalicylique"]),
    ("kardégic", &["acide acétylsalicylique"]),
    ("acide acétylsalicylique", &["acide acétylsalicylique"]),
    // Opioids.
    ("tramadol", &["tramadol"]),
    ("topalgic", &["tramadol"]),
    ("contramal", &["tramadol"]),
    ("codéine", &["codéine"]),
    // Antibiotics.
    ("amoxicilline", &["amoxicilline"]),
    ("clamoxyl", &["amoxicilline"]),
    ("augmentin", &["amoxicilline", "acide clavulanique"]),
    ("azithromycine", &["azithromycine"]),
    ("zithromax", &["azithromycine"]),
    // Stomach.
    ("oméprazole", &["oméprazole"]),
    ("mopral", &["oméprazole"]),
    ("ésoméprazole", &["ésoméprazole"]),
    ("inexium", &["ésoméprazole"]),
    // Cardiovascular and metabolic.
    ("amlodipine", &["amlodipine"]),
    ("amlor", &["amlodipine"]),
    ("ramipril", &["ramipril"]),
    ("triatec", &["ramipril"]),
    ("bisoprolol", &["bisoprolol"]),
    ("cardensiel", &["bisoprolol"]),
    ("atorvastatine", &["atorvastatine"]),
    ("tahor", &["atorvastatine"]),
    ("metformine", &["metformine"]),
    ("glucophage", &["metformine"]),
    ("stagid", &["metformine"]),
    ("janumet", &["metformine", "sitagliptine"]),
    ("lévothyroxine", &["lévothyroxine"]),
    ("levothyrox", &["lévothyroxine"]),
    ("l-thyroxine", &["lévothyroxine"]),
    // Allergy, asthma.
    ("cétirizine", &["cétirizine"]),
    ("zyrtec", &["cétirizine"]),
    ("salbutamol", &["salbutamol"]),
    ("ventoline", &["salbutamol"]),
];

/// Lower case, accents removed, words of letters and digits only.
fn words(text: &str) -> Vec<String> {
    let folded: String = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            'œ' => 'o',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    folded.split_whitespace().map(str::to_owned).collect()
}

fn contains_words(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty()
        && haystack.len() >= needle.len()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

/// The active ingredients of a medicine by its name, from the table: every
/// product whose words the name contains adds its ingredients (sorted,
/// without repeats). Empty when nothing matches.
pub fn ingredients_of(name: &str) -> Vec<String> {
    let name = words(name);
    let mut found: Vec<String> = PRODUCTS
        .iter()
        .filter(|(product, _)| contains_words(&name, &words(product)))
        .flat_map(|(_, ingredients)| ingredients.iter().map(|i| (*i).to_owned()))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Among `treatments` (running ones), each ingredient two or more of them
/// contain, with those treatments, in ingredient order.
pub fn interactions(treatments: &[&Treatment]) -> Vec<Interaction> {
    let mut by_ingredient: std::collections::BTreeMap<&str, Vec<&Treatment>> = Default::default();
    for treatment in treatments {
        for ingredient in &treatment.active_ingredients {
            by_ingredient.entry(ingredient).or_default().push(treatment);
        }
    }
    by_ingredient
        .into_iter()
        .filter(|(_, holders)| holders.len() > 1)
        .map(|(ingredient, holders)| Interaction {
            ingredient: ingredient.to_owned(),
            treatment_ids: holders.iter().map(|t| t.id).collect(),
            medocs_names: holders.iter().map(|t| t.medocs_name.clone()).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_whatever_the_case_accents_dose_or_form() {
        assert_eq!(
            ingredients_of("DOLIPRANE 1000 mg comprimé"),
            ["paracétamol"]
        );
        assert_eq!(
            ingredients_of("Paracetamol Biogaran 500mg"),
            ["paracétamol"]
        );
        assert_eq!(ingredients_of("ibuprofene 400"), ["ibuprofène"]);
        assert_eq!(
            ingredients_of("Dafalgan codéiné"),
            ["codéine", "paracétamol"]
        );
        assert!(ingredients_of("Sirop maison").is_empty());
        // Whole words only: "aspirine" is not in "aspirinex".
        assert!(ingredients_of("aspirinex").is_empty());
    }

    #[test]
    fn every_product_of_the_table_finds_its_own_ingredients() {
        for (product, ingredients) in PRODUCTS {
            let found = ingredients_of(product);
            for ingredient in *ingredients {
                assert!(found.iter().any(|f| f == ingredient), "{product}");
            }
        }
    }

    fn treatment(id: i64, name: &str) -> Treatment {
        let at: jiff::Timestamp = "2026-12-01T08:00:00Z".parse().unwrap();
        Treatment {
            id,
            medocs_name: name.into(),
            frequency: 3,
            started_at: at,
            duration_days: 5,
            end: at,
            jours_restants: 5,
            patient_id: 1,
            start_day: at.to_zoned(jiff::tz::TimeZone::UTC).date(),
            end_day: at.to_zoned(jiff::tz::TimeZone::UTC).date(),
            dose_times: vec![],
            instructions: None,
            prescribed_by: None,
            consultation_id: None,
            active: true,
            active_ingredients: ingredients_of(name),
        }
    }

    #[test]
    fn two_paracetamols_interact_and_unrelated_medicines_do_not() {
        let doliprane = treatment(1, "Doliprane 1000");
        let dafalgan = treatment(2, "Dafalgan codéiné");
        let amox = treatment(3, "Amoxicilline 1 g");
        let found = interactions(&[&doliprane, &dafalgan, &amox]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].ingredient, "paracétamol");
        assert_eq!(found[0].treatment_ids, [1, 2]);
        assert!(interactions(&[&doliprane, &amox]).is_empty());
    }
}
