import pytest
from click.testing import CliRunner

from kg import __version__
from kg.cli import main


def commands():
    return sorted(main.commands)


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert main.commands[name].help and len(main.commands[name].help.strip()) > 20


def test_core_commands_exist():
    assert {"build", "validate", "extract", "merge"} <= set(main.commands)


def test_build_without_seeds_folder_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 2 and "seeds/" in result.output


def test_build_of_an_empty_folder_says_so_and_exits_1(tmp_path):
    (tmp_path / "in").mkdir()
    result = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "kg:" in result.output


def test_out_inside_the_corpus_is_refused(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("省委书记王明主持会议。", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "--out", str(tmp_path / "in" / "x")])
    assert result.exit_code == 2 and "outside the corpus" in result.output


def test_build_of_one_traditional_page(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("本報訊 2023年5月6日，河北省委書記王明主持召開省委常委會會議。", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(page), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    ttl = (tmp_path / "out" / "kg.ttl").read_text(encoding="utf-8")
    assert "王明" in ttl and "河北省" in ttl


def test_a_broken_query_module_is_an_error_not_two_missing_commands():
    """cli.py does not swallow ImportError around our own modules: a bug there must show."""
    import subprocess
    import sys

    code = "import sys; sys.modules['kg.cli_query'] = None\nimport kg.cli"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "kg.cli_query" in result.stderr
