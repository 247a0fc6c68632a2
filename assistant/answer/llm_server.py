"""A llama.cpp model served where its crash cannot take the caller down.

``llamacpp:<path.gguf>`` never loads the model into the assistant's own process: llama.cpp is
native code, and a native fault (an instruction the CPU refuses, an out-of-memory abort) would
end the window, the terminal chat or the test run with it. Instead ``LlamaServer`` starts
``python -m llama_cpp.server`` (llama-cpp-python's OpenAI-compatible server) on 127.0.0.1 and
the assistant talks to it with ``langchain-openai``, exactly as it talks to Ollama, LM Studio
or vLLM. If the server dies, the next call says why in one line (the signal's name) and
starts it again.
"""

from __future__ import annotations

import atexit
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path

from assistant.errors import AssistantError

_MODEL_ALIAS = "local"  # the name the server gives its one model
_SIGNAL_HINTS = {
    "SIGILL": "an instruction this CPU does not run: rebuild llama.cpp with `make setup-llm`",
    "SIGKILL": "killed, most often for lack of memory",
    "SIGSEGV": "a memory fault in llama.cpp",
    "SIGBUS": "a memory fault in llama.cpp",
    "SIGABRT": "llama.cpp aborted (see the server log)",
}


class LLMServerError(AssistantError):
    """The llama.cpp server cannot be started or has stopped."""


def describe_exit(returncode: int | None) -> str:
    """'killed by SIGILL (an instruction this CPU does not run: …)' or 'exited with code 1'."""
    if returncode is None:
        return "is running"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        hint = _SIGNAL_HINTS.get(name)
        return f"was killed by {name}" + (f" ({hint})" if hint else "")
    return f"exited with code {returncode}"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def server_command(model: Path, *, port: int, context: int, threads: int, threads_batch: int,
                   host: str = "127.0.0.1", python: str | None = None) -> list[str]:
    """The ``llama_cpp.server`` command line for one model."""
    return [python or sys.executable, "-m", "llama_cpp.server", "--model", str(model),
            "--model_alias", _MODEL_ALIAS, "--host", host, "--port", str(port),
            "--n_ctx", str(context), "--n_threads", str(threads),
            "--n_threads_batch", str(threads_batch), "--n_batch", "256", "--seed", "0",
            "--verbose", "false"]


class LlamaServer:
    """One ``llama_cpp.server`` process on 127.0.0.1, started on demand, stopped at exit."""

    def __init__(self, model: Path, *, context: int, threads: int, threads_batch: int,
                 start_timeout: float = 180.0) -> None:
        self.model = model
        self.context, self.threads, self.threads_batch = context, threads, threads_batch
        self.start_timeout = start_timeout
        self.alias = _MODEL_ALIAS
        self.port = 0
        self._log = tempfile.TemporaryFile(prefix="llama-server-")  # noqa: SIM115 (lives with us)
        self._lock = threading.Lock()
        self._last_exit: int | None = None
        # The process, in a holder the exit hooks can reach without keeping `self` alive.
        self._holder: list[subprocess.Popen | None] = [None]
        weakref.finalize(self, _stop_process, self._holder)
        atexit.register(_stop_process, self._holder)

    @property
    def _process(self) -> subprocess.Popen | None:
        return self._holder[0]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def exit_status(self) -> str:
        """How the last server process ended ('was killed by SIGILL (…)')."""
        if self._process is not None and self._process.poll() is not None:
            self._last_exit = self._process.returncode
        return describe_exit(self._last_exit)

    def log_tail(self, limit: int = 600) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-limit:].strip()

    def ensure_running(self) -> str:
        """Start the server if it is not running (again, after a crash); its base URL."""
        with self._lock:
            if not self.running:
                self._start()
            return self.base_url

    def _start(self) -> None:
        self.port = free_port()
        command = server_command(self.model, port=self.port, context=self.context,
                                 threads=self.threads, threads_batch=self.threads_batch)
        self._log.seek(0)
        self._log.truncate()
        self._holder[0] = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT,
                                           stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise LLMServerError(
                    f"The llama.cpp server for {self.model.name} {self.exit_status()} while "
                    f"loading the model: {self.log_tail(300) or 'no output'}")
            if _answers(f"{self.base_url}/models"):
                return
            time.sleep(0.2)
        self.stop()
        raise LLMServerError(f"The llama.cpp server for {self.model.name} did not start within "
                             f"{self.start_timeout:.0f} s.")

    def stop(self) -> None:
        _stop_process(self._holder)


def _stop_process(holder: list) -> None:
    process = holder[0]
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False
