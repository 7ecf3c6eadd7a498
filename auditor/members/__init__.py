"""Members of the cells: who came, who studied, who won the month's quiz (members.md).

Everything here is optional input: a year without member tables audits as before.
"""
