"""审计日志 reads like the registers: people by name (with their login), registers
and properties by name, local time; a Chinese name or register name finds entries,
still through the columns' indexes."""
from __future__ import annotations

import re
from urllib.parse import quote

from sqlalchemy import select

from i18n import utc_to_local
from models import AuditEntry, Staff
from models.base import db

from .conftest import text_of
from .helpers import statements_during
from .test_translations_walk import visible


def _clerk_entry(app, browser) -> tuple[AuditEntry, str]:
    """An entry written by the clerk (a language switch saves it on the staff row)."""
    clerk = browser("clerk")
    clerk.post("/lang", {"lang": "en"})
    clerk.post("/lang", {"lang": "zh_Hans_CN"})
    with app.app_context():
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.actor_name == "clerk")
                                   .order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
        name = db.session.execute(select(Staff.full_name)
                                  .where(Staff.username == "clerk")).scalar_one()
        db.session.expunge(entry)
    return entry, name


def _row(page: str, entry_id: int) -> str:
    m = re.search(rf'<td class="col-id">\s*{entry_id}\s*</td>(.*?)</tr>', page, re.DOTALL)
    assert m, f"entry {entry_id} not on the page"
    return m.group(1)


def test_log_shows_names_registers_properties_and_local_time(app, browser):
    entry, name = _clerk_entry(app, browser)
    page = text_of(browser("auditor").get("/admin/audit_log/"))
    assert "时间（UTC）" not in page and "Time (UTC)" not in page
    row = _row(page, entry.id)
    assert f"{name} (clerk)" in row
    assert "员工" in row and ">staff<" not in row            # the register's name
    assert "翠湖花园管理处" in row                              # the property's name
    assert "前台客服" in row                                   # roles in words
    assert f"{utc_to_local(entry.created_at):%Y-%m-%d %H:%M}" in row
    details = "\n".join(visible(text_of(browser("auditor").get(
        f"/admin/audit_log/details/?id={entry.id}"))).text)
    assert "界面语言" in details and "locale" not in details   # changes by label
    assert "password_hash" not in details and "version" not in details


def test_log_search_by_chinese_name_and_register_uses_the_index(app, browser):
    entry, name = _clerk_entry(app, browser)
    aud = browser("auditor")
    for term in (name, "员工"):
        url = f"/admin/audit_log/?exact=1&search={quote(term)}"
        seen = statements_during(app, lambda url=url: aud.get(url))
        page = text_of(aud.get(url))
        assert re.search(rf'<td class="col-id">\s*{entry.id}\s*<', page), term
        assert not any(re.search(r"audit_log\.(actor_name|table_name)\)? I?LIKE", st)
                       for st, _ in seen), term
        assert any(re.search(r"audit_log\.(actor_name|table_name) IN", st)
                   for st, _ in seen), term


def test_every_audited_table_is_named_after_its_register(app):
    """The history names every table it records by the register that shows it, in
    both languages — a table without a list of its own (a mail archive, a photo, an
    approval decision) showed as ``mail_archive`` on the Chinese log."""
    from flask_babel import force_locale

    from admin_views.audit_log import register_names

    tables = {m.class_.__tablename__ for m in db.Model.registry.mappers
              if getattr(m.class_, "__tablename__", None)
              and getattr(m.class_, "__audited__", True)}
    for lang in ("zh_Hans_CN", "en"):
        with app.test_request_context(), force_locale(lang):
            names = register_names()
            missing = sorted(tables - set(names))
            assert missing == [], (lang, missing)
            if lang == "zh_Hans_CN":
                assert all(re.search(r"[\u4e00-\u9fff]", names[t]) for t in tables), \
                    [t for t in tables if not re.search(r"[\u4e00-\u9fff]", names[t])]
