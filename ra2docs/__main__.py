from ra2docs.cli import entry

entry()
