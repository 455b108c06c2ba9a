"""The review comment, read back with a GFM parser (tests/support/gfm.py): summaries, field tables,
adoptions, replacements and deletions with their reasons and routing policies, secrets that
never appear, and values that cannot break out of their cell."""

from __future__ import annotations

import json
import re

import pytest

from pulumi_wxo.review import SECRET_TEXT
from tests.support.gfm import code_blocks, headings, html_tags, tables
from tests.support.review_project import CHANGE_HEADINGS, CHANGE_SUMMARY
from tests.unit.review.support import captured, digest, policy_event, policy_events, review, step, text

pytestmark = pytest.mark.unit

GPT = "virtual-model/openai/gpt"


def _table_after(markdown: str, heading_part: str, header0: str = "Field") -> dict[str, list[str]]:
    [table] = [t for t in tables(markdown) if heading_part in t.heading and t.header[0] == header0]
    assert all(len(r) == len(table.header) for r in table.rows)
    return {r[0]: r[1:] for r in table.rows}


@pytest.mark.parametrize("host", ["native", "dynamic"])
def test_captured_preview_renders_every_change(host: str) -> None:
    md = text(captured(f"{host}-preview"))
    assert headings(md) == ["pulumi-wxo review", "Stack s (project wxo-review)", *CHANGE_HEADINGS]
    assert CHANGE_SUMMARY in md
    gpt = _table_after(md, "Update model gpt")
    assert gpt["config.max_tokens"] == ["512", "1024"]
    assert gpt["display_name"] == ["GPT", "GPT v2"]
    secret_note = "(changed)" if host == "native" else "(may change: the preview does not compare secrets)"
    assert gpt["provider_config.api_key"] == [SECRET_TEXT, f"{SECRET_TEXT} {secret_note}"]
    # Internal inputs are never a row: the owner stamp, the pickled provider, control inputs.
    assert set(gpt) == {"config.max_tokens", "display_name", "provider_config.api_key"}
    adopt = _table_after(md, "Adopt model existing")
    assert adopt["name"] == ["—", "virtual-model/ollama/existing"]
    assert "adopt" not in adopt and "owner" not in adopt
    assert "Adopts the existing model virtual-model/ollama/existing" in md.replace("<code>", "").replace(
        "</code>", ""
    )
    mini = _table_after(md, "Replace model mini")
    assert mini == {"name": ["virtual-model/ollama/mini", "virtual-model/ollama/mini-2"]}
    assert re.search(r"because <code>name</code> cannot change in place", md)
    assert "Policies that route to it: <code>route</code>" in md
    targets = _table_after(md, "Update policy route", "Target")
    assert targets == {
        GPT: ["0.5", "0.7"],
        "virtual-model/ollama/mini-2": ["—", "0.3 (added)"],
        "virtual-model/ollama/mini": ["0.5", "removed"],
    }
    [(info, diagram)] = code_blocks(md)
    assert info == "mermaid" and diagram.startswith("flowchart LR\n")
    assert f'P -->|"0.5 to 0.7"| T0["{GPT}"]' in diagram


def test_the_stream_renders_as_the_digest_does() -> None:
    assert text(captured("native-stream")) == text(captured("native-preview"))


PLANTED = (
    "sk-PLANTED-marked",
    "sk-PLANTED-unmarked",
    "sk-PLANTED-camel",
    "PLANTED-password",
    "sk-PLANTED-cipher",
)


def test_a_planted_secret_never_appears_marked_or_not() -> None:
    sig = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        "plaintext": '"sk-PLANTED-cipher"',
    }
    old = {"name": GPT, "provider_config": {"api_key": "sk-PLANTED-marked", "custom_host": "https://a"}}
    new = {
        "name": GPT,
        "provider_config": {
            "api_key": "sk-PLANTED-unmarked",  # not marked secret by the engine: still a credential
            "apiKey": "sk-PLANTED-camel",
            "watsonx_cpd_password": "PLANTED-password",
            "aws_secret_access_key": sig,
            "custom_host": "https://b",
        },
    }
    doc = digest(step("update", "gpt", old=old, new=new, diff=["provider_config"]))
    created = digest(step("create", "n", new=new, stack="prod"))
    parts = review(doc, created, max_bytes=4096).parts
    whole = "\n".join(parts)
    for planted in PLANTED:
        assert planted not in whole
    rows = _table_after(whole.split("### Stack <code>prod</code>")[0], "Update model gpt")
    assert rows["provider_config.custom_host"] == ["https://a", "https://b"]
    for key in ("apiKey", "watsonx_cpd_password", "aws_secret_access_key"):
        assert rows[f"provider_config.{key}"] == ["—", SECRET_TEXT]


