"""Seeing the platform run: health probes, one log line per request, Prometheus metrics."""
