"""Errors shared by services, pages, API and CLI."""


class InputError(Exception):
    """Bad input from a user: one line naming the place (file, line, item, field)."""
