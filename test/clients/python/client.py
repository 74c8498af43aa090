#!/usr/bin/env python3
"""Blink-Store interactive client."""

import base64
import socket
import sys

def main():
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 8765

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.connect((host, port))
        reader = sock.makefile("r", encoding="utf-8", newline="\n")

        print(f"Connected to {host}:{port}")
        print("Commands: SET <key> <value> | GET <key> | DELETE <key> | USAGE | QUIT\n")

        try:
            while True:
                line = input("> ").strip()
                if not line:
                    continue
                if line.upper() == "QUIT":
                    break

                sock.sendall((line + "\n").encode())
                resp = reader.readline().strip()

                if resp.startswith("VALUE "):
                    decoded = base64.b64decode(resp[6:]).decode("utf-8", errors="replace")
                    print(decoded)
                else:
                    print(resp)
        finally:
            sock.sendall(b"QUIT\n")

if __name__ == "__main__":
    main()
