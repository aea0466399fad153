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


# What each part of the package may import (docs/architecture.md's table says the same, with why).
# A new module or package fails test_every_part_declares_what_it_may_import until it is listed here.
MAY_IMPORT: dict[str, set[str]] = {
    "__init__": {"access", "admin", "auth", "cli", "config", "curriculum", "extensions", "i18n", "learn", "privacy",
                 "review", "sims", "teach", "web"},
    "config": set(), "clock": set(), "extensions": set(), "csvsafe": set(), "redirects": set(), "address": {"extensions"},
    "i18n": {"address", "formats"},
    "formats": {"clock", "i18n"},
    "i18n_tools": {"address", "config", "i18n"},
    "models": {"clock", "extensions"},
    "attendance": {"extensions", "models"},
    "privacy": {"extensions"},
    "storage": {"clock", "extensions"},
    "access": {"extensions", "models"},
    "counsel": {"clock", "extensions", "models"},
    "web": {"access", "address", "auth", "extensions", "formats", "i18n", "models", "privacy"},
    "curriculum": {"i18n"},
    "auth": {"access", "clock", "extensions", "i18n", "models", "redirects"},
    "learn": {"access", "address", "attendance", "auth", "clock", "counsel", "curriculum", "extensions", "i18n", "models", "redirects", "review", "web"},
    "teach": {"access", "address", "attendance", "auth", "clock", "counsel", "csvsafe", "extensions", "formats", "i18n",
              "models", "privacy", "review", "web"},
    "admin": {"access", "address", "attendance", "clock", "counsel", "csvsafe", "extensions", "formats", "i18n", "models", "review", "web"},
    "review": {"access", "address", "config", "extensions", "i18n", "models", "storage", "web"},
    "sims": {"access", "address", "clock", "curriculum", "extensions", "formats", "i18n", "models", "redirects", "storage", "web"},
    "backup": {"extensions", "models", "review", "storage"},
    "cli": {"admin", "attendance", "backup", "clock", "counsel", "curriculum", "extensions", "i18n_tools", "models", "review"},
    "wsgi": {"address", "extensions", "i18n"},
}

# Imports inside functions hide a dependency from a reader of the module's head. The only ones left,
# each for its reason; any other fails test_no_import_hides_inside_a_function.
INNER_IMPORTS_ALLOWED = {
    # a real cycle: formats writes in the reader's locale (i18n), and lesson_text isolates its Finnish runs
    "i18n.py": "a real cycle with formats.py",
    # a real cycle: the loader reads scenarios, and scenarios read TOML with the loader's reader
    "curriculum/loader.py": "a real cycle with curriculum/scenarios.py",
    # the curriculum loads without an application; a scenario's text is translated when read in one
    "curriculum/scenarios.py": "i18n only once a request translates",
}


def _part(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _sources():
    return [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.relative_to(PACKAGE).parts]


def test_every_part_declares_what_it_may_import():
    parts = {_part(p) for p in _sources()}
    assert not parts - set(MAY_IMPORT), f"add these to MAY_IMPORT (and docs/architecture.md): {sorted(parts - set(MAY_IMPORT))}"
    assert not set(MAY_IMPORT) - parts, f"MAY_IMPORT names parts that do not exist: {sorted(set(MAY_IMPORT) - parts)}"


def test_each_part_imports_only_what_it_may():
    wrong = []
    for path in _sources():
        part = _part(path)
        for name in imported_modules(path):
            pieces = name.split(".")
            if len(pieces) < 2 or pieces[1] == part:
                continue
            target = pieces[1]
            if not ((PACKAGE / target).is_dir() or (PACKAGE / f"{target}.py").is_file()):
                continue  # `from workshop import x` names x, checked as its own piece
            if target not in MAY_IMPORT[part]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_no_import_hides_inside_a_function():
    hidden = []
    for path in _sources():
        relative = path.relative_to(PACKAGE).as_posix()
        if relative in INNER_IMPORTS_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                hidden += [f"{relative}:{inner.lineno} in {node.name}()" for inner in ast.walk(node)
                           if isinstance(inner, (ast.Import, ast.ImportFrom))]
    assert not hidden, "move these imports to the module's head (or restructure a real cycle):\n" + "\n".join(hidden)


def test_importing_the_web_helpers_registers_nothing():
    """web.py once imported auth.identity only for its side effect (the user loader); create_app now
    says where who-is-signed-in comes from."""
    text = (PACKAGE / "web.py").read_text()
    assert "auth import identity" not in text and "noqa: F401" not in text
    assert "identity.init_app(app)" in (PACKAGE / "__init__.py").read_text()
