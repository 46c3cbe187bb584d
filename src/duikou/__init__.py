"""duikou — counterpart-assistance programs: plans, tasks, targets, funds and reports."""

__version__ = "0.1.0"
