# Upstream server of the python3-http template: the watchdog (mode=http) starts this once and
# proxies every request to it. It keeps the handler contract of OpenFaaS's python3-http template
# (Flask + waitress there) with only the standard library, so images build with no package index:
# handle(event, context) -> {"statusCode", "body", "headers"} or a plain value.
import json
import os
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from function import handler

PORT = int(os.getenv("http_port", "5000"))
# Bounds what one request can make this process hold in memory.
MAX_BODY = int(os.getenv("MAX_BODY_SIZE", str(64 * 1024 * 1024)))


class BodyTooLarge(Exception):
    pass


class Query(dict):
    """Query parameters: q["k"] / q.get("k") give the first value (as Flask's request.args),
    q.getlist("k") all of them."""

    def __init__(self, pairs):
        super().__init__()
        self._all = {}
        for k, v in pairs:
            self._all.setdefault(k, []).append(v)
            self.setdefault(k, v)

    def getlist(self, key):
        return list(self._all.get(key, []))


class Event:
    def __init__(self, method, target, headers, body):
        url = urlsplit(target)
        self.body = body  # bytes, as Flask's request.get_data()
        self.headers = headers  # case-insensitive .get(), as Flask's request.headers
        self.method = method
        self.query = Query(parse_qsl(url.query, keep_blank_values=True))
        self.path = url.path


class Context:
    def __init__(self):
        self.hostname = os.getenv("HOSTNAME", "localhost")


def format_body(resp):
    body = resp.get("body", "")
    if isinstance(body, (dict, list)):
        return json.dumps(body), "application/json"
    if isinstance(body, bytes):
        return body, None
    return str(body), None


def format_response(resp):
    """(status, headers list, body bytes, default content type) as the Flask template answers."""
    if resp is None:
        return 200, [], b"", None
    if isinstance(resp, dict):
        body, ctype = format_body(resp)
        headers = resp.get("headers", [])
        if isinstance(headers, dict):
            headers = list(headers.items())
        return int(resp.get("statusCode", 200)), list(headers), to_bytes(body), ctype
    if isinstance(resp, tuple):  # Flask's (body, status[, headers])
        body = resp[0]
        status = int(resp[1]) if len(resp) > 1 else 200
        headers = resp[2] if len(resp) > 2 else []
        if isinstance(headers, dict):
            headers = list(headers.items())
        return status, list(headers), to_bytes(body), None
    if isinstance(resp, (dict, list)):
        return 200, [], to_bytes(json.dumps(resp)), "application/json"
    return 200, [], to_bytes(resp), None


def to_bytes(v):
    if isinstance(v, bytes):
        return v
    return str(v).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive with the watchdog's connection pool
    server_version = "python3-http"
    sys_version = ""

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self.read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise BodyTooLarge()
        return self.rfile.read(length) if length > 0 else b""

    def read_chunked(self):
        parts, total = [], 0
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > MAX_BODY:
                raise BodyTooLarge()
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def send(self, status, headers, body, ctype):
        self.send_response(status)
        names = {k.lower() for k, _ in headers}
        for k, v in headers:
            self.send_header(k, str(v))
        if "content-type" not in names:
            self.send_header("Content-Type", ctype or "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def serve(self):
        try:
            body = self.read_body()
        except BodyTooLarge:
            self.close_connection = True
            self.send(413, [], b"Request body too large\n", "text/plain")
            return
        except ValueError:
            self.close_connection = True
            self.send(400, [], b"Bad request body\n", "text/plain")
            return
        try:
            event = Event(self.command, self.path, self.headers, body)
            status, headers, out, ctype = format_response(handler.handle(event, Context()))
        except Exception:  # the handler's failure is the function's 500, not the server's end
            traceback.print_exc(file=sys.stderr)
            sys.stderr.flush()
            self.send(500, [], b"Internal Server Error\n", "text/plain")
            return
        self.send(status, headers, out, ctype)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = serve

    def log_message(self, fmt, *args):
        pass  # the watchdog logs every request already


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


if __name__ == "__main__":
    server = Server(("127.0.0.1", PORT), Handler)
    print("python3-http listening on 127.0.0.1:%d" % PORT, flush=True)
    server.serve_forever()
