"""Conversation state, read once at the start of an update and written with its commit."""
