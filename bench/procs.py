"""Child processes for the benchmarks: a free port, start and wait, stop, resident memory."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

import aiohttp

from bench.common import PYTHON, ROOT


def tail(log: Path, size: int = 3000) -> str:
    """The end of a child's output (small local file: read without a thread)."""
    return log.read_text(errors="replace")[-size:]


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `python <args>` in the project directory, its output going to `log`."""
    full = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
    with log.open("wb") as out:
        return subprocess.Popen([PYTHON, *args], cwd=ROOT, env=full, stdout=out, stderr=out)


async def wait_http(
    url: str, proc: subprocess.Popen[bytes], log: Path, patience: float = 120
) -> None:
    """Wait until GET `url` answers (anything below 500), or fail with the child's output."""
    deadline = time.monotonic() + patience
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"child exited early:\n{tail(log)}")
            try:
                async with session.get(url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {patience:.0f} s:\n{tail(log)}")


def stop(proc: subprocess.Popen[bytes], timeout: float = 60) -> int:
    """SIGTERM (a graceful stop), then SIGKILL if it does not end in time."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return int(proc.returncode)


def rss_mb(pid: int) -> float:
    """VmRSS of a process, in MB (MiB), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS line")
