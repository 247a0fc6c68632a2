"""Security of the served app (issue 7): bound to 127.0.0.1 by default, a login when one is
configured, document ids validated (never paths), and no endpoint serving a file from disk.

The real app (real services, session index) is launched in-process on a free port, as `serve`
does, and attacked over HTTP with raw request paths (no client-side normalisation).
"""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest
from pydantic import SecretStr

from assistant.config import PROJECT_ROOT, Settings

from support import free_port

pytestmark = pytest.mark.slow
PASSWD_LINE = "root:x:0:"


def _on_free_port(settings: Settings, **ui) -> Settings:
    return settings.model_copy(update={
        "ui": settings.ui.model_copy(update={"port": free_port(), **ui})
    })


@pytest.fixture(scope="module")
def served(services, settings):
    """The real app with the default host (not given here), in a thread: (url, port)."""
    from assistant.ui import launch

    assert Settings().ui.host == "127.0.0.1" and settings.ui.host == "127.0.0.1"
    run_settings = _on_free_port(settings)
    app, url = launch(services, run_settings, block=False, quiet=True)
    yield url, run_settings.ui.port
    app.close()


@pytest.fixture(scope="module")
def served_with_login(services, settings):
    from assistant.ui import launch

    run_settings = _on_free_port(settings, username="historian",
                                 password=SecretStr("correct horse"))
    app, url = launch(services, run_settings, block=False, quiet=True)
    yield url
    app.close()


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of the listening TCP sockets on ``port`` (from /proc/net/tcp{,6})."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.add(address)
    return found


def test_binds_127_0_0_1_by_default(served):
    url, port = served
    assert url.startswith(f"http://127.0.0.1:{port}")
    # 127.0.0.1 in /proc/net/tcp is 0100007F; 0.0.0.0 (every interface) would be 00000000.
    assert _listening_addresses(port) == {"0100007F"}


def test_login_required_when_configured(served_with_login):
    from gradio_client import Client

    with pytest.raises(Exception):  # noqa: B017 - any refusal: the client cannot even start
        Client(served_with_login, verbose=False, analytics_enabled=False)
    with pytest.raises(Exception):  # noqa: B017
        Client(served_with_login, auth=("historian", "wrong"), verbose=False,
               analytics_enabled=False)
    status, body = _get(served_with_login, "/gradio_api/info")
    assert status in (401, 403) and "ask" not in body

    client = Client(served_with_login, auth=("historian", "correct horse"), verbose=False,
                    analytics_enabled=False)
    result = client.predict(question="Qui était Benjamin Stolberg ?", api_name="/ask")
    assert result["citations"] and not result["refused"]


def test_no_login_without_a_password(settings):
    from assistant.ui.serve import auth_of

    assert auth_of(settings.ui) is None
    assert auth_of(settings.ui.model_copy(update={"username": "historian"})) is None


BAD_IDS = ["../../etc/passwd", "/etc/passwd", "004-017/../../../etc/passwd", "004-017\x00",
           "..", "", " 004-017", "004-017\n", "%2e%2e%2fetc%2fpasswd", "C:\\Windows\\win.ini",
           "004_7eda2118eecd96f1.txt", "manifest.json", "004-9999", "004-017" * 50]


@pytest.mark.parametrize("doc_id", BAD_IDS)
def test_document_ids_are_validated_not_paths(services, doc_id):
    assert services.document(doc_id) is None


def test_document_ids_of_other_types_find_nothing(services, corpus):
    for value in (None, 17, ["004-017"], {"id": "004-017"}, Path("/etc/passwd")):
        assert services.document(value) is None
    real = corpus.documents[10]
    assert services.document(real.id) == real  # the control: a real id is found


def _get(url: str, raw_path: str) -> tuple[int, str]:
    """GET ``raw_path`` exactly as written (http.client does not normalise '..')."""
    host, port = url.split("//", 1)[1].rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", raw_path)
        response = connection.getresponse()
        return response.status, response.read(200_000).decode("utf-8", "replace")
    finally:
        connection.close()


def _file_attacks(settings: Settings) -> list[str]:
    corpus_file = next(Path(settings.corpus.dir).glob("*.txt")).resolve()
    manifest = (Path(settings.index.path) / "manifest.json").resolve()
    project_file = (PROJECT_ROOT / "assistant" / "config.py").resolve()
    targets = ["/etc/passwd", str(corpus_file), str(manifest), str(project_file),
               "/proc/self/environ"]
    paths = []
    for target in targets:
        paths += [f"/gradio_api/file={target}", f"/file={target}",
                  f"/gradio_api/file={target.replace('/', '%2F')}"]
    paths += [
        "/gradio_api/file=../../../../../../etc/passwd",
        "/gradio_api/file=..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/static/../../../../../../etc/passwd",
        "/static/..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/assets/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/gradio_api/static/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/favicon.ico/..%2F..%2F..%2Fetc%2Fpasswd",
        f"/gradio_api/proxy=file://{corpus_file}",
        "/gradio_api/proxy=http://127.0.0.1:1/",
        "/gradio_api/file=file:///etc/passwd",
        "/gradio_api/file=http://127.0.0.1:22/",
        f"/gradio_api/file={settings.corpus.dir}/../assistant/config.py",
    ]
    return paths


def test_no_endpoint_serves_files_from_disk(served, settings, corpus):
    url, _ = served
    secrets = [PASSWD_LINE, "class Settings(BaseSettings)", '"embedder_id"',
               corpus.documents[0].paragraphs[0].text[:40]]
    for path in _file_attacks(settings):
        status, body = _get(url, path)
        leaked = [secret for secret in secrets if secret in body]
        assert not leaked, (path, status, leaked)
        assert 400 <= status < 500, (path, status)  # refused (403/404/400), not an error page


def test_the_app_still_answers_on_its_own_routes(served):
    """The control for the test above: the same server does serve its own page and API."""
    url, _ = served
    status, body = _get(url, "/")
    assert status == 200 and "<html" in body.lower()
    status, body = _get(url, "/gradio_api/info")
    assert status == 200 and "ask" in body
