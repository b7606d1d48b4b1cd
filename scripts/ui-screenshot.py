"""Screenshot of a web page in headless Chromium, for the docs' images (not a test).

    python scripts/ui-screenshot.py URL OUT.png [--js CODE]... [--wait S] [--size 1600x1000]

Starts /usr/bin/chromium headless with a fresh profile and the flags this machine's closed network
needs, loads URL, waits, runs each --js snippet in the page (e.g. to expand rows), waits again and
saves a PNG. Drives Chromium over the DevTools protocol with aiohttp (present in the MLflow 3.x venv:
~/.cache/towerlab/mlflow-venv-3.17.2/bin/python). Debian's chromium: apt-get install chromium.
"""
import argparse
import asyncio
import base64
import json
import socket
import subprocess
import tempfile
import time
import urllib.request

import aiohttp


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def shoot(args):
    port = free_port()
    w, h = (int(x) for x in args.size.split("x"))
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.Popen([
            "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", f"--remote-debugging-port={port}", f"--window-size={w},{h}",
            "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                    page = next(t for t in targets if t["type"] == "page")
                    break
                except Exception:
                    time.sleep(0.2)
            async with aiohttp.ClientSession() as session:
                async with session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                    ids = iter(range(1, 10**6))

                    async def call(method, **params):
                        i = next(ids)
                        await ws.send_json({"id": i, "method": method, "params": params})
                        while True:
                            msg = await ws.receive_json()
                            if msg.get("id") == i:
                                return msg.get("result", {})

                    await call("Emulation.setDeviceMetricsOverride", width=w, height=h, deviceScaleFactor=1,
                               mobile=False)
                    await call("Page.enable")
                    await call("Page.navigate", url=args.url)
                    await asyncio.sleep(args.wait)
                    for js in args.js:
                        r = await call("Runtime.evaluate", expression=js, awaitPromise=True, returnByValue=True)
                        print("js:", r.get("result", {}).get("value"))
                        await asyncio.sleep(args.wait)
                    shot = await call("Page.captureScreenshot", format="png")
                    with open(args.out, "wb") as f:
                        f.write(base64.b64decode(shot["data"]))
        finally:
            proc.terminate()
            proc.wait(10)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("out")
    p.add_argument("--js", action="append", default=[])
    p.add_argument("--wait", type=float, default=8)
    p.add_argument("--size", default="1600x1000")
    asyncio.run(shoot(p.parse_args()))


if __name__ == "__main__":
    main()
