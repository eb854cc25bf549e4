"""``orgnet generate``: write a synthetic dataset calibrated to the seeds."""

from __future__ import annotations

from pathlib import Path

import click

from orgnet.model import TABLES
from orgnet.loaders.generate import DEFAULT_AS_OF, PRESETS, generate


@click.command("generate")
@click.option("--preset", type=click.Choice(list(PRESETS)), default="demo", show_default=True,
              help="; ".join(f"{k}: {v}" for k, v in PRESETS.items()))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Folder for the CSV files (csv), or the workbook path / a folder (xlsx).")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same files.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True,
              help="csv: one UTF-8 file per table, English headers; xlsx: one workbook, Chinese headers.")
def generate_cmd(preset: str, out: Path, seed: int, fmt: str) -> None:
    """生成模拟数据 — write a synthetic dataset (deterministic per seed) in the input format."""
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


COMMANDS = [generate_cmd]
