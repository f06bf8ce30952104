#!/usr/bin/env python3
"""Trunk post-build hook: allow exactly the inline script Trunk writes into index.html.

The page's Content-Security-Policy allows scripts from its own origin only. Trunk loads the wasm
through one small inline module script, so the policy names that script by its SHA-256 (CSP's
'sha256-...' source) in place of the INLINE_SCRIPT_HASHES placeholder. Fails loudly if the page
has no inline script or no placeholder, so a change in Trunk cannot silently break the page.
"""

import base64
import hashlib
import os
import re
import sys

PLACEHOLDER = "INLINE_SCRIPT_HASHES"


def main() -> int:
    path = os.path.join(os.environ["TRUNK_STAGING_DIR"], "index.html")
    with open(path, encoding="utf-8") as file:
        html = file.read()
    scripts = [
        body
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        if "src=" not in attributes and body.strip()
    ]
    if not scripts or PLACEHOLDER not in html:
        print(f"csp_hashes: {path} has {len(scripts)} inline scripts and "
              f"{'a' if PLACEHOLDER in html else 'no'} {PLACEHOLDER} placeholder", file=sys.stderr)
        return 1
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in scripts
    )
    with open(path, "w", encoding="utf-8") as file:
        file.write(html.replace(PLACEHOLDER, hashes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
