"""Host 2: the native resource-provider plugin ``pulumi-resource-wxo`` over :mod:`pulumi_wxo.lifecycle`."""
