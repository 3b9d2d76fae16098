"""Adaptive Card rendering: buttons carry the core's action and value, forms carry their id and
context, inputs keep their kinds and limits, rejected forms come back with what was typed."""

from __future__ import annotations

import pytest

from bot.adapters.teams.cards import (
    card_content,
    errors_content,
    form_content,
    pack_form,
    submitted_values,
    teams_text,
    unpack_form,
)
from bot.cards import Button, Card, Field, Form, FormInput, Option

FORM = Form(
    form_id="round.share-form",
    title="Your answer",
    intro="Share as much or as little as you like.",
    inputs=(
        FormInput("answer", "Your answer", kind="multiline", max_length=500, hint="a few words"),
        FormInput(
            "show",
            "Show it in the summary?",
            kind="radio",
            options=(Option("Yes", "yes"), Option("No", "no")),
            initial="no",
        ),
        FormInput("role", "Role", kind="select", options=(Option("Both", "both"),), optional=True),
    ),
    submit_label="Share",
    context="7|42",
    notes=("Only the group sees it.",),
)


def test_buttons_are_submit_actions_with_action_and_value() -> None:
    card = Card(
        title="Check-in",
        text="How are you arriving?",
        fields=(Field("Checked in", "2 of 5"),),
        buttons=(
            *(Button(str(n), "checkin.answer", f"7|{n}") for n in range(1, 6)),
            Button("Pass", "checkin.answer", "7|pass", style="primary"),
        ),
        footer="Passing is always fine.",
    )
    content = card_content(card)
    assert content["type"] == "AdaptiveCard" and content["version"] == "1.4"
    sets = [b for b in content["body"] if b["type"] == "ActionSet"]
    actions = [a for s in sets for a in s["actions"]]
    assert all(len(s["actions"]) <= 5 for s in sets)
    assert [a["title"] for a in actions] == ["1", "2", "3", "4", "5", "Pass"]
    assert actions[0] == {
        "type": "Action.Submit",
        "title": "1",
        "data": {"action": "checkin.answer", "value": "7|1"},
    }
    assert actions[-1]["style"] == "positive"
    [facts] = [b for b in content["body"] if b["type"] == "FactSet"]
    assert facts["facts"] == [{"title": "Checked in", "value": "2 of 5"}]
    assert content["body"][-1]["isSubtle"] is True


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Type `help` to see more", "Type **help** to see more"),
        ("a < b & c > d", "a < b & c > d"),  # text blocks are not HTML: nothing to escape
        ("no markup", "no markup"),
    ],
)
def test_text_for_teams(text: str, shown: str) -> None:
    assert teams_text(text) == shown


def test_a_form_has_inputs_of_each_kind_and_a_submit_with_id_and_context() -> None:
    content = form_content(FORM)
    inputs = {e["id"]: e for e in content["body"] if "id" in e}
    assert inputs["in:answer"]["type"] == "Input.Text"
    assert inputs["in:answer"]["isMultiline"] is True
    assert inputs["in:answer"]["maxLength"] == 500
    assert inputs["in:answer"]["placeholder"] == "a few words"
    assert inputs["in:answer"]["isRequired"] is True
    assert inputs["in:show"]["style"] == "expanded" and inputs["in:show"]["value"] == "no"
    assert inputs["in:role"]["style"] == "compact" and inputs["in:role"]["isRequired"] is False
    [submit] = content["actions"]
    assert submit["title"] == "Share"
    assert submit["data"]["form_id"] == "round.share-form"
    assert submit["data"]["context"] == "7|42"


def test_a_submission_is_read_back_and_the_form_travels_with_it() -> None:
    data = form_content(FORM)["actions"][0]["data"]
    value = {**data, "in:answer": "Tired but here", "in:show": "yes", "form_id": "x"}
    assert submitted_values(value) == {"answer": "Tired but here", "show": "yes"}
    assert unpack_form(pack_form(FORM), FORM.form_id, FORM.context) == FORM
    assert unpack_form({"t": "x", "i": [["too", "short"]]}, "f", "") is None
    assert unpack_form("nonsense", "f", "") is None


def test_errors_come_back_on_the_form_with_the_values_kept() -> None:
    content = errors_content(FORM, {"answer": "x" * 600, "show": "yes"}, {"answer": "Too long."})
    inputs = {e["id"]: e for e in content["body"] if "id" in e}
    assert inputs["in:answer"]["value"] == "x" * 600
    assert inputs["in:show"]["value"] == "yes"
    warnings = [b["text"] for b in content["body"] if b.get("color") == "Attention"]
    assert any("Too long." in w for w in warnings)


def test_errors_without_the_form_list_errors_and_values() -> None:
    content = errors_content(None, {"answer": "my words"}, {"answer": "Too long."})
    texts = " ".join(b["text"] for b in content["body"])
    assert "Too long." in texts and "my words" in texts
