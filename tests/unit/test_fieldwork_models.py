"""A field visit's evidence lives in one models module that both kinds of visit import, so neither imports
the other (an import cycle made any change to one model a change to load order of both)."""
from __future__ import annotations

import ast
from pathlib import Path

MODELS = Path(__file__).resolve().parents[2] / "models"


def _runtime_imports(path: Path) -> set[str]:
    """The models modules `path` imports when it is loaded (not those named for type checking only)."""
    found = set()
    for node in ast.parse(path.read_text()).body:  # module level only: `if TYPE_CHECKING:` blocks are skipped
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("models."):
            found.add(node.module.removeprefix("models."))
    return found


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    stack = [(start, [start])]
    while stack:
        module, path = stack.pop()
        for imported in graph.get(module, ()):
            if imported == start:
                return path + [start]
            if imported not in path:
                stack.append((imported, path + [imported]))
    return None


def test_trip_and_om_visit_models_share_their_evidence_without_importing_each_other():
    graph = {p.stem: _runtime_imports(p) for p in MODELS.glob("*.py") if p.stem != "__init__"}
    assert "fieldwork" in graph["trips"] and "fieldwork" in graph["om"]
    assert not graph["fieldwork"] & {"trips", "om"}
    cycles = [c for m in graph if (c := _cycle_from(m, graph))]
    assert cycles == []


def test_check_ins_and_photos_are_one_model_for_both_kinds_of_visit():
    from models import CheckIn, OmVisit, Photo, SamplingTrip

    for evidence in (CheckIn, Photo):
        assert evidence.__module__ == "models.fieldwork"
        assert {evidence.trip.property.mapper.class_, evidence.om_visit.property.mapper.class_} == {SamplingTrip,
                                                                                                   OmVisit}


def test_services_name_the_pages_their_links_lead_to_and_leave_the_paths_to_the_web_layer():
    services = Path(__file__).resolve().parents[2] / "services"
    paths = [f"{p.name}:{n}" for p in services.rglob("*.py")
             for n, line in enumerate(p.read_text().splitlines(), 1) if '"/m/' in line]
    assert paths == []
