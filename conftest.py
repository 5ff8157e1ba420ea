"""pytest runs the unit tests and every notebook (nbval) in quick mode, offline, without TensorFlow log noise.

Hermetic: ``EDL_OFFLINE=1`` (inherited by the notebook kernels) makes the data loaders skip every download
(``edl_helpers.image_data.offline``), and in this pytest process a test that opens a network connection to
anything but loopback fails. ``.ci/run`` also runs pytest in a network namespace of its own, which covers
the notebook kernels too.
"""
from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any, Callable

import pytest

os.environ.setdefault("EDL_QUICK", "1")
os.environ["EDL_OFFLINE"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

MODE_AT_START = os.environ["EDL_QUICK"]
BLOCKED_CONNECTIONS: list[str] = []  # non-loopback addresses the running test tried to reach


def pytest_runtest_setup(item):
    """Stop at once if an earlier test left ``EDL_QUICK`` changed: later notebooks would run in another mode."""
    if os.environ.get("EDL_QUICK") != MODE_AT_START:
        raise RuntimeError(f"EDL_QUICK is {os.environ.get('EDL_QUICK')!r}, but this pytest session started with "
                           f"{MODE_AT_START!r}: a test changed it without restoring it")


def is_loopback(address: Any) -> bool:
    """True for a loopback (or ``localhost``) IP address tuple; other families' addresses are local anyway."""
    if not isinstance(address, tuple):  # AF_UNIX path and the like
        return True
    host = str(address[0]).split("%")[0]
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: resolving it would already use the network
        return False


def _guarded(connect: Callable[..., Any]) -> Callable[..., Any]:
    """``connect``/``connect_ex`` refusing non-loopback IP addresses (and recording them for the test)."""
    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address):
            BLOCKED_CONNECTIONS.append(repr(address))
            raise ConnectionRefusedError(f"tests must not use the network (tried to connect to {address!r})")
        return connect(self, address)
    return guarded_connect


socket.socket.connect = _guarded(socket.socket.connect)
socket.socket.connect_ex = _guarded(socket.socket.connect_ex)


@pytest.fixture(autouse=True)
def no_network() -> Any:
    """Fail the test if it tried to connect beyond loopback, even if its code caught the refusal."""
    BLOCKED_CONNECTIONS.clear()
    yield
    if BLOCKED_CONNECTIONS:
        pytest.fail(f"the test tried to use the network: {', '.join(BLOCKED_CONNECTIONS)}")
