"""The layout's import rules (design.md): a sim never imports another sim, the lesson player or the
instructor views; the curriculum knows nothing of Flask views."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "workshop"
SIMS = sorted(p.name for p in (PACKAGE / "sims").iterdir() if (p / "__init__.py").is_file())


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the workshop modules a file imports (relative imports resolved)."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return {n for n in names if n.startswith("workshop")}


@pytest.mark.parametrize("sim", SIMS)
def test_a_sim_imports_no_other_sim_nor_the_player_nor_the_instructor_views(sim):
    forbidden = [f"workshop.sims.{other}" for other in SIMS if other != sim]
    forbidden += ["workshop.learn", "workshop.teach", "workshop.admin", "workshop.review"]
    for path in (PACKAGE / "sims" / sim).rglob("*.py"):
        for name in imported_modules(path):
            assert not any(name == f or name.startswith(f + ".") for f in forbidden), f"{path.name} imports {name}"


def test_the_curriculum_knows_nothing_of_flask_views():
    for path in (PACKAGE / "curriculum").rglob("*.py"):
        text = path.read_text()
        assert "import flask" not in text and "from flask" not in text.replace("from flask_babel", ""), path.name
        for name in imported_modules(path):
            assert not name.startswith(("workshop.learn", "workshop.teach", "workshop.admin", "workshop.sims",
                                        "workshop.auth", "workshop.web")), f"{path.name} imports {name}"
