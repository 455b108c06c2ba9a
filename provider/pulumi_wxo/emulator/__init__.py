"""Local watsonx Orchestrate API emulator (optional extra: pulumi-wxo[emulator])."""
