"""The one exception family: messages name the file and line, and survive a process pool."""

from __future__ import annotations

import pickle

import pytest

from warta.errors import InputError, StoreError, WartaError, listed_problems


def test_input_errors_survive_the_process_pool():
    error = InputError("a.jsonl", "no 'text' field", 3)
    import pickle

    assert str(pickle.loads(pickle.dumps(error))) == "a.jsonl:3: no 'text' field"


def test_input_error_names_the_file_then_the_line():
    with_line = InputError("corpus/raw/a.jsonl", "no 'text' field", 7)
    assert str(with_line) == "corpus/raw/a.jsonl:7: no 'text' field"
    assert (with_line.source, with_line.line, with_line.problem) == (
        "corpus/raw/a.jsonl", 7, "no 'text' field",
    )  # fmt: skip
    assert str(InputError("b.txt", "empty file")) == "b.txt: empty file"
    assert str(InputError("c.jsonl", "bad", 0)) == "c.jsonl:0: bad"  # line 0 is still a line


def test_every_warta_error_is_caught_as_one_family():
    for error in (InputError("a", "b"), StoreError("locked")):
        with pytest.raises(WartaError):
            raise error


@pytest.mark.parametrize("line", [None, 12])
def test_a_pickled_input_error_keeps_its_fields(line):
    back = pickle.loads(pickle.dumps(InputError("x.html", "binary file", line)))
    assert type(back) is InputError
    assert (back.source, back.problem, back.line) == ("x.html", "binary file", line)


def test_listed_problems_shows_the_first_ones_and_counts_the_rest():
    problems = [f"p{i}" for i in range(25)]
    listed = listed_problems(problems).splitlines()
    assert listed[:2] == ["  p0", "  p1"] and listed[19] == "  p19"
    assert listed[20:] == ["  ... and 5 more"]
    assert listed_problems(problems[:3]) == "  p0\n  p1\n  p2"
    assert listed_problems(problems, limit=25).count("\n") == 24