def test_a_deleted_model_names_the_policies_that_still_route_to_it() -> None:
    policy = {"name": "virtual-policy/p", "strategy": {"mode": "fallback"}, "targets": [{"model_name": GPT}]}
    doc = digest(
        step("delete", "gpt", old={"name": GPT}),
        step("same", "p", kind="ModelPolicy", old=policy, new=policy),
        step(
            "same",
            "other",
            kind="ModelPolicy",
            old={**policy, "targets": [{"model_name": "virtual-model/x/y"}]},
        ),
    )
    md = text(doc)
    assert "**Deletes** the model <code>virtual\\-model" not in md  # names are not over-escaped
    assert "Policies that route to it: <code>p</code>." in md
    assert "<code>other</code>" not in md
    assert "**1 to delete** (2 unchanged)" in md


def test_a_replaced_connection_is_named_by_its_app_id_and_its_credentials_are_masked() -> None:
    key, rotated = "sk-review-KNOWN-9191", "sk-review-ROTATED-9292"
    old = {"app_id": "creds", "kind": "key_value", "credentials": {"api_key": key}}
    new = {**old, "app_id": "creds-2", "credentials": {"api_key": rotated}}
    md = text(digest(step("replace", "c", kind="Connection", old=old, new=new, replace=["app_id"])))
    assert "**Replaces** the connection <code>creds</code> (id" in md and "as <code>creds-2</code>" in md
    assert key not in md and rotated not in md


def test_takeover_says_from_whom_it_is_taken() -> None:
    md = text(digest(step("create", "m", new={"name": GPT, "adopt": "takeover"})))
    assert "⚠️ Take over model m" in headings(md)
    assert "**Takes over** the existing model" in md and "**1 to take over**" in md


def test_nothing_changes() -> None:
    got = review(digest(step("same", "m", old={"name": GPT}, new={"name": GPT})))
    assert not got.changed
    assert "1 stack: nothing changes." in got.parts[0] and "**no changes** (1 unchanged)" in got.parts[0]


def test_an_update_the_preview_cannot_show_says_so() -> None:
    md = text(digest(step("update", "m", old={"name": GPT, "tags": ["a"]}, new={"name": GPT, "tags": ["a"]})))
    assert "_No field that the preview shows changes._" in md


def test_force_delete_shows_only_when_it_is_set() -> None:
    md = text(
        digest(
            step(
                "update",
                "m",
                old={"name": GPT, "force_delete": False},
                new={"name": GPT, "force_delete": True},
            )
        )
    )
    assert _table_after(md, "Update model m") == {"force_delete": ["false", "true"]}
    created = text(digest(step("create", "n", new={"name": GPT, "force_delete": False, "owner": "abc"})))
    assert set(_table_after(created, "Create model n")) == {"name"}


def test_the_providers_own_inputs_never_make_a_row() -> None:
    internal = {
        "__owner": "0123456789abcdef",
        "__owner_stack": "proj/prod",
        "__declared_models": ["x"],
        "owner_stack": "proj/prod",
        "program_models": [{"name": "y"}],
    }
    created = text(digest(step("create", "n", new={"name": GPT, **internal})))
    assert set(_table_after(created, "Create model n")) == {"name"}
    moved = text(
        digest(step("update", "m", old={"name": GPT}, new={"name": GPT, "description": "d", **internal}))
    )
    assert set(_table_after(moved, "Update model m")) == {"description"}


HOSTILE = "evil | <img src=x onerror=alert(1)> `tick` [link](https://x.example) *b* @org/team $x$\nline2"


