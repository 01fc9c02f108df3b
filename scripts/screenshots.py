"""Log in as a demo user and screenshot pages with Debian's chromium (no browser download).

    python scripts/screenshots.py --user clerk_a /subjects/ /subjects/1/ ...
Pictures go to screenshots/ (git-ignored). The site must be running (make run).
"""

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="Sanling@2026")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--prefix", default="")
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height}, locale="zh-CN")
        if args.user:
            page.goto(f"{args.base}/accounts/login/")
            page.fill("#id_username", args.user)
            page.fill("#id_password", args.password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
        for path in args.paths:
            action = None
            if "!" in path:
                path, action = path.split("!", 1)
            page.goto(f"{args.base}{path}")
            page.wait_for_load_state("networkidle")  # pages that fetch their data (一张图, pickers) have it
            if action:
                # "selector=value;selector=value;click:selector"
                for step in action.split(";"):
                    if step.startswith("click:"):
                        page.click(step[6:])
                        page.wait_for_load_state("networkidle")
                    elif "=" in step:
                        sel, val = step.split("=", 1)
                        page.fill(sel, val)
            name = args.prefix + (re.sub(r"[^a-zA-Z0-9]+", "_", path).strip("_") or "root") + ".png"
            page.screenshot(path=str(out / name), full_page=args.full)
            print(out / name)
        browser.close()


if __name__ == "__main__":
    main()
