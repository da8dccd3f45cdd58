//! The OpenAPI 3.1 document, derived from the domain schema so that it
//! lists every collection and field and cannot drift from the code.

use domain::{ALL_KINDS, EntityKind, FieldType};
use serde_json::{Map, Value, json};

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    schemas.insert("Error".into(), json!({
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string", "description": "stable snake_case code"}, "message": {"type": "string"}, "details": {}},
    }));
    for kind in ALL_KINDS {
        let name = schema_name(kind);
        schemas.insert(name.clone(), record_schema(kind));
        paths.insert(
            format!("/api/v1/{}", kind.collection()),
            collection_paths(kind, &name),
        );
        paths.insert(
            format!("/api/v1/{}/{{id}}", kind.collection()),
            item_paths(kind, &name),
        );
        paths.insert(format!("/api/v1/{}/bulk", kind.collection()), json!({"post": {
            "tags": [kind.collection()], "summary": format!("Create or update many {} at once, all or nothing", kind.collection()),
            "description": "An item with `id` updates that record; one with `source_system` and `external_id` updates the record from that source or creates it.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {"$ref": format!("#/components/schemas/{name}")}}}}}}},
            "responses": responses(json!({"200": {"description": "Written", "content": {"application/json": {"schema": {"type": "object", "properties": {"created": {"type": "integer"}, "updated": {"type": "integer"}, "ids": {"type": "array", "items": {"type": "string", "format": "uuid"}}}}}}}})),
        }}));
    }
    paths.insert("/api/v1/imports".into(), json!({"post": {
        "tags": ["imports"], "summary": "Upload a CRM export (CSV, XLSX, JSON, JSON Lines) to import in the background",
        "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary"}, "preset": {"type": "string", "description": "e.g. bitrix24-contacts, amocrm-leads, hubspot-deals, generic-contacts"}, "dry_run": {"type": "boolean"}}}}}},
        "responses": responses(json!({"202": {"description": "Queued", "content": {"application/json": {"schema": {"type": "object", "properties": {"job_id": {"type": "string"}, "status_url": {"type": "string"}}}}}}})),
    }}));
    paths.insert("/api/v1/jobs/{id}".into(), json!({"get": {
        "tags": ["imports"], "summary": "A background job and, once done, its report", "parameters": [id_parameter()],
        "responses": responses(json!({"200": {"description": "The job"}})),
    }}));
    paths.insert("/api/v1/audit".into(), json!({"get": {
        "tags": ["audit"], "summary": "The newest audit entries (admin, analyst)",
        "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}, {"name": "entity_id", "in": "query", "schema": {"type": "string"}}],
        "responses": responses(json!({"200": {"description": "Entries"}})),
    }}));
    paths.insert("/api/v1/audit/verify".into(), json!({"get": {"tags": ["audit"], "summary": "Verify the audit log's hash chain", "responses": responses(json!({"200": {"description": "The verdict"}}))}}));
    // Predictions, bots and conversations: JSON in and out, described by summary.
    for (path, method, tag, summary) in [
        (
            "/api/v1/call-first",
            "get",
            "predictions",
            "Open deals most likely to buy first, with score, reasons and action",
        ),
        (
            "/api/v1/scores/deals/{id}",
            "get",
            "predictions",
            "A deal's probability, reasons and recommended action",
        ),
        (
            "/api/v1/scores/contacts/{id}",
            "get",
            "predictions",
            "A customer's churn risk with reasons",
        ),
        (
            "/api/v1/offers/contacts/{id}",
            "get",
            "predictions",
            "Next best offers for a contact",
        ),
        ("/api/v1/models", "get", "predictions", "The model registry"),
        (
            "/api/v1/models/train",
            "post",
            "predictions",
            "Train the lead model on the store (admin)",
        ),
        (
            "/api/v1/models/score",
            "post",
            "predictions",
            "Rescore records with the active models (admin)",
        ),
        (
            "/api/v1/models/drift",
            "get",
            "predictions",
            "Population stability of the score and each feature",
        ),
        (
            "/api/v1/models/{id}/promote",
            "post",
            "predictions",
            "Make a model the active one (admin)",
        ),
        (
            "/model/parse",
            "post",
            "conversations",
            "Rasa's NLU parse: {\"text\"} → intent, intent_ranking, entities, sentiment, language, out_of_scope",
        ),
        (
            "/api/v1/bots",
            "get",
            "conversations",
            "The bots this deployment runs",
        ),
        (
            "/api/v1/bots/{bot}/messages",
            "post",
            "conversations",
            "A customer's message ({\"chat\", \"text\", \"message_id\"}) → the bot's replies; a repeated message_id changes nothing",
        ),
        (
            "/api/v1/bots/{bot}/calls",
            "post",
            "conversations",
            "A transcribed call ({\"call_id\", \"phone\", \"transcript\"}) through the bot, kept as an activity",
        ),
        (
            "/api/v1/bots/{bot}/quality",
            "get",
            "conversations",
            "Containment, fallback and handoff rates, overdue handoffs, manager reply time, satisfaction",
        ),
        (
            "/api/v1/bots/{bot}/reviews",
            "get",
            "conversations",
            "Messages the bot was unsure of (status=pending|corrected|dismissed)",
        ),
        (
            "/api/v1/bots/{bot}/training-data",
            "get",
            "conversations",
            "Corrected messages as Rasa NLU YAML",
        ),
        (
            "/api/v1/reviews/{id}",
            "post",
            "conversations",
            "A reviewer's verdict: {\"verdict\": \"correct\", \"intent\", \"entities\"} or {\"verdict\": \"dismiss\"}",
        ),
        (
            "/api/v1/conversations",
            "get",
            "conversations",
            "Conversations, latest first (status=handoff for those managers have)",
        ),
        (
            "/api/v1/conversations/{id}/messages",
            "post",
            "conversations",
            "A manager's message to the customer, sent in the chat's channel",
        ),
        (
            "/api/v1/conversations/{id}/release",
            "post",
            "conversations",
            "Give a handed-over conversation back to the bot",
        ),
    ] {
        let operation = json!({"tags": [tag], "summary": summary, "responses": responses(json!({"200": {"description": "OK"}}))});
        match paths.get_mut(path).and_then(Value::as_object_mut) {
            Some(existing) => {
                existing.insert(method.into(), operation);
            }
            None => {
                paths.insert(path.into(), json!({ method: operation }));
            }
        }
    }
    for (path, summary) in [
        ("/healthz", "Alive"),
        ("/readyz", "Ready: the database answers"),
        ("/metrics", "Prometheus metrics"),
    ] {
        paths.insert(path.into(), json!({"get": {"tags": ["operations"], "summary": summary, "security": [], "responses": {"200": {"description": "OK"}}}}));
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "fundament API", "version": env!("CARGO_PKG_VERSION"), "description": "A self-hosted AI layer beside your CRM. Every collection supports list (with `limit`, `cursor`, `sort`, `q` and field filters), create, read, replace, patch, delete and bulk upsert."},
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "An API key from `fundament keys create --role ROLE`"}}},
    })
}

