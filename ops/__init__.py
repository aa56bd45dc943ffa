"""Running the app for years: backups, database roles, stored files, health and
request logs (see docs/deploy.md)."""
