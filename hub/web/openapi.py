"""The API's OpenAPI 3.1 description (`GET /api/v1/openapi.json`)."""

from __future__ import annotations

from typing import Any

_ID = {
    "name": "item",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "a UPU S10 number (RR123456785US) or a USPS IMpb tracking number",
}
_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}
_EVENT = {
    "type": "object",
    "required": ["time", "kind", "place", "text"],
    "properties": {
        "time": {"type": "string", "format": "date-time", "description": "local time of the place"},
        "kind": {"type": "string", "description": "acceptance, dispatch, arrival, delivered, ..."},
        "place": {"type": "string", "description": "a town or an office: never a street"},
        "text": {"type": "string"},
        "proof": {
            "type": "object",
            "description": "the event's place in its station's hash chain",
            "properties": {
                "station": {"type": "string"},
                "seq": {"type": "integer"},
                "hash": {"type": "string"},
                "prev_hash": {"type": "string"},
            },
        },
    },
}
_TRACK = {
    "type": "object",
    "required": ["id", "status", "events", "expected"],
    "properties": {
        "id": {"type": "string"},
        "status": {"type": ["string", "null"]},
        "status_text": {"type": ["string", "null"]},
        "events": {"type": "array", "items": _EVENT},
        "expected": {
            "type": ["object", "null"],
            "properties": {
                "day": {"type": "string", "format": "date"},
                "by_80": {"type": "string", "format": "date", "description": "80% of items arrive by then"},
                "window": {
                    "type": ["object", "null"],
                    "properties": {
                        "from": {"type": "string", "format": "date-time"},
                        "to": {"type": "string", "format": "date-time"},
                    },
                },
            },
        },
    },
}


def _answers(ok: dict[str, Any], *codes: int) -> dict[str, Any]:
    out: dict[str, Any] = {"200": {"description": "OK", "content": {"application/json": {"schema": ok}}}}
    words = {
        304: "not modified (ETag)",
        400: "malformed",
        403: "wrong postcode",
        404: "unknown number",
        409: "choice refused (out for delivery, delivered, or forbidden by the sender)",
        429: "too many look-ups or wrong postcodes: slowed, then refused",
        503: "hub unavailable",
    }
    for code in codes:
        schema = {"application/json": {"schema": _ERROR}} if code != 304 else None
        out[str(code)] = {"description": words[code], **({"content": schema} if schema else {})}
    return out


DESCRIPTION: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Parcel Station tracking API",
        "version": "1",
        "description": "Public tracking: no name, street, phone, e-mail or customs content is ever answered."
        " Details and delivery choices need the destination postcode.",
    },
    "paths": {
        "/api/v1/track/{item}": {
            "get": {
                "summary": "an item's status and events",
                "parameters": [_ID],
                "responses": _answers(_TRACK, 304, 400, 404, 429, 503),
            },
        },
        "/api/v1/track": {
            "get": {
                "summary": "up to 35 items at once",
                "parameters": [
                    {
                        "name": "ids",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "comma-separated, at most 35",
                    }
                ],
                "responses": _answers(
                    {"type": "object", "properties": {"items": {"type": "array"}}}, 304, 400, 429, 503
                ),
            }
        },
        "/api/v1/track/{item}/details": {
            "post": {
                "summary": "with the destination postcode: the delivery office, attempts, the choice",
                "parameters": [_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["postcode"],
                                "properties": {"postcode": {"type": "string"}},
                            }
                        }
                    },
                },
                "responses": _answers(_TRACK, 400, 403, 404, 429, 503),
            }
        },
        "/api/v1/track/{item}/texts": {
            "post": {
                "summary": "texts about the item to a mobile number (it replies YES first), or stop them",
                "parameters": [_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["postcode", "phone", "action"],
                                "properties": {
                                    "postcode": {"type": "string"},
                                    "phone": {"type": "string"},
                                    "action": {"enum": ["follow", "stop"]},
                                },
                            }
                        }
                    },
                },
                "responses": _answers({"type": "object"}, 400, 403, 404, 429, 503),
            }
        },
        "/api/v1/track/{item}/evidence/{station}/{seq}": {
            "get": {
                "summary": "one event's evidence: its hash under its station's signed checkpoint",
                "parameters": [
                    _ID,
                    {"name": "station", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "seq", "in": "path", "required": True, "schema": {"type": "integer"}},
                ],
                "responses": _answers({"type": "object"}, 304, 400, 404, 429, 503),
            }
        },
        "/api/v1/track/{item}/preferences": {
            "post": {
                "summary": "a delivery choice (with the destination postcode)",
                "parameters": [_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["postcode", "choice"],
                                "properties": {
                                    "postcode": {"type": "string"},
                                    "choice": {
                                        "enum": ["hold", "redirect", "safe-place", "neighbour", "another-day"]
                                    },
                                    "office": {
                                        "type": "string",
                                        "description": "redirect: the office's code",
                                    },
                                    "place": {
                                        "type": "string",
                                        "maxLength": 60,
                                        "description": "safe place, in words",
                                    },
                                    "name": {
                                        "type": "string",
                                        "maxLength": 60,
                                        "description": "neighbour: their name",
                                    },
                                    "house": {
                                        "type": "string",
                                        "maxLength": 60,
                                        "description": "neighbour: their house",
                                    },
                                    "day": {"type": "string", "format": "date", "description": "another day"},
                                },
                            }
                        }
                    },
                },
                "responses": _answers({"type": "object"}, 400, 403, 404, 409, 429, 503),
            }
        },
    },
}
