"""One error hierarchy. Messages say what is wrong and what to do; the CLI prints them without traceback."""

from __future__ import annotations


class AssessorError(Exception):
    """Base class; `exit_code` is what the CLI returns."""

    exit_code = 1


class InputError(AssessorError):
    """A bad input file or argument: names the file, line and key where it can."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 key: str | None = None) -> None:
        self.path, self.line, self.key = path, line, key
        where = path or ""
        if path and line is not None:
            where += f":{line}"
        prefix = f"{where}: " if where else ""
        keypart = f"{key}: " if key else ""
        super().__init__(f"{prefix}{keypart}{message}")


class PluginError(AssessorError):
    """A check plugin that fails to load or declares bad metadata; names the plugin and distribution."""

    exit_code = 2


class CatalogueError(AssessorError):
    """The bundled (or overridden) catalogue is inconsistent; a packaging bug rather than user input."""

    exit_code = 1


class MissingExtraError(AssessorError):
    exit_code = 2

    def __init__(self, module: str, extra: str) -> None:
        super().__init__(
            f"{module} is not installed; install the extra with: pip install 'ir-assessor[{extra}]'"
        )
