"""`python -m gradscape.api …`: the `gradscape` command (api/cli.py)."""

from gradscape.api.cli import entry

if __name__ == "__main__":
    entry()
