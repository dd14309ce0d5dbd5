"""Test doubles of the platforms: fake Web APIs and signed requests."""
