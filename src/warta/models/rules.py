"""A rules baseline: patterns and Indonesian function words, plus names learnt from training gold.

Nothing in it comes from a gold article. Entities: dates, times, money, percentages, quantities
and numbers by pattern; names from a gazetteer built from the training gold's mentions (the train
split the runner passes) and from a maintained public list, the Indonesian names of countries and
world regions that Babel ships (``Locale('id').territories``, CLDR data installed with the package,
read with no download); other runs of capitalised tokens typed by organisation head words,
acronyms and the title before a name. Capitalised tokens that start sentences in the training text
and are never part of a training mention are learnt as words that start no name. Events: the
trigger phrases of the training gold's events, with the nearest entity of an allowed type on the
left as actor and on the right as the role the type expects most.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import cache

from warta.models.base import ExtractionModel, TrainingGold
from warta.schema.mentions import Argument, EntityMention, EventMention

_MONTHS = (
    "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember|"
    "January|February|March|June|July|August|October|December"
)
_DAYS = "Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_NUMBER = r"\d+(?:[.,]\d+)*"
_WORD_NUMBER = "satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|seratus|seribu"
DATE = re.compile(
    rf"\b(?:(?:{_DAYS}),?\s+)?\d{{1,2}}\s+(?:{_MONTHS})(?:\s+\d{{4}})?\b"
    rf"|\bhari\s+(?:{_DAYS})\b|\b(?:{_DAYS})\b"
    r"|\b(?:pada|tahun|sejak)\s+(?:19|20)\d{2}\b"
    r"|\b\d+\s+(?:tahun|bulan|minggu|hari)(?:\s+terakhir)?\b"
    r"|\b(?:pekan|minggu|bulan|tahun)\s+(?:lalu|depan)\b"
)
TIME = re.compile(r"\bpukul\s+\d{1,2}(?:[.:]\d{2})?(?:\s+(?:WIB|WITA|WIT|GMT|UTC))?\b")
MONEY = re.compile(
    rf"(?:\bRp\.?\s?|\$|US\$\s?){_NUMBER}(?:\s+(?:ribu|juta|miliar|triliun))?"
    rf"|\b{_NUMBER}\s+(?:ribu\s+|juta\s+|miliar\s+|triliun\s+)?"
    r"(?:dolar(?:\s+AS)?|euro|rupiah|yen|pound(?:sterling)?|ringgit)\b"
)
PERCENT = re.compile(rf"\b{_NUMBER}\s?(?:%|persen\b)|\b(?:{_WORD_NUMBER})\s+persen\b")
QUANTITY = re.compile(
    rf"\b{_NUMBER}\s+(?:kilometer|km|meter|cm|mil|kilogram|kg|gram|ton|liter|hektare|hektar|"
    r"pon|kaki|inci|skala\s+Richter|SR|derajat(?:\s+Celsius)?)\b"
)
CARDINAL = re.compile(r"\b(?:lebih dari\s+|sedikitnya\s+|sekitar\s+)?\d{1,3}(?:\.\d{3})+\b|\b\d+\b")
PATTERNS = (
    ("DATE", DATE),
    ("TIME", TIME),
    ("MONEY", MONEY),
    ("PERCENT", PERCENT),
    ("QUANTITY", QUANTITY),
    ("CARDINAL", CARDINAL),
)
# Indonesian words, not names: head nouns of organisation names, titles before a person's name,
# and function words that are capitalised at the start of a sentence.
ORG_HEADS = {
    "Organisasi", "Komite", "Komisi", "Dewan", "Mahkamah", "Kementerian", "Partai", "Badan",
    "Bank", "Universitas", "Kantor", "Pasukan", "Majelis", "Perserikatan", "Lembaga", "Dinas",
    "Kepolisian", "Polres", "Polda", "Pengadilan", "Kejaksaan", "Institut", "Yayasan",
    "Perusahaan", "Asosiasi", "Persatuan", "Federasi", "Serikat", "Tentara", "Angkatan",
}  # fmt: skip
TITLES = {
    "Presiden", "Wakil", "Menteri", "Sekretaris", "Jenderal", "Penasihat", "pemimpin", "Perdana",
    "Raja", "Ratu", "Gubernur", "Bupati", "Wali", "Duta", "Besar", "anggota", "Letnan",
    "Kapten", "Kolonel", "Mayor", "Kepala", "Ketua", "Direktur", "Pak", "Bu", "Bapak", "Ibu",
    "Dr", "Prof", "Tuan", "Nyonya", "Kapolri", "Kapolda", "Kapolres", "Hakim", "Jaksa",
}  # fmt: skip
FUNCTION_WORDS = {
    "Pada", "Dalam", "Di", "Ke", "Dari", "Dan", "Atau", "Tetapi", "Namun", "Sementara",
    "Selain", "Sebelumnya", "Kemudian", "Setelah", "Sebelum", "Saat", "Ketika", "Karena",
    "Meski", "Meskipun", "Jika", "Bila", "Ia", "Dia", "Mereka", "Kami", "Kita", "Saya", "Ini",
    "Itu", "Yang", "Para", "Seorang", "Menurut", "Hal", "Untuk", "Dengan", "Oleh", "Sejak",
    "Hingga", "Sampai", "Sedangkan", "Adapun", "Bahkan", "Juga", "Tidak", "Belum", "Sudah",
}  # fmt: skip
PUBLIC_LIST = "Babel CLDR Locale('id').territories"
# CLDR codes that name organisations or are not places.
_TERRITORY_ORGS = {"EU": "ORG", "UN": "ORG", "EZ": None, "ZZ": None, "QO": None}


@cache
def territories() -> dict[str, str]:
    """Indonesian names of countries (GPE) and world regions (LOC), as CLDR gives them."""
    from babel import Locale

    names: dict[str, str] = {}
    for code, name in Locale("id").territories.items():
        kind = _TERRITORY_ORGS.get(code, "LOC" if code.isdigit() else "GPE")
        if kind is not None:
            names[name] = kind
    return names


def babel_version() -> str:
    from importlib.metadata import version

    return version("babel")


RIGHT_ROLE = {"SEIZE_TERRITORY": "territory", "RETREAT": "destination", "MOBILIZE": "count"}
LEFT_TYPES = ("PER", "ORG", "GPE", "NORP")
RIGHT_TYPES = {
    "recipient": LEFT_TYPES,
    "territory": ("GPE", "LOC", "FAC"),
    "destination": ("GPE", "LOC", "FAC"),
    "count": ("CARDINAL",),
}


def _phrase_pattern(phrases, flags: int = 0) -> re.Pattern | None:
    """One regex over the phrases, longest first, each a whole word sequence."""
    if not phrases:
        return None
    alternatives = "|".join(map(re.escape, sorted(phrases, key=len, reverse=True)))
    return re.compile(rf"(?<!\w)({alternatives})(?!\w)", flags)


class RulesModel(ExtractionModel):
    name = "rules"
    version = "2"

    def __init__(self, public_gazetteer: bool = True) -> None:
        self.public_gazetteer = bool(public_gazetteer)
        self.learnt: dict[str, str] = {}  # training mention text -> its most frequent type
        self.stop: set[str] = set()  # capitalised training words that start no mention
        self.triggers: dict[str, tuple[str, str | None]] = {}
        self.types: set[str] | None = None  # entity types of the training gold (None: all)
        self._index()

    def training_data(self) -> list[str]:
        return [f"{PUBLIC_LIST} (babel {babel_version()})"] if self.public_gazetteer else []

    def train(self, gold: TrainingGold) -> None:
        """Names, their types and trigger phrases from the allowed training gold."""
        by_name: dict[str, Counter] = defaultdict(Counter)
        for mention in gold.mentions():
            by_name[mention.text][mention.type] += 1
        self.learnt = {name: kinds.most_common(1)[0][0] for name, kinds in by_name.items()}
        self.types = {kind for kinds in by_name.values() for kind in kinds} or None
        self.stop = _sentence_initial_words(gold) - {w for n in self.learnt for w in n.split()}
        triggers: dict[str, Counter] = defaultdict(Counter)
        for _, event in gold.events():
            triggers[event.trigger_text.lower()][event.type, event.mode] += 1
        self.triggers = {k: v.most_common(1)[0][0] for k, v in triggers.items()}
        self._index()

    def resources(self) -> dict[str, set[str]]:
        return {
            "gazetteer": set(self.gazetteer),
            "stop words": set(self.stop),
            "triggers": set(self.triggers),
        }

    def _index(self) -> None:
        public = territories() if self.public_gazetteer else {}
        self.gazetteer = {**public, **self.learnt}  # the training gold wins over the list
        self._names = _phrase_pattern(self.gazetteer)
        self._triggers = _phrase_pattern(self.triggers, re.IGNORECASE)

    def _emits(self, kind: str) -> bool:
        return self.types is None or kind in self.types

    def predict_entities(self, articles: list[dict]) -> list[list[EntityMention]]:
        results = []
        for article in articles:
            text = article["text"]
            taken: list[tuple[int, int]] = []
            mentions = []
            if self._names is not None:
                for match in self._names.finditer(text):
                    kind = self.gazetteer[match.group(1)]
                    mentions += _take(taken, kind, *match.span(1), text)
            for kind, pattern in PATTERNS:
                if self._emits(kind):
                    for match in pattern.finditer(text):
                        mentions += _take(taken, kind, *match.span(), text)
            for start, end, kind in self._capitalised_runs(article):
                if self._emits(kind):
                    mentions += _take(taken, kind, start, end, text)
            results.append(sorted(mentions, key=lambda m: m.start))
        return results

    def _capitalised_runs(self, article: dict) -> list[tuple[int, int, str]]:
        tokens, starts, ends = article["tokens"], article["token_starts"], article["token_ends"]
        text, found, index = article["text"], [], 0
        skip = FUNCTION_WORDS | TITLES | self.stop
        while index < len(tokens):
            if not (tokens[index][:1].isupper() and tokens[index] not in skip):
                index += 1
                continue
            run = index
            while (
                run + 1 < len(tokens)
                and tokens[run + 1][:1].isupper()
                and tokens[run + 1] not in TITLES
                and text[ends[run] : starts[run + 1]] == " "
            ):
                run += 1
            kind = _type_of(tokens[index : run + 1], tokens[index - 1] if index else None)
            if kind:
                found.append((starts[index], ends[run], kind))
            index = run + 1
        return found

    def predict_events(self, articles, entities):
        if self._triggers is None:
            return [[] for _ in articles]
        results = []
        for article, mentions in zip(articles, entities, strict=True):
            events = []
            for match in self._triggers.finditer(article["text"]):
                kind, mode = self.triggers[match.group(1).lower()]
                start, end = match.span(1)
                events.append(
                    EventMention(
                        f"t{start}", kind, start, end, article["text"][start:end], "actual",
                        mode, _arguments(kind, start, end, mentions),
                    )
                )  # fmt: skip
            results.append(events)
        return results


def _take(taken: list[tuple[int, int]], kind: str, start: int, end: int, text: str):
    """A mention of the span, unless an earlier one overlaps it."""
    if start >= end or any(s < end and start < e for s, e in taken):
        return []
    taken.append((start, end))
    return [EntityMention(f"{kind[0].lower()}{start}", kind, start, end, text[start:end])]


def _type_of(words: list[str], previous: str | None) -> str | None:
    name = " ".join(words)
    if words[0] in ORG_HEADS or (len(name) >= 3 and name.isupper()):
        return "ORG"
    if previous in TITLES or len(words) >= 2:
        return "PER"
    return None


def _sentence_initial_words(gold: TrainingGold) -> set[str]:
    """Capitalised first words of the training sentences that are not inside any mention."""
    inside = defaultdict(list)
    for doc in gold.documents():
        inside[doc.doc_id] = [(m.start, m.end) for m in doc.entities]
    words = set()
    for row in gold.rows:
        if "tokens" not in row:
            continue
        for sentence in row["sentences"]:
            first = sentence["token_start"]
            if first >= len(row["tokens"]):
                continue
            token, start = row["tokens"][first], row["token_starts"][first]
            covered = any(s <= start < e for s, e in inside[row["doc_id"]])
            if token[:1].isupper() and not covered and gold.allows(row["doc_id"], start, start + 1):
                words.add(token)
    return words


def _arguments(kind: str, start: int, end: int, mentions: list[EntityMention]):
    arguments = []
    left = [m for m in mentions if m.end <= start and m.type in LEFT_TYPES]
    if left:
        arguments.append(Argument("actor", left[-1].mention_id))
    role = RIGHT_ROLE.get(kind, "recipient")
    right = [m for m in mentions if m.start >= end and m.type in RIGHT_TYPES[role]]
    if right and role != "count":
        arguments.append(Argument(role, right[0].mention_id))
    return tuple(arguments)
