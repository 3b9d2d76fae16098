"""The routing table: every action, button and form has a route, every route a declaration, and a
new command is one edit (its declaration beside its handler) for parsing, routing, help and who
may use it."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator

import pytest

from bot import core as core_module
from bot.context import Context
from bot.core import Core
from bot.effects import Effect
from bot.grammar import ParsedCommand
from bot.handlers import ROUTES, TABLES
from bot.replies import reply
from bot.routing import Routes
from tests.dialogue import Chat, FakeClock, person
from tests.source import BOT, module_name

# Cards rebuilt from stored or platform data carry whatever action they were given.
REBUILDERS = {"bot.delivery.codec", "bot.adapters.teams.cards"}


def _resolve(module: str, node: ast.expr) -> str:
    """The string an expression in `module` names: a literal, a constant, `module.CONSTANT`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return str(getattr(importlib.import_module(module), node.id))
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        owner = getattr(importlib.import_module(module), node.value.id)
        return str(getattr(owner, node.attr))
    raise AssertionError(f"{module}: cannot tell which action {ast.dump(node)} is")


def _built(kind: str, position: int, keyword: str) -> Iterator[tuple[str, str]]:
    """Every (module, value) given as `keyword` (or argument `position`) to a `kind(...)` call."""
    for path in sorted(BOT.rglob("*.py")):
        module = module_name(path)
        if module in REBUILDERS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            name = node.func.id if isinstance(node.func, ast.Name) else name
            if name != kind:
                continue
            given = [k.value for k in node.keywords if k.arg == keyword]
            if not given and len(node.args) > position:
                given = [node.args[position]]
            assert given, f"{module}: a {kind} without its {keyword}"
            yield module, _resolve(module, given[0])


BUTTONS = sorted(set(_built("Button", 1, "action")))
FORMS = sorted(set(_built("Form", 0, "form_id")))


def test_the_scan_finds_the_cards() -> None:
    """If the scan found nothing, the tests below would pass whatever the code did."""
    assert ("bot.handlers.elephants.cards", "elephant.see-too") in BUTTONS
    assert ("bot.core", core_module.PICK_GROUP) in BUTTONS
    assert len(FORMS) >= 5


def test_every_action_a_command_can_lead_to_has_a_handler() -> None:
    for spec in ROUTES.specs.values():
        for action in spec.actions:
            assert action in ROUTES.commands, f"`{spec.name}` leads to {action!r}, unrouted"


def test_every_command_handler_is_reached_by_a_declared_command() -> None:
    reachable = {action for spec in ROUTES.specs.values() for action in spec.actions}
    assert set(ROUTES.commands) <= reachable


@pytest.mark.parametrize(("module", "action"), BUTTONS)
def test_every_button_has_a_route(module: str, action: str) -> None:
    assert action in ROUTES.choices or action == core_module.PICK_GROUP, (module, action)


def test_every_button_route_is_a_button_somewhere() -> None:
    assert set(ROUTES.choices) <= {action for _, action in BUTTONS}


@pytest.mark.parametrize(("module", "form_id"), FORMS)
def test_every_form_has_a_route(module: str, form_id: str) -> None:
    assert form_id in ROUTES.forms, (module, form_id)


def test_every_form_route_is_a_form_somewhere() -> None:
    assert set(ROUTES.forms) <= {form_id for _, form_id in FORMS}


def test_a_name_taken_twice_is_refused_at_start() -> None:
    first, second = Routes(), Routes()
    for table in (first, second):
        table.command("ping", "anyone", usage="ping", summary="check", rank=1)(pong)
    with pytest.raises(ValueError, match="'ping' registered twice"):
        Routes.gather([first, second])


# -- a command defined only here --------------------------------------------------------------

routes = Routes()


@routes.command(
    "ping",
    "facilitator",
    usage="ping [words]",
    summary="check the bot is listening",
    rank=75,
    aliases=("hello-bot",),
)
async def pong(ctx: Context, command: ParsedCommand) -> list[Effect]:
    return [reply(f"pong in {ctx.require_group().name}")]


ANA, BEN = person("Ana"), person("Ben")


@pytest.fixture
def with_ping(core: Core, clock: FakeClock) -> Chat:
    """The bot as it is, plus this module's one declaration: nothing else is added anywhere."""
    return Chat(Core(core.db, core.services, Routes.gather([*TABLES, routes])), clock)


async def test_a_command_declared_once_is_parsed_routed_listed_and_guarded(with_ping: Chat) -> None:
    chat = with_ping
    await chat.say(ANA, "setup Parents Forum")
    await chat.say(BEN, "role professional")

    assert (await chat.say(ANA, "ping")).reply == "pong in Parents Forum"
    assert (await chat.say(ANA, "hello-bot")).reply == "pong in Parents Forum"
    assert "takes nothing after it" in (await chat.say(ANA, "ping now")).reply
    assert "Did you mean `ping`?" in (await chat.say(ANA, "pnig")).reply

    refused = (await chat.say(BEN, "ping")).reply
    assert "Only facilitators can use `ping`" in refused

    assert "`ping [words]`: check the bot is listening" in (await chat.say(ANA, "help")).reply
    assert "ping" not in (await chat.say(BEN, "help")).reply
    about = (await chat.say(ANA, "help ping")).reply
    assert about == "`ping [words]`: check the bot is listening. For facilitators."


async def test_the_bot_itself_does_not_know_the_test_command(chat: Chat) -> None:
    await chat.say(ANA, "setup Parents Forum")
    assert "I don't know the command “ping”" in (await chat.say(ANA, "ping")).reply


def test_every_feature_table_is_gathered() -> None:
    """A module under bot/handlers/ with a `routes` table must be in `TABLES`, or the bot would
    silently not answer what it declares."""
    found = []
    for path in sorted((BOT / "handlers").rglob("*.py")):
        module = importlib.import_module(module_name(path))
        table = getattr(module, "routes", None)
        if isinstance(table, Routes):
            found.append((module.__name__, table))
    assert len(found) >= 10
    for name, table in found:
        assert any(table is gathered for gathered in TABLES), f"{name}.routes is not in TABLES"
