"""Drives sluice's web UI in headless Chromium (Debian's chromium + chromium-driver, Selenium) for
web_ui_test.cpp, against a running `sluice run --http`.

Protocol with the C++ test, through files in --dir:
  expect1.json  (written by the test before this starts) what the pipeline has read so far:
                {"records_read": N, "sink_rows": {"sink:<table>": M, ...}}
  phase1.done   (written here) the first look is done: the test may produce more records
  expect2.json  (written by the test after producing) the new totals, and the bad record:
                {"records_read": N2, "sink_rows": {...},
                 "dead_letter": {"value": "...", "topic": "..."}}

Checks, each wait bounded (--timeout seconds) and each failure saying what was expected and what
was seen:
  1. the page loads and shows the pipeline's state;
  2. the graph has a node (data-node-id) for every source, operator and sink that /api/pipeline
     lists (fetched here, not read from the page), and an edge from each operator's parent;
  3. `#records-in-total` and the source node's count reach the test's totals before and after it
     produces more records, the sink node's count the rows the test expects through the WHERE,
     and an edge shows a rate above 0 while the new records flow;
  4. a dead letter with the bad record's raw value and a reason appears in `#dead-letters`;
  5. every node's count equals the API's counter once the pipeline is idle; no errors in the
     browser's console.
Screenshots go to --dir/screenshots. Exit code 0 when every check passed, 1 otherwise.
"""

import argparse
import base64
import json
import os
import signal
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


class CheckFailed(Exception):
    pass


def log(message):
    print(f"[web_ui_check {time.strftime('%H:%M:%S')}] {message}", flush=True)


def wait_for(what, probe, timeout, interval=0.2):
    """Calls probe() -> (ok, seen) until ok or `timeout` seconds; fails saying what it saw last."""
    deadline = time.monotonic() + timeout
    seen = None
    while True:
        try:
            ok, seen = probe()
        except CheckFailed:
            raise
        except Exception as e:  # a page mid-render, a server not up yet: try again
            ok, seen = False, f"{type(e).__name__}: {e}"
        if ok:
            return seen
        if time.monotonic() >= deadline:
            raise CheckFailed(f"expected {what} within {timeout:.0f} s; last seen: {seen}")
        time.sleep(interval)


