"""Exchange formats: the whole model as JSON, CSV tables, sphinx-needs needs.json, ReqIF; needs.json import.

Each writer takes the loaded model (and graph) and returns text or bytes; the `ra2docs export FORMAT`
command modules beside them parse arguments and write files atomically.
"""
