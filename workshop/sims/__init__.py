"""The sandboxed services. Each sim is a package here with the same contract (design.md):
a blueprint under /practice/<name>/, its own sim_<name>_* tables keyed by the learner, scenarios,
reset(learner) and named task checks registered with workshop.curriculum.task.

SIMS lists the packages to mount; a sim never imports another sim, the lesson player or the
instructor views.
"""
from __future__ import annotations

import importlib

from flask import Flask

SIMS: tuple[str, ...] = ()


def init_app(app: Flask) -> None:
    for name in SIMS:
        module = importlib.import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp, url_prefix=f"/practice/{name}")
