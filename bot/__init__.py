"""reflectiebot core: the shared kernel at this level, the layers in the sub-packages."""
