"""The SDK layer both Python hosts share: each resource's ``*Args``, outputs and property builders.

:class:`pulumi_wxo.Model` (registered with the dynamic provider) and
:class:`pulumi_wxo.native.Model` (registered with the ``pulumi-resource-wxo`` plugin) are thin
classes over these modules, and so are the two ``ModelPolicy`` classes. Nothing here imports a
host, so the plugin's SDK never loads the dynamic provider. Users import the names from
``pulumi_wxo`` or ``pulumi_wxo.native``, not from here.

Modules:

``common``    keyword arguments, ``*Args`` merging, the duplicate-name claims
``outputs``   every output of each resource, declared up front
``model``     ``ModelArgs`` and the Model's property builders
``policy``    ``ModelPolicyArgs`` and the ModelPolicy's property builders
"""
