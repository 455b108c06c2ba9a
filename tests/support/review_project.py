"""What ``pulumi-wxo review`` must report for the review project (tests/data/review-project, its
``base`` step then its ``change`` step), whichever way its preview reached the renderer: run
through the engine (tests/e2e/test_review_engine.py) or captured once (tests/data/review, read
by tests/unit/review/test_render.py).
"""

from __future__ import annotations

# The comment's headings after its title and the stack's, in order: destructive changes first.
CHANGE_HEADINGS = [
    "⚠️ Delete model old",
    "⚠️ Replace model mini",
    "Adopt model existing",
    "Create model fresh",
    "Update model gpt",
    "Update policy route",
]
CHANGE_SUMMARY = "**1 to delete, 1 to replace, 1 to adopt, 1 to create, 2 to update**"
