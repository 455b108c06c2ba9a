"""pulumi-wxo: manage watsonx Orchestrate models and policies with Pulumi."""

__all__: list[str] = []
