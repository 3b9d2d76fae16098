// Checks Adaptive Cards with Microsoft's own Adaptive Cards library, as Teams would, one card per
// line on stdin (JSON), one answer per line on stdout: {"errors": [...]} (empty when accepted).
// A card is checked at the version it declares, which must be one Teams renders (at most
// TEAMS_MAX_VERSION), with Teams' limit on actions per set. Run by testkit/fake_teams.py.
"use strict";
const readline = require("readline");
const AC = require("adaptivecards/dist/adaptivecards.js");

const TEAMS_MAX_VERSION = process.env.TEAMS_MAX_VERSION || "1.5";
const TEAMS_MAX_ACTIONS = Number(process.env.TEAMS_MAX_ACTIONS || "6");
const IGNORED = new Set([AC.ValidationEvent.Hint, AC.ValidationEvent.Deprecated]);

function versionOf(text) {
  const found = AC.Version.parse(String(text || ""), new AC.SerializationContext());
  return found && found.isValid ? found : undefined;
}

function check(payload) {
  const errors = [];
  if (!payload || payload.type !== "AdaptiveCard") {
    return ['the content is not an AdaptiveCard (its "type")'];
  }
  const declared = versionOf(payload.version);
  const highest = versionOf(TEAMS_MAX_VERSION);
  if (!declared) {
    return ['the card declares no valid "version"'];
  }
  if (declared.compareTo(highest) > 0) {
    errors.push(`version ${declared} is newer than Teams renders (${highest})`);
  }
  const hostConfig = new AC.HostConfig({ actions: { maxActions: TEAMS_MAX_ACTIONS } });
  const card = new AC.AdaptiveCard();
  card.hostConfig = hostConfig;
  const context = new AC.SerializationContext(declared);
  try {
    card.parse(payload, context);
  } catch (error) {
    return [`the library could not read the card: ${error.message}`];
  }
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    if (!IGNORED.has(event.event)) errors.push(event.message);
  }
  for (const event of card.validateProperties().validationEvents) {
    if (!IGNORED.has(event.event)) errors.push(event.message);
  }
  return errors;
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  let answer;
  try {
    answer = { errors: check(JSON.parse(line)) };
  } catch (error) {
    answer = { errors: [`not JSON: ${error.message}`] };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
