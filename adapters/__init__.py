"""Platform adapters: they translate between chat platforms and the neutral core models."""
