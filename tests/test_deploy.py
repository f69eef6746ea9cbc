"""The production files in deploy/: Compose, Dockerfile, nginx, systemd units
and the settings example, checked against each other and against the code.

Nothing here needs a network or a Docker engine. ``docker compose config``
runs only where a docker client with the compose plugin is installed.
"""

import configparser
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
NGINX = DEPLOY / "nginx.conf"
ENV_EXAMPLE = DEPLOY / "carelms.env.example"
SYSTEMD = DEPLOY / "systemd"
UNITS = ("carelms-web@.service", "carelms-worker.service", "carelms-migrate.service",
         "carelms-close-expired.service", "carelms-close-expired.timer")

APP_SERVICES = ("app1", "app2", "worker", "migrate", "scheduler")  # the application image
LMS_NAME = re.compile(r"\bLMS_[A-Z0-9_]+\b")
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|KEY$")


# --- what the code defines ---------------------------------------------------

def _config_text() -> str:
    return (ROOT / "config.py").read_text(encoding="utf-8")


def known_settings() -> set[str]:
    """Every LMS_* variable the application reads: config.py's ``_env*("NAME")``
    calls and literal names, and create_app's own (LMS_CONFIG, LMS_INSTANCE_PATH)."""
    names: set[str] = set()
    for path in (ROOT / "config.py", ROOT / "lms" / "__init__.py"):
        text = path.read_text(encoding="utf-8")
        names |= {f"LMS_{name}" for name in re.findall(r'_env(?:_int|_bool)?\(\s*"([A-Z0-9_]+)"', text)}
        names |= set(re.findall(r'"(LMS_[A-Z0-9_]+)"', text))
    return names


def config_default(name: str) -> str:
    """The default config.py gives the setting ``LMS_<name>``, as text."""
    match = re.search(rf'_env(?:_int|_bool)?\(\s*"{name}"\s*,\s*"?([^")]+)"?\s*\)', _config_text())
    assert match, f"config.py has no default for LMS_{name}"
    return match.group(1).strip()


def test_known_settings_are_read_from_the_code():
    names = known_settings()
    # A broken pattern would make every name unknown (or none): pin a few.
    assert {"LMS_SECRET_KEY", "LMS_DATABASE_URL", "LMS_REDIS_URL", "LMS_TRUSTED_PROXIES",
            "LMS_JOBS_QUEUE", "LMS_CONFIG", "LMS_INSTANCE_PATH"} <= names
    assert "LMS_NO_SUCH_SETTING" not in names
    assert config_default("JOBS_QUEUE") == "carelms"
    assert config_default("MAX_UPLOAD_MB") == "10"


# --- settings example ----------------------------------------------------------

def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines, as both docker compose and systemd's EnvironmentFile= read them."""
    values = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key), f"{path.name}:{number}: not KEY=value"
        # What one reader would take literally and the other would not.
        assert not line.startswith("export "), f"{path.name}:{number}: no 'export'"
        assert not value.startswith(("'", '"')), f"{path.name}:{number}: no quotes"
        assert " #" not in value, f"{path.name}:{number}: comments on lines of their own"
        assert key not in values, f"{path.name}:{number}: {key} twice"
        values[key] = value
    return values


def test_env_example_names_only_real_settings_with_placeholder_secrets():
    values = read_env_file(ENV_EXAMPLE)
    unknown = {name for name in values if name.startswith("LMS_")} - known_settings()
    assert not unknown, f"not settings of config.py: {sorted(unknown)}"
    assert values["LMS_CONFIG"] == "production"
    assert values["LMS_TRUSTED_PROXIES"] == "1"
    assert values["LMS_JOBS_QUEUE"] == config_default("JOBS_QUEUE")
    assert values["LMS_DATABASE_URL"].startswith("postgresql+psycopg://")
    secrets = {name for name in values if SECRET_NAME.search(name)}
    assert {"LMS_SECRET_KEY", "LMS_ID_ENCRYPTION_KEY", "PGPASSWORD"} <= secrets
    for name in secrets:
        assert values[name] == "change-me", f"{name} must be a placeholder in the example"
    for name, value in values.items():
        assert not _url_with_password(value), f"{name} carries a password in its URL"


