"""Rounds: the lifecycle, planning, starting, reconcile, fan-out, answering and snapshot."""
