"""A rules baseline that needs no training data: patterns, titles, a small gazetteer, trigger words.

Entities: dates and numbers by pattern; runs of capitalised tokens typed by a gazetteer of states
and regions, organisation head words, acronyms, and the title before a name. Events: a trigger
lexicon, with the nearest entity of an allowed type on the left as actor and on the right as the
role the type expects most (recipient, territory or destination).
"""

from __future__ import annotations

import re

from warta.models.base import ExtractionModel
from warta.schema.mentions import Argument, EntityMention, EventMention

_MONTHS = (
    "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember|"
    "January|February|March|June|July|August|October|December"
)
_DAYS = "Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
DATE = re.compile(
    rf"\b(?:(?:{_DAYS}),?\s+)?\d{{1,2}}\s+(?:{_MONTHS})(?:\s+\d{{4}})?\b"
    rf"|\bhari\s+(?:{_DAYS})\b|\b(?:{_DAYS})\b"
    r"|\b(?:pada|tahun|sejak)\s+(?:19|20)\d{2}\b"
    r"|\b\d+\s+(?:tahun|bulan|minggu|hari)(?:\s+terakhir)?\b"
    r"|\b(?:pekan|minggu|bulan|tahun)\s+lalu\b"
)
CARDINAL = re.compile(r"\b(?:lebih dari\s+)?\d{1,3}(?:\.\d{3})+\b|\b\d+\b")
GPE = {
    "Afghanistan", "Tajikistan", "Rusia", "Moskow", "Uzbekistan", "Kazakhstan", "China", "Cina",
    "Amerika Serikat", "AS", "Indonesia", "Jakarta", "Badakhshan", "Faizabad", "Ishkashem",
    "Mazar-i-Sharif", "Kabul", "Uni Soviet", "Tajik", "Iran", "Pakistan", "India", "Turkmenistan",
    "Kyrgyzstan", "Kremlin",
}  # fmt: skip
LOC = {"Asia Tengah", "Asia", "Eropa", "Timur Tengah"}
NORP = {"Soviet", "Barat"}
ORG_HEADS = {
    "Organisasi", "Komite", "Dewan", "Mahkamah", "Kementerian", "Partai", "Badan", "Bank",
    "Universitas", "Kantor", "Pasukan", "Majelis", "Perserikatan",
}  # fmt: skip
ORG_NAMES = {"Taliban", "Reuters", "TASS", "CSTO", "al Qaeda", "Al Qaeda", "NATO", "PBB"}
TITLES = {
    "Presiden", "Menteri", "Sekretaris", "Jenderal", "Penasihat", "pemimpin", "timpalannya",
    "Perdana", "Raja", "Gubernur", "Duta", "Besar", "mitra", "anggota", "parlemen", "Letnan",
}  # fmt: skip
STOP = {
    "Pada",
    "Dalam",
    "Selain",
    "Sebelumnya",
    "Tetapi",
    "Ia",
    "Seorang",
    "Ratusan",
    "Pekan",
    "Di",
}
TRIGGERS = {
    "panggilan telepon": ("CONSULT", "phone"),
    "berbicara": ("CONSULT", "phone"),
    "membahas": ("CONSULT", None),
    "pertemuan": ("CONSULT", "multilateral"),
    "sepakat": ("AGREE", None),
    "mendukung": ("SUPPORT", None),
    "dukungan": ("SUPPORT", None),
    "mobilisasi": ("MOBILIZE", "troops"),
    "memanggil pasukan cadangan": ("MOBILIZE", "troops"),
    "mundur": ("RETREAT", "withdraw"),
    "melarikan diri": ("RETREAT", "flee"),
    "penarikan": ("RETREAT", "withdraw"),
    "menangguhkan": ("RETREAT", "suspend"),
    "merebut": ("SEIZE_TERRITORY", None),
    "mengambil alih": ("SEIZE_TERRITORY", None),
    "menangkap": ("COERCE", "arrest"),
    "berperang": ("FIGHT", None),
    "serangan": ("ASSAULT", None),
    "menginvasi": ("ASSAULT", None),
    "organisasi teroris": ("DESIGNATE_TERRORIST", None),
}
TRIGGER_PATTERN = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, TRIGGERS), key=len, reverse=True)) + r")\b"
)
RIGHT_ROLE = {"SEIZE_TERRITORY": "territory", "RETREAT": "destination", "MOBILIZE": "count"}
LEFT_TYPES = ("PER", "ORG", "GPE", "NORP")
RIGHT_TYPES = {
    "recipient": LEFT_TYPES,
    "territory": ("GPE", "LOC", "FAC"),
    "destination": ("GPE", "LOC", "FAC"),
    "count": ("CARDINAL",),
}


