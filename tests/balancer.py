"""Debian's nginx on loopback, running deploy/nginx.conf's own map and hash in front of replicas started here:
only the upstream addresses, the listen port and where nginx writes (logs, temp files) are replaced, so it runs
as the current user (tests/core/test_fleet.py, tests/bench_fleet.py)."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import requests

from tests.harness import free_port_block
from tests.served import ROOT

NGINX = (ROOT / "deploy" / "nginx.conf").read_text()
SERVER_LINE = re.compile(r"^(\s*)server (\S+?)(:\d+)?((?: \w+=\S+)*);$", re.M)


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if found is None:
        raise RuntimeError("nginx is not installed: `apt-get install nginx` (`make test` does it where it can)")
    return found


def nginx_config(replicas: list[int], port: int, prefix: Path) -> str:
    """deploy/nginx.conf for loopback: its map, hash and proxy lines as they are; the upstream servers, the
    listen port and where nginx writes (logs, temp files: an unprivileged user's folder) replaced."""
    servers = iter(replicas)  # fewer replicas than deploy/nginx.conf names: the lines left over go

    def address(m: re.Match) -> str:
        port = next(servers, None)
        return "" if port is None else f"{m[1]}server 127.0.0.1:{port}{m[4]};"

    text = SERVER_LINE.sub(address, NGINX)
    assert next(servers, None) is None, "deploy/nginx.conf names fewer upstream servers than replicas started"
    text = re.sub(r"^(\s*)listen \d+;$", rf"\g<1>listen 127.0.0.1:{port};", text, count=1, flags=re.M)
    text = text.replace("access_log /dev/stdout fleet;", f"access_log {prefix}/access.log fleet;")
    temp = "".join(f"  {kind}_temp_path {prefix}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi",
                                                                          "uwsgi", "scgi"))
    return text.replace("\nhttp {\n", "\nhttp {\n" + temp, 1)


class Balancer:
    def __init__(self, replicas: list[int], prefix: Path):
        self.prefix = prefix
        prefix.mkdir(parents=True, exist_ok=True)
        self.port = free_port_block(1)
        (prefix / "nginx.conf").write_text(nginx_config(replicas, self.port, prefix))
        self.proc = subprocess.Popen([nginx_binary(), "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                      "-e", str(prefix / "error.log"), "-g", f"daemon off; pid {prefix}/nginx.pid;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.url = f"http://127.0.0.1:{self.port}"
        end = time.monotonic() + 15
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"nginx exited: {self.proc.stderr.read()}")
            try:
                requests.get(f"{self.url}/_mock/health", timeout=1)
                return
            except (requests.ConnectionError, requests.Timeout):  # (not listening yet, or its first answer slow)
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)

    def routed(self) -> dict[str, set[str]]:
        """From nginx's access log (deploy/nginx.conf's `fleet` format): tenant -> the replicas that answered it."""
        got: dict[str, set[str]] = defaultdict(set)
        for line in (self.prefix / "access.log").read_text().splitlines():
            match = re.search(r" tenant=(\S+) replica=(\S+) ", line)
            got[match[1]].add(match[2])
        return got

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