def test_hostile_values_stay_inside_their_cell() -> None:
    old = {"name": GPT, "description": "plain"}
    new = {"name": GPT, "description": HOSTILE}
    md = text(digest(step("update", HOSTILE.replace("\n", " "), old=old, new=new)))
    rows = _table_after(md, "Update model")
    # The whole value comes back as the text of one cell (a word joiner after @ stops a mention).
    assert rows["description"] == ["plain", HOSTILE.replace("@", "@\u2060")]
    assert html_tags(md) <= {"<code>", "</code>", "<br>"}
    assert "](https" not in md.replace("\\](", "")


def test_policy_violations_are_listed() -> None:
    events = policy_events(
        policy_event(
            "credentials-through-connection",
            "mandatory",
            "provider_config.api_key: use a connection | not inline\nsecond line",
            resourceUrn="urn:pulumi:dev::p::wxo:index:Model::gpt",
            severity="high",
        ),
        # As a pack prints it: no trailing <br>; "warning" is the engine's word for advisory.
        policy_event("weights", "warning", "weights sum to 1.4\n"),
    )
    md = text(events)
    assert "1.4<br>" not in md
    [table] = [t for t in tables(md) if t.heading.startswith("Policy violations")]
    assert table.header == ["Level", "Policy pack", "Policy", "Resource", "Message"]
    assert table.rows == [
        [
            "❌ mandatory (high)",
            "wxo-guardrails",
            "credentials-through-connection",
            "gpt",
            "provider_config.api_key: use a connection | not inline\nsecond line",
        ],
        ["advisory", "wxo-guardrails", "weights", "—", "weights sum to 1.4"],
    ]


def test_several_stacks_each_have_a_summary() -> None:
    dev = digest(step("create", "a", new={"name": GPT}, stack="dev"))
    prod = digest(step("same", "a", old={"name": GPT}, new={"name": GPT}, stack="prod"))
    md = text(dev, prod)
    assert [h for h in headings(md) if h.startswith("Stack")] == [
        "Stack dev (project proj)",
        "Stack prod (project proj)",
    ]
    assert "2 stacks: changes below." in md


def test_an_empty_preview_is_labelled_by_its_file() -> None:
    md = text({"config": {}})
    assert "### Stack doc0.json" in md
    assert json.dumps(md)  # plain text


def test_errors_the_preview_reported_are_listed_and_need_review() -> None:
    doc = {
        "config": {},
        "steps": [step("same", "m", old={"name": GPT}, new={"name": GPT})],
        "diagnostics": [
            {"message": "retrying GET /v1/models\n\n", "severity": "info#err"},
            {
                "urn": "urn:pulumi:dev::p::wxo:index:Model::m",
                "message": "wxo:index:Model resource 'm': the instance refused the credential\n",
                "severity": "error",
            },
        ],
    }
    got = review(doc)
    assert not got.changed and got.errors == 1
    md = got.parts[0]
    assert "**The previews reported 1 error**" in md
    [table] = [t for t in tables(md) if t.header == ["Resource", "Error"]]
    assert table.rows == [["m", "wxo:index:Model resource 'm': the instance refused the credential"]]
    assert "retrying" not in md


def test_the_hidden_and_shown_controls_are_the_declarations() -> None:
    """Inputs the SDK or the plugin computes (or check alone reads) are never rows; the other
    control inputs are rows when set; each kind's word and id output are its declaration's."""
    from pulumi_wxo.resources import RESOURCES
    from pulumi_wxo.review import _render

    controls = [c for r in RESOURCES for c in r.controls]
    assert {c.name for c in controls if c.stored != "plain"} < _render._HIDDEN
    assert {c.name for c in controls if c.stored == "plain"} - {"adopt"} == _render._CONTROLS
    assert _render._KIND_WORD == {"Model": "model", "ModelPolicy": "policy", "Connection": "connection"}
    assert _render._ID_OUTPUT == {
        "Model": "model_id",
        "ModelPolicy": "policy_id",
        "Connection": "connection_id",
    }
