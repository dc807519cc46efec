"""The phone hotline: tickets, their settings, lookups for the form and the daily summary."""
