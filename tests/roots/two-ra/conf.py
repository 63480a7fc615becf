project = "ra2docs two reference architectures"
extensions = ["ra2docs.sphinx"]
ra2docs_root = "../../trees/two-ra"
exclude_patterns = ["_build"]
