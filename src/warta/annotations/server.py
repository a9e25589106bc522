"""Run a real Label Studio on loopback for annotators and tests, and reach one from the outside.

The server lives in its own virtualenv (`make ls-venv`) and is only ever spoken to over HTTP.
Facts about Label Studio 1.23.2 that shape this module are in the project's LABEL_STUDIO.md:
offline flags, the legacy admin token, and the port it silently moves away from when busy.
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Self

import requests

from warta.errors import WartaError

DEFAULT_ADMIN_EMAIL = "admin@warta.local"
DEFAULT_PORT = 8080
LOG_FILE = "label-studio.log"
SERVER_FILE = "server.json"
"""The running server's pid, port and host, kept in its data dir until it is stopped: a server
whose `warta annotate serve` was killed is recognised by the next `serve` and ended by `stop`."""
BIN_ENV = "WARTA_LABEL_STUDIO_BIN"
URL_ENV = "LABEL_STUDIO_URL"
API_KEY_ENV = "LABEL_STUDIO_API_KEY"

# Label Studio reads every setting X from LABEL_STUDIO_X, HEARTEX_X or X: none may leak in.
_DROPPED_ENV = {
    "HOST",
    "PORT",
    "USERNAME",
    "PASSWORD",
    "SECRET_KEY",
    "DJANGO_DB",
    "DJANGO_SETTINGS_MODULE",
    "PYTHONPATH",
    "PYTHONHOME",
    "VIRTUAL_ENV",
}
_DROPPED_PREFIXES = ("LABEL_STUDIO_", "HEARTEX_")
# Without these it checks PyPI, sends telemetry and reports errors to a hard-coded address.
_OFFLINE_ENV = {
    "SENTRY_DSN": "",
    "FRONTEND_SENTRY_DSN": "",
    "LATEST_VERSION_CHECK": "false",
    "COLLECT_ANALYTICS": "false",
    "FEATURE_FLAGS_OFFLINE": "true",
    "CONVERTER_DOWNLOAD_RESOURCES": "false",
    "PYTHONUNBUFFERED": "1",  # the port it really bound must reach the log before /health is up
}
_STARTED_RE = re.compile(r"Starting development server at https?://[^\s/]+:(\d+)/")
_MOVED_RE = re.compile(r"Port (\d+) is in use")
_FORM_ERROR_RE = re.compile(r'<li>([^<]+)</li>|<p class="error">\s*([^<]+?)\s*</p>')


class LabelStudioError(WartaError):
    """A Label Studio problem, told in one line that never contains a token."""


class LabelStudioNotInstalled(LabelStudioError):
    """The server's virtualenv is missing."""


class LabelStudioPortBusy(LabelStudioError):
    """Something else already listens on the requested port."""


class LabelStudioStaleServer(LabelStudioError):
    """A server an earlier command started on this data dir still runs (its command was killed)."""


class LabelStudioStartError(LabelStudioError):
    """The server exited or did not become ready in time."""


class LabelStudioUnreachable(LabelStudioError):
    """No Label Studio answers at a URL."""


class LabelStudioAuthError(LabelStudioError):
    """Label Studio answered but refused the token or the password."""


@dataclass(frozen=True)
class Annotator:
    """A Label Studio user who can log in, and their own API token."""

    user_id: int
    email: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class AdminCredentials:
    """The admin's email, password and API token, kept as 0600 files inside the data dir."""

    email: str
    password: str = field(repr=False)
    token: str = field(repr=False)

    EMAIL_FILE = "admin-email"
    PASSWORD_FILE = "admin-password"
    TOKEN_FILE = "admin-token"
    FILES = (EMAIL_FILE, PASSWORD_FILE, TOKEN_FILE)

    @classmethod
    def load_or_create(cls, data_dir: Path, email: str = DEFAULT_ADMIN_EMAIL) -> AdminCredentials:
        """Read the credentials a data dir was made with, or make up new ones for a new dir."""
        paths = [data_dir / name for name in cls.FILES]
        if all(path.is_file() for path in paths):
            return cls(*(path.read_text().strip() for path in paths))
        if (data_dir / "label_studio.sqlite3").exists():
            raise LabelStudioError(
                f"{data_dir} holds a Label Studio database but not its admin files "
                f"({', '.join(cls.FILES)}): restore them or use an empty data dir"
            )
        credentials = cls(email, secrets.token_urlsafe(18), secrets.token_hex(20))
        make_private(data_dir)
        values = (email, credentials.password, credentials.token)
        for path, value in zip(paths, values, strict=True):
            path.touch(mode=0o600)
            path.write_text(value + "\n")
        return credentials