def _type_of(words: list[str], previous: str | None) -> str | None:
    name = " ".join(words)
    if name in GPE:
        return "GPE"
    if name in LOC:
        return "LOC"
    if name in NORP:
        return "NORP"
    if name in ORG_NAMES or words[0] in ORG_HEADS or (len(name) >= 3 and name.isupper()):
        return "ORG"
    if previous in TITLES or len(words) >= 2:
        return "PER"
    return None


def capitalised_runs(article: dict) -> list[EntityMention]:
    tokens, starts, ends = article["tokens"], article["token_starts"], article["token_ends"]
    text = article["text"]
    mentions = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not (token[:1].isupper() and token not in STOP and token not in TITLES):
            index += 1
            continue
        run = index
        while (
            run + 1 < len(tokens)
            and tokens[run + 1][:1].isupper()
            and tokens[run + 1] not in TITLES
        ):
            if text[ends[run] : starts[run + 1]] != " ":
                break
            run += 1
        words = tokens[index : run + 1]
        kind = _type_of(words, tokens[index - 1] if index else None)
        if kind:
            start, end = starts[index], ends[run]
            mentions.append(EntityMention(f"e{start}", kind, start, end, text[start:end]))
        index = run + 1
    return mentions


def _pattern_mentions(text: str, pattern: re.Pattern, kind: str, taken: list[tuple[int, int]]):
    found = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if any(s < end and start < e for s, e in taken):
            continue
        taken.append((start, end))
        found.append(EntityMention(f"{kind[0].lower()}{start}", kind, start, end, match.group()))
    return found


class RulesModel(ExtractionModel):
    name = "rules"
    version = "1"

    def predict_entities(self, articles: list[dict]) -> list[list[EntityMention]]:
        results = []
        for article in articles:
            text = article["text"]
            taken: list[tuple[int, int]] = []
            mentions = _pattern_mentions(text, DATE, "DATE", taken)
            mentions += _pattern_mentions(text, CARDINAL, "CARDINAL", taken)
            for mention in capitalised_runs(article):
                if not any(s < mention.end and mention.start < e for s, e in taken):
                    taken.append((mention.start, mention.end))
                    mentions.append(mention)
            results.append(sorted(mentions, key=lambda m: m.start))
        return results

    def predict_events(self, articles, entities):
        results = []
        for article, mentions in zip(articles, entities, strict=True):
            events = []
            for match in TRIGGER_PATTERN.finditer(article["text"]):
                kind, mode = TRIGGERS[match.group(1)]
                start, end = match.span(1)
                arguments = []
                left = [m for m in mentions if m.end <= start and m.type in LEFT_TYPES]
                if left:
                    arguments.append(Argument("actor", left[-1].mention_id))
                role = RIGHT_ROLE.get(kind, "recipient")
                right = [m for m in mentions if m.start >= end and m.type in RIGHT_TYPES[role]]
                if right and role != "count":
                    arguments.append(Argument(role, right[0].mention_id))
                events.append(
                    EventMention(
                        f"t{start}",
                        kind,
                        start,
                        end,
                        match.group(1),
                        "actual",
                        mode,
                        tuple(arguments),
                    )
                )
            results.append(events)
        return results