class Ui:
    def __init__(self, args):
        self.args = args
        self.url = args.url if args.url.endswith("/") else args.url + "/"
        self.shots = os.path.join(args.dir, "screenshots")
        os.makedirs(self.shots, exist_ok=True)
        self.driver = None

    # --- the API, read independently of the page -------------------------------------------
    def api(self, path):
        with urllib.request.urlopen(self.url + path, timeout=5) as response:
            return json.load(response)

    # --- the browser -------------------------------------------------------------------------
    def start_browser(self):
        options = webdriver.ChromeOptions()
        options.binary_location = self.args.chromium
        for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1400,1800", "--no-first-run", "--disable-extensions",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-default-apps", "--metrics-recording-only",
                    f"--user-data-dir={tempfile.mkdtemp(prefix='profile_', dir=self.args.dir)}"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # The driver's path is given, so Selenium never looks for (or downloads) one itself.
        service = Service(executable_path=self.args.chromedriver,
                          log_output=os.path.join(self.args.dir, "chromedriver.log"))
        self.driver = webdriver.Chrome(options=options, service=service)
        self.driver.set_page_load_timeout(self.args.timeout)
        self.driver.set_script_timeout(10)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def screenshot(self, name):
        path = os.path.join(self.shots, name)
        try:
            # The whole page, beyond the window (Chrome DevTools' capture).
            size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": size["width"],
                         "height": min(size["height"], 8000), "scale": 1}})
            with open(path, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            log(f"screenshot {path}")
        except Exception as e:  # a screenshot is evidence, not a check
            log(f"could not save screenshot {path}: {e}")

    def text(self, selector):
        return self.js("const e = document.querySelector(arguments[0]);"
                       "return e ? e.textContent : null;", selector)

    def node_counts(self):
        """{node id: count text} for every node of the graph on the page."""
        return self.js("""
            const out = {};
            for (const node of document.querySelectorAll('#plan [data-node-id]')) {
              const count = node.querySelector('.node-count');
              out[node.getAttribute('data-node-id')] = count ? count.textContent : null;
            }
            return out;""")

    def edges(self):
        return self.js("""
            return [...document.querySelectorAll('#plan path.edge')].map(
              (e) => [e.getAttribute('data-from'), e.getAttribute('data-to')]);""")

    def edge_rates(self):
        return self.js("""
            return [...document.querySelectorAll('#plan .edge-label')].map((g) => {
              const t = g.querySelector('.edge-rate');
              return [g.getAttribute('data-from'), g.getAttribute('data-to'),
                      t ? t.getAttribute('data-rate') : '', t ? t.textContent : ''];
            });""")

    def dead_letter_rows(self):
        return self.js("""
            return [...document.querySelectorAll('#dead-letters tr.dead-letter')].map((tr) => ({
              text: tr.textContent,
              reason: (tr.querySelector('.reason') || {}).textContent || '',
              value: (tr.querySelector('.value code') || {}).textContent || '',
            }));""")


def as_int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def expected_counts(api):
    """The count each node should show, from the API: read, rows_out, rows_written."""
    want = {}
    for src in api.get("sources", []):
        want[src["id"]] = src.get("read")
    for op in api.get("operators", []):
        want[op["id"]] = op.get("rows_out")
    for sink in api.get("sinks", []):
        want[sink["id"]] = sink.get("rows_written")
    return want


def check_totals(ui, expect, timeout, label, watch_rates=False):
    """Waits until #records-in-total, the source node and the sink nodes show `expect`'s totals;
    with watch_rates, also notes whether an edge showed a rate above 0 on the way."""
    records = expect["records_read"]
    sinks = expect.get("sink_rows", {})
    source_ids = [s["id"] for s in ui.api("api/pipeline")["sources"]]
    rates_seen = []

    def probe():
        total = as_int(ui.text("#records-in-total"))
        counts = ui.node_counts()
        if watch_rates:
            for frm, to, rate, shown in ui.edge_rates():
                try:
                    if rate and float(rate) > 0:
                        rates_seen.append(f"{frm} -> {to}: {shown}")
                except ValueError:
                    pass
        source_total = sum(as_int(counts.get(i)) or 0 for i in source_ids)
        sink_counts = {i: as_int(counts.get(i)) for i in sinks}
        ok = total == records and source_total == records and all(
            sink_counts[i] == n for i, n in sinks.items())
        return ok, (f"#records-in-total {total!r} (want {records}), source node count "
                    f"{source_total} (want {records}), sink node counts {sink_counts} "
                    f"(want {sinks})")

    seen = wait_for(f"{label}: the page to show {records} records read and sink rows {sinks}",
                    probe, timeout)
    log(f"ok: {label}: {seen}")
    return rates_seen


def run(args):
    ui = Ui(args)
    timeout = args.timeout

    # The API first (independent of the page): the pipeline is running with its plan.
    api = wait_for("/api/pipeline to answer with sources, operators and sinks",
                   lambda: (lambda p: (bool(p.get("sources")) and bool(p.get("operators"))
                                       and bool(p.get("sinks")), p.get("state")))(
                       ui.api("api/pipeline")), timeout)
    log(f"ok: /api/pipeline answers (state {api})")

    ui.start_browser()
    try:
        # 1. The page loads and fills in the pipeline's state.
        ui.driver.get(ui.url)
        states = {"running", "starting", "restarting", "finished", "stopped", "failed"}
        state = wait_for("#pipeline-state to show one of " + ", ".join(sorted(states)),
                         lambda: (lambda t: (t in states, t))(ui.text("#pipeline-state")), timeout)
        if "sluice" not in ui.driver.title:
            raise CheckFailed(f"expected the page title to name sluice; saw {ui.driver.title!r}")
        log(f"ok: the page loaded, state {state!r}, title {ui.driver.title!r}")
        ui.screenshot("01-loaded.png")

        # 2. A node for every source, operator and sink of /api/pipeline; an edge from each
        #    operator's parent.
        plan = ui.api("api/pipeline")
        want_ids = ([s["id"] for s in plan["sources"]] + [o["id"] for o in plan["operators"]] +
                    [s["id"] for s in plan["sinks"]])
        want_edges = {(o["parent"], o["id"]) for o in plan["operators"]}

        def graph_probe():
            counts = ui.node_counts()
            missing = [i for i in want_ids if i not in counts]
            extra = [i for i in counts if i not in want_ids]
            not_int = {i: c for i, c in counts.items() if as_int(c) is None}
            edges = {tuple(e) for e in ui.edges()}
            missing_edges = sorted(want_edges - edges)
            ok = not missing and not extra and not not_int and not missing_edges
            return ok, (f"nodes missing {missing}, unexpected {extra}, counts not integers "
                        f"{not_int}, edges missing {missing_edges} (page nodes {sorted(counts)})")

        wait_for(f"a graph node for each of {want_ids} and an edge for each of "
                 f"{sorted(want_edges)}", graph_probe, timeout)
        log(f"ok: the graph shows all {len(want_ids)} nodes of /api/pipeline "
            f"({len(plan['sources'])} sources, {len(plan['operators'])} operators, "
            f"{len(plan['sinks'])} sinks) and {len(want_edges)} operator edges")

        # 3. Counters: the first totals, then more records from the test, then the new totals.
        expect1 = read_json(os.path.join(args.dir, "expect1.json"))
        check_totals(ui, expect1, timeout, "before more records")
        before = ui.node_counts()
        ui.screenshot("02-first-look.png")
        with open(os.path.join(args.dir, "phase1.done"), "w") as f:
            f.write("done\n")
        expect2_path = os.path.join(args.dir, "expect2.json")
        wait_for(f"the test to produce more records and write {expect2_path}",
                 lambda: (os.path.exists(expect2_path), "no file yet"), timeout, interval=0.1)
        expect2 = read_json(expect2_path)
        rates = check_totals(ui, expect2, timeout, "after more records", watch_rates=True)
        after = ui.node_counts()
        moved = {i: (before.get(i), after.get(i)) for i in after
                 if as_int(after.get(i)) is not None and as_int(before.get(i)) is not None
                 and as_int(after[i]) > as_int(before[i])}
        source_ids = [s["id"] for s in plan["sources"]]
        if not all(i in moved for i in source_ids + list(expect2.get("sink_rows", {}))):
            raise CheckFailed(f"expected the source and sink node counts to rise; "
                              f"before {before}, after {after}")
        if not rates:
            raise CheckFailed("expected an edge of the graph to show a rate above 0/s while the "
                              f"new records flowed; saw the rates {ui.edge_rates()}")
        log(f"ok: counters moved: {moved}; rates seen: {sorted(set(rates))[:6]}")

        # 4. The bad record's dead letter, with its raw value and a reason.
        letter = expect2["dead_letter"]

        def letter_probe():
            rows = ui.dead_letter_rows()
            hits = [r for r in rows if r["value"] == letter["value"]]
            ok = (bool(hits) and "not JSON" in hits[0]["reason"]
                  and letter["topic"] in hits[0]["text"])
            return ok, rows

        rows = wait_for(f"a row in #dead-letters with the value {letter['value']!r}, a reason "
                        f"saying 'not JSON' and the topic {letter['topic']!r}",
                        letter_probe, timeout)
        hit = next(r for r in rows if r["value"] == letter["value"])
        log(f"ok: dead letter shown: reason {hit['reason']!r}, value {hit['value']!r}")
        ui.screenshot("03-dead-letter.png")

        # 5. Idle now: every node shows the API's counter.
        def consistent_probe():
            want = expected_counts(ui.api("api/pipeline"))
            got = ui.node_counts()
            diff = {i: (got.get(i), w) for i, w in want.items() if as_int(got.get(i)) != w}
            return not diff, f"node id: (page, api) {diff}"

        wait_for("each node's count to equal /api/pipeline's counter", consistent_probe, timeout)
        log("ok: every node's count equals /api/pipeline's counter")
        state_now = ui.api("api/pipeline").get("state")
        wait_for(f"#pipeline-state to show {state_now!r}",
                 lambda: (ui.text("#pipeline-state") == state_now, ui.text("#pipeline-state")),
                 timeout)

        errors = [e for e in ui.driver.get_log("browser") if e.get("level") == "SEVERE"]
        if errors:
            raise CheckFailed(f"expected no errors in the browser console; saw {errors}")
        log("ok: no errors in the browser console")
        ui.screenshot("04-final.png")
    except BaseException:
        ui.screenshot("failure.png")
        try:
            with open(os.path.join(args.dir, "failure.html"), "w", encoding="utf-8") as f:
                f.write(ui.driver.page_source)
            for entry in ui.driver.get_log("browser"):
                log(f"browser console: {entry}")
        except Exception:
            pass
        raise
    finally:
        ui.driver.quit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the web UI, http://127.0.0.1:PORT/")
    parser.add_argument("--dir", required=True, help="the test's folder (handshake, screenshots)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--timeout", type=float, default=60, help="seconds each wait may take")
    args = parser.parse_args()
    # A SIGTERM from the test (its own deadline) still closes the browser.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("web_ui_check: stopped by SIGTERM"))
    started = time.monotonic()
    try:
        run(args)
    except CheckFailed as e:
        log(f"FAILED: {e}")
        return 1
    log(f"all checks passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
