"""User-facing text: the question library, message catalog and templates."""
