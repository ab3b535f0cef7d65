"""Webhooks (DESIGN §11): subscriptions (API and admin), the addresses they may reach, and
the delivery worker that turns the history into signed HTTP requests."""
