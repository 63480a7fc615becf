project = "ra2docs verification sample"
extensions = ["ra2docs.sphinx"]
ra2docs_root = "."
exclude_patterns = ["requirements", "mappings", "results", "_build"]
