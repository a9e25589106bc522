"""Real Label Studio servers for tests: one slow template data dir per session, a copy per test."""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from warta.annotations.server import (
    AdminCredentials,
    Annotator,
    LabelStudioServer,
    add_annotator,
    check_connection,
)

FIXTURE_FILE = "warta-fixture.json"
ANNOTATOR_EMAIL = "annotator2@warta.local"


@dataclass(frozen=True)
class LiveLabelStudio:
    """A running server with two users: the admin and a second annotator who can log in."""

    server: LabelStudioServer
    admin: AdminCredentials
    admin_id: int
    annotator: Annotator
    annotator_password: str

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def admin_token(self) -> str:
        return self.admin.token


@pytest.fixture(scope="session")
def label_studio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir made by one first start (20-24 s of migrations), with a second user signed up.

    The admin's email, password and token are made up for this session only.
    """
    data_dir = tmp_path_factory.mktemp("label-studio-template")
    admin = AdminCredentials.load_or_create(data_dir)
    annotator_password = secrets.token_urlsafe(12)
    with LabelStudioServer(data_dir, admin.token, admin.email, admin.password).start(120) as server:
        admin_id = check_connection(server.url, admin.token)
        annotator = add_annotator(server.url, admin.token, ANNOTATOR_EMAIL, annotator_password)
    record = {
        "admin_id": admin_id,
        "annotator": {"user_id": annotator.user_id, "email": annotator.email},
        "annotator_token": annotator.token,
        "annotator_password": annotator_password,
    }
    (data_dir / FIXTURE_FILE).write_text(json.dumps(record, indent=2))
    return data_dir


@pytest.fixture
def label_studio_data_dir(label_studio_template: Path, tmp_path: Path) -> Path:
    """A private copy of the template data dir: starting on it takes about 2-3 s."""
    return Path(shutil.copytree(label_studio_template, tmp_path / "label-studio"))


@pytest.fixture
def label_studio(label_studio_data_dir: Path) -> Iterator[LiveLabelStudio]:
    """A fresh server on a free port, stopped after the test."""
    record = json.loads((label_studio_data_dir / FIXTURE_FILE).read_text())
    admin = AdminCredentials.load_or_create(label_studio_data_dir)
    server = LabelStudioServer(label_studio_data_dir, admin.token, admin.email, admin.password)
    with server.start(timeout=60):
        yield LiveLabelStudio(
            server=server,
            admin=admin,
            admin_id=record["admin_id"],
            annotator=Annotator(**record["annotator"], token=record["annotator_token"]),
            annotator_password=record["annotator_password"],
        )
