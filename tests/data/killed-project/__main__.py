"""Twelve models: tests/e2e/test_killed_run_engine.py kills `pulumi up` of this project mid-create."""

import pulumi_wxo as wxo

for i in range(12):
    wxo.Model(f"m{i:02d}", name=f"openai/killed-{i:02d}", provider_config={"api_key": f"sk-killed-{i:02d}"})
