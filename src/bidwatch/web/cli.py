"""``bidwatch serve`` and ``bidwatch web ...`` (migrate, seed, worker, demo, manage).

Django is imported only when one of these commands runs, so the rest of the CLI stays light.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any

from bidwatch.i18n import chinese_first as _


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser("serve", help="网页应用 / run the web application")
    serve.add_argument("--addr", default="127.0.0.1:8000", help="监听地址 / host:port (default 127.0.0.1:8000)")
    serve.add_argument("--threads", type=int, default=8, help="处理请求的线程数 / request threads (default 8)")
    serve.add_argument("--no-worker", action="store_true", help="不在本进程运行后台任务 / do not run the background worker in this process")
    serve.add_argument("--no-migrate", action="store_true", help="启动前不升级数据库 / do not apply database migrations first")
    serve.set_defaults(func=cmd_serve)

    web = subparsers.add_parser("web", help="网页应用管理 / web application administration")
    sub = web.add_subparsers(dest="web_command", metavar="WEB_COMMAND")
    p = sub.add_parser("migrate", help="创建或升级数据库 / create or upgrade the web database")
    p.set_defaults(func=cmd_migrate)
    p = sub.add_parser("seed", help="创建专项整治的各单位及每个角色的演示用户 / create the campaign's agencies and one demo user per role")
    p.add_argument("--reset-passwords", action="store_true", help="重设演示用户的密码 / reset the demo users' passwords")
    p.set_defaults(func=cmd_seed)
    p = sub.add_parser("worker", help="运行后台任务（导入、扫描）/ run background tasks (imports, scans)")
    p.add_argument("--once", action="store_true", help="运行排队的任务后退出 / run the queued tasks, then exit")
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("demo", help="导入并扫描合成数据集，然后以演示账号提供服务 / synthetic dataset imported and scanned, then serve with demo logins")
    p.add_argument("--dir", default="demo-out", help="演示目录（数据集、数据库、上传文件）/ demo folder (dataset, database, uploads)")
    p.add_argument("--tenders", type=int, default=400, help="合成标段数 / synthetic tenders (default 400)")
    p.add_argument("--seed", type=int, default=7, help="随机种子 / random seed (default 7)")
    p.add_argument("--addr", default="127.0.0.1:8000", help="监听地址 / host:port (default 127.0.0.1:8000)")
    p.add_argument("--no-serve", action="store_true", help="准备好演示后退出 / prepare the demo and exit")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("backup", help="备份数据库（SQLite 在线备份 / pg_dump）及上传文件 / back up the database and the uploads")
    p.add_argument("dir", help="空目录或新目录 / an empty or new folder")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="将备份恢复到已配置的（空）数据库和数据目录 / restore a backup into the configured (empty) database and data dir")
    p.add_argument("dir", help="bidwatch web backup 写出的目录 / a folder written by 'bidwatch web backup'")
    p.add_argument("--force", action="store_true", help="覆盖已有数据表的数据库 / replace a database that already holds tables")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("unlock", help="解除用户的登录锁定（多次登录失败）/ end the login locks of a user (too many failed logins)")
    p.add_argument("username", help="用户名 / user name")
    p.set_defaults(func=cmd_unlock)
    p = sub.add_parser("remind", help="每日：催办逾期未回复的督办单 / daily: remind the supervision orders past their deadline unanswered")
    p.set_defaults(func=cmd_remind)
    p = sub.add_parser("audit", help="审计日志：校验哈希链 / the audit log: verify its hash chain")
    audit = p.add_subparsers(dest="audit_command", metavar="AUDIT_COMMAND")
    v = audit.add_parser("verify", help="重算每条记录的哈希与链接，有篡改或删除时返回1 / recompute every entry's hash and link; exit 1 if one was altered or deleted")
    v.add_argument("--anchor", help="此前校验输出、另行保存的 ID:HASH / ID:HASH printed by an earlier verify and kept outside the database")
    v.set_defaults(func=cmd_audit_verify)
    p.set_defaults(func=lambda args: p.print_help() or 1)
    p = sub.add_parser("rotate-reporter-key",
                       help="re-encrypt reporters' identities with the first key of BIDWATCH_REPORTER_KEYS (docs/web.md)")
    p.add_argument("--new-key", action="store_true",
                   help="first add a fresh key to the key file (the default reporter.keys, not BIDWATCH_REPORTER_KEYS)")
    p.set_defaults(func=cmd_rotate_reporter_key)
    # no option of its own (prefix "+"): everything after `web manage`, a first "--help" too, is Django's
    p = sub.add_parser("manage", help="运行 Django 管理命令 / run a Django management command", add_help=False,
                       prefix_chars="+")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    web.set_defaults(func=lambda args: web.print_help() or 1)


def _setup() -> None:
    from bidwatch.web import setup

    setup()


def _audit(action: str, **detail: Any) -> None:
    """The audit entry of a command: no user, ``AuditEntry.Action[action]``."""
    from bidwatch.web.audit.models import AuditEntry
    from bidwatch.web.audit.services import record

    record(None, AuditEntry.Action[action], **detail)


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup()
    _migrate(verbosity=1)
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    _setup()
    _migrate()
    from bidwatch.web.accounts.services import seed_demo_users

    print_logins(seed_demo_users(reset_passwords=args.reset_passwords))
    return 0


def print_logins(logins: dict[str, str | None]) -> None:
    from bidwatch.web.accounts.models import User

    print("演示账号 / demo logins:")
    for username, password in logins.items():
        user = User.objects.select_related("agency").get(username=username)
        shown = password if password else "(unchanged; --reset-passwords to set a new one)"
        agency = user.agency.name if user.agency else ""
        print(f"  {user.get_role_display():<24} {agency:<12} {username:<12} {shown}")


def cmd_worker(args: argparse.Namespace) -> int:
    _setup()
    from bidwatch.web.tasks.queue import work

    n = work(once=args.once)
    print(f"{n} task(s) run")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    _setup()
    from bidwatch.web.backup import BackupError, backup

    try:
        manifest = backup(args.dir)
    except BackupError as exc:
        print(_("backup failed") + f": {exc}", file=sys.stderr)
        return 1
    _audit("EXPORT", object_type="backup", object_id=str(args.dir)[-100:],
           tables=len(manifest["counts"]), uploads=manifest["uploads"], anchor=manifest["audit_anchor"] or None)
    rows = sum(manifest["counts"].values())
    print(f"备份完成 / backed up: {manifest['engine']}, {len(manifest['counts'])} tables, {rows} rows, "
          f"{manifest['uploads']} upload files -> {args.dir}")
    if manifest["audit_anchor"]:
        print(f"audit anchor: {manifest['audit_anchor']}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    _setup()
    from bidwatch.web.backup import BackupError, restore

    try:
        manifest = restore(args.dir, force=args.force)
    except (BackupError, OSError, ValueError) as exc:
        print(_("restore failed") + f": {exc}", file=sys.stderr)
        return 1
    _audit("CHANGE", object_type="backup", object_id=str(args.dir)[-100:], op="restore",
           created_at=manifest["created_at"], anchor=manifest["audit_anchor"] or None)
    print(f"恢复完成 / restored the backup of {manifest['created_at']}: every table's row count matches; "
          f"check the audit log with: bidwatch web audit verify --anchor {manifest['audit_anchor'] or '-'}")
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    _setup()
    from bidwatch.web.accounts.services import unlock

    n = unlock(args.username)
    _audit("USER", object_type="accounts.user", object_id=args.username[:100], op="unlock", locks=n)
    print(f"{args.username}: {n} login lock(s) removed")
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    _setup()
    from bidwatch.web.supervision.services import escalate

    for o in escalate():
        print(f"{o.number}: 催办 {o.reminders}{' → 建议约谈 / talk proposed' if o.talk_proposed else ''}")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    anchor = None
    if args.anchor:
        entry_id, _sep, digest = args.anchor.partition(":")
        if not entry_id.isdigit() or len(digest) != 64:
            print(_("--anchor: expected ID:HASH (64 hex digits)"), file=sys.stderr)
            return 2
        anchor = (int(entry_id), digest.lower())
    _setup()
    from bidwatch.web.audit.chain import verify

    result = verify(anchor=anchor)
    for problem in result.problems:
        print(f"审计日志被篡改 / tampered: {problem}")
    if not result.ok:
        return 1
    print(f"审计日志完整 / audit log intact: {result.count} entries")
    if result.last_id is not None:
        print(f"anchor (keep outside the database): {result.last_id}:{result.last_hash}")
    return 0


def cmd_rotate_reporter_key(args: argparse.Namespace) -> int:
    _setup()
    from bidwatch.web.tipoffs import crypto, services

    if args.new_key:
        if os.environ.get(crypto.ENV_KEYS):
            print(_("--new-key: the keys come from %(variable)s; put the new key first there", variable=crypto.ENV_KEYS),
                  file=sys.stderr)
            return 2
        path = crypto.key_file()
        old = path.read_text() if path.exists() else ""
        from cryptography.fernet import Fernet

        path.write_text(Fernet.generate_key().decode() + "\n" + old)
        path.chmod(0o600)
        print(f"new key added first in {path}")
    n = services.rotate_keys()
    print(f"举报人信息已用新密钥重新加密 / reporter identities re-encrypted: {n} report(s); the older keys may now be removed")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bidwatch web manage", *args.rest])
    return 0


def serve(addr: str, *, threads: int = 8, worker: bool = True, migrate: bool = True) -> None:
    _setup()
    if migrate:
        _migrate()
    from waitress import serve as waitress_serve

    from bidwatch.web.tasks.queue import start_worker_thread
    from bidwatch.web.wsgi import application

    host, _, port = addr.rpartition(":")
    if worker:
        start_worker_thread()
    print(f"bidwatch: http://{host or '127.0.0.1'}:{port}/  (Ctrl-C 停止 / to stop)", flush=True)
    waitress_serve(application, host=host or "127.0.0.1", port=int(port), threads=threads, ident="bidwatch")


def cmd_serve(args: argparse.Namespace) -> int:
    serve(args.addr, threads=args.threads, worker=not args.no_worker, migrate=not args.no_migrate)
    return 0


def zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    return target


def import_file(path: Path, user: Any, *, echo: bool = True) -> Any:
    """Queue an import of a local file through the same pipeline as an upload and run it now."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bidwatch.web.datasets.services import store_upload
    from bidwatch.web.tasks.queue import run_task

    upload = SimpleUploadedFile(path.name, path.read_bytes())
    scan = store_upload(upload, user)
    task = run_task(scan.task)
    scan.refresh_from_db()
    if echo:
        print(f"  import #{scan.dataset_id}: {scan.dataset.get_status_display()} ({task.status}) {scan.dataset.counts}")
        if task.error:
            print(task.error, file=sys.stderr)
    return scan


