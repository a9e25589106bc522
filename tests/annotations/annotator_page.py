"""Label Studio's labeling page driven as an annotator drives it, in Debian's Chromium (Playwright),
counting what the annotator does: clicks, keys, and the scrolling needed to reach each control.

Used by the browser test (tests/annotations/test_annotator_page.py) and by the before/after
measurement (benchmarks/perf/annotator_page.py). Spans are selected by a real mouse drag from the
first to the last character, as a person selects them; every control is brought into view the way
a person would (scrolled only when it is off screen or covered) before it is clicked, and the
scroll this needs is what the figures count.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

CHROMIUM = Path(os.environ.get("WARTA_CHROMIUM", "/usr/bin/chromium"))
VIEWPORT = {"width": 1440, "height": 900}  # a common laptop screen

# Screen position of the first and last character of a text span (offsets in the task's text, as
# Label Studio counts them: one per character, one per line break).
_SPAN_JS = """
([start, end]) => {
  const root = document.querySelector('.lsf-htx-richtext');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  let pos = 0, first = null, last = null, node;
  while ((node = walker.nextNode())) {
    if (node.nodeType === Node.ELEMENT_NODE) { if (node.tagName === 'BR') pos += 1; continue; }
    const length = node.textContent.length;
    if (!first && start < pos + length) first = [node, start - pos];
    if (!last && end <= pos + length) { last = [node, end - pos]; break; }
    pos += length;
  }
  const box = ([n, i], from) => {
    const range = document.createRange();
    range.setStart(n, from ? i : i - 1); range.setEnd(n, from ? i + 1 : i);
    return range.getBoundingClientRect();
  };
  const a = box(first, true), b = box(last, false);
  return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2];
}
"""

# Whether an element can be clicked where it is (on screen and not covered, e.g. by a bar that
# stays in view); if not, scroll it to the middle of its scrolling panel and return the pixels
# every scrolling ancestor moved.
_REACH_JS = """
(element) => {
  const onTop = () => {
    const r = element.getBoundingClientRect();
    if (r.bottom <= 0 || r.top >= innerHeight || r.width === 0) return false;
    const x = r.left + Math.min(r.width / 2, 8), y = r.top + r.height / 2;
    const hit = document.elementFromPoint(x, y);
    return !!hit && (hit === element || element.contains(hit) || hit.contains(element));
  };
  if (onTop()) return 0;
  const panels = [];
  for (let n = element.parentElement; n; n = n.parentElement) panels.push([n, n.scrollTop]);
  element.scrollIntoView({block: 'center'});
  return panels.reduce((sum, [n, top]) => sum + Math.abs(n.scrollTop - top), 0);
}
"""

# The region Label Studio has selected now is the one at these offsets.
_SELECTED_JS = """
([start, end]) => {
  const annotation = window.Htx && window.Htx.annotationStore.selected;
  const area = annotation && annotation.highlightedNode;
  return !!area && area.startOffset === start && area.endOffset === end;
}
"""


@dataclass
class Effort:
    """What an annotator did: clicks (a drag over a span counts as one), keys (shortcuts and the
    Enter that confirms a typed field; typed text itself is not counted), scrolls and pixels."""

    clicks: int = 0
    keys: int = 0
    scrolls: int = 0
    pixels: int = 0

    def __sub__(self, other: Effort) -> Effort:
        return Effort(
            self.clicks - other.clicks,
            self.keys - other.keys,
            self.scrolls - other.scrolls,
            self.pixels - other.pixels,
        )

    def __str__(self) -> str:
        return f"{self.clicks} clicks, {self.keys} keys, {self.scrolls} scrolls ({self.pixels} px)"


@dataclass
class AnnotatorPage:
    """One logged-in annotator on Label Studio's labeling page, with screenshots of each step."""

    page: object  # playwright.sync_api.Page
    url: str
    shots: Path
    effort: Effort = field(default_factory=Effort)
    steps: list[Path] = field(default_factory=list)

    def log_in(self, email: str, password: str) -> None:
        self.page.goto(f"{self.url}/user/login/")
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.click("button[type=submit]")
        if "/user/login" in self.page.url:
            raise AssertionError(f"Label Studio refused the log-in of {email}")

    def open_task(self, project_id: int, task_id: int) -> None:
        """The task's labeling page (no task list beside it, as in "Label All Tasks")."""
        self.page.goto(f"{self.url}/projects/{project_id}/data?labeling=1&task={task_id}")
        self.page.wait_for_selector(".lsf-htx-richtext", timeout=60_000)
        self.page.get_by_test_id("bottombar-submit-button").wait_for()

    def shot(self, name: str) -> Path:
        """A screenshot of the page as it is now (the mouse moved out of the way first)."""
        self.page.mouse.move(VIEWPORT["width"] // 2, VIEWPORT["height"] - 4)
        self.page.wait_for_timeout(150)
        path = self.shots / f"{len(self.steps) + 1:02d}-{name}.png"
        self.page.screenshot(path=str(path))
        self.steps.append(path)
        return path

    # --- what the annotator does ----------------------------------------------------------------
    def reach(self, locator) -> None:
        """Bring a control into view if it is not, counting the scroll."""
        moved = locator.evaluate(_REACH_JS)
        if moved:
            self.effort.scrolls += 1
            self.effort.pixels += round(moved)
            self.page.wait_for_timeout(100)

    def click(self, locator) -> None:
        self.reach(locator)
        locator.click()
        self.effort.clicks += 1

    def key(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.effort.keys += 1

    def label(self, name: str) -> None:
        """Click a label button (entity type or event type)."""
        text = self.page.locator(".lsf-label__text", has_text=re.compile(f"^{re.escape(name)}$"))
        self.click(self.page.locator(".lsf-label", has=text))

    def select_span(self, start: int, end: int) -> None:
        """Drag the mouse over text[start:end]: with a label chosen, this makes a region."""
        self.reach(
            self.page.locator(".lsf-htx-richtext .lsf-richtext__line").nth(self._line_of(start))
        )
        x0, y0, x1, y1 = self.page.evaluate(_SPAN_JS, [start, end])
        mouse = self.page.mouse
        mouse.move(x0, y0)
        mouse.down()
        mouse.move(x1, y1, steps=5)
        mouse.up()
        self.effort.clicks += 1
        self.region(start, end).wait_for()

    def region(self, start: int, end: int):
        return self.page.locator(f"span.htx-highlight[data-start='{start}'][data-end='{end}']")

    def select_region(self, start: int, end: int) -> None:
        self.click(self.region(start, end).first)
        self.page.wait_for_function(_SELECTED_JS, arg=[start, end])

    def type_field(self, name: str, value: str) -> None:
        """Type a per-region text field of the selected region and confirm it with Enter."""
        box = self.page.locator(f"input[name={name}]:visible")
        self.click(box)
        box.fill(value)
        box.press("Enter")
        self.effort.keys += 1

    def choose(self, value: str) -> None:
        """Tick a per-region choice (realis, mode) of the selected region."""
        self.click(self.page.get_by_text(value, exact=True).filter(visible=True))

    def done_with_region(self) -> None:
        """Escape: unselect the region, so that the next label click makes a new one."""
        self.key("Escape")
        self.page.wait_for_timeout(100)

    def link(self, source: tuple[int, int], target: tuple[int, int], role: str) -> None:
        """Relation from the selected ``source`` region to ``target`` (Alt+R, then click it), and
        its role chosen in the Relations panel."""
        self.select_region(*source)
        self.key("Alt+r")
        self.click(self.region(*target).first)
        self.show_relations()
        item = self.page.locator(".lsf-relations__item").last
        item.hover()
        self.click(item.get_by_role("button", name="Show Relation Labels"))
        self.click(self.page.locator(".lsf-relation-meta").last)
        self.click(self.page.get_by_text(role, exact=True).filter(visible=True).last)
        self.key("Escape")

    def show_relations(self) -> None:
        self.show_tab("Relations")

    def show_tab(self, name: str) -> None:
        """A tab of the side panel: Regions, Relations, Info, History."""
        tab = self.page.locator(f"#{name}-draggable > .lsf-panel-tabs__tab")
        if "_active" not in (tab.get_attribute("class") or ""):
            self.click(tab)

    def toggle_all_arrows(self) -> None:
        """The Relations panel's "Hide all" / "Show all" button."""
        self.show_tab("Relations")
        self.click(
            self.page.locator("button[aria-label='Hide all'], button[aria-label='Show all']")
        )

    def visible_arrows(self) -> int:
        return self.page.locator("svg.relations-overlay > g[visibility='visible']").count()

    def submit(self) -> None:
        self.click(self.page.get_by_test_id("bottombar-submit-button"))

    def hotkeys(self) -> list[str]:
        """The hotkeys shown on the label buttons."""
        return [t.strip() for t in self.page.locator(".lsf-label__hotkey").all_inner_texts()]

    def _line_of(self, offset: int) -> int:
        """Index of the line (paragraph) of the text that holds ``offset``."""
        lengths = self.page.evaluate(
            "() => Array.from(document.querySelectorAll('.lsf-htx-richtext .lsf-richtext__line'))"
            ".map(l => l.textContent.length)"
        )
        position = 0
        for index, length in enumerate(lengths):
            if offset < position + length:
                return index
            position += length + 1
        return len(lengths) - 1


@dataclass(frozen=True)
class OneEvent:
    """One event with two arguments in the seed article: Putin's phone call with Rahmon."""

    putin: tuple[int, int]
    rahmon: tuple[int, int]
    call: tuple[int, int]

    @classmethod
    def in_text(cls, text: str) -> OneEvent:
        def span(needle: str) -> tuple[int, int]:
            start = text.index(needle)
            return start, start + len(needle)

        return cls(span("Vladimir Putin"), span("Emomali Rahmon"), span("panggilan telepon"))

    def annotate(self, page: AnnotatorPage) -> Effort:
        """Two entities with cluster ids, the trigger with type, realis and mode, two arguments;
        returns what it took."""
        start = replace(page.effort)
        page.label("PER")
        page.select_span(*self.putin)
        page.select_region(*self.putin)
        page.type_field("entity_id", "putin")
        page.type_field("canonical_name", "Vladimir Putin")
        page.shot("entity")
        page.done_with_region()
        page.label("PER")
        page.select_span(*self.rahmon)
        page.select_region(*self.rahmon)
        page.type_field("entity_id", "rahmon")
        page.done_with_region()
        page.label("CONSULT")
        page.select_span(*self.call)
        page.select_region(*self.call)
        page.choose("actual")
        page.choose("phone")
        page.shot("event")
        page.done_with_region()
        page.link(self.call, self.putin, "actor")
        page.link(self.call, self.rahmon, "recipient")
        page.shot("arguments")
        page.done_with_region()
        return page.effort - start


def launch_chromium(playwright):
    """Debian's Chromium, headless (Playwright's own browser downloads are not used)."""
    if not CHROMIUM.is_file():
        raise RuntimeError(f"{CHROMIUM} is missing: `make chromium` installs Debian's chromium")
    args = ["--no-sandbox"] if os.geteuid() == 0 else []  # Chromium's sandbox refuses root
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)


@contextmanager
def artefacts_on_failure(page: AnnotatorPage, folder: Path) -> Iterator[None]:
    """On failure, the step screenshots, a last one and the page's HTML are copied to ``folder``,
    whose path is printed."""
    try:
        yield
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        try:
            page.shot("failure")
            (folder / "page.html").write_text(page.page.content(), encoding="utf-8")
        except Exception as error:  # the page itself may be what failed
            (folder / "page-error.txt").write_text(repr(error), encoding="utf-8")
        for step in page.steps:
            shutil.copy(step, folder / step.name)
        print(f"\nscreenshots of each step: {folder}")
        raise
