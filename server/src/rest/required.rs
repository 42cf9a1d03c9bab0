//! Forms that serve both a creation (or a full replacement) and a partial
//! update carry optional fields in Rust. For the operations that need them, the
//! OpenAPI document gets a copy of the form's schema whose needed fields are
//! required and not nullable, so the contract says what the domain asks.

use utoipa::Modify;
use utoipa::openapi::OpenApi;

use serde_json::Value;

/// A form schema, the name of its strict copy, the fields it requires, and
/// the operations (method, path) whose body is that copy.
struct Strict {
    form: &'static str,
    name: &'static str,
    required: &'static [&'static str],
    operations: &'static [(&'static str, &'static str)],
}

const STRICT: &[Strict] = &[
    Strict {
        form: "AvailabilityForm",
        name: "NewAvailability",
        required: &["day_of_week", "start_time", "end_time", "duration_minutes"],
        operations: &[
            ("post", "/api/v1/availabilities/"),
            ("put", "/api/v1/availabilities/{id}/"),
        ],
    },
    Strict {
        form: "ExceptionForm",
        name: "NewException",
        required: &["start_datetime", "end_datetime"],
        operations: &[
            ("post", "/api/v1/exceptions/"),
            ("put", "/api/v1/exceptions/{id}/"),
        ],
    },
    Strict {
        form: "NewText",
        name: "NewTextStrict",
        required: &["body"],
        operations: &[
            ("post", "/api/v1/consultations/{id}/messages/"),
            ("post", "/api/v1/consultations/{id}/addenda/"),
            ("post", "/api/v1/chat/rooms/{id}/messages/"),
        ],
    },
    Strict {
        form: "Rejection",
        name: "RejectionStrict",
        required: &["reason"],
        operations: &[("post", "/api/v1/consultations/{id}/reject/")],
    },
    Strict {
        form: "OpeningForm",
        name: "OpeningForm",
        required: &["start", "end"],
        operations: &[],
    },
];

/// The modifier: see the module documentation.
pub struct RequiredFields;

impl Modify for RequiredFields {
    fn modify(&self, openapi: &mut OpenApi) {
        let Ok(mut doc) = serde_json::to_value(&*openapi) else {
            return;
        };
        for strict in STRICT {
            apply(&mut doc, strict);
        }
        match serde_json::from_value(doc) {
            Ok(updated) => *openapi = updated,
            Err(err) => tracing::error!(error = %err, "OpenAPI required fields not applied"),
        }
    }
}

fn apply(doc: &mut Value, strict: &Strict) {
    let Some(mut schema) = doc
        .pointer(&format!("/components/schemas/{}", strict.form))
        .cloned()
    else {
        return;
    };
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for field in strict.required {
            if let Some(property) = properties.get_mut(*field) {
                not_null(property);
            }
        }
    }
    schema["required"] = Value::from(strict.required.to_vec());
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.insert(strict.name.to_owned(), schema);
    }
    let reference = format!("#/components/schemas/{}", strict.name);
    for (method, path) in strict.operations {
        let pointer = format!(
            "/paths/{}/{method}/requestBody/content/application~1json/schema",
            path.replace('~', "~0").replace('/', "~1")
        );
        if let Some(body) = doc.pointer_mut(&pointer) {
            *body = serde_json::json!({ "$ref": reference });
        }
    }
}

/// Drops `null` from a property's accepted values: `type: [T, "null"]` becomes
/// `type: T`, and `oneOf: [{type: null}, S]` becomes `S`.
fn not_null(property: &mut Value) {
    if let Some(types) = property.get("type").and_then(Value::as_array) {
        let kept: Vec<Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .cloned()
            .collect();
        property["type"] = match kept.as_slice() {
            [one] => one.clone(),
            _ => Value::from(kept),
        };
    }
    let single = property
        .get("oneOf")
        .and_then(Value::as_array)
        .map(|options| {
            options
                .iter()
                .filter(|o| o.get("type").and_then(Value::as_str) != Some("null"))
                .cloned()
                .collect::<Vec<_>>()
        })
        .filter(|kept| kept.len() == 1)
        .and_then(|mut kept| kept.pop());
    if let Some(only) = single {
        *property = only;
    }
}
