"""One module per `ra2docs` command; see `ra2docs.cli`."""
