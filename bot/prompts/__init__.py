"""The prompt library: check-in questions and reciprocal-sharing round prompts.

The words live in `library.toml` beside this module, not in code, so facilitators and
co-production partners can review and change them without a programmer. This module only loads
and checks them, and picks one for a group without repeating itself until the group has had them
all.

Prompt ids are stable keys: groups record which ids they have used (`prompt_uses` in the store),
so an id must never be reused for different words.
"""

from __future__ import annotations

import random
import re
import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

DEFAULT_PATH: Traversable = files(__name__) / "library.toml"
"""The library shipped inside the package (package data), so an installed copy finds it as well
as a checkout does."""

MIN_PER_KIND = 20
"""Fewer than this and a weekly group would meet the same words again within a few months."""

MAX_ID_LENGTH = 40  # the width of `prompt_uses.prompt_id`
MAX_TEXT_LENGTH = 200  # a prompt is read on a phone, in a notification, before a meeting

KINDS = ("checkin", "round")
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


class PromptLibraryError(ValueError):
    """The prompt file is missing or wrong; the message says which file and which entry."""


@dataclass(frozen=True)
class Prompt:
    """One question or prompt, with the id a group's history refers to it by."""

    id: str
    text: str


@dataclass(frozen=True)
class PromptLibrary:
    """All prompts, by kind, in file order (so a seeded choice is repeatable)."""

    checkin: tuple[Prompt, ...]
    round: tuple[Prompt, ...]

    def get(self, prompt_id: str) -> Prompt | None:
        """The prompt with this id, of either kind, or None if it has since been removed."""
        for prompt in (*self.checkin, *self.round):
            if prompt.id == prompt_id:
                return prompt
        return None


def load_library(path: Traversable | None = None) -> PromptLibrary:
    """Read and check the prompt library; raise `PromptLibraryError` with a clear reason.

    Checked: the file is TOML with only `[[checkin]]` and `[[round]]` entries; each entry has
    exactly an `id` and a `text`; ids are short, lower-case and unique across both kinds; texts
    are not empty and not too long; and each kind has at least `MIN_PER_KIND` prompts. Checking
    at load time means a bad edit stops the bot at start, not in the middle of a meeting.
    """
    path = DEFAULT_PATH if path is None else path
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        raise PromptLibraryError(f"The prompt library {path} does not exist.") from None
    except tomllib.TOMLDecodeError as exc:
        raise PromptLibraryError(f"The prompt library {path} is not valid TOML: {exc}.") from None

    unknown = sorted(set(data) - set(KINDS))
    if unknown:
        raise PromptLibraryError(
            f"{path}: unknown section {unknown[0]!r}; only [[checkin]] and [[round]] are allowed."
        )
    seen: set[str] = set()
    kinds: dict[str, tuple[Prompt, ...]] = {}
    for kind in KINDS:
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            raise PromptLibraryError(f"{path}: {kind} must be a list of [[{kind}]] entries.")
        prompts = tuple(
            _prompt(path, kind, number, entry, seen) for number, entry in enumerate(entries, 1)
        )
        if len(prompts) < MIN_PER_KIND:
            raise PromptLibraryError(
                f"{path}: there are {len(prompts)} {kind} prompts; at least {MIN_PER_KIND} "
                "are needed so groups do not hear the same ones too often."
            )
        kinds[kind] = prompts
    return PromptLibrary(checkin=kinds["checkin"], round=kinds["round"])


def _prompt(path: Traversable, kind: str, number: int, entry: Any, seen: set[str]) -> Prompt:
    where = f"{path}: {kind} entry {number}"
    if not isinstance(entry, dict):
        raise PromptLibraryError(f"{where} must be a table with an id and a text.")
    extra = sorted(set(entry) - {"id", "text"})
    if extra:
        raise PromptLibraryError(f"{where} has an unknown key {extra[0]!r}; use only id and text.")
    prompt_id, text = entry.get("id"), entry.get("text")
    if not isinstance(prompt_id, str) or not prompt_id:
        raise PromptLibraryError(f"{where} needs an id, such as {kind}-{number:02d}.")
    if len(prompt_id) > MAX_ID_LENGTH or not _ID.fullmatch(prompt_id):
        raise PromptLibraryError(
            f"{where}: the id {prompt_id!r} must be lower-case letters, digits and dashes, "
            f"at most {MAX_ID_LENGTH} characters."
        )
    if prompt_id in seen:
        raise PromptLibraryError(f"{where}: the id {prompt_id!r} is used more than once.")
    seen.add(prompt_id)
    if not isinstance(text, str) or not text.strip():
        raise PromptLibraryError(f"{where} ({prompt_id}) has no text.")
    text = " ".join(text.split())
    if len(text) > MAX_TEXT_LENGTH:
        raise PromptLibraryError(
            f"{where} ({prompt_id}) is {len(text)} characters; keep prompts to "
            f"{MAX_TEXT_LENGTH} or fewer."
        )
    return Prompt(prompt_id, text)


def choose_prompt(
    prompts: Sequence[Prompt], used_ids: Collection[str], rng: random.Random
) -> tuple[Prompt, bool]:
    """Pick a prompt the group has not had yet, at random.

    Returns the prompt and `reset`. When every prompt has been used, `reset` is True and the
    pick is from the whole list: the caller should then forget its used ids and record only this
    one, starting a fresh cycle. Ids in `used_ids` that are no longer in the library are ignored.
    Pure: all randomness comes from `rng`, so tests (and replays) are repeatable.
    """
    if not prompts:
        raise ValueError("there are no prompts to choose from")
    used = set(used_ids)
    fresh = [prompt for prompt in prompts if prompt.id not in used]
    if fresh:
        return rng.choice(fresh), False
    return rng.choice(list(prompts)), True
