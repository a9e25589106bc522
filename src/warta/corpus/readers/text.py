"""Whole-file articles: ``.txt`` as received, ``.html`` through trafilatura's main-text extraction."""

from __future__ import annotations

from pathlib import Path

from warta.corpus.clean import BOILERPLATE
from warta.corpus.readers.article import RawArticle, ReadContext, decode_text
from warta.errors import InputError

MIN_MAIN_TEXT_WORDS = 4


def read_document(
    path: Path, data: bytes, fmt: str, context: ReadContext
) -> RawArticle | InputError:
    source = context.name(path)
    try:
        text = decode_text(source, data)
    except InputError as err:
        return err
    if not text.strip():
        return InputError(source, "empty file")
    metadata: dict = {}
    if fmt == "html":
        extracted = _extract_html(source, text)
        if isinstance(extracted, InputError):
            return extracted
        text, metadata = extracted
    return RawArticle.received(
        source,
        fmt,
        text,
        data,
        metadata=metadata,
        rights=context.rights(path),
    )


def _extract_html(source: str, html: str) -> tuple[str, dict] | InputError:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # Only dates the page states in its markup; a guess from the archive sidebar is no date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = (doc.text if doc is not None else "") or ""
    # trafilatura falls back to link text ("Home") on pages without an article: not main text.
    if not any(
        len(line.split()) >= MIN_MAIN_TEXT_WORDS and not BOILERPLATE.match(line.strip())
        for line in text.splitlines()
    ):
        return InputError(
            source, "no main text found in the HTML page (only navigation or boilerplate)"
        )
    metadata = {}
    if doc.title:
        metadata["title"] = doc.title
        if not text.lstrip().startswith(doc.title):
            text = f"{doc.title}\n\n{text}"
    if doc.date:
        metadata["published"] = doc.date
    if doc.url:
        metadata["url"] = doc.url
    # trafilatura separates paragraphs by single newlines; Warta's cleaner reads one per line.
    return text, metadata
