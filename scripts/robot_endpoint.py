#!/usr/bin/env python3
"""A local stand-in for a WeCom / DingTalk / Feishu group robot, for the demo and manual tests.

    scripts/robot_endpoint.py [--port 8099] [--secret SECRET]

Prints every message posted to it and answers as the platforms do; with --secret it checks
DingTalk's signature (query ``timestamp``/``sign``) and Feishu's (body ``timestamp``/``sign``)
and refuses a wrong one with the platforms' error. The demo's robot posts to
http://127.0.0.1:8099/robot.
"""

import argparse
import base64
import hashlib
import hmac
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def make_handler(secret):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            query = parse_qs(urlparse(self.path).query)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            answer = {"errcode": 0, "errmsg": "ok"}
            if secret and "sign" in query:
                timestamp = query["timestamp"][0]
                digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
                if base64.b64encode(digest).decode() != query["sign"][0]:
                    answer = {"errcode": 310000, "errmsg": "sign not match"}
            if secret and "sign" in body:
                digest = hmac.new(f"{body['timestamp']}\n{secret}".encode(), b"", hashlib.sha256).digest()
                answer = {"code": 0, "msg": "success"}
                if base64.b64encode(digest).decode() != body["sign"]:
                    answer = {
                        "code": 19021,
                        "msg": "sign match fail or timestamp is not within one hour from current time",
                    }
            text = body.get("text", {}).get("content") or body.get("content", {}).get("text")
            print(f"--- {self.path} -> {answer}\n{text}", flush=True)
            payload = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--secret")
    args = parser.parse_args()
    print(f"listening on http://127.0.0.1:{args.port}/robot", flush=True)
    ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.secret)).serve_forever()


if __name__ == "__main__":
    main()
