"""Host 3: the ``terraform-provider-wxo`` plugin for OpenTofu and Terraform (plugin protocol 6).

The same lifecycle core (:mod:`pulumi_wxo.lifecycle`) the two Pulumi hosts drive, served to
OpenTofu and Terraform; its schema is derived from the declarations of
:mod:`pulumi_wxo.resources` and the settings of :mod:`pulumi_wxo.api.setting_table`.
docs/guide/terraform.md is the user guide, docs/dev/terraform.md the developer notes.

Modules:

``cty``       msgpack values with cty's rules (unknowns, dynamic values) to plain data and back
``schema``    the provider's and each resource's Terraform schema, from the declarations
``names``     one name, one object: the names a plugin process has planned and created
``values``    states, configs and plans to the lifecycle's inputs and outputs, and back
``provider``  the ``tfplugin6.Provider`` RPCs as lifecycle calls
``server``    the go-plugin handshake and the gRPC server (``terraform-provider-wxo``)
``install``   ``terraform-provider-wxo install DIR``: a filesystem mirror that ``tofu init`` accepts
"""
