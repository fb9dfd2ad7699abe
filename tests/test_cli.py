"""The `directory` command group: help, errors and exit codes."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from directory.cli import cli


def all_commands(group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from all_commands(command, prefix + (name,))


@pytest.mark.parametrize("path, command", list(all_commands(cli)),
                         ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_has_help_text(path, command, runner):
    assert command.help, f"`directory {' '.join(path)}` has no help text"
    result = runner(*path, "--help")
    assert result.exit_code == 0 and command.help.split("\n")[0][:30] in result.output


def test_the_console_script_is_the_group():
    from importlib.metadata import entry_points

    [script] = [e for e in entry_points(group="console_scripts") if e.name == "directory"]
    assert script.value == "directory.cli:main"


def test_a_bad_sources_file_fails_with_its_message_and_a_non_zero_status(runner, tmp_path):
    bad = tmp_path / "s.toml"
    bad.write_text('[[sources]]\nname = "x"\ninstitution = "U"\ncountry = "ZZ"\nstart_urls = ["http://a/"]\n')
    result = runner("scrape", "--sources", str(bad))
    assert result.exit_code == 1
    assert "source 'x': key 'country' 'ZZ' is not an ISO 3166-1 alpha-2" in result.output
    missing = runner("scrape", "--sources", str(tmp_path / "none.toml"))
    assert missing.exit_code == 1 and "cannot read sources file" in missing.output


def test_a_source_that_fails_entirely_exits_non_zero_and_runs_show_why(runner, make_site, tmp_path):
    site = make_site(140)
    site.robots("boom", status=500)
    path = tmp_path / "s.toml"
    path.write_text(f'[[sources]]\nname = "down"\ninstitution = "U"\ncountry = "GB"\nstart_urls = ["{site.root}/s/"]\n')
    result = runner("scrape", "--sources", str(path))
    assert result.exit_code == 1 and "1 source(s) failed entirely: down" in result.output
    assert "FAILED down: robots.txt answered HTTP 500" in result.output
    shown = runner("runs", "show", "1")
    assert "robots.txt answered HTTP 500" in shown.output
    assert "failed" in runner("runs").output


def test_private_hosts_are_refused_unless_allowed(app, make_site, tmp_path):
    from click.testing import CliRunner

    app.config["CRAWL_ALLOW_PRIVATE_HOSTS"] = False
    site = make_site(141)
    site.robots("")
    path = tmp_path / "s.toml"
    path.write_text(f'[[sources]]\nname = "local"\ninstitution = "U"\ncountry = "GB"\n'
                    f'start_urls = ["{site.root}/s/"]\n')
    result = CliRunner().invoke(cli, ["scrape", "--sources", str(path)], obj=app)
    assert result.exit_code == 1 and not site.log


def test_export_import_round_trip_and_csv_is_formula_safe(runner, tmp_path):
    rows = [{"name": "Ann Lee", "country": "GB", "institution": "U", "interests": ["=HYPERLINK(\"x\")", "glass"],
             "email": "ann@u.example", "title": "+Lecturer"}]
    data = tmp_path / "in.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert runner("import", str(data)).exit_code == 0
    exported = [json.loads(line) for line in runner("export", "--format", "jsonl").output.splitlines()]
    assert exported[0]["name"] == "Ann Lee" and exported[0]["interests"] == rows[0]["interests"]
    assert set(exported[0]) >= {"id", "name", "title", "email", "profile_url", "institution", "country",
                                "department", "interests", "source", "last_verified"}
    csv_text = runner("export", "--format", "csv").output
    assert csv_text.startswith("\ufeffname,title,") and "'+Lecturer" in csv_text and "'=HYPERLINK" in csv_text


def test_import_reports_the_bad_line_and_loads_nothing(runner, tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text('{"name": "A B", "country": "GB"}\n{"name": "C D", "country": "Narnia"}\n')
    result = runner("import", str(data))
    assert result.exit_code == 1 and "row 2: country 'Narnia'" in result.output
    assert runner("export").output == ""


def test_optout_add_list_remove(runner, tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text('{"name": "Ann Lee", "country": "GB", "email": "ann@u.example"}\n')
    runner("import", str(data))
    added = runner("optout", "add", "--email", "ann@u.example", "--note", "ticket 42")
    assert added.exit_code == 0 and "1 expert(s) erased" in added.output
    listed = runner("optout", "list").output
    assert "email" in listed and "ticket 42" in listed and "ann@" not in listed
    assert runner("optout", "add").exit_code == 1
    removed = runner("optout", "remove", listed.split()[0])
    assert removed.exit_code == 0


def test_reindex_check_and_backup(runner, tmp_path, app):
    data = tmp_path / "in.jsonl"
    data.write_text('{"name": "Ann Lee", "country": "GB", "interests": ["glass"]}\n')
    runner("import", str(data))
    assert "Indexed 1 experts" in runner("reindex").output
    assert runner("check").exit_code == 0
    backup = tmp_path / "backup.sqlite"
    assert runner("backup", str(backup)).exit_code == 0 and backup.stat().st_size > 0
    assert runner("backup", str(backup)).exit_code == 1  # never overwrites


def test_preview_prints_what_would_be_extracted_and_stores_nothing(runner, make_site):
    site = make_site(142)
    site.robots("User-agent: *\nDisallow: /private\n")
    site.page("/p", "<main><h1>Dr Ann Lee</h1><p>Lecturer</p><h2>Research interests</h2><ul><li>glass</li></ul></main>")
    result = runner("preview", site.root + "/p", "--allow-private-hosts")
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    assert output["people"][0]["name"] == "Ann Lee" and output["people"][0]["strategy"] == "profile"
    assert runner("export").output == ""
    assert runner("preview", site.root + "/private", "--allow-private-hosts").exit_code == 1


def test_only_one_scrape_job_runs_at_a_time_and_pages_are_logged(runner, app, demo_sources_file):
    import fcntl
    from pathlib import Path

    lock = Path(app.instance_path) / "scrape.lock"
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        result = runner("scrape", "--sources", str(demo_sources_file), "--source", "demo-sakura-materials")
        assert result.exit_code == 1 and "another scrape job is running" in result.output
    result = runner("scrape", "--sources", str(demo_sources_file), "--source", "demo-sakura-materials")
    assert result.exit_code == 0, result.output
    log = (Path(app.instance_path) / "logs" / "scrape.log").read_text(encoding="utf-8")
    assert "demo-sakura-materials done 200" in log and "people=3" in log


def test_jobs_give_way_to_the_web_server_for_the_cpu(tmp_path):
    import os
    import subprocess
    import sys

    code = ("import os, sys\nfrom directory.cli import cli\n"
            "try:\n    cli.main(sys.argv[1:], prog_name='directory')\nexcept SystemExit:\n    pass\n"
            "print('niceness', os.nice(0))")
    env = {**os.environ, "DIRECTORY_INSTANCE": str(tmp_path / "instance")}
    before = os.nice(0)
    for command in (["reindex"], ["demo", "--no-serve"]):
        done = subprocess.run([sys.executable, "-c", code, *command], env=env, capture_output=True, text=True,
                              timeout=300)
        assert f"niceness {min(19, before + 10)}" in done.stdout, done.stdout + done.stderr
    other = subprocess.run([sys.executable, "-c", code, "init"], env=env, capture_output=True, text=True, timeout=300)
    assert f"niceness {before}" in other.stdout  # commands that are not jobs leave it alone


DIRECTORY = str(Path(sys.executable).parent / "directory")


def test_the_help_lists_our_commands_and_options_only(tmp_path):
    env = {**os.environ, "DIRECTORY_INSTANCE": str(tmp_path)}
    shown = subprocess.run([DIRECTORY, "--help"], env=env, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0
    commands = {line.split()[0] for line in shown.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert commands == set(cli.commands) and "limiter" not in commands
    options = shown.stdout.split("Options:")[1].split("Commands:")[0]
    assert options.split() == ["-h,", "--help", "Show", "this", "message", "and", "exit."]


def test_progress_is_plain_lines_in_a_log_and_a_bar_on_a_terminal(demo_sources_file, tmp_path):
    import fcntl
    import pty
    import struct
    import termios

    env = {**os.environ, "DIRECTORY_INSTANCE": str(tmp_path / "instance"), "COLUMNS": "100"}
    logged = subprocess.run([DIRECTORY, "scrape", "--sources", str(demo_sources_file), "--delay", "0",
                             "--allow-private-hosts", "--source", "demo-rheinau-kunststoff"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert logged.returncode == 0, logged.stderr
    assert "\r" not in logged.stderr
    lines = [line for line in logged.stderr.splitlines() if line.startswith("Harvesting: ")]
    assert len(lines) >= 2 and re.match(r"Harvesting: (\d+) of \1 pages, 1 hosts \(1 sources\), \d+ people, 0 errors$",
                                        lines[-1])  # the first and the last state, at least

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a terminal has a size
    with os.fdopen(controller, "rb", buffering=0) as screen:
        done = subprocess.run([DIRECTORY, "reindex"], env=env, stdout=subprocess.DEVNULL, stderr=terminal, timeout=300)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = screen.read(4096)
            except OSError:  # the terminal's other end is closed and everything was read
                break
            if not chunk:
                break
            shown += chunk
    assert done.returncode == 0
    assert b"\r" in shown and b"Indexing: 100%" in shown and b"6/6" in shown


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_serving_on_a_busy_port_says_so_and_how_to_choose_another(command, tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "DIRECTORY_INSTANCE": str(tmp_path)}
        done = subprocess.run([DIRECTORY, command, "--port", str(port)], env=env, capture_output=True, text=True,
                              timeout=120)
    assert done.returncode == 1
    assert f"127.0.0.1:{port}: the port is in use" in done.stderr and f"make run PORT={port + 1}" in done.stderr
    assert "Connection in use" not in done.stderr and "Harvesting" not in done.stdout


def test_sources_shows_each_sources_people_over_its_runs_and_warns_of_a_sharp_drop(runner, make_site, tmp_path, app,
                                                                                   client):
    site = make_site(143)
    site.robots("")
    site.page("/staff/", "<main><h1>Staff</h1><ul>" + "".join(
        f'<li><a href="/staff/{slug}">{name}</a>, Lecturer</li>' for slug, name in
        (("ada", "Dr Ada Lovelace"), ("alan", "Prof Alan Turing"))) + "</ul></main>")
    site.page("/staff/ada", "<main><h1>Dr Ada Lovelace</h1><p>Senior Lecturer</p><p>ada@uni.example</p>"
                            "<h2>Research interests</h2><ul><li>analytical engines</li></ul></main>")
    site.page("/staff/alan", "<main><h1>Prof Alan Turing</h1><p>Professor</p>"
                             "<h2>Research interests</h2><ul><li>computability</li></ul></main>")
    path = tmp_path / "s.toml"
    path.write_text(f'[[sources]]\nname = "fixture"\ninstitution = "U"\ncountry = "GB"\n'
                    f'start_urls = ["{site.root}/staff/"]\n')
    assert runner("init").exit_code == 0 and "No sources harvested yet" in runner("sources").output
    for _run in range(2):
        assert runner("scrape", "--sources", str(path)).exit_code == 0
    site.page("/staff/", "<main><p>Our staff pages are moving.</p></main>")
    assert runner("scrape", "--sources", str(path)).exit_code == 0

    shown = runner("sources", "--runs", "5")
    assert shown.exit_code == 0, shown.output
    header, row = shown.output.splitlines()[:2]
    assert header.split() == ["source", "people", "trend", "change", "last", "success", "errors", "title", "email",
                              "interests"]
    cells = row.split()
    assert cells[:4] == ["fixture", "2", "██▁", "-2"] and cells[5:] == ["0", "100%", "50%", "100%"]
    with app.app_context():
        from directory.db import get_store

        assert cells[4] == get_store().run(3)["finished"]  # the last run found nobody, but did not fail
    assert "WARNING fixture: found 0 people, against 2 last time" in shown.output

    assert client.get("/curator/sources").status_code == 404  # off unless CURATOR_PAGES is set
    app.config["CURATOR_PAGES"] = True
    page = client.get("/curator/sources").get_data(as_text=True)
    assert "<polyline points=" in page and "People in the last 3 runs: 2, 2, 0" in page
    assert "found 0 people, against 2 last time" in page
