"""Working-day calendar, round planning and the timers that drive rounds."""
