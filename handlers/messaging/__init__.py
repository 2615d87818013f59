"""Messages the bot sends on its own (the outbox): no commands, only what it stores."""

from handlers.features import Feature
from services.messaging import HOOKS

feature = Feature(name="messaging", hooks=HOOKS)
