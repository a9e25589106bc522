"""Indonesian-aware tokenization and sentence splitting of one block of clean news text.

Token spans are half-open character offsets ``[start, end)`` into the NFC-normalised text (the
cleaner's output); sentences are half-open ranges ``[first, end)`` of token indices. Every
non-space character belongs to exactly one token, so ``text[start:end]`` always reproduces it.

Conventions (Indonesian news, close to UD Indonesian and idner-news-2k):

- Numbers keep thousand separators, decimal commas, times and dates: ``1.000``, ``3,5``,
  ``10.30``, ``25/8/2014``, ``14:00``. Units and currencies are split off: ``50%`` is ``50 %``,
  ``$10`` is ``$ 10``, ``Rp5.000`` is ``Rp 5.000`` (so ``Rp5.000`` and ``Rp 5.000`` tokenize alike).
- Hyphenated words, reduplications and ranges are one token: ``Mazar-i-Sharif``, ``kamp-kamp``,
  ``ke-20``, ``COVID-19``, ``2014-2019``. An apostrophe between letters stays (``Jum'at``,
  ``Moody's``); quotes and brackets around words are their own tokens.
- Abbreviations in ``ABBREVIATIONS``, dotted forms (``A.S.``, ``M.Si.``, ``a.n.``) and a capital
  initial before a name (``Vladimir V. Putin``) keep their period. URLs, e-mail addresses,
  domain names (``Kompas.com``), handles and hashtags (``@jokowi``) are one token; so are
  ``...``, ``//``, ``--`` and ``?!``. Any other mark (``©``, ``/``, ``-``, ``%``) stands alone.

Where we deliberately differ from idner-news-2k (whose tokens come from whitespace splitting):
idner leaves brackets, ``%``, ``?``, ``$``, ``Rp`` and a slash between words attached
(``(PPP)``, ``5%``, ``kan?``, ``$10``, ``Rp100``, ``AD/ART``) and splits a sentence-final
abbreviation's period (``Corp .``); we split the former and keep the latter, as stated above.
Both agree on numbers, hyphenated words and reduplications.

Sentences end at ``.``, ``!``, ``?``, ``...`` when whitespace and a sentence opener (capital
letter, digit, opening quote or bracket) follow; closing quotes and brackets right after the
punctuation stay with the ending sentence. Abbreviations and initials never end a sentence, except
those in ``CLOSING_ABBREVIATIONS`` (``dll.``, ``Tbk.``), which often stand last. A blank line
always ends a sentence. A capital letter as the last word (``tipe A atau B. Dia``) reads as an
initial and so does not end its sentence: rare in news, unlike names with initials.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

CLOSING_ABBREVIATIONS = frozenset(
    {"dll", "dsb", "dst", "dkk", "tsb", "Tbk", "Inc", "Corp", "Co", "Ltd", "Jr", "Sr", "etc"}
)
"""Abbreviations that often stand last in a sentence, so they may end one."""

ABBREVIATIONS = CLOSING_ABBREVIATIONS | frozenset(
    {
        # Titles and honorifics before a name.
        # A lone capital (H. Ahmad, Vladimir V. Putin) is handled as an initial, not listed.
        *("Dr", "dr", "drg", "Prof", "Ir", "Drs", "Dra", "Hj", "KH", "Tn", "Ny", "Nn"),
        *("Sdr", "Sdri", "Bpk", "Yth", "yth", "St", "Mr", "Mrs", "Ms", "Mt"),
        # Military and police ranks.
        *("Jend", "Letjen", "Mayjen", "Brigjen", "Kol", "Letkol", "Kapt", "Serka", "Pol"),
        *("Komjen", "Irjen", "Kombes", "Kompol", "Laksda", "Laksdya", "Marsda", "Marsdya"),
        # Addresses, numbering and references.
        *("Jl", "Jln", "Gg", "Kav", "Kel", "Kec", "Kab", "Prov", "No", "hlm", "tgl"),
        # Others; Rp is the rupiah written with a period before the amount (Rp. 5.000).
        *("Rp", "vs", "ybs", "Bhd"),
    }
)
"""Words whose following period belongs to the token, so that period ends no sentence."""

_ABBREVIATION = "|".join(sorted(ABBREVIATIONS, key=len, reverse=True))
_UPPER = "A-ZÀ-ÖØ-Þ"
_APOSTROPHE = "'’`ʼ"
# A word segment: letters and digits, a number's separators only between digits (1.000, 3,5,
# 10.30, 25/8/2014). Segments join by hyphens (kamp-kamp, ke-20) and inner apostrophes (Jum'at).
_SEGMENT = r"\w+(?:(?<=\d)[.,:/]\d+)*"
# Second-level parts (go.id, ac.id, co.id) are matched as labels before one of these.
_TOP_LEVEL_DOMAIN = r"com|net|org|id|co|gov|edu|info|biz|io|tv|news|my|sg|uk|au"

# Leading whitespace is consumed inside the match (group 1 is the token), so finditer never retries
# every alternative at each space, and a plain word before a space or a comma takes the first
# branch: both keep tokenize near 20 MB/s without changing its result. Repeats that may scan ahead
# and fail (e-mail, domain) are bounded so that a long text without spaces stays linear.
_TOKEN = re.compile(
    rf"""
    \s*+(
    Rp(?=\d)                                              # currency glued to its amount
    | (?>\w+)(?=\s|$|[,;)\]"”’»!?](?!\w))                  # plain word: nothing can extend it
    | [,;:()\[\]"“”‘’«»©]                                  # mark that never starts a longer token
    | (?:https?://|www\.)[^\s<>"]*[^\s<>".,;:!?'’")\]]    # URL, trailing punctuation left out
    | [\w.+-]{{1,64}}@\w[\w-]*(?:\.\w[\w-]*)+               # e-mail address
    | (?:\w[\w-]{{0,62}}\.){{1,4}}(?:{_TOP_LEVEL_DOMAIN})(?![\w.]\w)   # domain (Kompas.com)
    | (?:{_ABBREVIATION})\.                                # listed abbreviation (Dr., dll.)
    | [A-Za-z]{{1,2}}\.(?:[A-Za-z]{{1,3}}\.)+              # dotted abbreviation (A.S., M.Si.)
    | [{_UPPER}]\.(?=[^\S\n]*[{_UPPER}])                   # initial before a name (V. Putin)
    | {_SEGMENT}(?:(?:-|[{_APOSTROPHE}](?=[^\W\d_])){_SEGMENT})*   # word or number
    | [@#]\w+                                              # social media handle, hashtag
    | \.{{2,}} | [!?]+ | /+ | -{{2,}}                     # runs that read as one mark
    | \S                                                   # any other single character
    )""",
    re.VERBOSE,
)

_SENTENCE_END = re.compile(
    r"""
    (?P<terminal>[.!?…]+) [)\]"'”’»]* (?=\s+(?P<next>\S))    # ., !, ?, ... then closers
    | \n[^\S\n]*\n                                            # blank line
    """,
    re.VERBOSE,
)
_OPENERS = frozenset("\"'“‘«([{")


def tokenize(text: str) -> list[tuple[int, int]]:
    """Token spans as half-open character offsets [start, end) into `text`."""
    # Stopping before trailing whitespace keeps the leading `\s*+` from rescanning it at each end
    # position (quadratic on a long blank tail).
    return [match.span(1) for match in _TOKEN.finditer(text, 0, len(text.rstrip()))]


def split_sentences(text: str, tokens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences as half-open ranges of token indices [first, end) over `tokens`."""
    if not tokens:
        return []
    starts = [start for start, _ in tokens]
    # Candidates come from one regex over the text; only they are checked against the tokens,
    # so the cost grows with the number of sentences, not of tokens.
    firsts = [0]
    for match in _SENTENCE_END.finditer(text):
        if match.group("terminal") is None or _ends_sentence(text, tokens, starts, match):
            first = bisect_left(starts, match.end())
            if firsts[-1] < first < len(tokens):
                firsts.append(first)
    return list(zip(firsts, [*firsts[1:], len(tokens)], strict=True))


def _ends_sentence(
    text: str, tokens: list[tuple[int, int]], starts: list[int], match: re.Match[str]
) -> bool:
    """Whether terminal punctuation followed by `match`'s next character closes a sentence."""
    next_char = match.group("next")
    if not (next_char.isupper() or next_char.isdigit() or next_char in _OPENERS):
        return False
    last = match.end("terminal") - 1
    start, end = tokens[bisect_right(starts, last) - 1]
    if start >= match.start("terminal"):
        return True  # the punctuation is a token of its own
    # The period belongs to a longer token: an abbreviation, an initial or a dotted form.
    return end == last + 1 and text[start:last] in CLOSING_ABBREVIATIONS
