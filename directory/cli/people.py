"""People: `directory optout` (erase and hold out) and `directory experts` (show, split, unsplit)."""

import click

from directory.cli.base import cli, fail, job_lock, read_only_store, scrub_logs, update_index
from directory.db import migrate_store
from directory.store import StoreError


@cli.group("optout")
def optout_group():
    """Opt-outs: people who asked to be removed, erased now and skipped for ever."""


@optout_group.command("add")
@click.option("--email", help="The person's email address.")
@click.option("--profile-url", help="The person's profile page.")
@click.option("--name", help="The person's name (with --institution).")
@click.option("--institution", help="The institution (with --name).")
@click.option("--note", help="A reference for your records, e.g. a ticket number (no personal data).")
def optout_add(email, profile_url, name, institution, note):
    """Record an opt-out and erase the person from the store and the index."""
    store = migrate_store()
    if bool(name) != bool(institution):
        fail("--name and --institution go together")
    try:
        erased = store.add_suppression(email=email, profile_url=profile_url, name=name,
                                       institution=institution, note=note)
    except StoreError as error:
        fail(str(error))
    update_index(store)
    try:
        with job_lock("scrape", background=False):
            scrub_logs(store)
        logs = "and the job logs"
    except click.ClickException:
        logs = "(the running scrape cleans its log of them when it ends)"
    click.echo(f"Opt-out recorded; {len(erased)} expert(s) erased from the store, the index {logs}.")


@optout_group.command("list")
def optout_list():
    """List opt-outs (only hashed keys are kept, never the details themselves)."""
    for row in read_only_store().suppressions():
        click.echo(f"{row['key'][:16]}  {row['kind']:<11}  {row['created']}  {row['keys']:>3} keys  "
                   f"{row['note'] or ''}")


@optout_group.command("remove")
@click.argument("key")
def optout_remove(key):
    """Remove an opt-out by the start of its key (from `optout list`)."""
    try:
        row = migrate_store().remove_suppression(key)
    except StoreError as error:
        fail(str(error))
    click.echo(f"Removed opt-out {row['key'][:16]} ({row['kind']}); the person may be harvested again.")


@cli.group("experts")
def experts_group():
    """Look at how an expert was put together from records, and undo a wrong merge."""


@experts_group.command("show")
@click.argument("expert_id")
def experts_show(expert_id):
    """List an expert's records (numbered, for `experts split`) and the splits that apply to them."""
    store = migrate_store()
    expert = store.expert(expert_id)
    if expert is None:
        fail(f"no expert with id {expert_id!r}")
    click.echo(f"{expert['id']}  {expert['name']}  ({expert.get('institution') or '-'})")
    for number, record in enumerate(store.records_of(expert_id), 1):
        data = record["data"]
        click.echo(f"  {number:>3}  [{record['source']}] {record['page_url']}  {data.get('name')}  "
                   f"{data.get('email') or '-'}  {data.get('profile_url') or '-'}")
    for split_id, created, note, side in store.splits_of(expert_id):
        click.echo(f"  split {split_id} ({created}{', ' + note if note else ''}): these records are side {side}")


@experts_group.command("split")
@click.argument("expert_id")
@click.argument("records", nargs=-1, required=True, type=int)
@click.option("--note", help="Why, for your records (e.g. a ticket number).")
def experts_split(expert_id, records, note):
    """Say that RECORDS (numbers from `experts show`) are not the same person as the expert's other records.

    The two sides become separate experts and stay apart through every later harvest and import
    (`experts unsplit SPLIT` lifts it)."""
    store = migrate_store()
    try:
        split_id, (first, second) = store.split_expert(expert_id, set(records), note=note)
    except StoreError as error:
        fail(str(error))
    update_index(store)
    click.echo(f"Split {split_id}: records {', '.join(map(str, sorted(set(records))))} are now expert(s) "
               f"{', '.join(second)}; the others {', '.join(first)}.")


@experts_group.command("unsplit")
@click.argument("split_id", type=int)
def experts_unsplit(split_id):
    """Lift split SPLIT_ID: its records may be joined into one expert again."""
    store = migrate_store()
    try:
        ids = store.unsplit(split_id)
    except StoreError as error:
        fail(str(error))
    update_index(store)
    click.echo(f"Split {split_id} lifted; its records now make up expert(s) {', '.join(ids)}.")
