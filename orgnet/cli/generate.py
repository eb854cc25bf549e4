"""``orgnet generate``: write a synthetic dataset calibrated to the seeds."""

from __future__ import annotations

from pathlib import Path

import click

from orgnet.model import TABLES
from orgnet.synthetic import DEFAULT_AS_OF, PRESETS, generate


@click.command("generate")
@click.option("--preset", type=click.Choice(list(PRESETS)), default="demo", show_default=True,
              help="; ".join(f"{k}: {v}" for k, v in PRESETS.items()))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Folder for the CSV files (csv), or the workbook path / a folder (xlsx).")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same files.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True,
              help="csv: one UTF-8 file per table, English headers; xlsx: one workbook, Chinese headers.")
@click.option("--quarters", type=click.IntRange(min=1), default=None,
              help="Write N consecutive quarters (OUT/2026Q1 …, CSV, each with its reference date in "
                   "its dataset table): each quarter closes some gaps and opens a few (按季度生成).")
def generate_cmd(preset: str, out: Path, seed: int, fmt: str, quarters: int | None) -> None:
    """生成模拟数据 — write a synthetic dataset (deterministic per seed) in the input format."""
    if quarters is not None:
        _series(preset, out, seed, fmt, quarters)
        return
    summary = generate(preset, out, seed=seed, fmt=fmt)
    click.echo(f"orgnet generate: preset {preset}, seed {seed}, {fmt} → {summary.path}")
    width = max(len(t) for t in summary.counts)
    for table, n in summary.counts.items():
        click.echo(f"  {table:<{width}}  {n:>9,}  {TABLES[table].zh}")
    click.echo(f"  {'total':<{width}}  {sum(summary.counts.values()):>9,}  合计")
    st = summary.stats
    kinds = st.get("party_orgs_by_kind", {})
    click.echo(f"  party orgs {st.get('party_orgs', 0):,} (grid branches {kinds.get('grid_branch', 0):,}, "
               f"building groups {kinds.get('building_group', 0):,}, unit orgs {kinds.get('unit_org', 0):,}); "
               f"reported {st.get('reported', 0):,}; private enterprise org coverage "
               f"{st.get('private_org_coverage', 0):.1%}; two-new work coverage {st.get('two_new_coverage', 0):.1%}; "
               f"compounds with property {st.get('property_rate', 0):.1%}")
    click.echo(f"  done in {summary.seconds:.2f}s; reference date (as_of, in its dataset table) "
               f"{st.get('as_of', DEFAULT_AS_OF)}")


def _series(preset: str, out: Path, seed: int, fmt: str, n: int) -> None:
    from orgnet.synthetic.series import generate_series

    if fmt != "csv":
        raise click.UsageError("--quarters writes CSV folders; leave out --format xlsx")
    summary = generate_series(preset, out, quarters_n=n, seed=seed)
    for i, (name, as_of, folder) in enumerate(summary.folders):
        changed = summary.changes[i - 1] if i else {}
        click.echo(f"  {name}  as_of {as_of}  → {folder}"
                   + (f"  ({', '.join(f'{k} {v}' for k, v in sorted(changed.items()))})" if changed else ""))
    click.echo(f"orgnet generate: preset {preset}, seed {seed}, {n} quarter(s) under {out}; "
               f"load each with `orgnet load {out}/<quarter> --graph <quarter>`")


COMMANDS = [generate_cmd]
