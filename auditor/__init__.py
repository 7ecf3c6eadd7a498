"""chibo-auditor: audit party cells' activity logs against Hướng dẫn 12-HD/BTCTW."""

__version__ = "0.1.0"
