"""Hypothesis strategies for fuzzing Warta's parsers with what a hostile or careless user sends:
arbitrary bytes, text that is almost the format, and arbitrary JSON (with the format's own keys,
so that the fuzz reaches past the first check)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
"""Modest on purpose: the suite runs every fuzz test on each `make test`."""

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
)


def json_values(
    keys: list[str] | None = None, words: list[str] | None = None, max_leaves: int = 25
) -> st.SearchStrategy:
    """Arbitrary JSON; objects draw their keys from ``keys`` and strings from ``words`` (the
    format's own values) half of the time, and numbers are often small offsets."""
    names = st.text(max_size=8) if not keys else st.sampled_from(keys) | st.text(max_size=8)
    scalars = JSON_SCALARS | st.integers(-1, 60)
    if words:
        scalars |= st.sampled_from(words)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(names, inner, max_size=6),
        max_leaves=max_leaves,
    )


def json_lines(
    keys: list[str] | None = None, words: list[str] | None = None
) -> st.SearchStrategy[bytes]:
    """A file of JSON lines (or not quite: a line of arbitrary bytes now and then)."""
    values = json_values(keys, words)
    line = values.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=40)
    return st.lists(line, max_size=6).map(lambda lines: b"\n".join(lines))


def any_bytes(alphabet: str = "") -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, UTF-8 text, and text made of the format's own characters."""
    options = st.binary(max_size=600) | st.text(max_size=300).map(str.encode)
    if alphabet:
        options |= st.text(alphabet, max_size=300).map(str.encode)
    return options
