"""Screenshots of the web application's main pages for docs/web.md.

Starts ``auditor serve`` on a temporary ``--data``, sends the sample year twice through
the API (so that the comparison and a cell's history have two runs), then logs in as an
admin in Debian's Chromium (the browser tests' Playwright setup, no browser download)
and saves each page to ``docs/screenshots/NAME.png``.

    .venv/bin/python benchmarks/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.live import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    SAMPLE,
    Server,
    add_user,
    token_for,
    wait_status,
)

WIDTH, HEIGHT = 1280, 860


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        add_user(data, "admin", "admin")
        token = token_for(data, "admin")
        server = Server(data).start()
        try:
            files = [
                ("files", ("sample_data/" + p.relative_to(SAMPLE).as_posix(), p.read_bytes()))
                for p in sorted(SAMPLE.rglob("*"))
                if p.is_file()
            ]
            runs = []
            for as_of in ("2024-06-30", ""):
                created = httpx.post(
                    server.url + "/api/runs",
                    headers={"Authorization": f"Bearer {token}"},
                    data={"year": "2024", "as_of": as_of},
                    files=files,
                    timeout=120,
                )
                created.raise_for_status()
                runs.append(created.json()["id"])
            for run in runs:
                wait_status(server, run, token, ("done", "failed"))
            first, last = runs
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
                page.goto(server.url + "/login")
                page.screenshot(path=args.out / "login.png")
                page.fill("input[name=name]", "admin")
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_url(server.url + "/")
                shots = {
                    "home": "/",
                    "run": f"/runs/{last}",
                    "cell": f"/runs/{last}/cells/CB-012",
                    "inputs": f"/runs/{last}/inputs",
                    "compare": f"/compare?a={first}&b={last}",
                    "log": "/log",
                }
                for name, path in shots.items():
                    page.goto(server.url + path)
                    page.screenshot(path=args.out / f"{name}.png", full_page=False)
                    print(f"{args.out / name}.png  <- {path}")
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
