"""Checks of an OpenAPI 3.1 document without a validator package (none is pinned): the document's structure,
and real answers checked against its schemas (the JSON Schema keywords the document uses)."""
from __future__ import annotations

import re

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def resolve(spec: dict, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = spec
    for part in ref[2:].split("/"):
        assert part in node, f"unresolved $ref {ref}"
        node = node[part]
    return node


def refs(node) -> list[str]:
    if isinstance(node, dict):
        return ([node["$ref"]] if "$ref" in node else []) + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


def structural_problems(spec: dict) -> list[str]:
    """What makes `spec` no valid OpenAPI 3.1 document, as far as its required structure goes."""
    problems = []
    if not re.fullmatch(r"3\.1\.\d+", str(spec.get("openapi", ""))):
        problems.append("openapi must be 3.1.x")
    info = spec.get("info", {})
    if not (isinstance(info.get("title"), str) and isinstance(info.get("version"), str)):
        problems.append("info needs title and version")
    for ref in refs(spec):
        try:
            resolve(spec, ref)
        except AssertionError as error:
            problems.append(str(error))
    ids = []
    for path, item in spec.get("paths", {}).items():
        if not path.startswith("/"):
            problems.append(f"path {path} must start with /")
        for method, operation in item.items():
            if method not in METHODS:
                problems.append(f"{path}: unknown method {method}")
                continue
            ids.append(operation.get("operationId"))
            if not operation.get("responses"):
                problems.append(f"{method} {path}: no responses")
            for response in operation.get("responses", {}).values():
                if "description" not in response:
                    problems.append(f"{method} {path}: a response lacks its description")
            declared = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"}
            for name in re.findall(r"{(\w+)}", path):
                if name not in declared:
                    problems.append(f"{method} {path}: path parameter {name} not declared")
            for parameter in operation.get("parameters", []):
                if not {"name", "in"} <= set(parameter) or parameter["in"] not in {"query", "path", "header",
                                                                                     "cookie"}:
                    problems.append(f"{method} {path}: bad parameter {parameter}")
                if parameter.get("in") == "path" and parameter.get("required") is not True:
                    problems.append(f"{method} {path}: path parameter {parameter['name']} must be required")
    if len(ids) != len(set(ids)):
        problems.append("operationIds must be unique")
    for name, scheme in spec.get("components", {}).get("securitySchemes", {}).items():
        if scheme.get("type") not in {"apiKey", "http", "mutualTLS", "oauth2", "openIdConnect"}:
            problems.append(f"security scheme {name}: bad type")
    return problems


def mismatches(spec: dict, schema: dict, value, where: str = "$") -> list[str]:
    """Where `value` does not match `schema` (type, required, properties, items, enum, const, oneOf)."""
    if "$ref" in schema:
        return mismatches(spec, resolve(spec, schema["$ref"]), value, where)
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not mismatches(spec, s, value, where)]
        return [] if len(matching) == 1 else [f"{where}: matches {len(matching)} of oneOf"]
    found = []
    if "const" in schema and value != schema["const"]:
        found.append(f"{where}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is(value, t) for t in types):
            return found + [f"{where}: {value!r} is not {types}"]
    if isinstance(value, dict):
        found += [f"{where}: {name} missing" for name in schema.get("required", []) if name not in value]
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                found += mismatches(spec, sub, value[name], f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for n, element in enumerate(value):
            found += mismatches(spec, schema["items"], element, f"{where}[{n}]")
    return found


def _is(value, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, TYPES[kind])
