"""The ``orgnet`` command line: a thin layer that parses, calls a library function, presents.

Each module in this package contributes commands by defining ``COMMANDS``, a list of
click commands or groups; they are discovered here, so modules never edit each other.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from orgnet.errors import OrgnetError
from orgnet.settings import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", envvar="ORGNET_HOME", type=click.Path(file_okay=False),
              help="orgnet's home (embedded database, config). Env: ORGNET_HOME. Default ~/.orgnet")
@click.option("--neo4j", "neo4j_uri", envvar="NEO4J_URI", default=None,
              help="Use a Neo4j server instead of the embedded store. Env: NEO4J_URI")
@click.version_option(package_name="orgnet")
@click.pass_context
def cli(ctx: click.Context, home: str | None, neo4j_uri: str | None) -> None:
    """orgnet — 党组织、党员与驻区单位联建网络 (party-building network of an urban district)."""
    ctx.obj = Settings.from_env(home=home, neo4j_uri=neo4j_uri)


def _register() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI; turn an OrgnetError into a clear message and exit 2."""
    try:
        code = cli.main(args=argv, prog_name="orgnet", standalone_mode=False)
        if isinstance(code, int) and not isinstance(code, bool) and code:
            sys.exit(code)  # ctx.exit(n) returns n here when standalone_mode is off
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except OrgnetError as e:
        click.echo(f"orgnet: {e}", err=True)
        sys.exit(2)
