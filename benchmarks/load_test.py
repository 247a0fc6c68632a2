"""Load test: the real server, N concurrent gradio_client users, M questions each.

    .venv/bin/python benchmarks/load_test.py --index-dir DIR [--clients 16] [--questions 10]
                                             [--timeout 600] [--json FILE]

Launches ``python -m assistant --index-dir DIR serve`` on 127.0.0.1 and a free port (never any
other interface), waits until it answers, then N clients (threads, one ``gradio_client.Client``
each) ask M questions each through the named API endpoint ``ask``, taking the single-turn
questions of the evaluation set in turn. Everything is bounded in time: a question left
unanswered at the deadline counts as an error. Prints p50/p95 latency, the answered and error
counts; the exit status is non-zero on any error. The server is stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only interface this script ever uses
FALLBACK_QUESTIONS = [
    "Qui était Benjamin Stolberg ?", "Who was Jan Frankel?", "Quand Léon Sedov est-il mort ?",
    "What did Trotsky write about the Dewey commission?", "Boukharine et Staline",
]


@dataclass
class LoadResult:
    clients: int
    questions_per_client: int
    asked: int = 0
    answered: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    startup_s: float = 0.0

    @property
    def expected(self) -> int:
        return self.clients * self.questions_per_client

    @property
    def ok(self) -> bool:
        return not self.errors and self.answered == self.expected

    def percentile(self, share: float) -> float:
        return percentile(self.latencies_ms, share)

    def summary(self) -> dict:
        data = asdict(self)
        data.pop("latencies_ms")
        data["errors"] = self.errors[:20]
        data.update(error_count=len(self.errors), expected=self.expected,
                    p50_ms=round(self.percentile(0.5), 1), p95_ms=round(self.percentile(0.95), 1),
                    max_ms=round(max(self.latencies_ms, default=0.0), 1),
                    throughput_qps=round(self.answered / self.wall_s, 2) if self.wall_s else 0.0)
        return data

    def report(self) -> str:
        s = self.summary()
        return (f"load test: {self.clients} clients × {self.questions_per_client} questions = "
                f"{self.expected}; answered {self.answered} ({self.refused} refusals), "
                f"errors {len(self.errors)}; latency p50 {s['p50_ms']:.0f} ms, "
                f"p95 {s['p95_ms']:.0f} ms, max {s['max_ms']:.0f} ms; "
                f"{s['throughput_qps']:.2f} answers/s over {self.wall_s:.1f} s "
                f"(server ready in {self.startup_s:.1f} s)")


def percentile(values: list[float], share: float) -> float:
    """Percentile by linear interpolation, numpy's default (0 for no values)."""
    import numpy as np

    return float(np.percentile(values, share * 100)) if values else 0.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def eval_questions(path: Path | None = None) -> list[str]:
    """Single-turn questions of the evaluation set (a fixed few when it is unreadable)."""
    path = path or ROOT / "eval" / "questions.jsonl"
    questions = []
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                question = json.loads(line).get("question")
                if isinstance(question, str) and question.strip():
                    questions.append(question.strip())
    except (OSError, ValueError):
        pass
    return questions or FALLBACK_QUESTIONS


