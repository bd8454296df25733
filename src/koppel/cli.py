"""The `koppel` command: manage.py plus `demo` and `serve`.

koppel demo [--no-serve] [--reset] [--port 8000]   prepare the SQLite demo and serve it
koppel serve [--bind 0.0.0.0:8000] [--workers N] [--timeout S]
                                                   production server (gunicorn + whitenoise)
koppel worker                                      runs background tasks (match rounds, mail)
koppel backup [--output DIR]                       encrypted, dated archive of the database
koppel restore ARCHIVE [--yes] [--ledger FILE]     put a backup back, then erase again everyone
                                                   erased since (docs/privacy.md)
koppel <any manage.py command>                     e.g. koppel migrate, koppel createsuperuser
"""

import os
import signal
import subprocess
import sys
from pathlib import Path


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koppel.settings")
    import django

    django.setup()


def demo(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="koppel demo", description="Prepare and serve the demo programme.")
    parser.add_argument("--no-serve", action="store_true", help="only prepare the database")
    parser.add_argument("--reset", action="store_true", help="delete the demo database and start over")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)

    # The demo is the one place where MFA enforcement is off (a banner on every page says so).
    os.environ["KOPPEL_DEMO"] = "1"
    os.environ.setdefault("DEBUG", "1")
    # Links in mails and on pages (consent links, reminders) point at the port the demo serves on.
    os.environ.setdefault("SITE_URL", f"http://127.0.0.1:{args.port}")
    if "DATABASE_URL" in os.environ and not os.environ["DATABASE_URL"].startswith("sqlite"):
        print("koppel demo runs on its own SQLite database; unset DATABASE_URL.", file=sys.stderr)
        return 2
    _django_setup()
    from django.conf import settings
    from django.core.management import call_command

    # Imported once Django is set up (the demo modules need the app registry).
    from koppel.demo.load import DEMO_PASSWORD, demo_logins, load_demo
    from koppel.settings import private_sqlite_file

    db_path = settings.DATABASES["default"]["NAME"]
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    if args.reset:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(f"{db_path}{suffix}"):
                os.remove(f"{db_path}{suffix}")
        print(f"Removed {db_path}")
        # The new file is owner-only like the first one (settings made that one on start-up).
        private_sqlite_file(Path(db_path))
    call_command("migrate", interactive=False, verbosity=0)
    if load_demo():
        print("Loaded the demo programme.")
    else:
        print("The database already has data; the demo was not loaded again (use --reset to start over).")
    print()
    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in demo_logins():
        print(f"  {role:<28} {email}")
    print()
    if args.no_serve:
        return 0
    print(f"Serving on http://127.0.0.1:{args.port}/  (Ctrl+C stops)")
    # Background tasks (match rounds) run in a worker beside the web server; it stops with the demo
    # (Ctrl+C, a terminal closing, or a kill of this process: the worker watches its parent).
    worker = subprocess.Popen(  # noqa: S603 (our own interpreter and module, fixed arguments)
        [sys.executable, "-m", "koppel.cli", "worker", f"--stop-with-parent={os.getpid()}", "--no-reload"]
    )
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    try:
        call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
    return 0


def _exit_on_signal(signum, frame) -> None:
    raise SystemExit(0)


def _stop_with_parent(parent: int) -> None:
    """End this process when the process that started it is gone (the demo's worker)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def worker(argv: list[str]) -> int:
    """Run background tasks until stopped (Django's tasks framework, database backend)."""
    for arg in list(argv):
        if arg.startswith("--stop-with-parent="):
            argv.remove(arg)
            _stop_with_parent(int(arg.split("=", 1)[1]))
    _django_setup()
    from django.core.management import call_command

    call_command("db_worker", *argv)
    return 0


def serve(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="koppel serve", description="Run the production server.")
    parser.add_argument("--bind", default=os.environ.get("KOPPEL_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
    # A request that takes longer than this is cut off and its worker restarted (gunicorn's worker
    # timeout), so a hung request cannot keep a worker for good. Nothing in a request waits on the
    # mail server (mail goes through the outbox); 30 seconds leaves room for the slowest page.
    parser.add_argument(
        "--timeout",
        type=int,
        default=int(os.environ.get("KOPPEL_WORKER_TIMEOUT", "30")),
        help="seconds before a request's worker is restarted (default 30)",
    )
    args = parser.parse_args(argv)
    _django_setup()
    from django.conf import settings

    problems = production_problems(settings)
    if problems:
        for problem in problems:
            print(f"koppel serve refuses to start: {problem}", file=sys.stderr)
        return 2
    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn",
        "koppel.wsgi:application",
        "--bind",
        args.bind,
        "--workers",
        str(args.workers),
        "--timeout",
        str(args.timeout),
        "--access-logfile",
        "-",
        # Paths without query strings, link tokens masked (koppel/common/serverlogs.py).
        "--logger-class",
        "koppel.common.serverlogs.AccessLogger",
    ]
    run()
    return 0


def production_problems(settings) -> list[str]:
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG is on; set DEBUG=0.")
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY or len(settings.SECRET_KEY) < 40:
        problems.append("SECRET_KEY is the development key or too short; set a long random SECRET_KEY.")
    if settings.KOPPEL_DEMO:
        problems.append("KOPPEL_DEMO is on; the demo switches off MFA.")
    return problems


def main() -> int:
    argv = sys.argv[1:]
    if argv and argv[0] == "demo":
        return demo(argv[1:])
    if argv and argv[0] == "serve":
        return serve(argv[1:])
    if argv and argv[0] == "worker":
        return worker(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koppel.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["koppel", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
