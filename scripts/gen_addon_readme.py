#!/usr/bin/env python3
"""Write each addon's README.rst from its readme/ fragments and its manifest, as OCA does.

OCA builds README.rst with oca-gen-addon-readme from OCA/maintainer-tools, which no package
registry ships; the one generator on PyPI (gen-odoo-readme) is a fork with Spanish headings and its
author's logo. This script follows OCA's layout: title, badges from the manifest, the description,
a table of contents, Installation / Configuration / Usage / ... sections, bug tracker and credits.
Every README is rendered with docutils first: a warning in a fragment stops it.

    scripts/gen_addon_readme.py [--addons-dir DIR] [--check]

--check writes nothing and fails (listing the addons) when a README.rst is not up to date.
"""

import argparse
import ast
import hashlib
import io
import re
import sys
from pathlib import Path

from docutils.core import publish_string
from docutils.utils import SystemMessage

FRAGMENTS_DIR = "readme"
# (fragment, section title), in OCA's order; CONTRIBUTORS and CREDITS go under Credits.
SECTIONS = (
    ("CONTEXT", "Use Cases / Context"),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("DEVELOP", "Development"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
)
CREDIT_SECTIONS = (("CONTRIBUTORS", "Contributors"), ("CREDITS", "Other credits"))
FRAGMENTS = ("DESCRIPTION",) + tuple(name for name, _title in SECTIONS + CREDIT_SECTIONS)

MATURITY_BADGES = {
    "alpha": ("Alpha", "red"),
    "beta": ("Beta", "yellow"),
    "production/stable": ("Production%2FStable", "green"),
    "mature": ("Mature", "brightgreen"),
}
LICENSE_URLS = {
    "AGPL-3": "http://www.gnu.org/licenses/agpl-3.0-standalone.html",
    "LGPL-3": "http://www.gnu.org/licenses/lgpl-3.0-standalone.html",
    "GPL-3": "http://www.gnu.org/licenses/gpl-3.0-standalone.html",
}
# As pypa/readme_renderer and OCA's generator: no file inclusion, no raw HTML, warnings are errors.
RST_SETTINGS = {
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "halt_level": 2,
    "report_level": 2,
    "warning_stream": io.StringIO(),
    "output_encoding": "unicode",
}
IMAGE_RE = re.compile(r"^(?P<lead>\s*\.\. (?:figure|image)::\s+)(?P<path>\S+)\s*$")


def find_addons(addons_dir):
    for manifest_path in sorted(addons_dir.glob("*/__manifest__.py")):
        manifest = ast.literal_eval(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("installable", True):
            yield manifest_path.parent, manifest


def read_fragments(addon_dir, raw_url):
    fragments = {}
    for name in FRAGMENTS:
        path = addon_dir / FRAGMENTS_DIR / f"{name}.rst"
        if not path.exists():
            if (addon_dir / FRAGMENTS_DIR / f"{name}.md").exists():
                raise ValueError(f"{path.parent}/{name}.md: write the fragment as {name}.rst (reStructuredText)")
            continue
        lines = path.read_text(encoding="utf-8").strip("\n").splitlines()
        if not lines:
            continue
        # Images relative to the fragment (../static/...) point at the repository instead.
        for index, line in enumerate(lines):
            match = IMAGE_RE.match(line)
            if match and not match["path"].startswith(("http://", "https://")):
                lines[index] = match["lead"] + raw_url + match["path"].replace("../", "")
        fragments[name] = "\n".join(lines) + "\n"
    return fragments


def source_digest(addon_dir):
    # What the README is made of, so a reader can tell it was not edited by hand.
    digest = hashlib.sha256()
    for path in [addon_dir / "__manifest__.py"] + sorted((addon_dir / FRAGMENTS_DIR).glob("*.rst")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def heading(title, underline, overline=False):
    rule = underline * len(title)
    return f"{rule}\n{title}\n{rule}\n" if overline else f"{title}\n{rule}\n"


def render(addon_dir, manifest):
    addon = addon_dir.name
    website = manifest.get("website", "").rstrip("/")
    match = re.match(r"https://github\.com/([^/]+)/([^/]+)$", website)
    if not match:
        raise ValueError(f"{addon}/__manifest__.py: website must be the addon's GitHub repository")
    org, repo = match.groups()
    branch = ".".join(manifest["version"].split(".")[:2])
    tree_url = f"https://github.com/{org}/{repo}/tree/{branch}/{addon}"
    raw_url = f"https://raw.githubusercontent.com/{org}/{repo}/{branch}/{addon}/"
    fragments = read_fragments(addon_dir, raw_url)
    if "DESCRIPTION" not in fragments:
        raise ValueError(f"{addon}/{FRAGMENTS_DIR}/DESCRIPTION.rst is missing or empty")

    badges = []
    status = manifest.get("development_status", "Beta").lower()
    if status in MATURITY_BADGES:
        label, colour = MATURITY_BADGES[status]
        badges.append(
            (
                f"https://img.shields.io/badge/maturity-{label}-{colour}.png",
                "https://odoo-community.org/page/development-status",
                manifest.get("development_status", "Beta"),
            )
        )
    licence = manifest.get("license")
    if licence in LICENSE_URLS:
        badges.append(
            (
                f"https://img.shields.io/badge/licence-{licence.replace('-', '--')}-blue.png",
                LICENSE_URLS[licence],
                f"License: {licence}",
            )
        )
    badges.append(
        (
            f"https://img.shields.io/badge/github-{org.replace('-', '--')}%2F{repo.replace('-', '--')}"
            "-lightgray.png?logo=github",
            tree_url,
            f"{org}/{repo}",
        )
    )

    out = [heading(manifest["name"], "=", overline=True)]
    out.append(
        "..\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        "   !! Generated by scripts/gen_addon_readme.py from readme/    !!\n"
        "   !! and the manifest: edit those, changes here are lost.     !!\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        f"   !! source digest: {source_digest(addon_dir)}\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    )
    for index, (image, target, alt) in enumerate(badges, 1):
        out.append(f".. |badge{index}| image:: {image}\n    :target: {target}\n    :alt: {alt}")
    out.append("\n" + " ".join(f"|badge{index}|" for index in range(1, len(badges) + 1)) + "\n")
    out.append(fragments["DESCRIPTION"])
    if status == "alpha":
        out.append(
            ".. IMPORTANT::\n"
            "   This is an alpha version, the data model and design can change at any time without warning.\n"
            "   Only for development or testing purpose, do not use in production.\n"
        )
    out.append("**Table of contents**\n\n.. contents::\n   :local:\n")
    for name, title in SECTIONS:
        if name in fragments:
            out.append(heading(title, "="))
            out.append(fragments[name])
    out.append(heading("Bug Tracker", "="))
    out.append(
        f"Bugs are tracked on `GitHub Issues <https://github.com/{org}/{repo}/issues>`_.\n"
        "In case of trouble, please check there if your issue has already been reported.\n"
    )
    out.append(heading("Credits", "="))
    authors = [author.strip() for author in manifest.get("author", "").split(",") if author.strip()]
    if authors:
        out.append(heading("Authors", "-"))
        out.append("".join(f"* {author}\n" for author in authors))
    for name, title in CREDIT_SECTIONS:
        if name in fragments:
            out.append(heading(title, "-"))
            out.append(fragments[name])
    out.append(heading("Maintainers", "-"))
    maintainers = manifest.get("maintainers", [])
    if maintainers:
        for maintainer in maintainers:
            out.append(
                f".. |maintainer-{maintainer}| image:: https://github.com/{maintainer}.png?size=40px\n"
                f"    :target: https://github.com/{maintainer}\n"
                f"    :alt: {maintainer}"
            )
        plural = "s" if len(maintainers) > 1 else ""
        out.append(f"\nCurrent maintainer{plural}:\n")
        out.append(" ".join(f"|maintainer-{maintainer}|" for maintainer in maintainers) + "\n")
    out.append(f"This module is part of the `{org}/{repo} <{tree_url}>`_ project on GitHub.\n")
    out.append("You are welcome to contribute.\n")
    return "\n".join(out)


def check_rst(text, addon):
    try:
        publish_string(text, writer_name="html5", settings_overrides=dict(RST_SETTINGS, warning_stream=io.StringIO()))
    except SystemMessage as error:
        raise ValueError(f"{addon}/README.rst does not render: {error}") from error


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addons-dir", default=".", type=Path)
    parser.add_argument("--check", action="store_true", help="fail when a README.rst is not up to date")
    args = parser.parse_args(argv)
    stale, problems = [], []
    for addon_dir, manifest in find_addons(args.addons_dir):
        try:
            text = render(addon_dir, manifest)
            check_rst(text, addon_dir.name)
        except ValueError as error:
            problems.append(str(error))
            continue
        readme = addon_dir / "README.rst"
        if readme.exists() and readme.read_text(encoding="utf-8") == text:
            continue
        stale.append(str(readme))
        if not args.check:
            readme.write_text(text, encoding="utf-8")
    for problem in problems:
        print(problem, file=sys.stderr)
    if stale:
        verb = "is not up to date (run scripts/gen_addon_readme.py)" if args.check else "written"
        for readme in stale:
            print(f"{readme} {verb}", file=sys.stderr)
    return 1 if problems or (stale and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
