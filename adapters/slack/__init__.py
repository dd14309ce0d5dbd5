"""Slack adapter: slack-bolt in HTTP or Socket Mode, Web API calls, payload mapping."""
