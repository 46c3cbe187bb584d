from permissions.world import world  # noqa: F401  the shared two-unit world fixture
