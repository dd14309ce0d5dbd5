"""Microsoft Teams on the Microsoft 365 Agents SDK: cards, bot commands, proactive posts."""
