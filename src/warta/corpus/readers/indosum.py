"""IndoSum records (Kurniawan and Louvan, 2018): pre-tokenised news, one JSON object a line.

``paragraphs`` is a list of paragraphs, each a list of sentences, each a list of word tokens. The
source's sentences and tokens are kept as given, never re-guessed. The text is built from them:

- tokens joined by single spaces, exactly as given (``Senin ( 27 / 3 )``), sentences of a
  paragraph by single spaces, one paragraph a line (the cleaner then separates paragraphs by a
  blank line). We do not re-attach punctuation: where the outlet put spaces is not in the source,
  and annotators' spans follow the stored text exactly, so the text annotators see is the
  tokenisation itself and every given token is ``text[start:end]``.
- each token is normalised as the cleaner normalises text (NFC, no invisible characters) and any
  run of whitespace inside it becomes one space; tokens left empty (the folds hold about 2,400
  tokens that are only spaces, no-break spaces or line breaks) are spacing, not words, and are
  dropped, as are sentences and paragraphs left without tokens.

``id``, ``category``, ``source`` (the outlet) and ``source_url`` are kept as metadata; ``summary``
and ``gold_labels`` (the summarisation task's labels) are not. A record has no title and its text
no headline, so no line is taken for one.
"""

from __future__ import annotations

from warta.corpus.given import clean_token
from warta.corpus.provenance import SourceRights
from warta.corpus.readers.article import RawArticle
from warta.errors import InputError

FORMAT = "indosum"
METADATA_KEYS = ("id", "category", "source", "source_url")
SHAPE = "a list of paragraphs, each a list of sentences, each a list of token strings"


def is_indosum(record: dict) -> bool:
    """An IndoSum record has ``paragraphs`` (sentences of tokens) and no ``text``."""
    return "paragraphs" in record and "text" not in record


def read_record(
    source: str,
    number: int,
    raw: bytes,
    record: dict,
    recognised_on: int,
    rights: SourceRights | None,
) -> RawArticle | InputError:
    """One line of an IndoSum file (recognised as one on line ``recognised_on``)."""
    if "paragraphs" not in record:
        return InputError(
            source,
            f"no 'paragraphs' field (an IndoSum file, as line {recognised_on} shows)",
            number,
        )
    doc_id = record.get("id")
    if not isinstance(doc_id, str) or not doc_id.strip():
        return InputError(source, "no 'id' (an IndoSum record is named by its id)", number)
    paragraphs = given_paragraphs(record["paragraphs"])
    if isinstance(paragraphs, str):
        return InputError(source, f"{paragraphs} (document {doc_id})", number)
    if not paragraphs:
        return InputError(
            source, f"empty article: no tokens in 'paragraphs' (document {doc_id})", number
        )
    text = "\n".join(" ".join(" ".join(sentence) for sentence in p) for p in paragraphs)
    return RawArticle.received(
        source,
        FORMAT,
        text,
        raw,
        source_line=number,
        metadata={k: record[k] for k in METADATA_KEYS if k in record},
        source_id=doc_id,
        segmentation=paragraphs,
        rights=rights,
        has_headline=False,  # a record has no title, and its paragraphs start with the body
    )


def given_paragraphs(value: object) -> tuple[tuple[tuple[str, ...], ...], ...] | str:
    """The paragraphs' sentences of clean tokens, or what is wrong with their shape."""
    if not isinstance(value, list):
        return f"'paragraphs' must be {SHAPE}"
    paragraphs = []
    for p, paragraph in enumerate(value, start=1):
        if not isinstance(paragraph, list):
            return f"'paragraphs' must be {SHAPE}: paragraph {p} is not a list"
        sentences = []
        for s, sentence in enumerate(paragraph, start=1):
            if not isinstance(sentence, list):
                return f"'paragraphs' must be {SHAPE}: paragraph {p}, sentence {s} is not a list"
            tokens = []
            for t, token in enumerate(sentence, start=1):
                if not isinstance(token, str):
                    return (
                        f"'paragraphs' must be {SHAPE}: paragraph {p}, sentence {s}, "
                        f"token {t} is {type(token).__name__}"
                    )
                if clean := clean_token(token):
                    tokens.append(clean)
            if tokens:
                sentences.append(tuple(tokens))
        if sentences:
            paragraphs.append(tuple(sentences))
    return tuple(paragraphs)
