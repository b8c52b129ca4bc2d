"""The conversation core, shared by the Telegram and terminal adapters.

    conversation = Conversation(store, matcher_provider)
    replies = conversation.handle(resident_id, Incoming("command", command="start"), chat_id=...)

`handle` is synchronous and touches only the store: async adapters call it off their event loop
(bot.core_service). `COMMANDS` lists (command, description) pairs for Telegram's setMyCommands.
Modules: state (steps and stored state), wording (everything the bot says), understanding
(reading free text), finding (searches and fallbacks), cards, buttons (≤ 64-byte data),
dialogue, results and commands (the handlers), core (dispatch).
"""
from bot.conversation.core import Conversation, MatcherProvider
from bot.conversation.finding import store_matcher
from bot.conversation.state import Step
from bot.conversation.wording import COMMANDS

__all__ = ["COMMANDS", "Conversation", "MatcherProvider", "Step", "store_matcher"]
