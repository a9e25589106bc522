"""The one exception family every Warta command turns into a single clear line."""


class WartaError(Exception):
    """A failure the user can act on; its message names the file, record and problem."""


class InputError(WartaError):
    """A source file or record that cannot be ingested or imported."""

    def __init__(self, source: str, problem: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.problem = problem
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {problem}")

    def __reduce__(self):  # crosses process boundaries from ingest workers intact
        return (type(self), (self.source, self.problem, self.line))


class InputProblems(InputError):
    """A file with problems, every one listed as its own ``InputError`` (``file:line: problem``)."""

    def __init__(self, source: str, problems: list[InputError], what: str = "file") -> None:
        self.problems = problems
        self.what = what
        super().__init__(
            source, f"{len(problems)} problem(s) in the {what}:\n{listed_problems(problems)}"
        )

    def __reduce__(self):
        return (type(self), (self.source, self.problems, self.what))


class StoreError(WartaError):
    """A versioned store that is locked, damaged or asked for a version it does not have."""


MAX_LISTED_PROBLEMS = 20


def listed_problems(problems: list, limit: int = MAX_LISTED_PROBLEMS) -> str:
    """Problems one per indented line, the first ``limit`` of them, then how many more."""
    lines = "\n".join(f"  {p}" for p in problems[:limit])
    more = len(problems) - limit
    return lines + (f"\n  ... and {more} more" if more > 0 else "")


class ListedProblems(WartaError):
    """Several problems of one file, all listed (one per line) under a summary naming the file."""

    def __init__(self, path, problems: list, summary: str) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: {summary}:\n{listed_problems(problems)}")
