#!/usr/bin/env python3
"""The gevent store README's session (seed 004) plus the calls of originals.md §3.6, through
gevent_client.Client on the port in argv[1]. Prints one JSON line per call: the call, the exact
bytes it sent (latin-1), and its result or error.
"""

import json
import sys

import gevent_client
from gevent_client import Client, CommandError


class Recorder(object):
    """Wraps the client's socket file to capture the bytes of each request."""

    def __init__(self, fh):
        self.fh = fh
        self.sent = b""

    def write(self, data):
        self.sent += data
        return self.fh.write(data)

    def __getattr__(self, name):
        return getattr(self.fh, name)


port = int(sys.argv[1])
client = Client(port=port)
recorder = Recorder(client._fh)
client._fh = recorder


def call(label, fn, *args):
    recorder.sent = b""
    try:
        out = {"result": fn(*args)}
    except CommandError as e:
        out = {"error": str(e)}
    out["call"] = label
    out["sent"] = recorder.sent.decode("latin-1")
    print(json.dumps(out, sort_keys=True))


call("set('username','jdoe')", client.set, "username", "jdoe")
call("get('username')", client.get, "username")
call("mset('a',1,'b',2,'c',3)", client.mset, "a", 1, "b", 2, "c", 3)
call("mget('a','b')", client.mget, "a", "b")
call("get('\u00e9')", client.get, "\u00e9")
call("set('k',{'x':[1,None]})", client.set, "k", {"x": [1, None]})
call("get('k')", client.get, "k")
call("delete('k')", client.delete, "k")
call("delete('username')", client.delete, "username")
call("execute('FOO')", client.execute, "FOO")
call("flush()", client.flush)
call("get('a')", client.get, "a")
print(json.dumps({"call": "socket module", "result": gevent_client.socket.__name__}))