@dataclass
class LabelStudioServer:
    """One Label Studio process on loopback, with its own data dir, admin and log file.

    The admin email, password and token only take effect on the first start with an empty data
    dir (20-24 s of migrations); later starts on the same dir, or a copy of it, take about 2-3 s.
    """

    data_dir: Path
    token: str = field(repr=False)
    username: str = DEFAULT_ADMIN_EMAIL
    password: str = field(default="", repr=False)
    port: int | None = None
    host: str = "127.0.0.1"
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _log: IO[bytes] | None = field(default=None, init=False, repr=False)
    _log_offset: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        if not ipaddress.ip_address(self.host).is_loopback:
            raise ValueError(f"Label Studio is only run on loopback here, not on {self.host}")
        if len(self.token) <= 5:
            raise ValueError("the admin token must be longer than 5 characters")

    @property
    def url(self) -> str:
        if not self.port:
            raise LabelStudioError("the server has no port yet: call start() first")
        return f"http://{self.host}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_FILE

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 60.0) -> Self:
        """Launch the server and return once it answers /health on the port asked for."""
        if self.running:
            raise LabelStudioError(f"Label Studio already runs at {self.url}")
        binary = label_studio_bin()
        if not self.password and not (self.data_dir / "label_studio.sqlite3").exists():
            # Without both email and password Label Studio silently creates no admin at all.
            raise LabelStudioError("the first start on an empty data dir needs an admin password")
        stale = recorded_server(self.data_dir)
        if stale is not None:
            raise LabelStudioStaleServer(
                f"Label Studio started earlier on {self.data_dir} still runs (pid {stale['pid']}, "
                f"http://{stale['host']}:{stale['port']}): its `warta annotate serve` was killed; "
                "`warta annotate stop` ends it"
            )
        port = self.port or _free_port(self.host)
        if _port_is_busy(self.host, port):
            raise LabelStudioPortBusy(f"port {port} is busy on {self.host}: pick another port")
        self.port = port
        make_private(self.data_dir)
        self._log = self.log_path.open("ab")
        self._log_offset = self._log.tell()
        make_private(self.data_dir)  # the log file too, and what an older version left readable
        command = [str(binary), "start", "--no-browser", "--internal-host", self.host]
        try:
            self._process = subprocess.Popen(
                [*command, "--port", str(port)],
                cwd=self.data_dir,
                env=self._environment(),
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                umask=0o077,  # its database holds the admin token: no one else reads it
            )
            _write_private(
                self.data_dir / SERVER_FILE,
                json.dumps({"pid": self._process.pid, "port": port, "host": self.host}),
            )
            self._wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """End the server's whole process group (SIGTERM, then SIGKILL) and wait for it."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if process is not None:
            (self.data_dir / SERVER_FILE).unlink(missing_ok=True)
        if self._log is not None:
            self._log.close()
            self._log = None

    def last_log_lines(self, count: int = 3) -> str:
        """The end of this run's log on one line, without /health noise or the token."""
        with self.log_path.open("rb") as log:
            log.seek(self._log_offset)
            text = log.read().decode("utf-8", errors="replace")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        lines = [line for line in lines if "/health" not in line]
        return " | ".join(lines[-count:]).replace(self.token, "***") or "(empty)"

    def __enter__(self) -> Self:
        return self if self.running else self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in _DROPPED_ENV and not key.startswith(_DROPPED_PREFIXES)
        }
        env.update(_OFFLINE_ENV)
        env.update(
            LABEL_STUDIO_BASE_DATA_DIR=str(self.data_dir.resolve()),
            LABEL_STUDIO_USERNAME=self.username,
            LABEL_STUDIO_PASSWORD=self.password,
            LABEL_STUDIO_USER_TOKEN=self.token,
            LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true",
            LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK="true",
        )
        return env

    def _wait_until_ready(self, timeout: float) -> None:
        # Ready means: the log says it bound OUR port, and /health on that port says UP. Checking
        # the log too keeps us from mistaking another server that grabbed the port for ours.
        assert self._process is not None
        deadline = time.monotonic() + timeout
        with requests.Session() as http:
            http.trust_env = False
            while True:
                log = self._read_log()
                moved = _MOVED_RE.search(log)
                started = _STARTED_RE.search(log)
                if moved or (started and int(started.group(1)) != self.port):
                    raise LabelStudioPortBusy(
                        f"port {self.port} is busy on {self.host}: Label Studio wanted to move "
                        "to another port, so it was stopped"
                    )
                if self._process.poll() is not None:
                    raise LabelStudioStartError(
                        f"Label Studio exited with code {self._process.returncode} before it was "
                        f"ready on {self.host}:{self.port}; last log lines: {self.last_log_lines()}"
                    )
                if started and _is_healthy(http, self.url):
                    return
                if time.monotonic() > deadline:
                    raise LabelStudioStartError(
                        f"Label Studio did not become ready on {self.host}:{self.port} within "
                        f"{timeout:.0f} s; last log lines: {self.last_log_lines()}"
                    )
                time.sleep(0.1)

    def _read_log(self) -> str:
        with self.log_path.open("rb") as log:
            log.seek(self._log_offset)
            return log.read().decode("utf-8", errors="replace")


