"""The HTTP API (DESIGN.md "HTTP API"). Its routes all live under `API_ROOT`; everything else
the app serves is a workspace page, a static file or a probe."""

API_ROOT = "/v1/"
