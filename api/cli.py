"""The `gradscape` command: serve the app, or compute a view headless from its link or file.

    gradscape | gradscape serve [--port N] [--plugin module …]   the app, exactly as `streamlit run app.py`
    gradscape run LINK_OR_FILE [--csv/--json/--html/--gif/--mp4/--png/--svg PATH …]
    gradscape sweep LINK_OR_FILE [--csv/--json/--html/--png/--svg PATH …]

`run` and `sweep` read a link or an exported configuration with the pages' own readers and checks,
compute it with a progress bar on long work (on a terminal), print the results table (and a lesson's
verdict) and write the files asked for. Bad input — an unreadable link or file, a setting the app
would change, a file format the view has no export for, a plug-in that fails — ends with one line
on stderr and exit status 2, never a traceback; anything else that fails, with one line and status 1.
Each command first calls `gradscape.trajectories.runtime.configure()`, as the app does, then loads
the plug-in modules named by --plugin and by $GRADSCAPE_PLUGINS (trajectories/plugins.py).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import click


EXPORTS_RUN = ("csv", "json", "html", "gif", "mp4", "png", "svg")
EXPORTS_SWEEP = ("csv", "json", "html", "png", "svg")
EXAMPLE_LINK = "'http://localhost:8501/?ls=himmelblau&r1=adam;lr=0.1&r2=sgd;lr=0.01&steps=200'"


def app_script() -> Path:
    """The app's app.py: the package gradscape.app's when installed, the checkout's root one in a checkout
    (found by the import system, not imported: importing it would build the app)."""
    spec = importlib.util.find_spec("gradscape.app")
    if spec is None:
        raise click.ClickException("the app's files are missing from this installation (gradscape.app)")
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))) / "app.py"
    return Path(spec.origin)


def _start(modules: tuple[str, ...]) -> list[str]:
    """What every command does first: the runtime settings, then the operator's plug-ins (--plugin, then
    $GRADSCAPE_PLUGINS); the modules loaded. Imported here, so that help and usage errors answer at once."""
    from gradscape.trajectories import plugins, runtime

    runtime.configure()
    return plugins.load(dict.fromkeys(m.strip() for m in [*modules, *plugins.environment_modules()] if m.strip()))


plugin_option = click.option("--plugin", "plugin", multiple=True, metavar="MODULE",
                             help="Import this plug-in module first (it registers optimizers); repeatable. "
                                  "$GRADSCAPE_PLUGINS=mod1,mod2 adds more.")


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=f"""\b
Examples:
  gradscape                                  serve the app on http://localhost:8501
  gradscape serve --port 8600 --plugin my_optimizers
  gradscape run {EXAMPLE_LINK} --csv runs.csv
  gradscape run 'http://localhost:8501/lessons?lesson=saddle-points' --gif saddle.gif
  gradscape sweep 'http://localhost:8501/sweeps?sweep=lr&ls=rosenbrock&r1=adam' --png rates.png
""")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """gradscape: optimizers and learning-rate schedules on loss landscapes.

    Without a command, serves the app (as `gradscape serve`).
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(serve)


