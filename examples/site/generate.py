#!/usr/bin/env python3
"""Generates the crawl target: index.html plus 60 linked pages, and manifest.json.

The link graph is fixed so that a test can check a crawl exactly: every page is reachable
from index.html, page N links to page N+1 (a chain through all pages) and to two others.
Run from this directory: python3 generate.py
"""
import json
import os

PAGES = 60
HERE = os.path.dirname(os.path.abspath(__file__))
WWW = os.path.join(HERE, "www")


def page_name(n: int) -> str:
    return f"page-{n:02d}.html"


def links_of(n: int) -> list[str]:
    targets = [(n + 1) % PAGES, (n * 7 + 3) % PAGES, (n * 3 + 11) % PAGES]
    seen: list[str] = []
    for t in targets:
        if t != n and page_name(t) not in seen:
            seen.append(page_name(t))
    return seen


def html(title: str, links: list[str], body: str) -> str:
    items = "\n".join(f'    <li><a href="/{link}">{link}</a></li>' for link in links)
    return (
        "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>"
        + title
        + "</title></head>\n<body>\n  <h1>"
        + title
        + "</h1>\n  <p>"
        + body
        + "</p>\n  <ul>\n"
        + items
        + "\n  </ul>\n</body>\n</html>\n"
    )


def main() -> None:
    os.makedirs(WWW, exist_ok=True)
    manifest = {"pages": {}}
    index_links = [page_name(n) for n in range(5)]
    with open(os.path.join(WWW, "index.html"), "w") as f:
        f.write(html("swiftstack demo site", index_links, "The crawl starts here."))
    manifest["pages"]["/index.html"] = {"title": "swiftstack demo site", "links": ["/" + l for l in index_links]}
    for n in range(PAGES):
        title = f"Page {n:02d}"
        links = links_of(n)
        with open(os.path.join(WWW, page_name(n)), "w") as f:
            f.write(html(title, links, f"This is page number {n} of {PAGES}."))
        manifest["pages"]["/" + page_name(n)] = {"title": title, "links": ["/" + l for l in links]}
    manifest["count"] = len(manifest["pages"])
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
