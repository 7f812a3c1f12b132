"""The partner-facing REST API, version 1 (read-only), its tokens and its OpenAPI schema."""
