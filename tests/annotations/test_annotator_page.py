"""The annotator's page, tested in a real browser: Debian's Chromium (Playwright) on a real Label
Studio with the generated config. An annotator logs in, reviews a pre-annotation, labels entities
with cluster ids, an event with its type, realis, mode and two arguments, hides the relation
arrows and submits; `pull` must then give exactly those mentions as gold. Screenshots of each step
go to tests/artifacts/ when it fails; with WARTA_GUIDE_SCREENSHOTS=1 the guide's screenshots
(annotations/screenshots/) are rewritten from this run.

The static leaderboard page is opened in the same browser and must show every board.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.annotations.annotator_page import (
    VIEWPORT,
    AnnotatorPage,
    OneEvent,
    artefacts_on_failure,
    launch_chromium,
)
from tests.conftest import REPO
from tests.models.dummy import DummyModel
from warta.annotations.bridge import Connection
from warta.annotations.roundtrip import current_gold, pull, push
from warta.corpus.pipeline import ingest
from warta.repository import Repository
from warta.store import VersionedStore

PROJECT = "Warta browser test"
ARTEFACTS = REPO / "tests" / "artifacts"
GUIDE_ENV = "WARTA_GUIDE_SCREENSHOTS"
# Step screenshots the guide shows (annotations/ANNOTATING.md), by step name.
GUIDE_SHOTS = ("entity", "cluster", "event", "arguments", "arrows-hidden", "review")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def repo(scratch_repo: Path) -> Repository:
    layout = Repository(scratch_repo)
    shutil.copy(REPO / "annotations" / "schema.yaml", layout.schema_file)
    ingest([layout.raw_dir], VersionedStore.for_corpus(layout.corpus_versions))
    return layout


def span(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = text.index(needle, after)
    return start, start + len(needle)


@pytest.mark.labelstudio
@pytest.mark.browser
@pytest.mark.slow
def test_an_annotator_labels_an_event_in_the_browser_and_pull_returns_it(
    repo, label_studio, browser, tmp_path, request
):
    admin = Connection(label_studio.url, label_studio.admin_token)
    # A wrong pre-annotation to review: "Zas" (a person) predicted as ORG, twice.
    pushed = push(repo, admin, title=PROJECT, model=DummyModel({"Zas": "ORG"}))
    (task,) = admin.client().tasks.list(project=pushed.project_id)
    text = task.data["text"]
    event = OneEvent.in_text(text)
    putin, rahmon, call = event.putin, event.rahmon, event.call
    putin_again = span(text, "Putin", call[1])
    zas, zas_again = span(text, "Zas"), span(text, "Zas", span(text, "Zas")[1])

    context = browser.new_context(viewport=VIEWPORT)
    shots = tmp_path / "steps"
    shots.mkdir()
    page = AnnotatorPage(context.new_page(), label_studio.url, shots)
    with artefacts_on_failure(page, ARTEFACTS / request.node.name):
        page.log_in(label_studio.annotator.email, label_studio.annotator_password)
        page.open_task(pushed.project_id, task.id)
        hotkeys = page.hotkeys()
        assert len(hotkeys) == len(set(hotkeys)), f"two labels share a hotkey: {hotkeys}"
        assert not {"u", "h", "r"} & set(hotkeys)  # Label Studio's own one-key shortcuts
        page.shot("task")

        effort = event.annotate(page)
        print(f"\none event with two arguments (generated config): {effort}")
        assert effort.scrolls == 0, "every control of the event should be in view"
        page.select_region(*event.call)
        modes = page.page.locator("input[name='phone'], input[name='arrest']")  # CONSULT, COERCE
        assert modes.filter(visible=True).count() == 1, "CONSULT must offer CONSULT's modes only"
        # A second mention of the same person: the same cluster id.
        page.done_with_region()
        page.label("PER")
        page.select_span(*putin_again)
        page.select_region(*putin_again)
        page.type_field("entity_id", "putin")
        page.shot("cluster")
        page.done_with_region()
        # The arrows can be hidden (and shown again).
        assert page.visible_arrows() == 2
        page.toggle_all_arrows()
        assert page.visible_arrows() == 0
        page.shot("arrows-hidden")
        page.toggle_all_arrows()
        assert page.visible_arrows() == 2
        # Review the pre-annotation: the first Zas is a person, the second is dropped.
        page.show_tab("Regions")
        page.select_region(*zas)
        page.label("PER")
        page.type_field("entity_id", "zas")
        page.shot("review")
        page.done_with_region()
        page.select_region(*zas_again)
        page.key("Backspace")
        page.submit()
        wait_for_annotation(admin, task.id)
        page.shot("submitted")
    context.close()

    report = pull(repo, admin, title=PROJECT)
    assert report.snapshot is not None
    gold = current_gold(repo)[task.data["doc_id"]]
    entities = {
        (m.type, m.start, m.end, m.text, m.entity_id, m.canonical_name) for m in gold.entities
    }
    assert entities == {
        ("PER", *putin, "Vladimir Putin", "putin", "Vladimir Putin"),
        ("PER", *rahmon, "Emomali Rahmon", "rahmon", None),
        ("PER", *putin_again, "Putin", "putin", None),
        ("PER", *zas, "Zas", "zas", None),
    }
    (event,) = gold.events
    spans = {m.mention_id: (m.start, m.end) for m in gold.entities}
    assert (event.type, event.trigger_start, event.trigger_end, event.realis, event.mode) == (
        "CONSULT", *call, "actual", "phone")  # fmt: skip
    assert {(a.role, spans[a.mention_id]) for a in event.arguments} == {
        ("actor", putin),
        ("recipient", rahmon),
    }
    if os.environ.get(GUIDE_ENV) == "1":
        write_guide_screenshots(page.steps, Repository(REPO).annotator_screenshots)


def wait_for_annotation(connection: Connection, task_id: int, timeout: float = 20.0) -> None:
    """Submitting returns before the server has stored the annotation: wait for it."""
    import time

    deadline = time.monotonic() + timeout
    while not connection.client().tasks.get(id=task_id).annotations:
        if time.monotonic() > deadline:
            raise AssertionError(f"no annotation stored on task {task_id} {timeout} s after Submit")
        time.sleep(0.3)


def write_guide_screenshots(steps: list[Path], folder: Path, scale: float = 0.6) -> None:
    """The guide's steps, shrunk and reduced to 64 colours to keep the repository small."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    for step in steps:
        name = step.stem.split("-", 1)[1]
        if name not in GUIDE_SHOTS:
            continue
        with Image.open(step) as image:
            size = (round(image.width * scale), round(image.height * scale))
            small = image.convert("RGB").resize(size, Image.Resampling.LANCZOS)
            small.quantize(64).save(folder / f"{name}.png", optimize=True)


