"""Review tests: the sims register their task checks when imported. create_app loads the lessons
before it imports the sims, so a run of only these tests imports them first (see the report)."""
from workshop.sims import discover

discover()

import shutil
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _no_narration_files_left(request):
    """The shared conftest empties the tables after each test; the narration files go too."""
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        shutil.rmtree(Path(app.instance_path) / "narrations", ignore_errors=True)
