import base64
import socket

def blink(command, host="127.0.0.1", port=8765):
    """Send a single command and return the response."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.connect((host, port))
        s.sendall((command + "\n").encode())
        resp = s.recv(4096).decode().strip()
        if resp.startswith("VALUE "):
            return base64.b64decode(resp[6:]).decode()
        return resp

# Usage
blink("SET config.timeout 30")   # -> "OK"
blink("GET config.timeout")       # -> "30"
blink("USAGE")                     # -> "USAGE 18"