@pytest.mark.browser
def test_the_leaderboard_page_shows_every_board(browser):
    page_file = Repository(REPO).leaderboard_page
    if not page_file.is_file():
        pytest.skip(f"{page_file.relative_to(REPO)} not written yet (`warta leaderboard`)")
    html = page_file.read_text(encoding="utf-8")
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(page_file.as_uri())
    sections = page.locator("section.board")
    assert sections.count() == html.count('<section class="board"') > 0
    for index in range(sections.count()):
        board = sections.nth(index)
        assert board.get_attribute("id").startswith("board-")
        assert board.locator("h2").is_visible()
        rows = board.locator("table.ranking tbody tr")
        if rows.count():
            assert rows.first.is_visible(), f"{board.get_attribute('id')}: ranking not rendered"
        else:
            assert board.get_by_text("No comparable result.").is_visible()
    page.close()


def test_the_guide_shows_the_screenshots_the_browser_test_makes():
    repo = Repository(REPO)
    guide = repo.annotator_guide.read_text(encoding="utf-8")
    linked = re.findall(r"!\[[^\]]*\]\(screenshots/([\w-]+)\.png\)", guide)
    assert sorted(linked) == sorted(GUIDE_SHOTS)
    for name in linked:
        assert (repo.annotator_screenshots / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