fn schema_name(kind: EntityKind) -> String {
    let name = kind.as_str();
    name[..1].to_uppercase() + &name[1..]
}

fn record_schema(kind: EntityKind) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "id".into(),
        json!({"type": "string", "format": "uuid", "readOnly": true}),
    );
    properties.insert("owner_id".into(), json!({"type": ["string", "null"], "format": "uuid", "description": "the user who owns the record"}));
    properties.insert("source_system".into(), json!({"type": ["string", "null"], "description": "where the record came from (bitrix24, amocrm, ...)"}));
    properties.insert(
        "external_id".into(),
        json!({"type": ["string", "null"], "description": "its id in that system"}),
    );
    properties.insert(
        "created_at".into(),
        json!({"type": "string", "format": "date-time", "readOnly": true}),
    );
    properties.insert(
        "updated_at".into(),
        json!({"type": "string", "format": "date-time", "readOnly": true}),
    );
    let mut required = Vec::new();
    for def in kind.fields() {
        let mut schema = field_schema(def.ty);
        if let Value::Object(object) = &mut schema {
            object.insert(
                "description".into(),
                json!(format!("{} / {}", def.label_en, def.label_ru)),
            );
            if let Some(category) = def.pii {
                object.insert("x-personal-data".into(), json!(category.as_str()));
            }
        }
        if def.required {
            required.push(def.name);
        }
        properties.insert(def.name.into(), schema);
    }
    json!({"type": "object", "properties": properties, "required": required})
}

