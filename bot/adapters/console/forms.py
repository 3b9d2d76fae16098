"""Filling in a form in the terminal: one question at a time, in the order the form gives.

A platform shows a form all at once; the console asks each input in turn, offers numbered
choices, keeps an earlier answer when Enter is pressed, and sends the whole form when the last
input is answered. When the core sends the form back with errors, only the inputs it named are
asked again (each showing its earlier answer, which Enter keeps) and the other answers are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot.cards import Form, FormInput
from bot.effects import FormErrors
from bot.events import FormSubmitted
from bot.identity import Where, Who


@dataclass
class _Filling:
    form: Form
    who: Who
    where: Where
    values: dict[str, str] = field(default_factory=dict)
    pending: list[FormInput] = field(default_factory=list)


class ConsoleForms:
    """The form being filled in (at most one), asked through `write`."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self._open: _Filling | None = None
        self._submitted: _Filling | None = None

    @property
    def active(self) -> bool:
        """Whether typed lines are answers to a form."""
        return self._open is not None

    def prompt(self) -> str | None:
        """The next question, when a form is waiting for an answer."""
        if self._open is not None and self._open.pending:
            return input_prompt(self._open.pending[0])
        return None

    def open(self, form: Form, who: Who, where: Where) -> None:
        self.write("")
        self.write(f"A form for {who.display_name}: {form.title}")
        for paragraph in (form.intro, *form.notes):
            for line in paragraph.splitlines():
                if line.strip():
                    self.write(f"    {line}")
        self.write("    (Answer each question in turn; type `cancel` to close the form.)")
        self._open = _Filling(form, who, where, pending=list(form.inputs))
        if not form.inputs:
            self._open = None
            self.write("    (This form has nothing to fill in.)")

    def answer(self, line: str) -> FormSubmitted | None:
        """Take one typed answer; the whole form, to send, once the last input is answered."""
        state = self._open
        assert state is not None and state.pending
        if line.lower() == "cancel":
            self._open = None
            self.write("Form closed. Nothing was sent.")
            return None
        value = self._value(state.pending[0], line)
        if value is None:
            return None
        state.values[state.pending.pop(0).name] = value
        if state.pending:
            return None
        self._open = None
        self._submitted = state
        values = {i.name: state.values.get(i.name, "") for i in state.form.inputs}
        return FormSubmitted(state.who, state.where, state.form.form_id, values, state.form.context)

    def rejected(self, errors: FormErrors) -> None:
        """Say what needs another look, and ask those inputs again."""
        state = self._submitted
        self.write("")
        self.write("The form needs another look:")
        labels = {i.name: i.label for i in state.form.inputs} if state else {}
        for name, message in errors.errors.items():
            self.write(f"    {labels.get(name, name)}: {message}")
        if state is None:
            return
        again = [i for i in state.form.inputs if i.name in errors.errors]
        state.pending = [_kept(i, state.values) for i in again or state.form.inputs]
        self._open = state
        self.write("    (Your other answers are kept. Type `cancel` to close the form.)")

    def _value(self, item: FormInput, line: str) -> str | None:
        """The value for one input, or None (after saying why) when it must be asked again."""
        if not line:
            if item.initial:
                return item.initial
            if item.optional:
                return ""
            self.write("    This one is needed. Type your answer, or `cancel` to close the form.")
            return None
        if not item.options:
            return line
        if line.isdigit() and 1 <= int(line) <= len(item.options):
            return item.options[int(line) - 1].value
        for option in item.options:
            if line.lower() in {option.value.lower(), option.label.lower()}:
                return option.value
        skip = " or press Enter to skip" if item.optional else ""
        self.write(f"    Please type a number from 1 to {len(item.options)}{skip}.")
        return None


def _kept(item: FormInput, values: dict[str, str]) -> FormInput:
    """An input asked again, holding the earlier answer: it is shown, and Enter keeps it, as
    Slack and Teams keep what was typed in a form sent back, so nobody has to type it all again."""
    earlier = values.get(item.name, "")
    return replace(item, initial=earlier) if earlier else item


def input_prompt(item: FormInput) -> str:
    """How one input is asked: its label, hint, numbered choices and what Enter does."""
    lines = [f"  {item.label}" + (" (optional)" if item.optional else "")]
    if item.hint:
        lines.append(f"    {item.hint}")
    lines.extend(f"    {n}) {o.label}" for n, o in enumerate(item.options, start=1))
    if item.initial:
        shown = next((o.label for o in item.options if o.value == item.initial), item.initial)
        lines.append(f"    (press Enter to keep “{shown}”)")
    elif item.optional:
        lines.append("    (press Enter to skip)")
    return "\n".join(lines) + "\n  > "
