#!/usr/bin/env python3
"""A small FHIR server to try lienthong's "fhir" destination against.

It is a sample, not part of the engine: it stores what it receives and answers
the way a FHIR server would, nothing more (no search, no validation beyond
"JSON with a resourceType", no history).

    python3 samples/fhir-receiver/receiver.py --port 8080 --dir data/received

  POST /fhir                  a transaction Bundle -> 200 + transaction-response
  PUT|POST /fhir/<Type>[?q]   one resource          -> 201 + the resource
  anything that is not JSON with a resourceType     -> 400 + OperationOutcome

Each accepted body is written to its own file in --dir. To see the engine retry,
--status 503 answers every request with that status, and --fail-every 3 answers
every third request with it (503 unless --status says otherwise).
"""

import argparse
import itertools
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

FHIR_JSON = "application/fhir+json; charset=utf-8"


def outcome(severity, code, text):
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": text}],
    }


class Receiver(BaseHTTPRequestHandler):
    server_version = "lienthong-sample-receiver/1"
    protocol_version = "HTTP/1.1"  # keep-alive, as a real FHIR server

    def do_POST(self):
        self.handle_write()

    def do_PUT(self):
        self.handle_write()

    def handle_write(self):
        settings = self.server.settings
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        number = next(self.server.counter)

        forced = settings.status and (not settings.fail_every or number % settings.fail_every == 0)
        if forced:
            headers = {"Retry-After": "5"} if settings.status in (429, 503) else {}
            return self.answer(settings.status, outcome("error", "transient", "answered %d on purpose" % settings.status), headers)

        path = urlsplit(self.path).path.rstrip("/")
        base = settings.base.rstrip("/")
        if path != base and not path.startswith(base + "/"):
            return self.answer(404, outcome("error", "not-found", "no FHIR base at this path"))
        parts = path[len(base):].strip("/").split("/")
        resource_type = parts[0] if parts[0] else None

        try:
            resource = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return self.answer(400, outcome("error", "structure", "body is not JSON: %s" % error))
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            return self.answer(400, outcome("error", "structure", "body has no resourceType"))

        if resource_type is None:
            if resource["resourceType"] != "Bundle" or resource.get("type") not in ("transaction", "batch"):
                return self.answer(400, outcome("error", "invalid", "POST to the base takes a transaction Bundle"))
            name = self.store(number, "Bundle", body)
            entries = resource.get("entry") or []
            response = {
                "resourceType": "Bundle",
                "type": resource["type"] + "-response",
                "entry": [{"response": {"status": "201 Created"}} for _ in entries],
            }
            self.log_line(number, "transaction", 200, name, len(entries))
            return self.answer(200, response)

        if resource["resourceType"] != resource_type:
            return self.answer(400, outcome("error", "invalid", "resourceType %s sent to /%s" % (resource["resourceType"], resource_type)))
        name = self.store(number, resource_type, body)
        self.log_line(number, self.command + " " + resource_type, 201, name, 1)
        return self.answer(201, resource)

    def store(self, number, kind, body):
        name = "%s-%06d-%s.json" % (time.strftime("%Y%m%dT%H%M%S"), number, kind)
        with open(os.path.join(self.server.settings.dir, name), "wb") as out:
            out.write(body)
        return name

    def answer(self, status, document, headers=None):
        data = json.dumps(document).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", FHIR_JSON)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def log_line(self, number, what, status, name, entries):
        # Only what arrived and where it went: no URLs (conditional ones hold identifiers).
        sys.stderr.write("#%d %s -> %d, %d entr%s, stored %s\n" % (number, what, status, entries, "y" if entries == 1 else "ies", name))

    def log_message(self, format, *args):
        pass  # the default line prints the full URL; log_line says what matters


def main():
    parser = argparse.ArgumentParser(description="Sample FHIR receiver for trying lienthong (not part of it).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--base", default="/fhir", help="FHIR base path (default /fhir)")
    parser.add_argument("--dir", default="data/received", help="where each received body is stored")
    parser.add_argument("--status", type=int, default=0, help="answer with this HTTP status instead (e.g. 503, 429, 400)")
    parser.add_argument("--fail-every", type=int, default=0, metavar="N",
                        help="answer only every Nth request with --status (default status 503)")
    settings = parser.parse_args()
    if settings.fail_every and not settings.status:
        settings.status = 503
    os.makedirs(settings.dir, exist_ok=True)

    server = ThreadingHTTPServer((settings.host, settings.port), Receiver)
    server.settings = settings
    server.counter = itertools.count(1)  # next() on it is atomic under the GIL
    server.daemon_threads = True
    sys.stderr.write("FHIR receiver on http://%s:%d%s, storing into %s\n" % (settings.host, server.server_port, settings.base, settings.dir))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