@cli.command(short_help="Serve the app (as streamlit run app.py).", epilog="""\b
Examples:
  gradscape serve
  gradscape serve --port 8600
  gradscape serve --plugin my_optimizers --plugin team.adamw_variants
  GRADSCAPE_PLUGINS=my_optimizers gradscape serve
""")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port to serve on (default: Streamlit's, 8501).")
@plugin_option
def serve(port: int | None = None, plugin: tuple[str, ...] = ()) -> None:
    """Serve the app, exactly as `streamlit run app.py` does (its settings, pages and warm-up).

    Plug-in optimizers are loaded here, by the operator, and nowhere else: a link or an uploaded file
    can only name an optimizer that a plug-in registered at start.
    """
    from gradscape.trajectories import plugins

    loaded = _start(plugin)
    os.environ[plugins.ENVIRONMENT] = ",".join(loaded)  # app.py loads the same modules (already imported here)
    from streamlit.web import cli as streamlit_cli

    args = ["run", str(app_script()), *(["--server.port", str(port)] if port is not None else [])]
    streamlit_cli.main.main(args=args, prog_name="streamlit", standalone_mode=True)


def _export_options(formats: tuple[str, ...]):
    def apply(fn):
        for fmt in reversed(formats):
            fn = click.option(f"--{fmt}", f"out_{fmt}", type=click.Path(dir_okay=False, writable=True), metavar="PATH",
                              help=f"Also write the view as {fmt.upper()} to PATH.")(fn)
        return fn

    return apply


def _compute(source: str, plugin: tuple[str, ...], outputs: dict[str, str | None], step: int | None, sweep: bool) -> None:
    """Read the link or file, check the files asked for, compute, print the table, write the files."""
    from gradscape.api import core as api
    from gradscape.api import links

    _start(plugin)
    read = links.read(source)
    wanted = {fmt: path for fmt, path in outputs.items() if path is not None}
    for fmt, path in wanted.items():
        api.check_format(read.value, path, fmt)
    results = (api.sweep if sweep else api.run)(read, progress=True)
    click.echo(str(results))
    for fmt, path in wanted.items():
        written = api.export(results, path, format=fmt, step=step, progress=True)
        click.echo(f"gradscape: wrote {written} ({written.stat().st_size / 1024:.0f} kB)", err=True)


@cli.command(short_help="Compute a Playground, Lesson or Neural net link or file.", epilog=f"""\b
Examples:
  gradscape run {EXAMPLE_LINK}
  gradscape run 'http://localhost:8501/lessons?lesson=saddle-points' --html saddle.html
  gradscape run 'http://localhost:8501/networks?data=moons&steps=500' --csv net.csv
  gradscape run '/lessons?lesson=saddle-points'
  gradscape run '?ls=rosenbrock&r1=adam;lr=0.05'
  gradscape run playground-config.json --gif race.gif --png last.png --step 100
""")
@click.argument("link_or_file")
@_export_options(EXPORTS_RUN)
@click.option("--step", type=click.IntRange(min=0), default=None, help="The step a --png or --svg picture shows (default: the last).")
@plugin_option
def run(link_or_file: str, step: int | None, plugin: tuple[str, ...], **outputs: str | None) -> None:
    """Compute a Playground, Lesson or Neural net view headless and print its results table.

    LINK_OR_FILE is a link of the app as Copy link gives it (its page from the path: /, /playground,
    /lessons, /networks), or its path and query alone (/lessons?lesson=…), or its query alone (?ls=…),
    or a configuration file exported from the app. A lesson also prints its verdict.
    """
    _compute(link_or_file, plugin, {fmt: outputs[f"out_{fmt}"] for fmt in EXPORTS_RUN}, step, sweep=False)


@cli.command(short_help="Compute a Sweeps link or file.", epilog="""\b
Examples:
  gradscape sweep 'http://localhost:8501/sweeps?sweep=lr&ls=rosenbrock&r1=adam&r2=sgd'
  gradscape sweep 'http://localhost:8501/sweeps?sweep=basin&ls=himmelblau&res=64' --png basins.png
  gradscape sweep sweep-config.json --csv cells.csv --html sweep.html
""")
@click.argument("link_or_file")
@_export_options(EXPORTS_SWEEP)
@plugin_option
def sweep(link_or_file: str, plugin: tuple[str, ...], **outputs: str | None) -> None:
    """Compute a Sweeps view headless (learning-rate curves, heat map, basins, trainability) and print
    one row per run or map.

    LINK_OR_FILE is a link of the app's /sweeps page (whole, its path and query, or ?sweep=… alone)
    or a sweep configuration file.
    """
    _compute(link_or_file, plugin, {fmt: outputs[f"out_{fmt}"] for fmt in EXPORTS_SWEEP}, None, sweep=True)


def _one_line(text: str) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def main(argv: list[str] | None = None) -> int:
    """The console script: run the command; bad input ends with one line on stderr and status 2."""
    try:
        status = cli.main(args=argv, prog_name="gradscape", standalone_mode=False)
        return status if isinstance(status, int) else 0
    except click.UsageError as err:
        where = err.ctx.command_path if err.ctx is not None else "gradscape"
        click.echo(f"gradscape: error: {_one_line(err.format_message())} (see '{where} --help')", err=True)
        return 2
    except click.ClickException as err:
        click.echo(f"gradscape: error: {_one_line(err.format_message())}", err=True)
        return err.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("gradscape: stopped", err=True)
        return 130
    except ValueError as err:
        click.echo(f"gradscape: error: {_one_line(err)}", err=True)
        return 2
    except Exception as err:  # noqa: BLE001 — no traceback reaches a user; the one line names what failed
        click.echo(f"gradscape: failed: {type(err).__name__}: {_one_line(err)}", err=True)
        return 1


def entry() -> None:
    """`gradscape` on the PATH (pyproject.toml [project.scripts])."""
    sys.exit(main())
