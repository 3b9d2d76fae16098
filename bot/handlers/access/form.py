"""The access profile as a form, for those who would rather fill it in than type commands: the
needs in their own words, who may see them, and the three preferences. Every part has its typed
twin (`access needs …`, `access share …`, `access prefer …`)."""

from __future__ import annotations

from bot import limits
from bot.cards import Button, Form, FormInput, Option
from bot.routing import encode
from bot.store.access import Profile

OPEN = "access.open"
FORM = "access.form"
SHARE_OPTIONS = (
    Option("Facilitators may see them, with my name", "named"),
    Option("Facilitators may see them, without my name", "anonymous"),
    Option("Nobody else sees them", "no"),
)
YES_NO = (Option("Yes", "yes"), Option("No", "no"))
PREFERENCES = (
    ("plain_text", "Plain text with numbered options to type, instead of buttons"),
    ("fewer_messages", "Fewer messages (no reflection question after meetings)"),
    ("earlier_reminders", "Papers and reminders earlier (facilitators see this if you share)"),
)


def open_button(group_id: int) -> Button:
    return Button(
        "Fill in the form",
        OPEN,
        encode(group_id),
        style="primary",
        typed="access needs <your words>",
    )


def profile_form(group_id: int, profile: Profile) -> Form:
    inputs = [
        FormInput(
            "needs",
            "What helps you take part? In your own words",
            kind="multiline",
            optional=True,
            max_length=limits.ACCESS_NEEDS,
            initial=profile.needs,
            hint="Large print, breaks, papers a week ahead, BSL, step-free, phone on for caring…",
        ),
        FormInput(
            "share", "Who may see your needs?", "radio", SHARE_OPTIONS, initial=profile.share
        ),
    ]
    for name, label in PREFERENCES:
        chosen = "yes" if getattr(profile, name) else "no"
        inputs.append(FormInput(name, label, "radio", YES_NO, initial=chosen))
    return Form(
        form_id=FORM,
        title="Your access profile",
        inputs=tuple(inputs),
        submit_label="Save",
        intro="Only you see this, unless you choose to share your needs with the facilitators.",
        context=encode(group_id),
        typed="access needs <your words>, access share named|anonymous|no, access prefer <what>",
    )
