"""CoNLL/BIO import: CRLF files, label maps onto Warta types, clear errors, span <-> BIO."""

from __future__ import annotations

import pytest

from tests.conftest import IDNER
from warta.corpus.conll import bio_from_spans, read_conll, spans_from_bio
from warta.errors import InputError, InputProblems

IDNER_MAP = {"PER": "PER", "ORG": "ORG", "LOC": "GPE"}


def test_idner_reads_with_crlf_and_the_label_map():
    sentences = list(read_conll(IDNER / "dev.txt", IDNER_MAP))
    assert len(sentences) == 367  # blank-line separated blocks in the file
    first = sentences[0]
    assert "\r" not in first.text and first.text == " ".join(first.tokens)
    kinds = {kind for s in sentences for _, _, kind in s.spans}
    assert kinds == {"PER", "ORG", "GPE"}
    for sentence in sentences[:50]:
        for start, end, _ in sentence.spans:
            assert sentence.text[start:end].strip() == sentence.text[start:end]
        assert bio_from_spans(sentence.starts, sentence.ends, sentence.spans)


def test_labels_mapped_to_null_become_outside_and_unknown_labels_are_errors(tmp_path):
    path = tmp_path / "x.conll"
    path.write_bytes(b"Jokowi B-PER\r\nke O\r\nBogor B-LOC\r\n\r\nBank B-ORG\r\nBRI I-ORG\r\n")
    (first, second) = read_conll(path, {"PER": "PER", "LOC": None, "ORG": "ORG"})
    assert first.spans == [(0, 6, "PER")]
    assert second.spans == [(0, 8, "ORG")] and second.text == "Bank BRI"
    with pytest.raises(InputError, match=r"x.conll:1: label 'PER' has no entry in the label map"):
        read_conll(path, {"LOC": "GPE", "ORG": "ORG"})


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"Jokowi\n", "expected 'token ... tag', got 'Jokowi'"),
        (b"Jokowi PERSON\n", "tag 'PERSON' is not O, B-X or I-X"),
        (b"Jokowi B-PER I-PER\n", "3 columns, but line 1 has 2 (token first, tag last): "),
        (b"ke O\nBogor I-LOC\n", "stray I-LOC after O (IOB2 starts a mention with B-); "),
        (b"Bogor I-LOC\n", "stray I-LOC first in its sentence"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path, content, problem):
    path = tmp_path / "bad.conll"
    path.write_bytes(b"Satu O\n\n" + content)
    with pytest.raises(InputProblems) as err:
        read_conll(path, IDNER_MAP)
    (found,) = err.value.problems
    assert str(err.value).startswith(f"{path}: 1 problem(s) in the CoNLL file:\n  {path}:")
    line = 2 + content.count(b"\n")  # the last line of ``content``
    assert str(found).startswith(f"{path}:{line}: {problem}")


def test_every_problem_of_the_file_is_reported_each_with_its_line(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_bytes(b"Satu O\nJokowi\n\nBank PERSON\nBRI O\n\nke O\nBogor I-LOC\nkota O X\n")
    with pytest.raises(InputProblems) as err:
        read_conll(path, IDNER_MAP)
    assert [(p.line, p.problem.split(" ")[0]) for p in err.value.problems] == [
        (2, "expected"), (4, "tag"), (8, "stray"), (9, "3"),
    ]  # fmt: skip
    assert str(err.value).splitlines()[0] == f"{path}: 4 problem(s) in the CoNLL file:"


def test_repair_iob_reads_a_stray_inside_tag_as_a_beginning(tmp_path):
    path = tmp_path / "stray.conll"
    path.write_bytes(b"ke O\nKota I-LOC\nBogor I-LOC\nJokowi I-PER\n")
    (sentence,) = read_conll(path, IDNER_MAP, repair_iob=True)
    assert sentence.spans == [(3, 13, "GPE"), (14, 20, "PER")]


@pytest.mark.parametrize(
    ("content", "what"), [(b"", "empty"), (b"\r\n-DOCSTART- O\n\n", "without a token line")]
)
def test_a_file_without_sentences_is_refused(tmp_path, content, what):
    path = tmp_path / "empty.conll"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_conll(path, IDNER_MAP)
    assert str(err.value) == f"{path}: no sentences: the file is {what}"


def test_spans_and_bio_round_trip():
    starts, ends = [0, 7, 10, 16, 23], [6, 9, 15, 22, 27]
    spans = [(0, 9, "PER"), (16, 27, "GPE")]
    tags = bio_from_spans(starts, ends, spans)
    assert tags == ["B-PER", "I-PER", "O", "B-GPE", "I-GPE"]
    assert spans_from_bio(starts, ends, tags) == spans
    assert spans_from_bio(starts, ends, ["O", "I-PER", "O", "O", "O"]) == [(7, 9, "PER")]


# --- properties ---------------------------------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TYPES = ["PER", "ORG", "GPE", "DATE"]


@st.composite
def tokens_and_spans(draw):
    """Tokens separated by one space, and non-overlapping token-aligned typed spans over them."""
    lengths = draw(st.lists(st.integers(1, 8), min_size=1, max_size=30))
    starts, ends, offset = [], [], 0
    for length in lengths:
        starts.append(offset)
        ends.append(offset + length)
        offset += length + 1
    spans, index = [], 0
    while index < len(lengths):
        if draw(st.booleans()):
            width = draw(st.integers(1, min(4, len(lengths) - index)))
            spans.append((starts[index], ends[index + width - 1], draw(st.sampled_from(TYPES))))
            index += width
        else:
            index += 1
    return starts, ends, spans


@given(tokens_and_spans())
def test_spans_to_bio_and_back_is_the_identity(case):
    starts, ends, spans = case
    tags = bio_from_spans(starts, ends, spans)
    assert all(t == "O" or t[:2] in ("B-", "I-") for t in tags)
    assert spans_from_bio(starts, ends, tags) == sorted(spans)


# --- fuzz: arbitrary bytes are sentences or one InputError listing the problems ------------------

from tests.strategies import FUZZ, any_bytes  # noqa: E402


@FUZZ
@given(data=any_bytes("Jokowi B-PER I-LOC O -DOCSTART- X\n\r\t "), repair=st.booleans())
def test_fuzz_conll_files(tmp_path, data, repair):
    path = tmp_path / "fuzz.conll"
    path.write_bytes(data)
    try:
        sentences = read_conll(path, {**IDNER_MAP, "X": None}, repair_iob=repair)
    except InputError as err:
        assert str(err).startswith(f"{path}")
        return
    assert sentences
    for sentence in sentences:
        assert sentence.text == " ".join(sentence.tokens)
        for start, end, kind in sentence.spans:
            assert kind in IDNER_MAP.values() and 0 <= start < end <= len(sentence.text)
