"""The `/reflectie` command language: syntax, the one table of commands, roles, handlers."""