fn field_schema(ty: FieldType) -> Value {
    match ty {
        FieldType::Text | FieldType::LongText => json!({"type": ["string", "null"]}),
        FieldType::Int => json!({"type": ["integer", "null"]}),
        FieldType::Bool => {
            json!({"type": ["boolean", "null"], "description": "also accepts да/нет, Y/N, 1/0"})
        }
        FieldType::Phones => {
            json!({"type": ["array", "null"], "items": {"type": "string", "description": "E.164; any common notation is accepted on input"}})
        }
        FieldType::Emails => {
            json!({"type": ["array", "null"], "items": {"type": "string", "format": "email"}})
        }
        FieldType::Money => {
            json!({"type": ["object", "null"], "properties": {"amount": {"type": "string", "example": "1500.00"}, "currency": {"type": "string", "example": "RUB"}}})
        }
        FieldType::Timestamp => json!({"type": ["string", "null"], "format": "date-time"}),
        FieldType::Date => json!({"type": ["string", "null"], "format": "date"}),
        FieldType::Ref(target) => {
            json!({"type": ["string", "null"], "format": "uuid", "description": format!("id of a {target}")})
        }
        FieldType::Inn => json!({"type": ["string", "null"], "pattern": "^([0-9]{10}|[0-9]{12})$"}),
        FieldType::Ogrn => {
            json!({"type": ["string", "null"], "pattern": "^([0-9]{13}|[0-9]{15})$"})
        }
        FieldType::Enum(options) => {
            json!({"type": ["string", "null"], "enum": options.iter().map(|option| option.value).collect::<Vec<_>>()})
        }
        FieldType::Attributes => {
            json!({"type": ["object", "null"], "additionalProperties": {"type": ["string", "number", "boolean"]}})
        }
        FieldType::OrderLines => {
            json!({"type": ["array", "null"], "items": {"type": "object", "properties": {
            "sku": {"type": "string"}, "product_id": {"type": "string"}, "name": {"type": "string"}, "quantity": {"type": "integer"},
            "price": {"type": "object", "properties": {"amount": {"type": "string"}, "currency": {"type": "string"}}}}}})
        }
    }
}

fn collection_paths(kind: EntityKind, name: &str) -> Value {
    let reference = json!({"$ref": format!("#/components/schemas/{name}")});
    json!({
        "get": {
            "tags": [kind.collection()], "summary": format!("List {}", kind.collection()),
            "description": "Filters: `field=value`, `field[ne]=`, `field[gte]=`, `field[lte]=`, `field=null`. Managers see only records they own.",
            "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}},
                {"name": "cursor", "in": "query", "schema": {"type": "string"}, "description": "next_cursor of the previous page"},
                {"name": "sort", "in": "query", "schema": {"type": "string"}, "description": "a field; `-field` for descending; default `-created_at`"},
                {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "words to search for (names, phones, e-mails, cities)"},
            ],
            "responses": responses(json!({"200": {"description": "One page", "content": {"application/json": {"schema": {
                "type": "object", "required": ["items", "next_cursor"],
                "properties": {"items": {"type": "array", "items": reference}, "next_cursor": {"type": ["string", "null"]}}}}}}})),
        },
        "post": {
            "tags": [kind.collection()], "summary": format!("Create a {}", kind.as_str()),
            "requestBody": {"required": true, "content": {"application/json": {"schema": reference}}},
            "responses": responses(json!({"201": {"description": "Created", "content": {"application/json": {"schema": reference}}}})),
        },
    })
}

fn item_paths(kind: EntityKind, name: &str) -> Value {
    let reference = json!({"$ref": format!("#/components/schemas/{name}")});
    let ok = json!({"200": {"description": "The record", "content": {"application/json": {"schema": reference}}}});
    let body = json!({"required": true, "content": {"application/json": {"schema": reference}}});
    let tags = json!([kind.collection()]);
    json!({
        "parameters": [id_parameter()],
        "get": {"tags": tags, "summary": format!("Read a {}", kind.as_str()), "responses": responses(ok.clone())},
        "put": {"tags": tags, "summary": format!("Replace a {} (fields left out are cleared)", kind.as_str()), "requestBody": body, "responses": responses(ok.clone())},
        "patch": {"tags": tags, "summary": format!("Change some fields of a {}", kind.as_str()), "requestBody": body, "responses": responses(ok)},
        "delete": {"tags": tags, "summary": format!("Delete a {}", kind.as_str()), "responses": responses(json!({"204": {"description": "Deleted"}}))},
    })
}

fn id_parameter() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}})
}

fn responses(success: Value) -> Value {
    let error = |description: &str| json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let mut all = success.as_object().cloned().unwrap_or_default();
    all.insert(
        "400".into(),
        error("Malformed request (bad filter, cursor or JSON)"),
    );
    all.insert("401".into(), error("No valid API key or session"));
    all.insert("403".into(), error("The role may not do this"));
    all.insert("404".into(), error("No such record, or not yours to see"));
    all.insert("422".into(), error("Invalid fields, each named in details"));
    Value::Object(all)
}
