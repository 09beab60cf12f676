//! The OpenAPI 3.1 description of the API, built from the same route table as the router, so the
//! document cannot list a route that does not exist or miss one that does.

use axum::Json;
use axum::extract::State;
use serde_json::{Map, Value, json};

use super::Service;
use super::routes::{Access, RouteDoc, docs};

pub(super) async fn serve(State(_service): State<Service>) -> Json<Value> {
    Json(openapi_document())
}

/// The OpenAPI document of every route [`Service::router`](super::Service::router) serves.
pub fn openapi_document() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for doc in docs() {
        let entry = paths
            .entry(doc.path.to_string())
            .or_insert_with(|| json!({}));
        entry[doc.method] = operation(&doc);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Consulta",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Cited answers on Article 6 of the Paris Agreement, with human experts behind them. \
                Errors are always `{\"error\": {\"code\", \"message\"}}` with a stable code; a refusal \
                by the desk adds `refusal` and `said`."
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "expert": {"type": "http", "scheme": "bearer", "description": "an expert's own token ([[service.experts]]), which names the expert"},
                "frontend": {"type": "http", "scheme": "bearer", "description": "service.frontend_token: a front-end process acting for its users"},
                "admin": {"type": "http", "scheme": "bearer", "description": "service.admin_token"},
                "session": {"type": "apiKey", "in": "header", "name": "X-Consulta-Session", "description": "a web visitor's session, minted by POST /v1/sessions"}
            },
            "schemas": schemas()
        }
    })
}

fn operation(doc: &RouteDoc) -> Value {
    let mut op = json!({
        "summary": doc.summary,
        "operationId": doc.operation,
        "responses": {
            "200": {"description": "Success", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{}", doc.response)}}}},
            "default": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
    });
    let parameters: Vec<Value> = doc
        .path
        .split('/')
        .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .chain(doc.query.iter().map(|name| json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}})))
        .collect();
    if !parameters.is_empty() {
        op["parameters"] = Value::Array(parameters);
    }
    if let Some(body) = doc.body {
        let content_type = if body == "Document" {
            "application/octet-stream"
        } else {
            "application/json"
        };
        op["requestBody"] = json!({
            "required": true,
            "content": {content_type: {"schema": {"$ref": format!("#/components/schemas/{body}")}}}
        });
    }
    let security = match doc.access {
        Access::Public => None,
        Access::Session => Some(json!([{"session": []}])),
        Access::Expert => Some(json!([{"expert": []}, {"frontend": []}])),
        Access::FrontEnd => Some(json!([{"frontend": []}])),
        Access::Admin => Some(json!([{"admin": []}])),
        Access::PublicOrFrontEnd => Some(json!([{}, {"frontend": []}])),
    };
    if let Some(security) = security {
        op["security"] = security;
    }
    op
}

