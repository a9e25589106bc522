"""`warta annotate ...` and `warta corpus stats` as an annotator runs them, on a real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict

import pytest

from tests.annotations.test_roundtrip import annotation_a, annotation_b, repo  # noqa: F401 (fixture)
from warta.annotations.bridge import Connection, project_by_title
from warta.store import VersionedStore

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]


def warta(root, token, url, *args):
    env = {**os.environ, "LABEL_STUDIO_URL": url, "LABEL_STUDIO_API_KEY": token}
    return subprocess.run(
        [sys.executable, "-m", "warta", "--root", str(root), *args],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip


def write_annotation(path, doc) -> None:
    data = {
        "doc_id": doc.doc_id,
        "entities": [{**asdict(m), "id": m.mention_id} for m in doc.entities],
        "events": [{**asdict(e), "id": e.event_id} for e in doc.events],
    }
    path.write_text(json.dumps(data), encoding="utf-8")


def test_push_upload_pull_agreement_stats_from_the_cli(repo, label_studio, tmp_path):  # noqa: F811
    url, admin, other = label_studio.url, label_studio.admin_token, label_studio.annotator.token
    (article,) = (
        VersionedStore.for_corpus(repo.corpus_versions).latest().read("articles").to_pylist()
    )
    pushed = warta(repo.root, admin, url, "annotate", "push", "--model", "rules")
    assert pushed.returncode == 0, pushed.stderr
    assert "imported 1 document(s) of corpus v0001 with predictions of rules-2" in pushed.stdout
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    write_annotation(first, annotation_a(article))
    write_annotation(second, annotation_b(article))
    assert warta(repo.root, other, url, "annotate", "upload", str(second)).returncode == 0
    done = warta(repo.root, admin, url, "annotate", "upload", str(first))
    assert done.returncode == 0 and "created annotation" in done.stdout, done.stderr
    again = warta(repo.root, admin, url, "annotate", "upload", str(first))
    assert "you annotated it already" in again.stdout  # never twice
    preview = warta(repo.root, admin, url, "annotate", "pull", "--dry-run")
    assert preview.returncode == 0 and "conflict" in preview.stdout and "dry run" in preview.stdout
    assert not (repo.gold_dir / "documents").exists()
    agreement = warta(repo.root, admin, url, "annotate", "agreement")
    assert agreement.returncode == 0 and "token kappa" in agreement.stdout
    assert "blind double annotation: 1 document(s)" in agreement.stdout
    (written,) = (repo.annotations_dir / "agreement").glob("*.json")
    body = json.loads(written.read_text())
    assert body["pairs"][0]["entity_f1_strict"]["tp"] == 2
    assert body["pooled"]["measures"]["entities (span and type)"]["ci_low"] is None  # one unit
    # the adjudicator flags one in Label Studio; then pull writes the gold
    connection = Connection(url, admin)
    client = connection.client()
    project = project_by_title(connection, "Warta gold")
    (task,) = client.tasks.list(project=project.id, fields="all")
    theirs = label_studio.annotator.user_id
    mine = next(a for a in client.annotations.list(id=task.id) if a.completed_by != theirs)
    client.annotations.update(id=mine.id, ground_truth=True)
    pulled = warta(repo.root, admin, url, "annotate", "pull")
    assert pulled.returncode == 0 and "wrote gold snapshot v0001" in pulled.stdout, pulled.stderr
    stats = json.loads(warta(repo.root, admin, url, "corpus", "stats", "--json").stdout)
    assert (
        stats["gold"]["test"]["entities: PER"] == 3
        and stats["gold"]["test"]["events: CONSULT"] == 1
    )
    assert stats["gold"]["test"]["arguments: recipient"] == 1
    assert "configs:" in (repo.root / "README.md").read_text()


def test_annotate_errors_are_one_line_without_the_token(repo, tmp_path):  # noqa: F811
    secret = "s3cret-token-value"
    done = warta(repo.root, secret, "http://127.0.0.1:9", "annotate", "push")
    assert done.returncode == 1 and "no Label Studio answers at http://127.0.0.1:9" in done.stderr
    assert secret not in done.stderr + done.stdout and len(done.stderr.strip().splitlines()) == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    done = warta(repo.root, secret, "http://127.0.0.1:9", "annotate", "upload", str(bad))
    assert done.returncode == 1 and f"{bad}: not an annotation file" in done.stderr