def cmd_demo(args: argparse.Namespace) -> int:
    demo = Path(args.dir).resolve()
    os.environ.setdefault("BIDWATCH_DATA_DIR", str(demo / "web"))
    _setup()
    _migrate()
    from bidwatch.web.accounts.models import User
    from bidwatch.web.accounts.services import seed_demo_users
    from bidwatch.web.datasets.models import DatasetImport

    logins_file = Path(os.environ["BIDWATCH_DATA_DIR"]) / "demo-logins.txt"
    logins = seed_demo_users()
    if any(logins.values()):
        # Generated on first run; kept (0600) beside the demo database so a re-run can print them.
        logins_file.write_text("\n".join(f"{u} {p}" for u, p in logins.items() if p) + "\n")
        logins_file.chmod(0o600)
    elif logins_file.exists():
        saved = dict(line.split(" ", 1) for line in logins_file.read_text().splitlines() if " " in line)
        logins = {u: saved.get(u) for u in logins}
    if not DatasetImport.objects.filter(status=DatasetImport.Status.IMPORTED).exists():
        dataset = demo / "dataset"
        if not (dataset / "tenders.csv").exists() and not (dataset / "tenders.parquet").exists():
            from bidwatch.synth import write_synthetic

            print(f"合成数据 / synthetic dataset: {args.tenders} tenders, seed {args.seed} -> {dataset}")
            write_synthetic(dataset, n_tenders=args.tenders, seed=args.seed)
        staging = demo / "web" / "demo-dataset.zip"
        staging.parent.mkdir(parents=True, exist_ok=True)
        # labels.csv is ground truth for evaluation only; the product never reads it.
        tmp = demo / "web" / "demo-dataset"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(dataset, tmp, ignore=shutil.ignore_patterns("labels.csv"))
        zip_folder(tmp, staging)
        shutil.rmtree(tmp, ignore_errors=True)
        print("导入并扫描 / importing and scanning ...")
        import_file(staging, User.objects.get(username="office"))
    from bidwatch.web.complaints.demo import seed_demo_complaints

    if seed_demo_complaints(User.objects.get(username="office")):
        print("示例投诉 / demo complaints: 4 (see 投诉 / Complaints)")
    from bidwatch.web.campaign.demo import seed_demo_problems

    if seed_demo_problems(User.objects.get(username="office")):
        print("示例整改问题 / demo ledger problems: 5 (see 整改台账 / Rectification ledger)")
    from bidwatch.web.supervision.demo import seed_demo_campaign

    if seed_demo_campaign(User.objects.get(username="office")):
        print("示例专项整治 / demo campaign: orders, a talk, documents, assessment, bulletins (see 督查督办 / Supervision)")
    from bidwatch.web.tipoffs.demo import seed_demo_issue16

    made = seed_demo_issue16()
    if made:
        print("示例举报 / demo reports: 2 — query codes (status page /tipoffs/status/): "
              f"{made['named_code']} (named), {made['anonymous_code']} (anonymous)")
        print(f"示例干预插手记录、涉黑涉恶线索、立案与处罚决定 {made['decision']}（已列入信用惩戒名录）/ "
              "demo interference record, organised-crime clue, case and decision (in the registry; rescan to see it)")
    print_logins(logins)
    if args.no_serve:
        return 0
    serve(args.addr, migrate=False)
    return 0
