#!/usr/bin/env python3
"""Trunk post-build hook: tell the service worker which files make this release.

Fills app/sw.js's FILE_LIST with every file of the built site (relative URLs, the page itself as
"./") but the large photo pool and the networks' weights (model/*.bpk: a visit downloads only
the network its link needs, and the service worker keeps it as it passes), and BUILD_HASH with a SHA-256 over their names and contents, so
the browser sees a new service worker, and a new cache, exactly when a file changed. The pool
(pool/, hundreds of photos) is cached by the engine worker once a feature downloads it, in a cache
of its own named by POOL_HASH, the pool's stamp (as the worker reads it from model/pool.json), so
a new release keeps it when the pool did not change.
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
    if any(mark not in sw for mark in ("BUILD_HASH", "POOL_HASH", "['FILE_LIST']", "['WEIGHTS_CACHES']")):
        print(f"cache_manifest: {sw_path} lacks its placeholders", file=sys.stderr)
        return 1
    every = sorted(
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _, names in os.walk(root)
        for name in names
        if name != "sw.js"
    )
    hashed = [name for name in every if not name.startswith("pool/")]
    files = [name for name in hashed if not name.endswith(".bpk")]
    urls = ["./" if name == "index.html" else f"./{name}" for name in files]
    sw = sw.replace("'BUILD_HASH'", json.dumps(digest(root, hashed)))
    sw = sw.replace("'POOL_HASH'", json.dumps(pool_stamp(root)))
    sw = sw.replace("['WEIGHTS_CACHES']", json.dumps(weights_caches(root)))
    sw = sw.replace("['FILE_LIST']", json.dumps(urls))
    with open(sw_path, "w", encoding="utf-8") as file:
        file.write(sw)
    return 0


def pool_stamp(root: str) -> str:
    """The first 16 characters of the large pool's stamp; "none" when the site has no pool."""
    try:
        with open(os.path.join(root, "model", "pool.json"), encoding="utf-8") as file:
            return json.load(file)["stamp"][:16]
    except FileNotFoundError:
        return "none"


def weights_caches(root: str) -> list[str]:
    """The caches the engine keeps this release's weights in (engine/download.rs): one per file,
    named by the first 16 hex digits of its SHA-256, as its manifest's "hash"."""
    caches = []
    for folder, _, names in os.walk(os.path.join(root, "model")):
        for name in sorted(names):
            if name.endswith(".bpk"):
                with open(os.path.join(folder, name), "rb") as file:
                    caches.append(f"basis-weights-{hashlib.sha256(file.read()).hexdigest()[:16]}")
    return caches


def digest(root: str, names: list[str]) -> str:
    """A short SHA-256 over the files' names and contents."""
    hashed = hashlib.sha256()
    for name in names:
        hashed.update(name.encode())
        with open(os.path.join(root, name), "rb") as file:
            hashed.update(hashlib.sha256(file.read()).digest())
    return hashed.hexdigest()[:16]


if __name__ == "__main__":
    sys.exit(main())
