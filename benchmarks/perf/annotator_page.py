"""Clicks, keys and scrolling to annotate one event with two arguments, before and after issue 15.

The same annotator steps (tests/annotations/annotator_page.py, ``OneEvent``: two PER entities with
cluster ids, a CONSULT trigger with realis and mode, its actor and recipient) are run in Debian's
Chromium on a real Label Studio, on the seed article, once with the labeling config of main before
issue 15 (commit BEFORE, read with git) and once with the config generated now. Every control is
scrolled into view only when it is off screen or covered, as a person would, and that scroll is
counted. Viewport 1440x900, Label Studio's default settings.

    .venv/bin/python benchmarks/perf/annotator_page.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "src"), str(REPO)]

from tests.annotations.annotator_page import (  # noqa: E402
    VIEWPORT,
    AnnotatorPage,
    OneEvent,
    launch_chromium,
)

from warta.annotations.bridge import Connection, build_task, ensure_project, import_tasks  # noqa: E402
from warta.annotations.labelconfig import label_config  # noqa: E402
from warta.annotations.server import AdminCredentials, LabelStudioServer  # noqa: E402
from warta.repository import Repository  # noqa: E402

BEFORE = "6d2042622ca3d505d5e7b7f4f9d480845cc5a002"  # main before issue 15
SEED_ID = "wrt-fd09ad9a1571522e"
RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    from playwright.sync_api import sync_playwright

    repo = Repository(REPO)
    corpus = repo.corpus()
    article = next(a for a in corpus.iter_rows("articles") if a["doc_id"] == SEED_ID)
    configs = {
        f"before ({BEFORE[:7]})": subprocess.run(
            ["git", "show", f"{BEFORE}:annotations/labelstudio/config.xml"],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        ).stdout,
        "after (generated now)": label_config(repo.schema()),
    }
    event = OneEvent.in_text(article["text"])
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "label-studio"
        admin = AdminCredentials.load_or_create(data)
        server = LabelStudioServer(data, admin.token, admin.email, admin.password)
        with server.start(180), sync_playwright() as playwright:
            connection = Connection(server.url, admin.token)
            browser = launch_chromium(playwright)
            for name, config in configs.items():
                project_id, _ = ensure_project(connection, name, config)
                import_tasks(connection, project_id, [build_task(article, corpus)])
                (task,) = connection.client().tasks.list(project=project_id)
                shots = Path(tmp) / f"shots-{project_id}"
                shots.mkdir()
                context = browser.new_context(viewport=VIEWPORT)
                page = AnnotatorPage(context.new_page(), server.url, shots)
                page.log_in(admin.email, admin.password)
                page.open_task(project_id, task.id)
                effort = event.annotate(page)
                figures[name] = vars(effort)
                print(f"{name:24} {effort}", flush=True)
                context.close()
            browser.close()
        shutil.rmtree(data, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    record = {"task": "one event with two arguments (seed article)", "viewport": VIEWPORT}
    (RESULTS / "annotator_page.json").write_text(
        json.dumps({**record, "figures": figures}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
