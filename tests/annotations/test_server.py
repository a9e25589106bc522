"""A real Label Studio, started and stopped on loopback: nothing about the server is mocked."""

from __future__ import annotations

import contextlib
import os
import secrets
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest
import requests
from label_studio_sdk import LabelStudio

from tests.conftest import LiveLabelStudio
from warta.annotations import server as server_module
from warta.annotations.server import (
    AdminCredentials,
    LabelStudioAuthError,
    LabelStudioNotInstalled,
    LabelStudioPortBusy,
    LabelStudioServer,
    LabelStudioUnreachable,
    check_connection,
    label_studio_bin,
    log_in,
)

LABEL_CONFIG = """
<View>
  <Labels name="label" toName="text">
    <Label value="PER"/>
    <Label value="LOC"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>
"""
TEXTS = ["Joko Widodo meresmikan jalan tol di Medan.", "Banjir melanda Jakarta Utara."]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_project(client: LabelStudio) -> list[int]:
    project = client.projects.create(title="Warta server test", label_config=LABEL_CONFIG)
    imported = client.projects.import_tasks(
        id=project.id, request=[{"text": text} for text in TEXTS], return_task_ids=True
    )
    return list(imported.task_ids)


@pytest.mark.labelstudio
@pytest.mark.slow
def test_server_answers_health_on_loopback(label_studio: LiveLabelStudio) -> None:
    assert label_studio.url.startswith("http://127.0.0.1:")
    response = requests.get(f"{label_studio.url}/health", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"status": "UP"}
    assert check_connection(label_studio.url, label_studio.admin_token) == label_studio.admin_id


@pytest.mark.labelstudio
@pytest.mark.slow
def test_sdk_creates_a_project_and_imports_tasks(label_studio: LiveLabelStudio) -> None:
    client = LabelStudio(base_url=label_studio.url, api_key=label_studio.admin_token)
    task_ids = make_project(client)
    assert len(task_ids) == 2
    project_id = client.tasks.get(task_ids[0]).project
    assert [task.data["text"] for task in client.tasks.list(project=project_id)] == TEXTS


@pytest.mark.labelstudio
@pytest.mark.slow
def test_wrong_token_is_an_auth_error_that_hides_the_token(label_studio: LiveLabelStudio) -> None:
    wrong = secrets.token_hex(20)
    with pytest.raises(LabelStudioAuthError, match="refused the token \\(401\\)") as caught:
        check_connection(label_studio.url, wrong)
    assert wrong not in str(caught.value)
    assert "LABEL_STUDIO_API_KEY" in str(caught.value)


def test_nothing_listening_is_unreachable_quickly() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    token = secrets.token_hex(20)
    started = time.monotonic()
    with pytest.raises(LabelStudioUnreachable, match="warta annotate serve") as caught:
        check_connection(url, token)
    assert time.monotonic() - started < 2
    assert url in str(caught.value)
    assert token not in str(caught.value)


def test_missing_binary_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WARTA_LABEL_STUDIO_BIN", str(tmp_path / "label-studio"))
    with pytest.raises(LabelStudioNotInstalled, match="run `make ls-venv`"):
        label_studio_bin()


@pytest.mark.labelstudio
@pytest.mark.slow
def test_second_annotator_annotates_as_themselves(label_studio: LiveLabelStudio) -> None:
    annotator = label_studio.annotator
    assert annotator.user_id != label_studio.admin_id
    with log_in(label_studio.url, annotator.email, label_studio.annotator_password) as browser:
        whoami = browser.get(f"{label_studio.url}/api/current-user/whoami", timeout=5).json()
    assert whoami["id"] == annotator.user_id

    admin = LabelStudio(base_url=label_studio.url, api_key=label_studio.admin_token)
    task_id = make_project(admin)[0]
    as_annotator = LabelStudio(base_url=label_studio.url, api_key=annotator.token)
    region = {
        "id": "r1",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": 0, "end": 11, "text": TEXTS[0][:11], "labels": ["PER"]},
    }
    annotation = as_annotator.annotations.create(id=task_id, result=[region], lead_time=2.0)
    assert annotation.completed_by == annotator.user_id

    exported = admin.projects.exports.as_json(admin.tasks.get(task_id).project)
    (task,) = [task for task in exported if task["id"] == task_id]
    assert [a["completed_by"] for a in task["annotations"]] == [annotator.user_id]
    assert task["annotations"][0]["result"] == [region]


