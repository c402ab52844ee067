"""The OpenAPI 3.1 description of the open API, served at /api/v1/openapi.json — data, kept beside the views
it describes (tests check that the answers match these schemas)."""
from __future__ import annotations

from services.desk.open_api import DEFAULT_LIMIT, MAX_LIMIT
from states.findings import BY_CODE

STR, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
TIME = {"type": ["string", "null"], "format": "date-time"}
DAY = {"type": "string", "format": "date"}


def _nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, optional: tuple[str, ...] = ()) -> dict:
    return {"type": "object", "properties": properties,
            "required": [name for name in properties if name not in optional]}


PERSON = _object({"id": INT, "username": STR, "name": STR})
NAMED = {"id": INT, "name": STR, "ref": _nullable(STR)}
SUBJECT_FIELDS = {
    "id": INT, "ref": _nullable(STR), "state": STR, "state_name": STR,
    "agency": _ref("Agency"), "polluter": _ref("Polluter"),
    "points": {"type": "array", "items": _object({"id": INT, "code": STR, "name": STR})},
    "day": DAY, "scheduled": _object({"from": STR, "to": STR}),
    "crew": {"type": "array", "items": _ref("Person")},
    "started_by": {"oneOf": [_ref("Person"), {"type": "null"}]}, "submitted_at": TIME,
    "check_ins": {"type": "array", "items": _ref("CheckIn")},
    "findings": {"type": "array", "items": _ref("Finding")},
}

SCHEMAS = {
    "Person": PERSON,
    "Agency": _object(NAMED),
    "Polluter": _object({**NAMED, "district": STR, "latitude": NUM, "longitude": NUM, "fence_m": INT}),
    "CheckIn": _object({
        "id": INT, "kind": {"type": "string", "enum": ["arrival", "departure", "presence"]}, "kind_name": STR,
        "at": STR, "person": _ref("Person"), "latitude": NUM, "longitude": NUM,
        "datum": {**STR, "description": "坐标系，微信位置为 GCJ-02"}, "precision_m": _nullable(NUM),
        "distance_m": {**NUM, "description": "与排污单位位置的距离（米）"}, "inside_fence": BOOL}),
    "Finding": _object({
        "id": INT, "code": {"type": "string", "enum": sorted(BY_CODE)}, "title": STR,
        "severity": {"type": "string", "enum": ["high", "medium", "low"]}, "severity_name": STR,
        "status": {"type": "string", "enum": ["open", "confirmed", "cleared"]}, "status_name": STR,
        "summary": {**STR, "description": "证据的中文说明"},
        "evidence": {"type": "object", "description": "规则记录的证据（距离、分钟、照片、其他行程等）"},
        "subject": _object({"kind": {"type": "string", "enum": ["trip", "om_visit"]}, "id": INT,
                            "ref": _nullable(STR)}),
        "first_seen_at": STR, "last_seen_at": STR, "decided_at": TIME, "reason": _nullable(STR)}),
    "Trip": _object({**SUBJECT_FIELDS, "kind": {"const": "trip"}, "visit_id": INT,
                     "task": _object({"id": INT, "code": STR, "name": STR})}),
    "OmVisit": _object({**SUBJECT_FIELDS, "kind": {"const": "om_visit"}, "started_at": TIME,
                        "plan": _object({"id": INT, "name": STR})}),
    "Problem": _object({"error": STR, "message": {**STR, "description": "中文说明"}, "field": STR}, ("field",)),
}
NEXT = {**_nullable(STR), "description": "下一页的游标；没有下一页时为 null"}
for item in ("Finding", "Trip", "OmVisit"):
    SCHEMAS[f"{item}Page"] = _object({"items": {"type": "array", "items": _ref(item)}, "limit": INT,
                                      "next_cursor": NEXT})


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


FILTERS = [
    _query("date_from", "行程或运维任务日期起（含）", DAY),
    _query("date_to", "行程或运维任务日期止（含）", DAY),
    _query("district", "排污单位所在区", STR),
    _query("agency", "机构编号", INT),
    _query("polluter", "排污单位编号", INT),
    _query("code", "异常线索代码（行程与运维任务：含该代码的线索）", SCHEMAS["Finding"]["properties"]["code"]),
    _query("status", "异常线索状态（行程与运维任务：含该状态的线索）", SCHEMAS["Finding"]["properties"]["status"]),
    _query("cursor", "上一页返回的 next_cursor，原样传入", STR),
    _query("limit", f"每页条数，默认 {DEFAULT_LIMIT}", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
]
ERRORS = {
    "401": {"description": "缺少或无效的令牌", "content": {"application/json": {"schema": _ref("Problem")}}},
    "429": {"description": "请求过于频繁（见 Retry-After）",
            "content": {"application/json": {"schema": _ref("Problem")}}},
}


def _json(description: str, schema: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _list(summary: str, tag: str, item: str) -> dict:
    return {"get": {"summary": summary, "tags": [tag], "operationId": f"list{item}", "parameters": FILTERS,
                    "responses": {"200": _json(summary, f"{item}Page"),
                                  "400": _json("筛选条件或游标无效", "Problem"), **ERRORS}}}


def _one(summary: str, tag: str, item: str) -> dict:
    ident = {"name": "id", "in": "path", "required": True, "schema": INT}
    return {"get": {"summary": summary, "tags": [tag], "operationId": f"get{item}", "parameters": [ident],
                    "responses": {"200": _json(summary, item),
                                  "404": _json("不存在或不在管辖范围内", "Problem"), **ERRORS}}}


SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "环境监测社会化服务监管系统 开放接口", "version": "1.0.0",
             "description": "管理部门的只读数据接口：管辖范围内的异常线索、采样行程和现场运维任务。"
                            "按令牌限制请求频率；分页使用不透明游标。"},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "paths": {
        "/findings": _list("异常线索列表", "findings", "Finding"),
        "/findings/{id}": _one("一条异常线索", "findings", "Finding"),
        "/trips": _list("采样行程列表", "trips", "Trip"),
        "/trips/{id}": _one("一个采样行程", "trips", "Trip"),
        "/om-visits": _list("现场运维任务列表", "om-visits", "OmVisit"),
        "/om-visits/{id}": _one("一个现场运维任务", "om-visits", "OmVisit"),
        "/openapi.json": {"get": {"summary": "本接口说明（OpenAPI 3.1）", "security": [], "operationId": "openapi",
                                  "responses": {"200": {"description": "OpenAPI 文档",
                                                        "content": {"application/json": {"schema": {
                                                            "type": "object"}}}}}}},
    },
    "components": {"schemas": SCHEMAS,
                   "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                  "description": "emss api-token create 用户名 生成的令牌"}}},
}
