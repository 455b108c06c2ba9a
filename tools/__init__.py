"""Developer tools, not part of the wheel: the generators of everything derived from the declarations.

Modules:

``generate``    ``make generate``: write every generated file, or ``--check`` that none is stale
``gen_python``  the generated modules of ``pulumi_wxo.sdk`` (typed inputs, arguments, outputs, signatures)
``gen_schema``  the plugin's package schema (``native/schema.json``)
``gen_docs``    the reference pages (``docs/reference/``)
"""