@pytest.mark.labelstudio
@pytest.mark.slow
def test_stop_ends_the_process(label_studio: LiveLabelStudio) -> None:
    pid, url = label_studio.server.pid, label_studio.url
    assert pid is not None
    label_studio.server.stop()
    assert not label_studio.server.running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/health", timeout=2)
    with pytest.raises(LabelStudioUnreachable):
        check_connection(url, label_studio.admin_token)


@pytest.mark.labelstudio
@pytest.mark.slow
def test_busy_port_fails_before_launch(label_studio: LiveLabelStudio, tmp_path: Path) -> None:
    port = label_studio.server.port
    token, password = secrets.token_hex(20), secrets.token_urlsafe(12)
    other = LabelStudioServer(tmp_path / "other", token, password=password, port=port)
    with pytest.raises(LabelStudioPortBusy, match=f"port {port} is busy"):
        other.start()
    assert not other.running


@pytest.mark.labelstudio
@pytest.mark.slow
def test_busy_port_found_late_stops_the_server(
    label_studio_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A port taken between our check and Label Studio's own: it would silently move to the next.
    monkeypatch.setattr(server_module, "_port_is_busy", lambda host, port: False)
    admin = AdminCredentials.load_or_create(label_studio_data_dir)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        server = LabelStudioServer(label_studio_data_dir, admin.token, port=port)
        with pytest.raises(LabelStudioPortBusy, match=f"port {port} is busy"):
            server.start(timeout=60)
    assert not server.running


def read_until(stream: IO[bytes], marker: bytes, timeout: float) -> bytes:
    """Read a child's output until marker appears, it ends, or timeout passes."""
    output, deadline = b"", time.monotonic() + timeout
    while marker not in output and time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], deadline - time.monotonic())
        chunk = os.read(stream.fileno(), 4096) if ready else b""
        if not chunk:
            break
        output += chunk
    return output


