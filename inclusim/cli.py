"""The ``inclusim`` command: one click group of sub-commands, and runs and sweeps as Hydra overrides.

    inclusim [lang=nb] [output_root=DIR]   the main job: compare the four policies on the default office,
                                           over seeds and the calibrated ensemble's parameter sets
    inclusim [key=value ...]               one run (Hydra overrides), tables in outputs/single_runs/...
    inclusim -m [key=a,b ...]              a sweep (Hydra multirun, all cores), collected at the end
    inclusim -m +experiment=NAME           a ready sweep from conf/experiment/
    inclusim run [-m] [key=value ...]      the same, by the run command's name
    inclusim COMMAND [ARGS]...             collect, summary, progress, report, params, validate, mechanisms,
                                           contrast, explain, bench, calibrate, dashboard, staffing (inclusim.commands)

A first argument that is not a command's name starts the run command, so the forms without ``run``
are the usual ones. User errors (unknown keys, wrong types, values out of range, missing folders,
unknown options) print one line naming the field, the value and what is allowed, and exit with
status 2, without a traceback.
"""

from __future__ import annotations

import sys

import click

from inclusim import commands
from inclusim.errors import fail
from inclusim.launch import run_or_sweep


#: What ``inclusim --help`` says before the list of commands (``\b``: click keeps the lines as they are).
HELP = """Agent-based simulation of work-inclusion pathways in NAV: runs, sweeps and their results.

\b
  inclusim                          the main job: the four policies on the default office, over seeds and
                                    the calibrated ensemble's parameter sets (lang=nb or output_root=DIR
                                    alone: the main job too, in bokmål or elsewhere)
  inclusim key=value ...            one run (Hydra overrides), tables in outputs/single_runs/...
  inclusim -m key=a,b ...           a sweep (Hydra multirun, all cores), collected at the end
  inclusim -m +experiment=NAME      a ready sweep from conf/experiment/
  inclusim COMMAND --help           what a command does and its options

User errors (unknown keys, wrong types, values out of range, missing folders, unknown options) print
one line naming the field, the value and what is allowed, and exit with status 2, without a traceback.
"""


class InclusimGroup(click.Group):
    """The ``inclusim`` group: its commands in the order they were added, a first argument that is no
    command's name taken as the run command's (``inclusim -m seed=1,2``, ``inclusim lang=nb``,
    ``inclusim``), and the configuration groups of ``conf/`` after the list of commands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names
                        and not _looks_like_a_command(args[0])):
            args = ["run", *args]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_paragraph()
        formatter.write(configuration_groups() + "\n")


def _looks_like_a_command(arg: str) -> bool:
    """Whether ``arg`` is a word without ``=`` (never a Hydra override): a misspelt command's name, said so."""
    return "=" not in arg and not arg.startswith(("-", "+", "~")) and arg.replace("_", "").replace("-", "").isalnum()


def configuration_groups() -> str:
    """The configuration groups a run composes from (the ``.yaml`` files of ``conf/``), listed without
    starting Hydra (whose own help takes about 4 s to list them: ``inclusim --hydra-help``)."""
    from domain.paths import CONF_DIR

    groups = sorted(folder for folder in CONF_DIR.iterdir()
                    if folder.is_dir() and not folder.name.startswith(("_", ".")))
    lines = [f"  {folder.name}: {', '.join(sorted(p.stem for p in folder.glob('*.yaml')))}" for folder in groups
             if any(folder.glob("*.yaml"))]
    return ("Configuration groups (group=option, e.g. policy=hybrid office=asker; +experiment=NAME for a ready "
            "sweep):\n" + "\n".join(lines) + "\n\nThe settings of a run and their defaults: inclusim --cfg job "
            "[key=value ...]; what each one means\nand where its value comes from: docs/parameters.md. Hydra's own "
            "help: inclusim --hydra-help.")


@click.group(cls=InclusimGroup, help=HELP, options_metavar="",
             subcommand_metavar="COMMAND [ARGS]...  |  inclusim [-m] [KEY=VALUE]...",
             context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
def inclusim() -> None:
    """The ``inclusim`` command (its help is ``HELP``)."""


@inclusim.command(short_help="a run, or a sweep with -m (the default command)",
                  context_settings={"ignore_unknown_options": True})
@click.option("-m", "--multirun", is_flag=True, help="a sweep over every combination of the comma-separated values")
@click.argument("overrides", nargs=-1, type=click.UNPROCESSED, metavar="[KEY=VALUE]...")
def run(multirun: bool, overrides: tuple[str, ...]) -> None:
    """A run, or with -m a sweep, of the settings given as Hydra overrides (key=value); without any, the
    main job. Hydra's flags --cfg job, --info and --hydra-help print the composed settings and Hydra's
    help instead; office=FILE reads an office file. The word 'run' may be left out: 'inclusim -m seed=1,2'
    is 'inclusim run -m seed=1,2'. The configuration groups are listed by 'inclusim --help'."""
    run_or_sweep((["-m"] if multirun else []) + list(overrides))


for _command in commands.COMMANDS:
    inclusim.add_command(_command)

#: What an interrupted command (Ctrl+C) prints, in place of a traceback: exit status 130, as a shell's.
INTERRUPTED = ("inclusim: interrupted. Finished runs are kept; run the same command again to go on "
               "(a sweep skips its finished runs).")


def main(argv: list[str] | None = None) -> None:
    import signal

    from inclusim.interrupts import Terminated, exit_status, terminate_as_interrupt

    signal.signal(signal.SIGTERM, terminate_as_interrupt)   # SLURM's and systemd's stop: as Ctrl+C
    try:
        _main(argv)
    except KeyboardInterrupt as exc:
        what = "stopped (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
        print(f"\n{INTERRUPTED.replace('interrupted', what, 1)}", file=sys.stderr)
        raise SystemExit(exit_status(exc)) from None


def _main(argv: list[str] | None) -> None:
    """The command line given to the group; click's own errors (an unknown option, a missing argument, a
    value of the wrong type) as one line and status 2, as every other user error."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        with inclusim.make_context("inclusim", argv) as ctx:
            inclusim.invoke(ctx)
    except click.exceptions.Exit as exc:      # after --help
        if exc.exit_code:
            raise SystemExit(exc.exit_code) from None
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "inclusim"
        fail(f"{where}: {_one_line(exc.format_message())}", code=2)
    except click.ClickException as exc:
        fail(_one_line(exc.format_message()), code=exc.exit_code)


def _one_line(message: str) -> str:
    """Click's message on one line, starting in lower case as the command's own messages do."""
    text = " ".join(message.split())
    return text[:1].lower() + text[1:]


if __name__ == "__main__":
    main()
