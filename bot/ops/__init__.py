"""Running the bot in production: metrics, health and logs (`observability.py`), online SQLite
backups (`backup.py`) and the garbage collector's tuning for a long-lived server (`gc_tuning.py`).
"""
