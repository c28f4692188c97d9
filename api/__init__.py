"""gradscape from Python and the shell: the functions `import gradscape` offers (api/core.py, which
gradscape/__init__.py re-exports on first use), the strict reading of links and configuration files
they share (api/links.py) and the `gradscape` command (api/cli.py; `python -m gradscape.api`).

Nothing is imported here, so that `gradscape --help` and a usage error answer at once."""