@pytest.mark.labelstudio
@pytest.mark.slow
def test_serve_forever_prints_where_and_stops_on_ctrl_c(label_studio_data_dir: Path) -> None:
    """Also when the shell that started it ignores SIGINT (a background job of a non-interactive
    shell, as CI runs it): the child inherits that, and Ctrl-C must still stop the server."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    code = (
        "import sys; from pathlib import Path; from warta.annotations.server import serve_forever; "
        "serve_forever(Path(sys.argv[1]), int(sys.argv[2]))"
    )
    command = [sys.executable, "-u", "-c", code, str(label_studio_data_dir), str(port)]
    serve = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # as `cmd &` does
    )
    assert serve.stdout is not None
    try:
        output = read_until(serve.stdout, b"LABEL_STUDIO_API_KEY", timeout=60)
        assert check_connection(url, AdminCredentials.load_or_create(label_studio_data_dir).token)
        serve.send_signal(signal.SIGINT)
        # Read up to its last line, then poll for its exit: in the full suite, wait() and
        # communicate() have hung on a process that had already exited (returncode 0).
        output += read_until(serve.stdout, b"Label Studio stopped.", timeout=150)
        deadline = time.monotonic() + 60
        while serve.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        if serve.poll() is None:
            serve.terminate()
            serve.wait(30)
    text = output.decode()
    assert serve.returncode == 0, text
    assert f"export LABEL_STUDIO_URL={url}\n" in text
    assert f'export LABEL_STUDIO_API_KEY="$(cat {label_studio_data_dir}/admin-token)"' in text
    assert AdminCredentials.load_or_create(label_studio_data_dir).token not in text
    assert text.rstrip().endswith("Label Studio stopped.")
    with pytest.raises(LabelStudioUnreachable):
        check_connection(url, "any-token")


@pytest.mark.labelstudio
def test_the_data_dir_is_private_to_its_owner(label_studio_data_dir: Path) -> None:
    """The database holds the admin token in plain text: 0700 folders and 0600 files, also for a
    data dir an older Warta left readable and for what the server writes while it runs."""
    label_studio_data_dir.chmod(0o755)
    (label_studio_data_dir / "label_studio.sqlite3").chmod(0o644)
    admin = AdminCredentials.load_or_create(label_studio_data_dir)
    server = LabelStudioServer(label_studio_data_dir, admin.token, admin.email, admin.password)
    with server.start(timeout=60):
        client = LabelStudio(base_url=server.url, api_key=admin.token)
        make_project(client)  # the server writes to its database and media folders
        paths = [label_studio_data_dir, *label_studio_data_dir.rglob("*")]
        modes = {p.relative_to(label_studio_data_dir).as_posix(): p.stat().st_mode & 0o777
                 for p in paths if not p.is_symlink()}  # fmt: skip
    assert modes["."] == 0o700 and modes["label_studio.sqlite3"] == 0o600
    assert modes["admin-token"] == 0o600 and modes["server.json"] == 0o600
    shared = {name: oct(mode) for name, mode in modes.items() if mode & 0o077}
    assert shared == {}, f"readable by others: {shared}"


@pytest.mark.labelstudio
@pytest.mark.slow
def test_a_server_orphaned_by_a_killed_serve_is_recognised_and_stop_ends_it(
    label_studio_data_dir: Path,
) -> None:
    port = free_port()
    code = (
        "import sys; from pathlib import Path; from warta.annotations.server import serve_forever; "
        "serve_forever(Path(sys.argv[1]), int(sys.argv[2]))"
    )
    command = [sys.executable, "-u", "-c", code, str(label_studio_data_dir), str(port)]
    serve = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    record = None
    try:
        assert serve.stdout is not None
        assert b"LABEL_STUDIO_API_KEY" in read_until(serve.stdout, b"LABEL_STUDIO_API_KEY", 60)
        record = server_module.recorded_server(label_studio_data_dir)
        assert record is not None and record["port"] == port
        serve.kill()  # SIGKILL: `serve` cannot stop its server, which runs in its own session
        serve.wait(30)
        url = f"http://127.0.0.1:{port}"
        assert check_connection(url, AdminCredentials.load_or_create(label_studio_data_dir).token)
        warta = [sys.executable, "-m", "warta", "annotate"]
        folder = ["--data-dir", str(label_studio_data_dir)]
        again = subprocess.run(
            [*warta, "serve", *folder, "--port", str(free_port())],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert again.returncode == 1 and "Traceback" not in again.stderr
        assert again.stderr.strip() == (
            f"error: Label Studio started earlier on {label_studio_data_dir} still runs (pid "
            f"{record['pid']}, {url}): its `warta annotate serve` was killed; `warta annotate "
            "stop` ends it"
        )
        stop = subprocess.run([*warta, "stop", *folder], capture_output=True, text=True, timeout=60)
        assert stop.returncode == 0, stop.stderr
        assert stop.stdout.strip() == f"stopped Label Studio (pid {record['pid']}, {url})"
        with pytest.raises(LabelStudioUnreachable):
            check_connection(url, "any-token")
        assert server_module.recorded_server(label_studio_data_dir) is None
        stop = subprocess.run([*warta, "stop", *folder], capture_output=True, text=True, timeout=60)
        assert stop.stdout.strip() == f"no Label Studio runs on {label_studio_data_dir}"
    finally:
        if serve.poll() is None:
            serve.kill()
        if record is not None:
            with contextlib.suppress(ProcessLookupError):
                if server_module.recorded_server(label_studio_data_dir) is not None:
                    os.killpg(record["pid"], signal.SIGKILL)
