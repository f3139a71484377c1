"""Device connectors (边缘层): one module per protocol plus the registry in `base`."""
