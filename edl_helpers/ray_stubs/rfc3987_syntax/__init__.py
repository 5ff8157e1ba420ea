"""Not the real ``rfc3987_syntax``: what the processes of a local Ray started by ``edl_helpers.executors`` find.

Ray's processes import jsonschema, which imports ``rfc3987_syntax`` when it is installed (JupyterLab's
dependencies install it); the real module compiles a grammar on import, about 2.5 s of CPU in each of Ray's
Python processes. Without it, jsonschema only goes without its optional IRI format checks, which Ray never uses.
See ``edl_helpers.executors._start_local_ray``.
"""
raise ImportError("rfc3987_syntax is left out of the processes of this local Ray (see edl_helpers.executors)")
