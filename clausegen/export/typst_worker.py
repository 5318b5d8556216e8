"""The Typst compiler in a worker process that can be stopped: the PDF budgets of export/pdf.py.

A thread cannot be stopped, and typst.compile has no time limit of its own: a Typst loop in a
house template ran for minutes. So each worker is a process (`python -m` this module: no fork of
a threaded process, no re-import of the caller's main script) holding one warm `typst.Compiler`
(fonts loaded once) for many documents. The
parent waits at most TIME_SECONDS per document and kills the worker on a breach; the worker
limits its own address space; the parent counts the pages. This module is also the worker's
entry point, so it imports nothing of clausegen.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

TIME_SECONDS = 60.0
MAX_PAGES = 2000
MEMORY_BYTES = 2 << 30  # address space of the worker; Typst's own needs are well under 1 GiB
_PAGE = re.compile(rb"/Type\s*/Page\b")  # one per page object; text in the PDF can only add, never hide
_HEADER = struct.Struct(">cI")  # kind (o: PDF, e: Typst error, m: out of memory), length


class Breach(Exception):
    """A budget was exceeded or the worker died; `what` says which, in words."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class CompileFailed(Exception):
    """Typst reported an error in the source (a TypstError in the worker)."""


def pages(pdf: bytes) -> int:
    return len(_PAGE.findall(pdf))


def _read(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError
    return data


def serve(font_paths: list[str], memory_bytes: int) -> None:
    """Worker loop on stdin/stdout: a request is a length and `standards\nsource`; the answer a kind
    byte, a length and the PDF or the error text."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError):
        pass  # Windows has no RLIMIT_AS; the time and page limits still hold
    import typst

    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    with tempfile.TemporaryDirectory(prefix="clausegen-typst-") as root:  # empty: no file can be read
        compiler = typst.Compiler(root=root, font_paths=list(font_paths), ignore_system_fonts=True)
        while True:
            try:
                (size,) = struct.unpack(">I", _read(requests, 4))
                standards, _, source = _read(requests, size).partition(b"\n")
            except EOFError:
                return  # the parent is gone or done
            wanted: Any = [s for s in standards.decode().split(",") if s]  # names the typst stub lists
            try:
                pdf = compiler.compile(input=source, format="pdf", pdf_standards=wanted)
                kind, payload = b"o", pdf if isinstance(pdf, bytes) else b""
            except typst.TypstError as e:
                kind, payload = b"e", str(e).encode("utf-8")
            except MemoryError:
                kind, payload = b"m", b""
            answers.write(_HEADER.pack(kind, len(payload)) + payload)
            answers.flush()


@dataclass
class Worker:
    process: subprocess.Popen
    timed_out: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def start(cls, font_paths: tuple[str, ...]) -> Worker:
        command = [sys.executable, "-m", "clausegen.export.typst_worker", str(MEMORY_BYTES), *font_paths]
        return cls(subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL))

    def compile(self, source: bytes, standards: tuple[str, ...]) -> bytes:
        """The PDF; raises Breach (the worker is then stopped) or CompileFailed."""
        request = ",".join(standards).encode() + b"\n" + source
        timer = threading.Timer(TIME_SECONDS, self._expire)
        timer.start()
        try:
            assert self.process.stdin is not None and self.process.stdout is not None
            self.process.stdin.write(struct.pack(">I", len(request)) + request)
            self.process.stdin.flush()
            kind, size = _HEADER.unpack(_read(self.process.stdout, _HEADER.size))
            payload = _read(self.process.stdout, size)
        except (EOFError, OSError) as e:
            self.stop()
            if self.timed_out.is_set():
                raise Breach(f"ran longer than {TIME_SECONDS:.0f} s") from e
            raise Breach(f"stopped: it used more than {MEMORY_BYTES >> 20} MiB of memory, or crashed "
                         f"(exit status {self.process.returncode})") from e
        finally:
            timer.cancel()
        if kind == b"m":
            self.stop()
            raise Breach(f"used more than {MEMORY_BYTES >> 20} MiB of memory")
        if kind == b"e":
            raise CompileFailed(payload.decode("utf-8", "replace"))
        if pages(payload) > MAX_PAGES:
            raise Breach(f"laid out more than {MAX_PAGES} pages ({pages(payload)})")
        return payload

    def alive(self) -> bool:
        return self.process.poll() is None

    def _expire(self) -> None:
        self.timed_out.set()
        self.process.kill()

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass


class Pool:
    """Warm workers by font set, at most `size` at once; a caller borrows one and gives it back."""

    def __init__(self, size: int) -> None:
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(size)
        self._size = size
        self._idle: dict[tuple[str, ...], list[Worker]] = {}
        self._owner = os.getpid()

    @contextmanager
    def worker(self, font_paths: tuple[str, ...]) -> Iterator[Worker]:
        with self._slots:
            worker = self._take(font_paths)
            try:
                yield worker
            finally:
                if worker.alive():  # a worker stopped after a breach is not given back
                    with self._lock:
                        self._idle.setdefault(font_paths, []).append(worker)

    def _take(self, font_paths: tuple[str, ...]) -> Worker:
        with self._lock:
            if self._owner != os.getpid():  # a forked child must not share its parent's workers
                self._idle, self._owner = {}, os.getpid()
            idle = self._idle.setdefault(font_paths, [])
            while idle:
                worker = idle.pop()
                if worker.alive():
                    return worker
        return Worker.start(font_paths)

    def prestart(self, font_paths: tuple[str, ...], count: int = 1) -> None:
        """Have `count` workers (at most the pool's size) ready now, so their start-up overlaps with
        other work and the longest document does not wait for a worker to start."""
        with self._lock:
            if self._owner != os.getpid():
                return
            idle = self._idle.setdefault(font_paths, [])
            while len(idle) < min(count, self._size):
                idle.append(Worker.start(font_paths))

    def close(self) -> None:
        with self._lock:
            workers = [w for idle in self._idle.values() for w in idle]
            self._idle = {}
        for worker in workers:
            worker.stop()


if __name__ == "__main__":
    serve(sys.argv[2:], int(sys.argv[1]))
