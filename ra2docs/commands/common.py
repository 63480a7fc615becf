"""Argument handling shared by the commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from ra2docs.cli import UsageError
from ra2docs.load import TREE_DIRS, is_tree
from ra2docs.project import Project


def add_root_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("root", nargs="?", default=".", metavar="ROOT",
                        help="the spec tree: a folder holding requirements/ and mappings/ (default: .)")


def tree_root(text: str) -> Path:
    root = Path(text)
    if not root.is_dir():
        raise UsageError(f"{text}: no such folder")
    if not is_tree(root):
        raise UsageError(f"{text}: not a spec tree (expected one of {', '.join(d + '/' for d in TREE_DIRS)})")
    return root


def load_project(text: str) -> Project:
    return Project.load(tree_root(text), display_root=text)