fn schemas() -> Value {
    let lang = json!({"type": "string", "enum": ["es", "pt", "en"]});
    let session =
        json!({"type": "string", "minLength": 32, "maxLength": 64, "pattern": "^[A-Za-z0-9-]+$"});
    // Added apart: the table below is as long as `json!` can expand.
    let escalation = json!({
        "description": "The question's ticket; `opened` is false when the question already had it",
        "allOf": [{"$ref": "#/components/schemas/Ticket"},
            {"type": "object", "required": ["opened"], "properties": {"opened": {"type": "boolean"}}}]});
    let mut schemas = json!({
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string", "enum": ["bad_request", "unauthorized", "forbidden", "not_found", "conflict", "particulars", "gone", "payload_too_large", "method_not_allowed", "unsupported_media_type", "internal"]},
            "message": {"type": "string"},
            "refusal": {"type": "object", "description": "When the desk refused: what was refused (`kind`, `detail`), for a front-end to say in its reader's language", "required": ["kind"], "properties": {"kind": {"type": "string"}, "detail": {}}},
            "said": {"type": "object", "description": "When the desk refused: the refusal in each language, keyed by language code", "properties": {"es": {"type": "string"}, "pt": {"type": "string"}, "en": {"type": "string"}}}}}}},
        "AskRequest": {"type": "object", "required": ["question"], "properties": {
            "question": {"type": "string"}, "language": lang, "session": session, "name": {"type": "string"},
            "top_k": {"type": "integer", "minimum": 1}, "asker": {"$ref": "#/components/schemas/Asker"}, "user_lang": lang}},
        "Asker": {"type": "object", "required": ["platform", "chat_id", "user_id", "display_name"], "properties": {
            "platform": {"type": "string", "enum": ["telegram", "discord", "web", "cli"]}, "chat_id": {"type": "string"},
            "user_id": {"type": "string"}, "display_name": {"type": "string"}}},
        "Citation": {"type": "object", "properties": {
            "title": {"type": "string"}, "section": {"type": "string"}, "source": {"type": "string"},
            "source_url": {"type": ["string", "null"]}, "date": {"type": ["string", "null"]}, "text": {"type": "string"},
            "score": {"type": "number"}, "passage_id": {"type": "string"}, "doc_id": {"type": "string"},
            "kind": {"type": "string"}, "lang": lang, "tags": {"type": "array", "items": {"type": "string"}},
            "countries": {"type": "array", "items": {"type": "string"}}}},
        "AskResponse": {"type": "object", "required": ["question_id", "question", "language", "escalate", "confidence", "answer", "citations", "notes"], "properties": {
            "question_id": {"type": "integer"}, "question": {"type": "string"}, "language": lang, "escalate": {"type": "boolean"},
            "confidence": {"type": "number"}, "answer": {"type": "string"},
            "citations": {"type": "array", "items": {"$ref": "#/components/schemas/Citation"}},
            "notes": {"type": "array", "items": {"type": "string"}}}},
        "SearchRequest": {"type": "object", "required": ["query"], "properties": {
            "query": {"type": "string"}, "leg": {"type": "string", "enum": ["hybrid", "bm25", "dense"]},
            "k": {"type": "integer", "minimum": 1, "maximum": 50}, "language": lang, "filter": {"type": "object"}}},
        "SearchResponse": {"type": "object", "properties": {"hits": {"type": "array", "items": {"type": "object"}}}},
        "FeedbackRequest": {"type": "object", "required": ["rating"], "properties": {
            "rating": {"type": "string", "enum": ["up", "down"]}, "question_id": {"type": "integer"}, "ticket": {"type": "string"},
            "session": session, "by": {"type": "string", "description": "platform:id (front-end token only)"}}},
        "NewSession": {"type": "object", "required": ["session"], "properties": {"session": session}},
        "FeedbackResponse": {"type": "object", "properties": {"recorded": {"type": "boolean"}}},
        "ReplyRequest": {"type": "object", "required": ["ticket", "text"], "properties": {
            "ticket": {"type": "string"}, "text": {"type": "string"}, "session": session,
            "by": {"type": "string", "description": "platform:id (front-end token only)"}}},
        "EscalationRequest": {"type": "object", "properties": {
            "question_id": {"type": "integer"}, "question": {"type": "string"}, "language": lang, "session": session,
            "name": {"type": "string"}, "asker": {"$ref": "#/components/schemas/Asker"}}},
        "Ticket": {"type": "object", "required": ["id", "status", "question", "language"], "properties": {
            "id": {"type": "string"}, "status": {"type": "string", "enum": ["open", "claimed", "answered", "closed", "reopened", "waiting"]},
            "question": {"type": "string"}, "language": lang, "group": {"type": "string"}, "assignee": {"type": ["string", "null"]},
            "tags": {"type": "object"}, "passages": {"type": "array", "items": {"type": "object"}}, "answer": {"type": ["object", "null"]},
            "events": {"type": "array", "items": {"type": "object"}}}},
        "TicketList": {"type": "object", "properties": {"tickets": {"type": "array", "items": {"$ref": "#/components/schemas/Ticket"}}}},
        "ActionRequest": {"type": "object", "properties": {"text": {"type": "string"}, "reason": {"type": "string"},
            "question": {"type": "string", "description": "approve: the question to publish (required)"},
            "answer": {"type": "string", "description": "approve: the answer to publish (required)"},
            "confirm_particulars": {"type": "boolean", "description": "approve: publish although e-mail addresses, phone or document numbers were flagged"}}},
        "ApprovalDraft": {"type": "object", "required": ["ticket", "question", "answer", "particulars"], "properties": {
            "ticket": {"type": "string"}, "question": {"type": "string"}, "answer": {"type": "string"},
            "particulars": {"type": "array", "items": {"type": "object", "properties": {
                "kind": {"type": "string", "enum": ["email", "phone", "document"]}, "text": {"type": "string"}}}}}},
        "ActionResponse": {"type": "object", "properties": {"ticket": {"$ref": "#/components/schemas/Ticket"}, "curated": {"type": "object"}}},
        "Conversation": {"type": "object", "properties": {"messages": {"type": "array", "items": {"type": "object", "properties": {
            "seq": {"type": "integer"}, "kind": {"type": "string"}, "ticket": {"type": "string"}, "text": {"type": "string"}, "at": {"type": "integer"}}}}}},
        "Forgotten": {"type": "object"},
        "Report": {"type": "object"},
        "Me": {"type": "object", "properties": {"identity": {"type": "string"}}},
        "Admission": {"type": "object", "required": ["name", "chat"], "properties": {"name": {"type": "string"}, "chat": {"type": "string", "description": "platform:chat_id"}}},
        "ExpertCheck": {"type": "object", "properties": {"expert": {"type": "boolean"}}},
        "RelayJob": {"type": "object", "required": ["job", "kind"], "properties": {"job": {"type": "integer"}, "kind": {"type": "string", "enum": ["deliver", "forget"]}, "key": {"type": "string"}, "chat_id": {"type": "string"}, "message": {"type": "object"}, "edit_of": {"type": ["string", "null"]}, "swept": {"$ref": "#/components/schemas/Forgotten"}}},
        "RelayDone": {"type": "object", "required": ["job", "outcome"], "properties": {"job": {"type": "integer"}, "outcome": {"type": "object"}}},
        "Document": {"type": "string", "format": "binary"},
        "DocumentResponse": {"type": "object"},
        "ReindexResponse": {"type": "object"},
        "Readiness": {"type": "object", "properties": {"status": {"type": "string"}, "passages": {"type": "integer"}, "vectors": {"type": ["integer", "null"]}}},
        "QuestionRecordRequest": {"type": "object", "required": ["asker", "question", "language", "confidence", "escalate"], "properties": {
            "asker": {"$ref": "#/components/schemas/Asker"}, "question": {"type": "string"}, "language": lang,
            "confidence": {"type": "number", "minimum": 0, "maximum": 1}, "escalate": {"type": "boolean"}, "tags": {"type": "object"}}},
        "AskedQuestion": {"type": "object", "required": ["text", "language"], "properties": {"text": {"type": "string"}, "language": {"type": "string"}}},
        "RecordedQuestion": {"type": "object", "required": ["question_id"], "properties": {"question_id": {"type": "integer"}}},
        "Manifest": {"type": "object", "description": "The primary's passages.json, as a replica's engine follows it"},
        "Text": {"type": "string"},
        "OpenApi": {"type": "object"}
    });
    schemas["Escalation"] = escalation;
    // Apart from the table above, which is as long as one `json!` can be.
    schemas["ActionRequest"]["properties"]["expert"] =
        json!({"type": "string", "description": "transfer: the expert's name or identity"});
    schemas["ActionRequest"]["properties"]["group"] =
        json!({"type": "string", "description": "transfer: the desk group's name"});
    schemas["Profile"] = json!({"type": "object", "properties": {
        "language": {"type": ["string", "null"]}, "last_question": {"type": ["integer", "null"]}}});
    schemas["LanguageRequest"] = json!({"type": "object", "required": ["language"],
        "properties": {"language": lang}});
    schemas["VisitorTickets"] = json!({"type": "object", "properties": {"tickets": {"type": "array",
        "items": {"type": "object", "properties": {"id": {"type": "string"}, "status": {"type": "string"},
        "question": {"type": "string"}, "created_at": {"type": "integer"}}}}}});
    schemas
}