# --- docker-compose.yml --------------------------------------------------------

@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _strings(node):
    """Every key and value of a parsed YAML document, as text."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif node is not None:
        yield str(node)


def _url_with_password(text: str) -> bool:
    return bool(re.search(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", text))


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def _command(service: dict) -> list[str]:
    command = service.get("command")
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _env_files(service: dict) -> list[str]:
    files = service.get("env_file") or []
    files = [files] if isinstance(files, str | dict) else files
    return [item["path"] if isinstance(item, dict) else item for item in files]


def _depends(service: dict) -> dict[str, str]:
    depends = service.get("depends_on") or {}
    if isinstance(depends, list):
        return dict.fromkeys(depends, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in depends.items()}


def _healthcheck_text(service: dict) -> str:
    test = (service.get("healthcheck") or {}).get("test")
    assert test, "no healthcheck"
    return test if isinstance(test, str) else " ".join(test)


def test_compose_has_every_service(compose):
    services = compose["services"]
    assert {"nginx", "app1", "app2", "postgres", "redis", "worker", "migrate", "scheduler"} <= set(services)
    assert services["postgres"]["image"].split(":")[1].startswith("16")
    assert services["redis"]["image"].split(":")[1].startswith("7")


def test_app_services_run_one_image_built_from_deploy_dockerfile(compose):
    services = compose["services"]
    builds = {name: json.dumps(services[name].get("build"), sort_keys=True) for name in APP_SERVICES}
    images = {name: services[name].get("image") for name in APP_SERVICES}
    assert len(set(builds.values())) == 1, builds
    assert len(set(images.values())) == 1 and None not in images.values(), images
    build = services["app1"]["build"]
    assert (COMPOSE.parent / build["context"]).resolve() == ROOT
    assert (ROOT / build["dockerfile"]).resolve() == DOCKERFILE
    stages = set(re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", DOCKERFILE.read_text(encoding="utf-8"), re.M | re.I))
    assert build["target"] in stages
    assert services["nginx"]["build"]["target"] in stages
    assert services["nginx"]["image"] not in images.values()


def test_app_nodes_run_gunicorn_behind_one_proxy(compose):
    for name in ("app1", "app2"):
        service = compose["services"][name]
        command = _command(service)
        assert command[0] == "gunicorn" and command[-1] == "lms:create_app()"
        assert command[command.index("-w") + 1] == "2"
        assert command[command.index("-b") + 1].endswith(":8000")
        env = _environment(service)
        assert env["LMS_CONFIG"] == "production"
        assert env["LMS_TRUSTED_PROXIES"] == "1"
        assert "/healthz" in _healthcheck_text(service)


def test_app_services_reach_postgres_and_redis_and_share_the_instance_folder(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        env = _environment(services[name])
        database = urlsplit(env["LMS_DATABASE_URL"])
        assert database.scheme == "postgresql+psycopg" and database.hostname == "postgres", name
        assert database.password is None, f"{name}: the password comes from PGPASSWORD, not the URL"
        redis = urlsplit(env["LMS_REDIS_URL"])
        assert redis.scheme == "redis" and redis.hostname == "redis", name
        assert [Path(path).name for path in _env_files(services[name])] == ["carelms.env"], name
        instance = env["LMS_INSTANCE_PATH"]
        assert any(volume.split(":")[1] == instance for volume in services[name]["volumes"]), name
    # One instance volume for all: print jobs' PDFs are written by the worker, served by the nodes.
    assert len({tuple(services[name]["volumes"]) for name in APP_SERVICES}) == 1
    assert (DEPLOY / (Path(_env_files(services["app1"])[0]).name + ".example")) == ENV_EXAMPLE


def test_compose_settings_exist_in_config(compose):
    names = {match for text in _strings(compose) for match in LMS_NAME.findall(text)}
    assert names, "no LMS_* settings found in the compose file"
    unknown = names - known_settings()
    assert not unknown, f"not settings of config.py: {sorted(unknown)}"


def test_compose_holds_no_secret(compose):
    env_example = read_env_file(ENV_EXAMPLE)
    for name, service in compose["services"].items():
        for key, value in _environment(service).items():
            if SECRET_NAME.search(key):
                assert re.fullmatch(r"\$\{[A-Z0-9_]+(:?[-?][^}]*)?\}", value), f"{name}: {key} is literal"
            assert key not in {"LMS_SECRET_KEY", "LMS_ID_ENCRYPTION_KEY", "LMS_CERTS_SIGNING_KEY"}, name
    for text in _strings(compose):
        assert not _url_with_password(text), text
        assert "change-me" not in text
    # What the file interpolates ($$ is a literal dollar for the container's shell)
    # must be in the settings file handed to --env-file.
    interpolated = set(re.findall(r"(?<!\$)\$\{?([A-Za-z_][A-Za-z0-9_]*)", COMPOSE.read_text(encoding="utf-8")))
    assert interpolated <= set(env_example), interpolated - set(env_example)
    assert _environment(compose["services"]["postgres"])["POSTGRES_PASSWORD"].startswith("${PGPASSWORD")


def test_compose_start_order(compose):
    services = compose["services"]
    assert _depends(services["migrate"]) == {"postgres": "service_healthy", "redis": "service_healthy"}
    assert services["migrate"]["restart"] == "no"
    for name in ("app1", "app2", "worker", "scheduler"):
        depends = _depends(services[name])
        assert depends.get("migrate") == "service_completed_successfully", name
        assert depends.get("postgres") == "service_healthy", name
        assert depends.get("redis") == "service_healthy", name
    assert set(_depends(services["nginx"])) == {"app1", "app2"}


def test_postgres_and_redis_have_healthchecks_and_volumes(compose):
    services = compose["services"]
    assert "pg_isready" in _healthcheck_text(services["postgres"])
    assert "redis-cli" in _healthcheck_text(services["redis"])
    assert "ping" in _healthcheck_text(services["redis"])
    named = set(compose["volumes"])
    assert any(v.split(":")[0] in named and v.split(":")[1] == "/var/lib/postgresql/data"
               for v in services["postgres"]["volumes"])
    assert any(v.split(":")[0] in named for v in services["redis"]["volumes"])


def test_migrate_worker_and_scheduler_commands(compose):
    services = compose["services"]
    assert _command(services["migrate"]) == ["flask", "db", "upgrade"]
    worker = " ".join(_command(services["worker"]))
    assert re.search(r"\brq worker\b", worker)
    # The queue the app enqueues to (config.py's JOBS_QUEUE), with the same default.
    assert "LMS_JOBS_QUEUE" in worker and "LMS_REDIS_URL" in worker
    default = re.search(r"LMS_JOBS_QUEUE:-([\w-]+)", worker)
    assert default and default.group(1) == config_default("JOBS_QUEUE")
    scheduler = " ".join(_command(services["scheduler"]))
    assert "flask exams close-expired" in scheduler
    assert re.search(r"\bsleep\b.*\b60\b", scheduler), "runs every minute"


def test_nginx_service_mounts_config_and_certificates(compose):
    nginx = compose["services"]["nginx"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in nginx["volumes"]}
    assert (COMPOSE.parent / mounts["/etc/nginx/nginx.conf"]).resolve() == NGINX
    assert "/etc/nginx/certs" in mounts
    assert any(str(port).endswith(":443") for port in nginx["ports"])
    # Only nginx is reachable from outside: the nodes believe X-Forwarded-For.
    for name, service in compose["services"].items():
        if name != "nginx":
            assert "ports" not in service, name


def test_compose_config_is_valid_for_docker(tmp_path):
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client")
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip("docker has no compose plugin")
    # The services read deploy/carelms.env, the operator's own: check a copy
    # with the example in its place.
    copy = tmp_path / "deploy"
    shutil.copytree(DEPLOY, copy, ignore=shutil.ignore_patterns("carelms.env", "certs"))
    shutil.copy(ENV_EXAMPLE, copy / "carelms.env")
    result = subprocess.run(
        [docker, "compose", "--env-file", str(copy / "carelms.env"), "-f", str(copy / "docker-compose.yml"),
         "config", "-q"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# --- Dockerfile ----------------------------------------------------------------

def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    lines, current = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("#"):
            continue
        current += line.rstrip()
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        if current.strip():
            lines.append(current.strip())
        current = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_dockerfile_builds_the_app_image():
    steps = dockerfile_instructions()
    stages = [args for op, args in steps if op == "FROM"]
    app_start = max(i for i, (op, args) in enumerate(steps) if op == "FROM" and args.startswith("python:3.11-slim"))
    app = steps[app_start:]
    assert app_start == max(i for i, (op, _) in enumerate(steps) if op == "FROM"), \
        f"the application must be the last stage (the default target): {stages}"
    runs = " ".join(args for op, args in app if op == "RUN")
    system_deps = (ROOT / "scripts" / "system-deps.sh").read_text(encoding="utf-8")
    packages = re.search(r"^packages=\(([^)]*)\)", system_deps, re.M).group(1).split()
    assert {"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-noto-cjk"} <= set(packages)
    for package in packages:
        assert re.search(rf"apt-get install[^&]*\b{re.escape(package)}\b", runs), package
    assert re.search(r"\bpip install \.(\s|$)", runs)
    assert "pybabel compile -d lms/translations" in runs
    copied = " ".join(args for op, args in app if op == "COPY")
    for needed in ("config.py", "lms", "migrations", "content", "pyproject.toml"):
        assert re.search(rf"(^|\s){re.escape(needed)}(\s|$)", copied), f"{needed} is not copied"
    assert "instance" not in copied and ".venv" not in copied
    users = [args for op, args in app if op == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    env = " ".join(args for op, args in app if op == "ENV")
    assert "PYTHONPATH=/app" in env and "FLASK_APP=lms" in env


def test_dockerfile_default_command_is_the_app_nodes(compose):
    cmd = [json.loads(args) for op, args in dockerfile_instructions() if op == "CMD"][-1]
    assert cmd == _command(compose["services"]["app1"])


# --- nginx.conf ----------------------------------------------------------------

def _nginx_text() -> str:
    return "\n".join(line.split("#", 1)[0] for line in NGINX.read_text(encoding="utf-8").splitlines())


def _blocks(text: str, opening: str) -> list[str]:
    """The bodies of the blocks that start with ``opening {``."""
    bodies = []
    for start in re.finditer(re.escape(opening) + r"\s*\{", text):
        depth, index = 1, start.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            index += 1
        bodies.append(text[start.end():index - 1])
    return bodies


def _block(text: str, opening: str) -> str:
    """The body of the one block that starts with ``opening {``."""
    bodies = _blocks(text, opening)
    assert len(bodies) == 1, f"{len(bodies)} blocks {opening!r}"
    return bodies[0]


def _https_server(text: str) -> str:
    servers = [body for body in _blocks(text, "server") if re.search(r"listen\s+443\s+ssl", body)]
    assert len(servers) == 1, "one HTTPS server"
    return servers[0]


def test_nginx_proxies_both_app_nodes():
    text = _nginx_text()
    upstream_name = re.search(r"upstream\s+(\S+)\s*\{", text).group(1)
    upstream = _block(text, f"upstream {upstream_name}")
    servers = re.findall(r"^\s*server\s+(\S+)", upstream, re.M)
    assert servers == ["app1:8000", "app2:8000"]
    location = _block(_https_server(text), "location /")
    assert f"proxy_pass http://{upstream_name};" in location
    assert re.search(r"proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for;", location)
    assert re.search(r"proxy_set_header\s+X-Forwarded-Proto\s+\$scheme;", location)
    assert re.search(r"proxy_set_header\s+Host\s+\$host;", location)


def test_nginx_limits_and_timeouts_match_the_app(compose):
    text = _nginx_text()
    env = read_env_file(ENV_EXAMPLE)
    size = re.findall(r"client_max_body_size\s+(\d+)m;", text)
    assert size == [config_default("MAX_UPLOAD_MB")] == [env["LMS_MAX_UPLOAD_MB"]]
    command = _command(compose["services"]["app1"])
    gunicorn_timeout = int(command[command.index("--timeout") + 1])
    read_timeout = int(re.search(r"proxy_read_timeout\s+(\d+)s;", text).group(1))
    assert read_timeout >= gunicorn_timeout
    assert re.search(r"proxy_connect_timeout\s+\d+s;", text)
    assert re.search(r"^\s*gzip\s+on;", text, re.M)


def test_nginx_tls_and_static_files():
    text = _nginx_text()
    server = _https_server(text)
    certificates = re.findall(r"ssl_certificate(?:_key)?\s+(\S+);", server)
    assert len(certificates) == 2 and all(path.startswith("/etc/nginx/certs/") for path in certificates)
    static = _block(server, "location /static/")
    alias = re.search(r"alias\s+(\S+);", static).group(1).rstrip("/")
    copied = [args.split() for op, args in dockerfile_instructions() if op == "COPY"]
    assert ["lms/static", alias] in copied, "the static stage must copy lms/static to the alias"


def test_nginx_leaves_security_headers_to_the_app():
    from lms.core.security_headers import HEADERS

    text = _nginx_text()
    static = _block(text, "location /static/")
    app_headers = {name.lower() for name in HEADERS} | {"strict-transport-security"}
    outside_static = text.replace(static, "")
    for header in re.findall(r"add_header\s+(\S+)", outside_static):
        assert header.lower() not in app_headers, f"{header} is set by the app"


# --- systemd units -------------------------------------------------------------

class _Repeated(dict):
    """configparser keeps the last of a repeated key; systemd adds them up
    (After=, Environment=). Keep every value, one per line."""

    def __setitem__(self, key, value):
        if isinstance(value, list) and isinstance(self.get(key), list):
            self.get(key).extend(value)
        else:
            super().__setitem__(key, value)


def read_unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, dict_type=_Repeated,
                                       empty_lines_in_values=False)
    parser.optionxform = str  # keys are case-sensitive
    assert parser.read(SYSTEMD / name, encoding="utf-8"), name
    return parser


def _values(unit: configparser.ConfigParser, section: str, key: str) -> list[str]:
    return [word for line in unit.get(section, key, fallback="").splitlines() for word in shlex.split(line)]


def _unit_environment(unit: configparser.ConfigParser) -> dict[str, str]:
    return dict(item.split("=", 1) for item in _values(unit, "Service", "Environment"))


@pytest.fixture(scope="module")
def units() -> dict[str, configparser.ConfigParser]:
    assert sorted(path.name for path in SYSTEMD.iterdir()) == sorted(UNITS)
    return {name: read_unit(name) for name in UNITS}


def test_units_run_the_virtualenv_tools_from_one_checkout(units):
    expected = {
        "carelms-web@.service": ("gunicorn", None),
        "carelms-worker.service": ("rq", ["worker"]),
        "carelms-migrate.service": ("flask", ["db", "upgrade"]),
        "carelms-close-expired.service": ("flask", ["exams", "close-expired"]),
    }
    venvs, checkouts = set(), set()
    for name, (tool, args) in expected.items():
        service = units[name]["Service"]
        command = shlex.split(service["ExecStart"])
        executable = Path(command[0])
        assert executable.is_absolute() and executable.name == tool, name
        assert executable.parent.name == "bin" and executable.parent.parent.name == ".venv", name
        if args:
            assert command[1:1 + len(args)] == args, name
        venvs.add(executable.parent.parent)
        checkouts.add(Path(service["WorkingDirectory"]))
        assert Path(service["WorkingDirectory"]) / ".venv" == executable.parent.parent, name
    assert len(venvs) == 1 and len(checkouts) == 1, (venvs, checkouts)


def test_web_unit_runs_gunicorn_like_the_app_nodes(units, compose):
    command = shlex.split(units["carelms-web@.service"]["Service"]["ExecStart"])
    bind = command.index("-b")
    assert command[bind + 1] == "127.0.0.1:%i"
    assert command[-1] == "lms:create_app()"
    node = _command(compose["services"]["app1"])
    node_bind = node.index("-b")
    assert command[1:bind] + command[bind + 2:] == node[1:node_bind] + node[node_bind + 2:]


def test_units_share_settings_user_and_hardening(units):
    for name in UNITS:
        if not name.endswith(".service"):
            continue
        service = units[name]["Service"]
        env = _unit_environment(units[name])
        assert service["User"] == "carelms", name
        assert service["EnvironmentFile"] == "/etc/carelms/carelms.env", name
        assert env["FLASK_APP"] == "lms", name
        assert env["PYTHONPATH"] == service["WorkingDirectory"], name
        assert service["NoNewPrivileges"] == "yes", name
        assert service["ProtectSystem"] == "strict", name
        assert service["PrivateTmp"] == "yes", name
        assert env["LMS_INSTANCE_PATH"] in _values(units[name], "Service", "ReadWritePaths"), name
        unknown = {n for n in env if n.startswith("LMS_")} - known_settings()
        assert not unknown, f"{name}: {sorted(unknown)}"
    assert "/etc/carelms/carelms.env" in ENV_EXAMPLE.read_text(encoding="utf-8")


def test_worker_unit_listens_on_the_apps_queue(units):
    worker = units["carelms-worker.service"]
    command = shlex.split(worker["Service"]["ExecStart"])
    assert command[command.index("--url") + 1] == "${LMS_REDIS_URL}"
    assert "${LMS_JOBS_QUEUE}" in command[2:]
    assert _unit_environment(worker)["LMS_JOBS_QUEUE"] == config_default("JOBS_QUEUE")


def test_units_start_after_the_migration(units):
    migrate = units["carelms-migrate.service"]["Service"]
    assert migrate["Type"] == "oneshot"
    for name in ("carelms-web@.service", "carelms-worker.service", "carelms-close-expired.service"):
        assert "carelms-migrate.service" in _values(units[name], "Unit", "Requires"), name
        assert "carelms-migrate.service" in _values(units[name], "Unit", "After"), name


def test_close_expired_timer_runs_every_minute(units):
    timer = units["carelms-close-expired.timer"]
    assert timer.has_option("Timer", "OnCalendar") or timer.has_option("Timer", "OnUnitActiveSec")
    every_minute = {"minutely", "*-*-* *:*:00", "*:*:00", "*:0/1"}
    if timer.has_option("Timer", "OnCalendar"):
        assert timer["Timer"]["OnCalendar"] in every_minute
    else:
        assert timer["Timer"]["OnUnitActiveSec"] in {"60", "60s", "1min", "1m"}
    assert timer.get("Timer", "Unit", fallback="carelms-close-expired.service") == "carelms-close-expired.service"
    assert timer["Install"]["WantedBy"] == "timers.target"
    assert units["carelms-close-expired.service"]["Service"]["Type"] == "oneshot"


# --- README --------------------------------------------------------------------

def test_readme_names_every_deploy_file():
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for path in DEPLOY.rglob("*"):
        if path.is_file() and path.name != "README.md" and path.name != "carelms.env":
            assert path.name in readme or path.name.replace(".service", "").replace(".timer", "") in readme, \
                path.name
