"""``orgnet validate`` and ``orgnet template``: check a dataset, start a new one."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON report here (写出 JSON 报告).")
@click.option("--rejects", "rejects_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write rejected rows here, in their original form plus a _reason column "
                   "(写出被拒绝的行，修改后可重新导入).")
@click.option("--encoding", default=None, metavar="NAME",
              help="CSV encoding when it cannot be detected, e.g. gb18030, big5, shift_jis "
                   "(无法识别编码时指定).")
@click.option("--max-errors", default=20, show_default=True,
              help="How many errors to print (完整列表见 --report).")
@click.pass_context
def validate_cmd(ctx: click.Context, path: Path, report_path: Path | None,
                 rejects_dir: Path | None, encoding: str | None, max_errors: int) -> None:
    """Validate a dataset (folder of CSVs or .xlsx) and print a per-table summary.

    校验数据集并打印每张表的读入/接受/拒绝行数。Exit code: 0 all rows accepted,
    1 some rows rejected, 2 the input cannot be read.
    """
    from orgnet.loaders.report import format_summary, write_rejects, write_report
    from orgnet.loaders.validate import validate_path  # lazy: the loaders import pandas

    result = validate_path(path, encoding)
    click.echo(format_summary(result.report, max_errors=max_errors))
    if report_path:
        click.echo(f"报告 report: {write_report(result.report, report_path)}")
    if rejects_dir:
        for written in write_rejects(result, rejects_dir):
            click.echo(f"被拒绝的行 rejected rows: {written}")
    ctx.exit(0 if result.report.ok else 1)


@click.command("template")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx file to write (模板文件).")
def template_cmd(out: Path) -> None:
    """Write an empty Excel template: one sheet per table, dropdowns, examples, 说明.

    生成填报模板：每张表一个工作表（中文表头、下拉选项、两行示例）和一个说明页。
    """
    from orgnet.loaders.template import write_template

    click.echo(f"模板 template: {write_template(out)}")


COMMANDS = [validate_cmd, template_cmd]
