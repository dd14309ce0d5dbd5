"""reflectiebot core: domain, storage, lifecycle and the command-line entry point."""