def make_private(folder: Path) -> None:
    """The data dir and everything in it readable by its owner only (0700 folders, 0600 files):
    the database holds the admin token in plain text."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o700 if path.is_dir() else 0o600)


def _write_private(path: Path, text: str) -> None:
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        handle.write(text + "\n")


def recorded_server(data_dir: Path) -> dict | None:
    """The server recorded in the data dir if it still runs (its pid alive and Label Studio's);
    a record of one that is gone is removed."""
    path = Path(data_dir) / SERVER_FILE
    try:
        record = json.loads(path.read_text())
        pid = int(record["pid"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)  # a record cut short: its server cannot be told
        return None
    if _is_label_studio(pid):
        return {"pid": pid, "port": record.get("port"), "host": record.get("host", "127.0.0.1")}
    path.unlink(missing_ok=True)
    return None


def _is_label_studio(pid: int) -> bool:
    """Whether the pid runs Label Studio (not a pid reused since, nor a zombie: no cmdline)."""
    proc = Path("/proc")
    if proc.is_dir():
        try:
            return b"label-studio" in (proc / str(pid) / "cmdline").read_bytes()
        except OSError:
            return False
    try:  # no /proc here: an alive pid is taken as the server
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def stop_recorded_server(data_dir: Path, timeout: float = 10.0) -> dict | None:
    """End the server recorded in the data dir (`warta annotate stop`): SIGTERM to its process
    group, SIGKILL after ``timeout``. Returns its record, or None if none runs."""
    record = recorded_server(data_dir)
    if record is None:
        return None
    pid = record["pid"]
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _is_label_studio(pid) and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.1)
        if _is_label_studio(pid):
            os.killpg(pid, signal.SIGKILL)
    (Path(data_dir) / SERVER_FILE).unlink(missing_ok=True)
    return record


def _reap(pid: int) -> None:
    """Collect the exit of a server that is this process's own child (a zombie otherwise)."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def label_studio_bin() -> Path:
    """The `label-studio` executable: $WARTA_LABEL_STUDIO_BIN, else the repository's .venv-ls."""
    from warta.repository import Repository

    configured = os.environ.get(BIN_ENV)
    if configured:
        binary = Path(configured)
    else:
        try:
            venv = Repository.find().labelstudio_venv
        except WartaError as err:
            raise LabelStudioNotInstalled(f"{err}; or set {BIN_ENV}") from None
        binary = venv / "bin" / "label-studio"
        # The Makefile touches .installed last: a half-made virtualenv is not an installation.
        if not (venv / ".installed").exists():
            raise LabelStudioNotInstalled(
                f"Label Studio is not installed: run `make ls-venv` (no {venv}/.installed)"
            )
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        raise LabelStudioNotInstalled(
            f"Label Studio is not installed: run `make ls-venv` (no executable at {binary})"
        )
    return binary


def check_connection(url: str, token: str, timeout: float = 5.0) -> int:
    """Check that Label Studio answers at url and accepts token; return the token's user id."""
    from label_studio_sdk import LabelStudio
    from label_studio_sdk.core.api_error import ApiError

    url = url.rstrip("/")
    try:
        health = requests.get(f"{url}/health", timeout=timeout)
    except requests.RequestException:
        raise LabelStudioUnreachable(
            f"no Label Studio answers at {url}: is `warta annotate serve` running?"
        ) from None
    if health.status_code != 200:
        raise LabelStudioUnreachable(
            f"{url} answers but not like Label Studio (/health gave {health.status_code}): "
            "is it the right URL?"
        )
    try:
        user = LabelStudio(base_url=url, api_key=token, timeout=timeout).users.whoami()
    except ApiError as error:
        if error.status_code in (401, 403):
            raise LabelStudioAuthError(
                f"Label Studio at {url} refused the token ({error.status_code}): "
                f"check {API_KEY_ENV}"
            ) from None
        raise LabelStudioError(
            f"Label Studio at {url} failed to tell who the token belongs to ({error.status_code})"
        ) from None
    return int(user.id)


def log_in(url: str, email: str, password: str) -> requests.Session:
    """Log in through Label Studio's login form, as a browser would; return the session."""
    url = url.rstrip("/")
    http = requests.Session()
    response = _submit_form(http, f"{url}/user/login/", email=email, password=password)
    if response.status_code != 302:
        raise LabelStudioAuthError(
            f"Label Studio at {url} refused the login of {email}: {_form_errors(response.text)}"
        )
    return http


def add_annotator(url: str, admin_token: str, email: str, password: str) -> Annotator:
    """Sign a new user up through the organisation's invite link and fetch their own API token.

    Users made with the users API cannot log in; a signed-up user is a real one.
    """
    from label_studio_sdk import LabelStudio

    url = url.rstrip("/")
    check_connection(url, admin_token)
    invite = LabelStudio(base_url=url, api_key=admin_token).organizations.invites.get_invite_link()
    with requests.Session() as http:
        response = _submit_form(http, f"{url}{invite.invite_url}", email=email, password=password)
    if response.status_code != 302:
        detail = _form_errors(response.text) if response.ok else f"HTTP {response.status_code}"
        raise LabelStudioError(f"Label Studio at {url} did not sign up {email}: {detail}")
    with log_in(url, email, password) as http:
        response = http.get(f"{url}/api/current-user/token", timeout=10)
        if response.status_code != 200:
            # Legacy tokens are off for this organisation: make a personal access token instead.
            csrf = {"X-CSRFToken": http.cookies["csrftoken"]}
            response = http.post(f"{url}/api/token/", headers=csrf, timeout=10)
        if not response.ok:
            raise LabelStudioError(
                f"Label Studio at {url} gave no API token to {email} ({response.status_code})"
            )
        token = response.json()["token"]
    user_id = check_connection(url, token)
    return Annotator(user_id=user_id, email=email, token=token)


def serve_forever(
    data_dir: Path,
    port: int = DEFAULT_PORT,
    admin_email: str = DEFAULT_ADMIN_EMAIL,
    timeout: float = 120.0,
    echo: Callable[[str], object] = print,
) -> None:
    """Run Label Studio for annotators until Ctrl-C or SIGTERM: `warta annotate serve`."""
    data_dir = Path(data_dir)
    credentials = AdminCredentials.load_or_create(data_dir, admin_email)
    server = LabelStudioServer(
        data_dir, credentials.token, credentials.email, credentials.password, port=port
    )
    first_start = not (data_dir / "label_studio.sqlite3").exists()
    echo(
        f"Starting Label Studio on {server.host}:{port}"
        + (" (first start on a new data dir: about 25 s)" if first_start else "")
    )
    token_file = data_dir / AdminCredentials.TOKEN_FILE
    password_file = data_dir / AdminCredentials.PASSWORD_FILE
    # A plain `kill` of this process must not orphan the server in its own session.
    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:
        previous_handler = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        # Ctrl-C stops it even when a shell started it with SIGINT ignored (a background job of
        # a non-interactive shell: CI runners, `cmd &` in a script), which Python then keeps.
        previous_interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with server:
            try:
                check_connection(server.url, credentials.token)
            except LabelStudioAuthError:
                raise LabelStudioAuthError(
                    f"the admin token in {token_file} is not the one {data_dir} was made with"
                ) from None
            echo(f"Label Studio runs at {server.url} (data in {data_dir}); Ctrl-C stops it.")
            echo(f"Log in as {credentials.email}; the password is in {password_file}")
            echo("For warta's annotation commands, in another shell:")
            echo(f"  export {URL_ENV}={server.url}")
            echo(f'  export {API_KEY_ENV}="$(cat {token_file})"')
            while server.running:
                time.sleep(0.5)
            raise LabelStudioError(
                f"Label Studio stopped on its own; last log lines: {server.last_log_lines()}"
            )
    except KeyboardInterrupt:
        echo("Label Studio stopped.")
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous_handler)
            signal.signal(signal.SIGINT, previous_interrupt)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _port_is_busy(host: str, port: int) -> bool:
    # Label Studio itself probes with connect(); binding also catches listeners on 0.0.0.0.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        if sock.connect_ex((host, port)) == 0:
            return True
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def _is_healthy(http: requests.Session, url: str) -> bool:
    try:
        response = http.get(f"{url}/health", timeout=2)
        return response.status_code == 200 and response.json() == {"status": "UP"}
    except (requests.RequestException, ValueError):
        return False


def _submit_form(http: requests.Session, page: str, **fields: str) -> requests.Response:
    """GET a Django form page for its CSRF cookie, then POST the fields back; no redirects."""
    http.get(page, timeout=10).raise_for_status()
    fields["csrfmiddlewaretoken"] = http.cookies["csrftoken"]
    return http.post(page, data=fields, allow_redirects=False, timeout=30)


def _form_errors(page: str) -> str:
    matches = _FORM_ERROR_RE.findall(page)
    errors = [html.unescape(" ".join(filter(None, match)).strip()) for match in matches]
    return "; ".join(errors) or "the form was refused without a message"