class Server:
    """``python -m assistant serve`` in a child process on 127.0.0.1 (a context manager)."""

    def __init__(self, index_dir: Path | None, *, port: int | None = None,
                 env: dict[str, str] | None = None, log: Path | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}/"
        command = [sys.executable, "-m", "assistant"]
        if index_dir is not None:
            command += ["--index-dir", str(index_dir)]
        command += ["serve", "--host", HOST, "--port", str(self.port)]
        self.command = command
        self.env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})}
        self.log_path = log
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout: float = 180.0) -> float:
        """Start the server; seconds until it answers HTTP (RuntimeError if it does not)."""
        started = time.perf_counter()
        self._log = (open(self.log_path, "wb") if self.log_path  # noqa: SIM115 - closed in stop
                     else subprocess.DEVNULL)
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT)
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with status {self.process.returncode} "
                                   f"before answering (log: {self.log_path or 'not kept'})")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status < 500:
                        return time.perf_counter() - started
            except OSError as error:
                if getattr(error, "code", None) == 401:  # login required: it is up
                    return time.perf_counter() - started
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"the server did not answer on {self.url} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
            self._log = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def run_clients(url: str, *, clients: int, questions_per_client: int, questions: list[str],
                timeout: float, auth: tuple[str, str] | None = None) -> LoadResult:
    """N threads, each with its own Client, asking M questions in turn until the deadline."""
    from gradio_client import Client

    result = LoadResult(clients=clients, questions_per_client=questions_per_client)
    lock = threading.Lock()
    deadline = time.monotonic() + timeout
    barrier = threading.Barrier(clients)

    def user(number: int) -> None:
        try:
            client = Client(url, verbose=False, auth=auth, analytics_enabled=False,
                            download_files=False)
        except Exception as error:  # noqa: BLE001 - every failure is counted, none is raised
            with lock:
                result.errors.append(f"client {number}: cannot connect: {error!r}")
            barrier.abort()
            return
        with contextlib.suppress(threading.BrokenBarrierError):  # one failed: ask anyway
            barrier.wait(timeout=max(1.0, deadline - time.monotonic()))
        for turn in range(questions_per_client):
            question = questions[(number * questions_per_client + turn) % len(questions)]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                with lock:
                    result.errors.append(f"client {number}: deadline reached before question "
                                         f"{turn + 1}")
                return
            with lock:
                result.asked += 1
            started = time.perf_counter()
            try:
                answer = client.submit(question=question, api_name="/ask").result(
                    timeout=remaining)
            except Exception as error:  # noqa: BLE001
                with lock:
                    result.errors.append(f"client {number} q{turn + 1}: {error!r}"[:300])
                continue
            elapsed = (time.perf_counter() - started) * 1000
            problem = _check(answer)
            with lock:
                if problem:
                    result.errors.append(f"client {number} q{turn + 1}: {problem}")
                else:
                    result.answered += 1
                    result.refused += bool(answer.get("refused"))
                    result.latencies_ms.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,), name=f"user-{i}", daemon=True)
               for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 5)
    result.wall_s = time.perf_counter() - started
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        result.errors.append(f"{stuck} client(s) still waiting at the deadline")
    return result


def _check(answer: object) -> str | None:
    """What is wrong with an API answer, or None."""
    if not isinstance(answer, dict):
        return f"not a JSON object: {type(answer).__name__}"
    if not str(answer.get("answer", "")).strip():
        return "empty answer"
    if not answer.get("refused") and not answer.get("citations"):
        return "an answer without citations"
    return None


def load_test(index_dir: Path | None, *, clients: int = 16, questions_per_client: int = 10,
              timeout: float = 600.0, questions: list[str] | None = None,
              log: Path | None = None, env: dict[str, str] | None = None) -> LoadResult:
    """Launch the server, run the clients against it, stop it; the whole bounded by
    ``timeout`` seconds (server start-up included). ``env``: extra environment for the
    server (e.g. ASSISTANT_CORPUS__DIR)."""
    started = time.monotonic()
    server = Server(index_dir, log=log, env=env)
    startup = server.start(timeout=min(timeout, 300.0))
    try:
        result = run_clients(server.url, clients=clients,
                             questions_per_client=questions_per_client,
                             questions=questions or eval_questions(),
                             timeout=max(1.0, timeout - (time.monotonic() - started)))
    finally:
        server.stop()
    result.startup_s = startup
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, help="Index folder (default: settings').")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--questions", type=int, default=10, help="Questions per client.")
    parser.add_argument("--timeout", type=float, default=600.0, help="Bound on the whole run (s).")
    parser.add_argument("--log", type=Path, help="Keep the server's output in this file.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    args = parser.parse_args(argv)
    result = load_test(args.index_dir, clients=args.clients, questions_per_client=args.questions,
                       timeout=args.timeout, log=args.log)
    print(result.report())
    for error in result.errors[:10]:
        print(f"  error: {error}")
    if args.json:
        args.json.write_text(json.dumps(result.summary(), indent=2), encoding="utf-8")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
