"""Settings are checked before anything runs: a wrong type, range, unknown type name or an entry
name that is a path is one line naming the setting, and nothing is written."""

from __future__ import annotations

import pytest

from tests.benchmarks.gold import configured
from tests.conftest import IDNER
from warta.benchmarks.runner import run, settings_of
from warta.errors import WartaError

BAD = [
    ("metrics.bootstrap_samples=abc", "metrics.bootstrap_samples=abc: must be an integer >= 1"),
    ("metrics.bootstrap_samples=-5", "metrics.bootstrap_samples=-5: must be an integer >= 1"),
    ("metrics.bootstrap_samples=0", "metrics.bootstrap_samples=0: must be an integer >= 1"),
    ("metrics.confidence=1.5", "metrics.confidence=1.5: must be a number strictly between 0 and 1"),
    ("metrics.confidence=0", "metrics.confidence=0: must be a number strictly between 0 and 1"),
    ("seed=abc", "seed=abc: must be an integer >= 0"),
    ("data.folds=0", "data.folds=0: must be an integer >= 2"),
    ("results_dir=/proc/nope", "results_dir=/proc/nope: cannot write in /proc"),
    ("metrics.types=[PERSON]", "metrics.types=[PERSON]: unknown entity type(s) PERSON"),
    ("metrics.types=[]", "metrics.types=[]: must be null or a non-empty list"),
    ("entry='../../../../outside/x'", "entry=../../../../outside/x: must be a plain name"),
    ("entry=a/b", "entry=a/b: must be a plain name"),
    ("data.protocol=holdout", "data.protocol=holdout: must be one of test, cv, external"),
    ("data.split=dev", "data.split=dev: must be one of train, validation, test, all"),
]


@pytest.mark.parametrize(("override", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_setting_is_one_line_naming_it(bench_gold, tmp_path, override, message):
    results = tmp_path / "results"
    cfg = configured(bench_gold.root, results, "model=rules", override)
    with pytest.raises(WartaError) as caught:
        run(cfg)
    text = str(caught.value)
    assert text.startswith(message) and "\n" not in text
    assert not results.exists() and not (tmp_path / "outside").exists()


def test_good_settings_are_typed(bench_gold, tmp_path):
    settings = settings_of(
        configured(bench_gold.root, tmp_path / "r", "metrics.types=[PER,GPE]", "entry=my-crf.v2")
    )
    assert settings.types == ["PER", "GPE"] and settings.entry == "my-crf.v2"
    assert settings.bootstrap_samples == 200 and settings.confidence == 0.95
    assert settings.results_dir == tmp_path / "r" and not settings.results_dir.exists()


def test_a_relative_results_dir_is_inside_the_repository(bench_gold):
    settings = settings_of(configured(bench_gold.root, "benchmarks/results"))
    assert settings.results_dir == bench_gold.root / "benchmarks" / "results"


def test_the_external_label_map_must_name_warta_types(bench_gold, tmp_path):
    cfg = configured(bench_gold.root, tmp_path, "data=idner_test", f"data.external.path={IDNER / 'test.txt'}",
                     "data.external.label_map={PERSON: PER}")  # fmt: skip
    with pytest.raises(
        WartaError, match=r"data\.external\.label_map=.*must map Warta entity types"
    ):
        settings_of(cfg)
