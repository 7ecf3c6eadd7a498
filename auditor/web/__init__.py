"""The board's web application (``auditor serve``): a thin layer over :mod:`auditor.audit`.

Runs, users and the audit log live in a SQL database (SQLite under ``--data`` by default,
PostgreSQL with ``--database``); uploaded files and reports live under ``--data``.
``auditor.web.app.create_app`` builds the application.
"""
