"""Every module in its room: the import rules of the README's architecture section, checked on the source.

    bot ──────────┐
     │            │
     ▼            ▼
  handlers       web          (neither imports the other; the Chinese texts both need live in services/texts)
     └────┬───────┘
          ▼
       services                (domain logic, transactions, the outbound WeChat client: services/wechat)
          ▼
        states                 (machines and forms as data)
          ▼
        models                 (tables, and the clock every row's time comes from; import nothing of ours)

Only the app factory (`web/__init__.py`, create_app: the panel and the WeChat endpoint in one WSGI app) and the
command line (`web/cli.py`: serve, worker, migrations, demo) put the rooms together.
"""
from __future__ import annotations

from pathlib import Path

from tests.support.layers import Rules, cycles, module_graph, room_violations

ROOT = Path(__file__).resolve().parents[2]
OURS = ("models", "states", "services", "handlers", "web", "bot", "migrations", "benchmarks", "tests")
RULES = Rules(
    below={
        "models": frozenset(),
        "states": frozenset({"models"}),
        "services": frozenset({"states", "models"}),
        "handlers": frozenset({"services", "states", "models"}),
        "web": frozenset({"services", "states", "models"}),
        "bot": frozenset({"handlers", "services", "states", "models"}),
    },
    assemblers=frozenset({"web", "web.cli"}),
)

# Imports other engineers of issue 9 are removing on their branches; the lead deletes this list at merge.
# An entry whose import is gone must go too (test_the_known_exceptions_still_exist).
KNOWN_UNTIL_MERGE: dict[tuple[str, str], str] = {}  # none left: an exception is named here with its owner


def project_graph():
    return module_graph(ROOT, OURS)


def test_every_module_imports_only_the_rooms_below_it():
    assert room_violations(project_graph(), RULES, KNOWN_UNTIL_MERGE) == []


def test_no_two_modules_import_each_other_even_through_others():
    assert cycles(project_graph(), KNOWN_UNTIL_MERGE) == []


def test_the_known_exceptions_still_exist():
    graph = project_graph()
    assert [edge for edge in KNOWN_UNTIL_MERGE if edge[1] not in graph.get(edge[0], set())] == []


# --- the checker itself, on a small made-up project ------------------------------------------------------

def write(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root


TINY = {
    "models/__init__.py": "",
    "models/rows.py": "import datetime\n",
    "services/__init__.py": "",
    "services/work.py": "from models.rows import datetime\n",
    "web/__init__.py": "from web import views\nfrom bot import robot\n",
    "web/views.py": "from web import bp\nfrom services import work\n",
    "bot/__init__.py": "",
    "bot/robot.py": "from services.work import datetime\n",
}
TINY_RULES = Rules(below={"models": frozenset(), "services": frozenset({"models"}), "web": frozenset({"services"}),
                          "bot": frozenset({"services"})}, assemblers=frozenset({"web"}))
TINY_ROOMS = ("models", "services", "web", "bot")


def test_a_project_that_keeps_its_rooms_passes(tmp_path):
    graph = module_graph(write(tmp_path, TINY), TINY_ROOMS)
    assert graph["web.views"] == {"web", "services", "services.work"}
    assert room_violations(graph, TINY_RULES) == []
    assert cycles(graph) == []  # web/__init__ importing its views, which import `bp` back, is the blueprint pattern


def test_a_model_importing_a_service_inside_a_function_is_caught(tmp_path):
    back = {**TINY, "models/rows.py": "def now():\n    from services import work\n    return work\n"}
    graph = module_graph(write(tmp_path, back), TINY_ROOMS)
    assert room_violations(graph, TINY_RULES) == ["models.rows -> services", "models.rows -> services.work"]
    assert cycles(graph) == [["models.rows", "services.work"]]


def test_web_and_bot_reaching_into_each_other_are_caught_but_the_app_factory_may(tmp_path):
    crossed = {**TINY, "web/views.py": "from web import bp\nfrom ..bot.robot import x\n",
               "bot/robot.py": "import web.views\n"}
    graph = module_graph(write(tmp_path, crossed), TINY_ROOMS)
    assert room_violations(graph, TINY_RULES) == ["bot.robot -> web.views", "web.views -> bot.robot"]


def test_an_allowed_exception_is_the_one_import_it_names(tmp_path):
    back = {**TINY, "models/rows.py": "from services.work import x\nimport services\n"}
    graph = module_graph(write(tmp_path, back), TINY_ROOMS)
    assert room_violations(graph, TINY_RULES, {("models.rows", "services.work")}) == ["models.rows -> services"]
    assert cycles(graph, {("models.rows", "services.work")}) == []


def test_a_cycle_through_three_modules_of_one_room_is_one_cycle(tmp_path):
    ring = {**TINY, "services/a.py": "from services import b\n", "services/b.py": "import services.c\n",
            "services/c.py": "if False:\n    from .a import thing\n"}
    graph = module_graph(write(tmp_path, ring), TINY_ROOMS)
    assert cycles(graph) == [["services.a", "services.b", "services.c"]]
