"""A throwaway PostgreSQL cluster on 127.0.0.1, for the history tests and the history benchmark (no pytest here).

`initdb` + `pg_ctl` from the binaries on PATH, in /usr/local/bin or /usr/lib/postgresql/*/bin; trust auth, a free
port, the socket in a temp folder. PostgreSQL refuses to run as root, so under root it runs as `postgres` (or
`nobody`). Everything is removed when the context ends.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


class ClusterError(RuntimeError):
    """The binaries are missing or the cluster would not start; the message says why (with the server log)."""


def pg_bindir() -> Path | None:
    candidates = [os.path.dirname(p) for p in (shutil.which("pg_ctl"),) if p]
    candidates += ["/usr/local/bin", *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for folder in candidates:
        if all(os.access(os.path.join(folder, exe), os.X_OK) for exe in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as(user: str | None, args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, user=user, check=False, timeout=120)
    if done.returncode != 0:
        raise ClusterError(f"{Path(args[0]).name} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def _unprivileged_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    return None


def _start(bindir: Path, user: str | None, base: Path, durable: bool, settings: tuple[str, ...]) -> int:
    """Start the server on a free port and return the port. The port is picked just before the start; a start that
    fails (another process may have taken the port in between) is tried twice more, each time on a new port."""

    def start_on_a_free_port() -> int:
        port = _free_port()
        options = [f"-p {port}", f"-k {base}", "-c listen_addresses=127.0.0.1",
                   *([] if durable else ["-c fsync=off"]), *(f"-c {s}" for s in settings)]
        _run_as(user, [str(bindir / "pg_ctl"), "-D", str(base / "data"), "-l", str(base / "server.log"), "-w",
                       "-t", "60", "-o", " ".join(options), "start"])
        return port

    for _ in range(2):
        with contextlib.suppress(ClusterError):
            return start_on_a_free_port()
    return start_on_a_free_port()


@contextlib.contextmanager
def throwaway_cluster(*, durable: bool = False, settings: tuple[str, ...] = ()) -> Iterator[str]:
    """Start a cluster and yield its admin URL (postgresql://postgres@127.0.0.1:PORT/postgres).

    `durable=False` turns fsync off (tests); the benchmark keeps it on so its figures are a real server's.
    """
    bindir = pg_bindir()
    if bindir is None:
        raise ClusterError("PostgreSQL binaries (initdb, pg_ctl, postgres) not found on PATH, in /usr/local/bin or "
                           "/usr/lib/postgresql/*/bin")
    user = _unprivileged_user()
    base = Path(tempfile.mkdtemp(prefix="ir-pg-"))
    if user is not None:
        os.chown(base, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
    data = base / "data"
    try:
        _run_as(user, [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                       "--no-sync"])
        port = _start(bindir, user, base, durable, settings)
    except (ClusterError, subprocess.TimeoutExpired) as exc:
        log = base / "server.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise ClusterError(f"could not start a throwaway PostgreSQL from {bindir}: {exc}\n{tail}") from None
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(ClusterError, subprocess.TimeoutExpired):
            _run_as(user, [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(base, ignore_errors=True)
