"""The lazy registry: names cost nothing, a module is imported on the first ``get`` only, an
unknown name lists the known ones, and ``register`` adds or overrides an entry."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from warta.errors import WartaError
from warta.registry import Registry


@pytest.fixture
def plugin(tmp_path, monkeypatch) -> str:
    """A module on the path that nobody has imported yet, as a registry target."""
    (tmp_path / "warta_test_plugin.py").write_text("class Thing:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "warta_test_plugin", raising=False)
    return "warta_test_plugin:Thing"


def test_the_module_is_imported_on_the_first_get_only(plugin):
    things = Registry("thing", {"lazy": plugin})
    assert things.names() == ["lazy"] and "lazy" in things and "other" not in things
    assert "warta_test_plugin" not in sys.modules
    first = things.get("lazy")
    assert first.__name__ == "Thing" and first.__module__ == "warta_test_plugin"
    assert "warta_test_plugin" in sys.modules and things.get("lazy") is first


def test_unknown_name_is_a_clear_error_listing_the_known_names():
    things = Registry("thing", {"b": "json:dumps", "a": "json:loads"})
    with pytest.raises(WartaError, match=r"^unknown thing 'c' \(things: a, b\)$"):
        things.get("c")


def test_register_adds_an_object_or_overrides_an_entry():
    things = Registry("thing", {"a": "json:loads"})
    marker = object()
    things.register("b", marker)
    things.register("a", "json:dumps")
    assert things.get("b") is marker and things.get("a") is json.dumps
    assert list(things) == ["a", "b"] and dict(things.items()) == {"a": json.dumps, "b": marker}


def test_listing_the_model_registry_imports_no_model_module():
    """A fresh interpreter lists the models without importing any adapter (nor crfsuite)."""
    code = (
        "import sys, json; from warta.models import model_names; "
        "heavy = ('warta.models.crf', 'warta.models.rules', 'warta.models.event_lexicon', "
        "'warta.models.predictions', 'sklearn_crfsuite'); "
        "print(json.dumps([model_names(), [m for m in heavy if m in sys.modules]]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    names, imported = json.loads(done.stdout)
    assert {"rules", "crf", "event_lexicon"} <= set(names) and imported == []
