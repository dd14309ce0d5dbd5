"""Composition roots: the command line and its sub-commands (serve, demo, chat, ...)."""
