"""Sphinx configuration: `make html` builds source/ into build/html from the spec tree beside this file."""

project = "Our platform requirements"
extensions = ["ra2docs.sphinx"]
ra2docs_root = "."  # the spec tree (requirements/ and mappings/), relative to this file
html_theme = "furo"
graphviz_output_format = "svg"  # diagrams keep their links
