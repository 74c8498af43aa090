import base64, os, socket
from wsgiref.simple_server import make_server

STORE = os.environ.get("BLINK_STORE", "127.0.0.1:8765")

def blink(cmd):
    h, _, p = STORE.partition(":")
    with socket.socket() as s:
        s.connect((h, int(p)))
        s.sendall((cmd + "\n").encode())
        return s.recv(4096).decode().strip()

def app(environ, start_response):
    method = environ["REQUEST_METHOD"]
    key = (environ.get("PATH_INFO") or "").strip("/").split("/")[0]
    if not key:
        start_response("400 Bad Request", [])
        return [b"Missing key"]
    if method == "GET":
        r = blink(f"GET {key}")
        if r == "NOT_FOUND":
            start_response("404 Not Found", [])
            return [b"Not found"]
        if r.startswith("VALUE "):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [base64.b64decode(r[6:])]
        start_response("502 Bad Gateway", [])
        return [b"Store error"]
    if method == "POST":
        length = int(environ.get("CONTENT_LENGTH", 0) or 0)
        body = environ["wsgi.input"].read(length).decode()
        blink(f"SET {key} {body}")
        start_response("204 No Content", [])
        return []
    start_response("405 Method Not Allowed", [])
    return [b"Method not allowed"]

if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8080"))
    print(f"HTTP backend on :{port} -> store={STORE}")
    make_server("", port, app).serve_forever()
