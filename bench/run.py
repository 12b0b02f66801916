"""`make bench`: the portal's speed measured through real HTTP, never part of `make test`.

1. a database of its own (PostgreSQL, dropped and re-created) and Redis;
2. the data set (`manage.py bench_data`: 1,500 territories, 3 years of adhésions, 100 issues with
   20,000 articles, 5,000 subscribers, and the events app's own data when it has a bench module);
3. gunicorn in production mode (DEBUG=0, whitenoise), loaded by wrk from a separate process: each
   page's requests/s and latency, and a static file of the same size from the same stack (the
   ceiling), each page as a ratio of it;
4. in-process figures: search p50/p95, PDF rendering, the staff dashboard, reminders dispatched by one
   worker, query counts;
5. bench/results.md, and a non-zero exit if a correctness count is wrong.
"""

import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DB_NAME = os.environ.get("BENCH_DB", "anpp_bench")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DURATION = os.environ.get("BENCH_DURATION", "8s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "8")
BENCH_DIR = BASE_DIR / "bench"
STATIC_ROOT = BENCH_DIR / "tmp" / "static"
MEDIA_ROOT = BENCH_DIR / "tmp" / "media"


def env(**extra) -> dict:
    environment = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": REDIS,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(STATIC_ROOT),
        "MEDIA_ROOT": str(MEDIA_ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "anpp_portal.settings",
    }
    environment.update(extra)
    return environment


ENV = env()


def run(*args, environment=None, **kwargs):
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.run(args, cwd=BASE_DIR, env=environment or ENV, check=True, **kwargs)


def manage(*args, capture=False, environment=None):
    result = run(PYTHON, "manage.py", *args, capture_output=capture, text=True, environment=environment)
    return result.stdout if capture else None


def prepare_database(name=DB_NAME, data_args=(), environment=None):
    run("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name)
    run("createdb", "-h", "127.0.0.1", "-U", "postgres", name)
    manage("migrate", "--noinput", "-v0", environment=environment)
    started = time.monotonic()
    manage("bench_data", "--force", *data_args, environment=environment)
    # What autovacuum would do minutes after a bulk load: planner statistics and a visibility map,
    # so the measured plans are those of a production database, not of empty tables.
    run("psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-d", name, "-c", "VACUUM ANALYZE")
    return time.monotonic() - started


# The same pages at about 10 rows of everything: a query count that grows with the rows is an N+1.
SMALL_DB_NAME = f"{DB_NAME}_small"
SMALL_DATA_ARGS = (
    "--territories=10",
    "--issues=1",
    "--articles-per-issue=10",
    "--subscribers=10",
    "--events=10",
    "--registrations=40",
)


def query_counts(environment=None) -> dict:
    result = run(
        PYTHON, str(BENCH_DIR / "query_counts.py"), capture_output=True, text=True, environment=environment
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def query_count_rows() -> list[tuple]:
    small_env = {**ENV, "DATABASE_URL": f"{PG}/{SMALL_DB_NAME}"}
    prepare_database(SMALL_DB_NAME, SMALL_DATA_ARGS, environment=small_env)
    small, big = query_counts(small_env), query_counts()
    small_pages = {page["label"]: page for page in small["pages"]}
    rows = []
    for page in big["pages"]:
        few = small_pages.get(page["label"])
        if few is None:
            continue
        rows.append(
            (page["label"], few["rows"], few["queries"], page["rows"], page["queries"], page["status"])
        )
    return rows


def start_gunicorn():
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "anpp_portal.wsgi",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            os.environ.get("BENCH_WORKERS", "3"),
            "--access-logfile",
            "/dev/null",
        ],
        cwd=BASE_DIR,
        env=ENV,
        start_new_session=True,
    )
    for _ in range(60):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/sante/", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


def fetch(path: str, cookie: str = "") -> bytes:
    return fetch_with_headers(path, cookie)[0]


def fetch_with_headers(path: str, cookie: str = ""):
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": cookie} if cookie else {}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        if response.url != request.full_url:
            # wrk would count a redirect (to the login page, say) as a success: measure nothing false.
            raise SystemExit(f"{path} redirected to {response.url}: the bench would measure another page")
        return response.read(), response.headers


def wrk(path: str, cookie: str = "", duration: str = DURATION) -> dict:
    args = [
        "wrk",
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{duration}",
        "--timeout",
        "10s",
        "-s",
        str(BENCH_DIR / "report.lua"),
    ]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*args, f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def in_process_figures() -> dict:
    """Figures measured inside one Django process (one worker's view of the work)."""
    result = subprocess.run(
        [PYTHON, str(BENCH_DIR / "in_process.py")], cwd=BASE_DIR, env=ENV, capture_output=True, text=True
    )
    sys.stderr.write(result.stderr[-4000:])
    if result.returncode != 0:
        raise SystemExit(f"in-process measurements failed:\n{result.stdout}\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def import_figures() -> dict:
    """The import of 1,000 territories and 3,000 people from spreadsheets (bench/imports.py)."""
    result = subprocess.run(
        [PYTHON, str(BENCH_DIR / "imports.py")], cwd=BASE_DIR, env=ENV, capture_output=True, text=True
    )
    sys.stderr.write(result.stderr[-4000:])
    if result.returncode != 0:
        raise SystemExit(f"import measurements failed:\n{result.stdout}\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


IMPORTS_SECTION = "Import de tableurs (1 000 territoires, 3 000 personnes)"


def main():
    (BENCH_DIR / "tmp").mkdir(exist_ok=True)
    started = time.monotonic()
    generation = prepare_database(data_args=os.environ.get("BENCH_DATA_ARGS", "").split())
    shutil.rmtree(STATIC_ROOT, ignore_errors=True)
    manage("collectstatic", "--noinput", "-v0")
    figures = in_process_figures()
    counts = query_count_rows()
    loggedin = loggedin_pages()
    pages = [
        ("Accueil `/`", "/", ""),
        ("Archive `/publications/`", "/publications/", ""),
        ("Numéro `/publications/100/`", "/publications/100/", ""),
        ("Recherche `?q=contrat`", "/publications/recherche/?q=contrat", ""),
        *[(label, path, "") for label, path in figures.get("extra_pages", [])],
    ]
    # The ceiling: for each page, a static file of that page's size served by the same
    # gunicorn/whitenoise (written before gunicorn starts: whitenoise indexes files at startup).
    sizes = figures["page_sizes"]
    static_size = int(statistics.median(sizes.values()))
    (STATIC_ROOT / "bench").mkdir(parents=True, exist_ok=True)
    write_static_files({static_size, *sizes.values()})
    write_static_files(page["size"] for page in loggedin["pages"])
    gunicorn = start_gunicorn()
    rows = []
    try:
        ceiling = wrk(f"/static/bench/reference-{static_size}.txt")
        loggedin_rows = measure_loggedin(loggedin)
        for label, path, cookie in pages:
            page_ceiling = wrk(f"/static/bench/reference-{sizes.get(path, static_size)}.txt")
            # The first request renders the page (a page cache miss for anonymous visitors); wrk
            # then measures what every later visitor gets, served from the page cache if it was stored.
            first_started = time.perf_counter()
            body, _headers = fetch_with_headers(path, cookie)
            first_ms = (time.perf_counter() - first_started) * 1000
            size = len(body)
            cache_state = fetch_with_headers(path, cookie)[1].get("X-Page-Cache") or "—"
            result = wrk(path, cookie)
            result["first_ms"], result["cache"] = first_ms, cache_state
            result["static_rps"] = page_ceiling["rps"]
            result["ratio"] = result["rps"] / page_ceiling["rps"] if page_ceiling["rps"] else 0
            rows.append((label, path, size, result, bool(cookie)))
        burst = registration_burst() if (BASE_DIR / "events" / "bench.py").exists() else None
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
    if burst:
        figures["sections"]["Rafale d'inscriptions (HTTP, PostgreSQL)"] = burst["entries"]
        figures.setdefault("correctness_failures", []).extend(burst["failures"])
    slowest = profile_slowest(loggedin_rows)
    # Last: the 1,000 territories and 3,000 people it adds would change what the pages above measure.
    imports = import_figures()
    figures["sections"][IMPORTS_SECTION] = imports["entries"]
    figures.setdefault("correctness_failures", []).extend(imports["failures"])
    write_results(
        generation,
        ceiling,
        static_size,
        rows,
        figures,
        counts,
        time.monotonic() - started,
        loggedin=(loggedin_rows, slowest),
    )
    failures = figures.get("correctness_failures", [])
    if failures:
        print("Correctness failures:", *failures, sep="\n- ")
        raise SystemExit(1)


def write_static_files(sizes) -> None:
    """Static files of the given sizes, for whitenoise to serve (it indexes them when gunicorn starts)."""
    (STATIC_ROOT / "bench").mkdir(parents=True, exist_ok=True)
    for size in set(sizes):
        (STATIC_ROOT / "bench" / f"reference-{size}.txt").write_text("x" * size)


def loggedin_pages() -> dict:
    """The pages of a territory's person and of staff, their sizes and the two session cookies
    (bench/loggedin_pages.py)."""
    result = run(PYTHON, str(BENCH_DIR / "loggedin_pages.py"), capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_loggedin(loggedin: dict, duration: str = DURATION) -> list[tuple]:
    """Each logged-in page under wrk with its person's session cookie, right after a static file of
    its own size: (label, path, bytes, figures)."""
    rows = []
    for page in loggedin["pages"]:
        cookie = loggedin["cookies"][page["who"]]
        page_ceiling = wrk(f"/static/bench/reference-{page['size']}.txt", duration=duration)
        first_started = time.perf_counter()
        body, _headers = fetch_with_headers(page["path"], cookie)
        first_ms = (time.perf_counter() - first_started) * 1000
        # Every worker's first requests of a page build what a process keeps (templates, the
        # questionnaire): a second of load, not measured, so the figures are those of a running site.
        wrk(page["path"], cookie, duration="1s")
        result = wrk(page["path"], cookie, duration=duration)
        result["first_ms"] = first_ms
        result["static_rps"] = page_ceiling["rps"]
        result["static_p50_ms"] = page_ceiling["p50_ms"]
        result["ratio"] = result["rps"] / page_ceiling["rps"] if page_ceiling["rps"] else 0
        rows.append((page["label"], page["path"], page["who"], len(body), result))
        print(
            f"{page['path']}: {result['ratio']:.3f} ({result['rps']:.0f} / {page_ceiling['rps']:.0f} req/s)"
        )
    return rows


def profile_slowest(loggedin_rows) -> dict:
    """Where the time of the logged-in page furthest from its static file goes (cProfile, in process)."""
    label, path, who, _size, _figures = min(loggedin_rows, key=lambda row: row[4]["ratio"])
    result = run(
        PYTHON, str(BENCH_DIR / "loggedin_pages.py"), "--profile", path, who, capture_output=True, text=True
    )
    return {"label": label, **json.loads(result.stdout.strip().splitlines()[-1])}


LOGGEDIN_TARGET = 0.1


def loggedin_lines(loggedin_rows, slowest) -> list[str]:
    lines = [
        "| Page | Who | Bytes | 1st ms | req/s | p50 ms | p99 ms | Static req/s | Static p50 ms | Ratio to static | Target | Errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    who_names = {"member": "référent (adhérent)", "staff": "équipe"}
    for label, _path, who, size, f in loggedin_rows:
        mark = "✔" if f["ratio"] >= LOGGEDIN_TARGET else "✘"
        lines.append(
            f"| {label} | {who_names[who]} | {size:,} | {f['first_ms']:.0f} | {f['rps']:.0f} | {f['p50_ms']:.1f} | "
            f"{f['p99_ms']:.1f} | {f['static_rps']:.0f} | {f['static_p50_ms']:.1f} | {f['ratio']:.3f} {mark} | "
            f"≥ {LOGGEDIN_TARGET} | {f['errors'] + f['non2xx']} |"
        )
    if slowest:
        lines += [
            "",
            f"Where the time of the slowest page goes ({slowest['label']}, `{slowest['path']}`): "
            f"rendered in process (cProfile, 30 requests, the page cache on as under gunicorn), "
            f"{slowest['median_ms']:.1f} ms a request unprofiled, {slowest['queries']} SQL queries taking "
            f"{slowest['sql_ms']:.1f} ms together.",
            "",
            "| Part (cumulative, a request) | Time |",
            "|---|---:|",
            *[f"| {name} | {value} |" for name, value in slowest["parts"]],
            "",
            "| Function (own time, a request) | Time | Calls |",
            "|---|---:|---:|",
            *[f"| `{name}` | {value} | {calls} |" for name, value, calls in slowest["own_time"]],
        ]
    return lines


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def loggedin_only():
    """`python bench/run.py loggedin`: only the logged-in pages, on a smaller data set (about two
    minutes), printed with the load average of the machine; bench/results.md is left alone.
    BENCH_KEEP_DATA=1 measures the data set already in the database again."""
    (BENCH_DIR / "tmp").mkdir(exist_ok=True)
    if os.environ.get("BENCH_KEEP_DATA") != "1":
        prepare_database(data_args=LOGGEDIN_DATA_ARGS)
        shutil.rmtree(STATIC_ROOT, ignore_errors=True)
        manage("collectstatic", "--noinput", "-v0")
    loggedin = loggedin_pages()
    write_static_files(page["size"] for page in loggedin["pages"])
    load_before = load_average()
    gunicorn = start_gunicorn()
    try:
        rows = measure_loggedin(loggedin, duration=os.environ.get("BENCH_LOGGEDIN_DURATION", "2s"))
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
    load_after = load_average()
    slowest = profile_slowest(rows) if os.environ.get("BENCH_PROFILE", "1") == "1" else None
    print("\n".join(loggedin_lines(rows, slowest)))
    print(f"Load average (1, 5, 15 min) before: {load_before}; after: {load_after}")


# A smaller data set for the quick run, with the same size of what the measured pages show: an
# event of about 330 registrations, 100 issues, 3 years of adhésions (of 300 territories, not 1,500).
LOGGEDIN_DATA_ARGS = (
    "--territories=300",
    "--subscribers=10",
    "--events=6",
    "--registrations=2000",
)


def registration_burst() -> dict:
    """500 people submit the registration form of a 200-seat event at once, through gunicorn.

    The load comes from one asyncio loop (50 requests in flight, each on its own connection, as
    gunicorn's sync workers close it after the response), with the requests encoded beforehand, so
    that on these 2-core machines the load generator takes as little as possible of the CPU the
    server needs (its CPU time per request is reported), as wrk does for the page measurements."""
    import asyncio
    import urllib.parse

    sys.path.insert(0, str(BASE_DIR))
    from events.bench import BURST_CAPACITY, BURST_COUNTS_SNIPPET, BURST_PEOPLE, burst_sessions_snippet

    setup = json.loads(manage("shell", "-c", burst_sessions_snippet(), capture=True).strip().splitlines()[-1])
    path = f"/evenements/{setup['slug']}/inscription/"
    csrf = "b" * 32  # an unmasked CSRF secret, the same in the cookie and the form
    clients = int(os.environ.get("BENCH_BURST_CLIENTS", "50"))

    def encoded(person) -> bytes:
        number = person["email"].split("@")[0]
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": csrf,
                "territory": "",
                "participants-TOTAL_FORMS": "1",
                "participants-INITIAL_FORMS": "0",
                "participants-MIN_NUM_FORMS": "1",
                "participants-MAX_NUM_FORMS": "50",
                "participants-0-first_name": "Personne",
                "participants-0-last_name": number,
                "participants-0-email": person["email"],
                "participants-0-function": "technicien",
                "participants-0-days": str(setup["day"]),
            }
        ).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n"
            f"Cookie: {person['cookie']}; csrftoken={csrf}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        return head.encode() + body

    requests = [encoded(person) for person in setup["people"]]

    async def submit(request: bytes, slots: asyncio.Semaphore) -> tuple[float, int]:
        async with slots:
            started = time.perf_counter()
            reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
            writer.write(request)
            status_line = await reader.readline()
            await reader.read()  # until gunicorn closes the connection: the whole response
            elapsed = time.perf_counter() - started
            writer.close()
            return elapsed, int(status_line.split()[1])

    async def burst():
        slots = asyncio.Semaphore(clients)
        return await asyncio.gather(*(submit(request, slots) for request in requests))

    server_before = server_cpu_seconds()
    started, client_cpu = time.perf_counter(), time.process_time()
    results = asyncio.run(burst())
    client_cpu = time.process_time() - client_cpu
    elapsed = time.perf_counter() - started
    server = {name: spent - server_before.get(name, 0) for name, spent in server_cpu_seconds().items()}
    latencies = sorted(r[0] for r in results)
    statuses = [r[1] for r in results]
    counts = json.loads(manage("shell", "-c", BURST_COUNTS_SNIPPET, capture=True).strip().splitlines()[-1])
    errors = sum(1 for s in statuses if s != 302)
    failures = []
    if counts["confirmed"] != BURST_CAPACITY:
        failures.append(f"burst: {counts['confirmed']} confirmed, expected {BURST_CAPACITY}")
    if counts["waiting"] != BURST_PEOPLE - BURST_CAPACITY:
        failures.append(f"burst: {counts['waiting']} waiting, expected {BURST_PEOPLE - BURST_CAPACITY}")
    if errors:
        failures.append(f"burst: {errors} requests did not end in a redirect to the registration")
    if counts["emails"] != BURST_PEOPLE:
        failures.append(f"burst: {counts['emails']} emails recorded, expected {BURST_PEOPLE}")
    return {
        "entries": [
            [
                "Tentatives simultanées",
                f"{len(results)} ({clients} clients à la fois), {BURST_CAPACITY} places",
            ],
            ["Débit", f"{len(results) / elapsed:.0f} inscriptions/s ({elapsed:.1f} s en tout)"],
            [
                "Latence p50 / p95 / p99",
                " / ".join(
                    f"{statistics.quantiles(latencies, n=100)[q - 1] * 1000:.0f} ms" for q in (50, 95, 99)
                ),
            ],
            ["Confirmés / en attente / erreurs", f"{counts['confirmed']} / {counts['waiting']} / {errors}"],
            ["Emails enregistrés (confirmation ou attente)", str(counts["emails"])],
            ["CPU du client de charge", f"{client_cpu * 1000 / len(results):.2f} ms par inscription"],
            [
                "CPU du serveur (gunicorn + PostgreSQL)",
                f"{sum(server.values()) * 1000 / len(results):.1f} ms par inscription "
                f"(gunicorn {server['gunicorn'] * 1000 / len(results):.1f}, "
                f"PostgreSQL {server['postgres'] * 1000 / len(results):.1f}) : au plus "
                f"{os.cpu_count() * len(results) / (sum(server.values()) or 1):.0f} inscriptions/s "
                f"sur {os.cpu_count()} cœurs",
            ],
        ],
        "failures": failures,
    }


def server_cpu_seconds() -> dict[str, float]:
    """CPU time (user + system) spent so far by the gunicorn processes and by PostgreSQL's, from
    /proc: a process that ended in between is not counted (gunicorn's workers and PostgreSQL's
    backends live through the burst)."""
    spent = {"gunicorn": 0.0, "postgres": 0.0}
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        kind = "postgres" if name == "postgres" else "gunicorn" if b"gunicorn" in command else None
        if kind:
            spent[kind] += (int(fields[11]) + int(fields[12])) / ticks
    return spent


def write_results(generation, ceiling, static_size, rows, figures, counts, total, loggedin):
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True
    ).stdout.strip()
    # The results file itself does not count: it is what this run writes.
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", ".", ":(exclude)bench/results.md"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    ).stdout.strip()
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit `{commit}`{' (with uncommitted changes)' if dirty else ''}",
        f"- Machine: {os.cpu_count()} cores; PostgreSQL and Redis on the same machine; gunicorn "
        f"{os.environ.get('BENCH_WORKERS', '3')} workers, DEBUG=0; wrk 1 thread, {CONNECTIONS} connections, {DURATION} per URL",
        f"- Data set generated in {generation:.0f} s; whole run {total:.0f} s",
        "",
        "## Pages through HTTP (gunicorn + whitenoise), as a ratio of a static file of the same size",
        "",
        "Each page is compared with a static file of its own size, served by the same stack in the same "
        "run, measured just before it (*Static req/s*). For reference, a static file of the median page "
        f"size ({static_size:,} bytes): **{ceiling['rps']:.0f} req/s**, p50 {ceiling['p50_ms']:.1f} ms, "
        f"p95 {ceiling['p95_ms']:.1f} ms, p99 {ceiling['p99_ms']:.1f} ms.",
        "",
        "Anonymous public pages are served from the page cache (anpp_portal/pagecache.py) after their "
        "first rendering, which the column *1st render* times (one request, the cache empty for that page); "
        "*Page cache* is what the second request got. Logged-in pages have their own table below.",
        "",
        "| Page | Bytes | 1st render ms | Page cache | req/s | p50 ms | p95 ms | p99 ms | Static req/s | Ratio to static | Target | Errors |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, _path, size, f, logged_in in rows:
        target = 0.1 if logged_in else 0.5
        mark = "✔" if f["ratio"] >= target else "✘"
        lines.append(
            f"| {label} | {size:,} | {f['first_ms']:.0f} | {f['cache']} | {f['rps']:.0f} | {f['p50_ms']:.1f} | {f['p95_ms']:.1f} | {f['p99_ms']:.1f} | "
            f"{f['static_rps']:.0f} | {f['ratio']:.2f} {mark} | ≥ {target} | {f['errors'] + f['non2xx']} |"
        )
    loggedin_rows, slowest = loggedin
    lines += [
        "",
        "## Logged-in pages through HTTP, as a ratio of a static file of the same size",
        "",
        "Every GET page a territory's person (the référent of a member territory) or a staff member "
        "uses, requested by wrk with that person's session cookie, each right after a static file of "
        "its own size (*Static req/s*). Pages for a logged-in person are never cached whole: the "
        "parts every visitor shares (an event's programme and seat counts, an issue's table of "
        "contents…) are fragments kept until their content changes; the person's own part is "
        "rendered for them, or kept for them alone (their rights on the territory, their "
        "registrations). Each page is warmed for a second before it is measured. Load average when "
        "the table was written: "
        f"{load_average()}.",
        "",
        *loggedin_lines(loggedin_rows, slowest),
    ]
    lines += ["", "## Measured in one process", ""]
    for section, entries in figures["sections"].items():
        lines += [f"### {section}", "", "| Measure | Value |", "|---|---|"]
        lines += [f"| {name} | {value} |" for name, value in entries]
        lines.append("")
    lines += [
        "## SQL queries of the list pages, at about 10 rows and at the benchmark's size",
        "",
        "Each page rendered once in process (page cache off), as the person who would see it; admin "
        "lists show 100 rows a page. The tests also pin these counts at two sizes "
        "(django_assert_max_num_queries).",
        "",
        "| Page | Rows (small) | Queries | Rows (benchmark) | Queries | Constant |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, few_rows, few_queries, many_rows, many_queries, status in counts:
        same = "✔" if many_queries <= few_queries else f"✘ (+{many_queries - few_queries})"
        flag = "" if status == 200 else f" (HTTP {status})"
        lines.append(
            f"| {label}{flag} | {few_rows} | {few_queries} | {many_rows} | {many_queries} | {same} |"
        )
    lines.append("")
    failures = figures.get("correctness_failures", [])
    lines += [
        "## Correctness",
        "",
        "All counts as expected." if not failures else "\n".join(f"- ✘ {f}" for f in failures),
        "",
    ]
    (BENCH_DIR / "results.md").write_text("\n".join(lines))
    print("\n".join(lines))


def burst_only():
    """`python bench/run.py burst`: only the registration burst, on a small data set (about a minute),
    printed with the load average of the machine; bench/results.md is left alone."""
    (BENCH_DIR / "tmp").mkdir(exist_ok=True)
    prepare_database(data_args=SMALL_DATA_ARGS)
    shutil.rmtree(STATIC_ROOT, ignore_errors=True)
    manage("collectstatic", "--noinput", "-v0")
    load_before = os.getloadavg()
    gunicorn = start_gunicorn()
    try:
        burst = registration_burst()
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
    load_after = os.getloadavg()
    for name, value in burst["entries"]:
        print(f"{name}: {value}")
    print(
        f"Load average (1, 5, 15 min) before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}; "
        f"after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} ({os.cpu_count()} cores)"
    )
    if burst["failures"]:
        print("Correctness failures:", *burst["failures"], sep="\n- ")
        raise SystemExit(1)


def imports_only():
    """`python bench/run.py imports`: only the import of spreadsheets, on the small data set, printed;
    bench/results.md is left alone."""
    (BENCH_DIR / "tmp").mkdir(exist_ok=True)
    prepare_database(data_args=SMALL_DATA_ARGS)
    imports = import_figures()
    for name, value in imports["entries"]:
        print(f"{name}: {value}")
    print(f"Load average: {load_average()}")
    if imports["failures"]:
        print("Correctness failures:", *imports["failures"], sep="\n- ")
        raise SystemExit(1)


if __name__ == "__main__":
    if sys.argv[1:] == ["burst"]:
        burst_only()
    elif sys.argv[1:] == ["imports"]:
        imports_only()
    elif sys.argv[1:] == ["loggedin"]:
        loggedin_only()
    else:
        main()
