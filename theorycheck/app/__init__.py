"""The application on top: the command line, the HTML/Markdown report, ``docs/`` generation and
the plots. Nothing below imports from ``app``."""
