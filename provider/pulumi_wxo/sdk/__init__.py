"""The SDK layer both Python hosts share: each resource's ``*Args``, outputs and property builders.

:class:`pulumi_wxo.Model` (registered with the dynamic provider) and
:class:`pulumi_wxo.native.Model` (registered with the ``pulumi-resource-wxo`` plugin) are thin
classes over these modules, and so are the two ``ModelPolicy`` classes. Nothing here imports a
host, so the plugin's SDK never loads the dynamic provider. Users import the names from
``pulumi_wxo`` or ``pulumi_wxo.native``, not from here.

The modules marked *generated* are written by ``make generate`` (tools/generate.py) from the
declarations of :mod:`pulumi_wxo.resources`; a unit test fails while one is stale.

Modules:

``common``    keyword arguments, ``*Args`` merging, the duplicate-name claims
``declared``  each resource's ``*Args`` and keyword signature (generated)
``outputs``   every output of each resource, declared up front (generated)
``nested``    the typed nested inputs of the schema's object types (generated)
``info``      the fields of a lookup's result, ``ModelInfo`` (generated)
``model``     the Model's property builders
``policy``    the ModelPolicy's property builders
``connection``  the Connection's property builder (credentials secret)
"""
