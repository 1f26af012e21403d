"""Reminders of what is due: training refreshers, expiring authorizations, breach notices and
account requests; mailed when SMTP is configured, otherwise recorded and shown in the web app."""
