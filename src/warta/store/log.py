"""A Delta table's log as Warta reads it: commits, their Warta records, and checksums over both.

Warta replays the JSON commits itself (add and remove actions; Warta writes no checkpoints) so
that every commit file is checked before it is trusted. Delta's log carries no checksum, so each
commit gets two: a sidecar ``_warta/log/<n>.json.sha256`` written right after the commit, and a
chain entry in the table's next Warta record (``log_sha256``). Each record also seals itself
(``record_sha256``). The per-file SHA-256 of the data lives in the record of the commit that added
the file, so it is as atomic as the file's add action. A takedown's purge rewrites data files in
place and records it beside the log (``purgelog.py``); ``entries`` gives each file's checksum and
rows with the purges applied.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from warta.errors import StoreError
from warta.store.files import SIDECARS, seal_holds, sha256_file, write_atomic
from warta.store.purgelog import PurgeLog

RECORD_FORMAT = "warta-delta/1"
RECORD_KEY = "warta"
"""The commitInfo key (deltalake ``CommitProperties.custom_metadata``) holding the Warta record."""
LOG = "_delta_log"
COMMIT_FILE = re.compile(r"^(\d{20})\.json$")
_VERIFIED: set[tuple[str, int, int]] = set()
_PARSED: dict[Path, tuple[tuple[int, int], Commit]] = {}


def commit_name(number: int) -> str:
    return f"{number:020d}.json"


def record_log_checksum(folder: Path, number: int) -> None:
    """Write the sidecar checksum of commit ``number`` of the table in ``folder``."""
    path = folder / LOG / commit_name(number)
    sidecar = folder / SIDECARS / "log" / f"{path.name}.sha256"
    sidecar.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    write_atomic(sidecar, f"{digest}  {path.name}\n".encode())


@dataclass(frozen=True)
class DataFile:
    """One Parquet file of a version, as the commit that added it recorded it."""

    table: str
    path: Path
    name: str  # relative to the table folder, as the Delta log has it
    sha256: str | None  # None: added by a commit without a Warta record
    bytes: int
    rows: int
    prefix: str
    schema_sha256: str | None
    commit: Path  # the _delta_log file that added it
    pending: tuple[str, int] | None = None  # (sha256, rows) once an unfinished purge swaps it
    superseded: frozenset[str] = frozenset()  # its checksums before purges rewrote it

    def rows_if(self, digest: str) -> int | None:
        """The file's rows if it has this SHA-256 (its own, or an unfinished purge's); else None."""
        if digest == self.sha256:
            return self.rows
        return self.pending[1] if self.pending and digest == self.pending[0] else None

    def mismatch(self, digest: str) -> str:
        if digest in self.superseded:
            return (
                f"{self.path}: holds rows a purge took out (it is back at its checksum from before "
                "the purge)"
            )
        return f"{self.path}: checksum mismatch (the file changed after it was written)"


def check_file(entry: DataFile) -> Path:
    """The file, checked once per process against its recorded SHA-256; StoreError otherwise."""
    try:
        stat = entry.path.stat()
    except FileNotFoundError:
        raise StoreError(f"{entry.path}: listed in {entry.commit} but missing") from None
    key = (str(entry.path), stat.st_size, stat.st_mtime_ns)
    if key not in _VERIFIED:
        if entry.sha256 is None:
            raise StoreError(f"{entry.path}: no checksum recorded ({entry.commit} has no record)")
        digest = sha256_file(entry.path)
        if entry.rows_if(digest) is None:
            raise StoreError(f"{entry.mismatch(digest)}; run `warta corpus verify`")
        _VERIFIED.add(key)
    return entry.path


@dataclass(frozen=True)
class Commit:
    """One commit file of the log: its actions and its Warta record (None if it has none)."""

    number: int
    path: Path
    sha256: str
    adds: dict[str, dict]
    removes: frozenset[str]
    record: dict | None
    problem: str | None = None  # the file does not parse; nothing in it is trusted


def parse_commit(path: Path, number: int) -> Commit:
    """The commit file, parsed once per process (commit files never change once written)."""
    stat = path.stat()
    key = (stat.st_size, stat.st_mtime_ns)
    cached = _PARSED.get(path)
    if cached and cached[0] == key:
        return cached[1]
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    adds, removes, record = {}, set(), None
    try:
        for line in data.decode().splitlines():
            if not line.strip():
                continue
            action = json.loads(line)
            if "add" in action:
                adds[unquote(action["add"]["path"])] = action["add"]
            elif "remove" in action:
                removes.add(unquote(action["remove"]["path"]))
            elif "commitInfo" in action:
                record = action["commitInfo"].get(RECORD_KEY)
        if record is not None and not isinstance(record, dict):
            raise TypeError("its Warta record is not a JSON object")
        for name, add in adds.items():
            _check_add(name, add)
        if record is not None:
            _check_record(record)
        commit = Commit(number, path, digest, adds, frozenset(removes), record)
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
        problem = err.args[0] if isinstance(err, MalformedRecord) else f"unreadable ({err!r})"
        commit = Commit(number, path, digest, {}, frozenset(), None, problem)
    _PARSED[path] = (key, commit)
    return commit


class MalformedRecord(TypeError):
    """A commit that parses as JSON but not as what Warta wrote (a key missing or of a wrong type)."""


_STR, _INT, _OPT_STR = (str,), (int,), (str, type(None))
RECORD_FIELDS = {"version": _STR, "files": (dict,), "schemas": (dict,), "log_sha256": (dict,)}
VERSION_FIELDS = {
    "parent": _OPT_STR, "created_at": _STR, "content_sha256": _STR, "diff": (dict,),
    "extra": (dict,), "tables": (dict,),
}  # fmt: skip
FILE_FIELDS = {"sha256": _STR, "rows": _INT, "bytes": _INT, "prefix": _STR, "schema_sha256": _STR}


def _require(mapping: dict, fields: dict[str, tuple[type, ...]], where: str) -> None:
    for key, types in fields.items():
        value = mapping.get(key)
        if not isinstance(value, types) or isinstance(value, bool):
            got = (
                "missing"
                if key not in mapping
                else f"{type(value).__name__}, not {types[0].__name__}"
            )
            raise MalformedRecord(f"malformed: {where}{key!r} is {got}")


def _check_record(record: dict) -> None:
    """Every key a reader of the record relies on is there, with its type."""
    _require(record, RECORD_FIELDS, "Warta record ")
    for name, info in record["files"].items():
        _require(info if isinstance(info, dict) else {}, FILE_FIELDS, f"record of file {name}: ")
    if not all(isinstance(v, str) for v in record["log_sha256"].values()):
        raise MalformedRecord("malformed: Warta record 'log_sha256' holds a non-string")
    if record.get("role") == "version":
        _require(record, VERSION_FIELDS, "Warta version record ")
        diff = record["diff"]
        for kind in ("added", "removed", "changed"):
            if not (
                isinstance(diff.get(kind), list) and all(isinstance(k, str) for k in diff[kind])
            ):
                raise MalformedRecord(
                    f"malformed: Warta version record 'diff' {kind!r} is no list of ids"
                )
        if not all(isinstance(n, int) for n in record["tables"].values()):
            raise MalformedRecord("malformed: Warta version record 'tables' holds a non-number")


def _check_add(name: str, add: dict) -> None:
    if not isinstance(add.get("size", 0), int) or not isinstance(add.get("stats") or "", str):
        raise MalformedRecord(f"malformed: the add action of {name} has no size or stats")


class TableLog:
    """One table's Delta log: its commits, what is damaged, and what interrupted writes left."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.commits: list[Commit] = []
        self.damage: list[str] = []  # one line per damaged commit or sidecar file
        self.leftovers: list[str] = []
        self.unrecorded: list[int] = []  # the head, when the writer died before its sidecar
        self.purges = PurgeLog(folder)
        log = folder / LOG
        if not log.is_dir():
            return
        for path in sorted(log.iterdir()):
            match = COMMIT_FILE.match(path.name)
            if match:
                self.commits.append(parse_commit(path, int(match.group(1))))
            elif "#" in path.name or path.name.endswith(".tmp"):
                self.leftovers.append(
                    f"{path}: leftover temporary file of an interrupted commit (removed by vacuum)"
                )
        self._check()
        self.damage += self.purges.damage
        self.leftovers += self.purges.leftovers()

    def _check(self) -> None:
        sidecars = {c.number: self.sidecar_sha256(c.number) for c in self.commits}
        chained: dict[str, str] = {}
        for commit in self.commits:  # a commit whose own sidecar disagrees vouches for nothing
            trusted = sidecars[commit.number] in (None, commit.sha256)
            if commit.record and commit.problem is None and trusted:
                chained.update(commit.record.get("log_sha256", {}))
        for commit in self.commits:
            chain, sidecar = chained.get(commit.path.name), sidecars[commit.number]
            bad_chain = chain is not None and chain != commit.sha256
            bad_sidecar = sidecar is not None and sidecar != commit.sha256
            if bad_chain or (bad_sidecar and chain is None):
                self.damage.append(
                    f"{commit.path}: checksum mismatch (the Delta log changed after it was written)"
                )
            elif bad_sidecar:
                self.damage.append(
                    f"{self.sidecar(commit.number)}: checksum file damaged (its commit matches "
                    "the checksum the next commit records)"
                )
            elif commit.problem:
                self.damage.append(f"{commit.path}: {commit.problem}")
            elif commit.record is not None and not seal_holds(commit.record):
                self.damage.append(f"{commit.path}: Warta record does not match its record_sha256")
            elif chain is None and sidecar is None:
                if commit is not self.commits[-1]:
                    self.damage.append(f"{commit.path}: no checksum recorded for this commit")
                else:
                    self.unrecorded.append(commit.number)
                    self.leftovers.append(
                        f"{commit.path}: leftover: checksum not recorded (interrupted right after "
                        "the commit; vacuum records it)"
                    )

    def sidecar(self, number: int) -> Path:
        return self.folder / SIDECARS / "log" / f"{commit_name(number)}.sha256"

    def sidecar_sha256(self, number: int) -> str | None:
        try:
            return self.sidecar(number).read_text().split()[0]
        except (FileNotFoundError, IndexError, UnicodeDecodeError):
            return None

    def raise_damage(self) -> None:
        if self.damage:
            raise StoreError(f"{self.damage[0]}; run `warta corpus verify`")

    @property
    def head(self) -> int | None:
        return self.commits[-1].number if self.commits else None

    def damaged_numbers(self) -> set[int]:
        damaged = " ".join(self.damage)
        return {c.number for c in self.commits if c.path.name in damaged}

    def state(self, number: int) -> dict[str, tuple[dict, Commit]]:
        """Files in the table at Delta version ``number``: name -> (add action, adding commit)."""
        files: dict[str, tuple[dict, Commit]] = {}
        for commit in self.commits:
            if commit.number > number:
                break
            for name in commit.removes:
                files.pop(name, None)
            for name, add in commit.adds.items():
                files[name] = (add, commit)
        return files

    def entries(self, table: str, number: int) -> list[DataFile]:
        """The table's files at Delta version ``number`` with their checksums (purges applied)."""
        return [
            self._entry(table, name, add, commit)
            for name, (add, commit) in sorted(self.state(number).items())
        ]

    def every_entry(self, table: str) -> list[DataFile]:
        """Every file any commit of the table added, as the first commit adding it recorded it."""
        first: dict[str, tuple[dict, Commit]] = {}
        for commit in self.commits:
            for name, add in commit.adds.items():
                first.setdefault(name, (add, commit))
        return [self._entry(table, name, *first[name]) for name in sorted(first)]

    def _entry(self, table: str, name: str, add: dict, commit: Commit) -> DataFile:
        info = (commit.record or {}).get("files", {}).get(name, {})
        stats = json.loads(add.get("stats") or "{}")
        rows = int(info.get("rows", stats.get("numRecords", 0)))
        state = self.purges.state(name, info.get("sha256"), rows)
        return DataFile(
            table=table,
            path=self.folder / name,
            name=name,
            sha256=state.sha256,
            bytes=int(add.get("size", 0)),
            rows=state.rows,
            prefix=info.get("prefix", name.split("-", 1)[0]),
            schema_sha256=info.get("schema_sha256"),
            commit=commit.path,
            pending=state.pending,
            superseded=state.superseded,
        )

    def referenced(self) -> set[str]:
        return {name for commit in self.commits for name in commit.adds}

    def schemas(self) -> dict[str, list]:
        """Schema descriptions recorded in the log, by their SHA-256."""
        return {k: v for c in self.commits for k, v in (c.record or {}).get("schemas", {}).items()}
