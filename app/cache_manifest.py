#!/usr/bin/env python3
"""Trunk post-build hook: tell the service worker which files make this release.

Fills app/sw.js's FILE_LIST with every file of the built site (relative URLs, the page itself as
"./") and BUILD_HASH with a SHA-256 over their names and contents, so the browser sees a new
service worker, and a new cache, exactly when a file changed.
"""

import hashlib
import json
import os
import sys


def main() -> int:
    root = os.environ["TRUNK_STAGING_DIR"]
    sw_path = os.path.join(root, "sw.js")
    with open(sw_path, encoding="utf-8") as file:
        sw = file.read()
    if "BUILD_HASH" not in sw or "['FILE_LIST']" not in sw:
        print(f"cache_manifest: {sw_path} lacks its placeholders", file=sys.stderr)
        return 1
    files = sorted(
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _, names in os.walk(root)
        for name in names
        if name != "sw.js"
    )
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode())
        with open(os.path.join(root, name), "rb") as file:
            digest.update(hashlib.sha256(file.read()).digest())
    urls = ["./" if name == "index.html" else f"./{name}" for name in files]
    sw = sw.replace("'BUILD_HASH'", json.dumps(digest.hexdigest()[:16]))
    sw = sw.replace("['FILE_LIST']", json.dumps(urls))
    with open(sw_path, "w", encoding="utf-8") as file:
        file.write(sw)
    return 0


if __name__ == "__main__":
    sys.exit(main())
