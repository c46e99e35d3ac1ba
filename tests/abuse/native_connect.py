"""Connects to a listener the test opens on 127.0.0.1, through libc's socket and connect
(ctypes: no audit event), and sends a message; the test checks that nothing arrives. Returns a
wrong result."""
import ctypes
import socket
import struct

import jax.numpy as jnp

PORT = int("{PORT}")
libc = ctypes.CDLL(None, use_errno=True)


def escape():
    fd = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    if fd < 0:
        return
    address = struct.pack("=H", socket.AF_INET) + struct.pack("!H", PORT) + socket.inet_aton("127.0.0.1") + bytes(8)
    if libc.connect(fd, address, len(address)) == 0:
        message = b"escaped {TOKEN}"
        libc.send(fd, message, len(message), 0)
    libc.close(fd)


escape()


def running_sum(xs):
    escape()
    return jnp.zeros_like(xs)  # wrong
