"""The adjudication of annotator1 and annotator2 on wrt-fd09ad9a1571522e, as reviewable edits.

Entities: both passes agree on every span and type (170 of 170); cluster ids differ only in naming,
so annotator1's ids are kept. Events: annotator1's pass is the base, and each disagreement is
settled below with the guideline rule that decides it (see adjudication.md). Run from the repo
root: it writes annotations/passes/adjudicated.json.
"""

import json
from pathlib import Path

HERE = Path(__file__).parent
A = json.loads((HERE / "annotator1.json").read_text())
B = json.loads((HERE / "annotator2.json").read_text())
TEXT = {e["start"]: e["text"] for e in A["entities"]}


def mention_at(doc, start):
    return next(e["id"] for e in doc["entities"] if e["start"] == start)


def event_at(doc, start):
    return next(v for v in doc["events"] if v["trigger_start"] == start)


def args(doc, *pairs):
    return [{"role": role, "mention_id": mention_at(doc, start)} for role, start in pairs]


gold = json.loads(json.dumps(A))
events = {v["trigger_start"]: v for v in gold["events"]}

# 1. CONSULT in the TASS story: the subject (or the first of "X dan Y") is the actor, the "dengan"
#    party the recipient (guidelines v2, 3.3); a date on the reporting verb is not the call's time.
for start, (putin, rahmon) in {49: (32, 42), 211: (190, 290), 361: (190, 290), 555: (574, 290)}.items():
    events[start]["arguments"] = args(gold, ("actor", putin), ("recipient", rahmon))
# 2. Not events: concern about a situation (no actor it is directed at), a standing deployment.
for start in (1548, 3430):
    del events[start]
# 3. Arguments taken from annotator2: the designation's place belongs to "dilarang"; the ban has the
#    ruling's date; the US war's other party is named in the same sentence.
events[1953]["arguments"] = [a for a in events[1953]["arguments"] if a["role"] != "place"]
events[2009]["arguments"].append({"role": "time", "mention_id": mention_at(gold, 1914)})
events[5256]["arguments"].append({"role": "recipient", "mention_id": mention_at(gold, 5331)})
# 4. A specific (long) war is one event that happened: actual, not generic (guidelines v2, 3.4).
for v in events.values():
    if v["type"] == "FIGHT" and v["realis"] == "generic":
        v["realis"] = "actual"
gold["events"] = sorted(events.values(), key=lambda v: v["trigger_start"])
(HERE / "adjudicated.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n")
print(f"{len(gold['entities'])} entities, {len(gold['events'])} events")
