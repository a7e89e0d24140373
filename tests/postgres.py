"""A real PostgreSQL server for the tests.

``QUIZZER_TEST_POSTGRES`` (an admin URL such as postgresql://postgres@localhost/postgres)
names an existing server. Otherwise a private, throw-away cluster is started with
the PostgreSQL binaries found on the machine (Debian's ``postgresql`` package, which
.ci/run installs), listening only on a Unix socket in a temporary folder. When
neither is possible the PostgreSQL tests are skipped with the reason.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

__all__ = ["PostgresServer", "start_server"]


class PostgresServer:
    def __init__(self, admin_url: str, stop=None) -> None:
        self.admin_url = admin_url
        self._stop = stop

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = f"quizzer_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self._dsn(self.admin_url), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        from sqlalchemy.engine import make_url

        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    @staticmethod
    def _dsn(url: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    def stop(self) -> None:
        if self._stop:
            self._stop()


def _binaries() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(versions[-1]).parent if versions else None


def _as_user(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the 'postgres' user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def start_server() -> tuple[PostgresServer | None, str]:
    """A server and '' or None and the reason no server could be had."""
    if os.environ.get("QUIZZER_TEST_POSTGRES"):
        return PostgresServer(os.environ["QUIZZER_TEST_POSTGRES"]), ""
    try:
        import psycopg
    except ImportError:
        return None, "psycopg is not installed (pip install '.[test]')"
    bin_dir = _binaries()
    if bin_dir is None:
        return None, "no PostgreSQL server binaries (apt-get install postgresql; .ci/run does)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return None, "running as root without runuser to drop to the postgres user"
    base = Path(tempfile.mkdtemp(prefix="quizzer-pg-"))
    data, socket_dir = base / "data", base / "socket"
    socket_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(socket_dir, "postgres")
    run = lambda argv: subprocess.run(_as_user(argv), check=True, capture_output=True, text=True)  # noqa: E731
    try:
        run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        run([str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(base / "log"), "-o",
             f"-k {socket_dir} -c listen_addresses='' -c fsync=off -c max_connections=50", "start"])
    except (subprocess.CalledProcessError, OSError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        return None, f"could not start a PostgreSQL cluster: {detail.strip()[:300]}"

    def stop() -> None:
        subprocess.run(_as_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)

    # wait until it accepts connections
    url = f"postgresql+psycopg://postgres@/postgres?host={socket_dir}"
    server = PostgresServer(url, stop)
    for _ in range(50):
        try:
            import psycopg

            with psycopg.connect(f"postgresql://postgres@/postgres?host={socket_dir}"):
                return server, ""
        except Exception:
            time.sleep(0.1)
    stop()
    return None, "the PostgreSQL cluster started but did not accept connections"
