"""Management API v2 routers (one module per resource)."""
