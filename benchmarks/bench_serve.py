"""Peak memory of the server: ``python -m assistant serve`` with the index loaded.

    .venv/bin/python benchmarks/bench_serve.py --index-dir DIR [--questions 10]

Starts the real server on 127.0.0.1 (a free port) in a child process, waits until it answers,
asks a few questions through the ``ask`` API (so answering is counted too), then reads the
child's peak resident set size (``VmHWM``) and current RSS from ``/proc/<pid>/status``, adding
any processes it started. The server is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the assistant package

from load_test import Server, eval_questions, run_clients  # noqa: E402


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in map(int, children):
            found += [child, *_descendants(child)]
    return found


def memory_mb(pid: int) -> dict[str, float]:
    """Peak and current RSS of ``pid`` and its descendants, in MiB."""
    pids = [pid, *_descendants(pid)]
    peak = sum(_status_kb(p, "VmHWM") for p in pids) / 1024
    current = sum(_status_kb(p, "VmRSS") for p in pids) / 1024
    return {"peak_rss_mb": round(peak, 1), "rss_mb": round(current, 1), "processes": len(pids)}


def measure(index_dir: Path | None, *, questions: int = 10, timeout: float = 300.0,
            env: dict[str, str] | None = None) -> dict:
    """Start the server, read its memory once loaded and again after ``questions`` answers
    (``env``: extra environment for the server, e.g. ASSISTANT_CORPUS__DIR)."""
    server = Server(index_dir, env=env)
    startup = server.start(timeout=timeout)
    try:
        loaded = memory_mb(server.process.pid)
        answered = 0
        if questions:
            result = run_clients(server.url, clients=1, questions_per_client=questions,
                                 questions=eval_questions(), timeout=timeout)
            answered = result.answered
        after = memory_mb(server.process.pid)
    finally:
        server.stop()
    return {"startup_s": round(startup, 2), "loaded_rss_mb": loaded["rss_mb"],
            "peak_rss_mb": after["peak_rss_mb"], "rss_after_mb": after["rss_mb"],
            "processes": after["processes"], "questions_answered": answered}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, help="Index folder (default: settings').")
    parser.add_argument("--questions", type=int, default=10, help="Questions asked before reading.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    args = parser.parse_args(argv)
    figures = measure(args.index_dir, questions=args.questions)
    print(f"serve: ready in {figures['startup_s']:.1f} s; RSS {figures['loaded_rss_mb']:.0f} MiB "
          f"once loaded, peak {figures['peak_rss_mb']:.0f} MiB after "
          f"{figures['questions_answered']} answers ({figures['processes']} process(es))")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
