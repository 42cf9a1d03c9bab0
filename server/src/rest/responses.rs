//! The answers every operation of a kind can give, added to the OpenAPI
//! document in one place rather than repeated on each handler: 401 for a
//! signed-in route, 400 for one that takes parameters or a body, 413 and 415 for
//! one that takes a body, 404 for one addressed by an id.

use utoipa::Modify;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder};

/// The modifier: see the module documentation.
pub struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in operations(item) {
                complete(operation);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
    ]
    .into_iter()
    .flatten()
}

fn complete(operation: &mut Operation) {
    let secured = operation
        .security
        .as_ref()
        .is_some_and(|requirements| !requirements.is_empty());
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has_params = !parameters.is_empty();
    let has_path_id = parameters
        .iter()
        .any(|p| p.parameter_in == ParameterIn::Path);
    let has_body = operation.request_body.is_some();

    if secured {
        add(
            operation,
            "401",
            "Not signed in: no token, or one that expired or was revoked",
        );
    }
    if has_params || has_body {
        add(
            operation,
            "400",
            "An input is malformed or out of bounds; `field` names it",
        );
    }
    if has_path_id {
        add(operation, "404", "No such resource visible to the caller");
    }
    if has_body {
        add(
            operation,
            "413",
            "The body is larger than the server accepts",
        );
        add(
            operation,
            "415",
            "The body is not of the declared content type",
        );
    }
}

fn add(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| RefOr::T(error_response(description)));
}

/// A response carrying the API's error shape.
fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
}
