"""Digests for coaches: aggregation, the round digest, phase comparison and export."""
