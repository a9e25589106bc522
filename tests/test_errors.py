"""The one exception family: messages name the file and line, and survive a process pool."""

from __future__ import annotations

from warta.errors import InputError


def test_input_errors_survive_the_process_pool():
    error = InputError("a.jsonl", "no 'text' field", 3)
    import pickle

    assert str(pickle.loads(pickle.dumps(error))) == "a.jsonl:3: no 'text' field"
