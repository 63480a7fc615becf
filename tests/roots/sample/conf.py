project = "ra2docs sample"
extensions = ["ra2docs.sphinx"]
ra2docs_root = "."
exclude_patterns = ["requirements", "mappings", "_build"]
graphviz_output_format = "svg"
