"""Chinese by default, English selectable per user, Flask-Admin's strings included."""
from sqlalchemy import select

from models import Staff
from models.base import db

from .conftest import Browser, text_of


def test_pages_are_chinese_by_default(app, browser):
    clerk = browser("clerk")
    html = text_of(clerk.get("/admin/occupant/"))
    assert '<html lang="zh-Hans-CN">' in html
    for word in ("基础资料", "业主档案", "列表", "创建", "退出登录", "前台客服"):
        assert word in html, word
    form = text_of(clerk.post_form("/admin/occupant/new/", {"name": ""}))
    assert "创建记录失败" in form  # Flask-Admin's own message, missing from its shipped .mo
    assert "该字段是必填字段" in form  # WTForms' message


def test_english_after_switching_and_the_choice_is_kept_per_user(app, browser):
    clerk = browser("clerk")
    resp = clerk.post("/lang", {"lang": "en", "next": "/admin/occupant/"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/occupant/")
    html = text_of(clerk.get("/admin/occupant/"))
    assert '<html lang="en">' in html
    for word in ("Reference data", "Owner files", "List", "Create", "Log out"):
        assert word in html, word
    assert "基础资料" not in html
    with app.app_context():
        staff = db.session.execute(select(Staff).where(Staff.username == "clerk")).scalar_one()
        assert staff.locale == "en"
    # a new session of the same user is English too; other users stay Chinese
    assert "Reference data" in text_of(browser("clerk").get("/admin/"))
    assert "基础资料" in text_of(browser("butler").get("/admin/"))
    clerk.post("/lang", {"lang": "zh_Hans_CN"})
    assert "基础资料" in text_of(clerk.get("/admin/"))


def test_language_switch_on_the_login_page(app):
    b = Browser(app)
    b.post("/lang", {"lang": "en"}, token_from="/login")
    html = text_of(b.get("/login"))
    assert "Username" in html and '<html lang="en">' in html


def test_unknown_language_is_ignored(app, browser):
    clerk = browser("clerk")
    clerk.post("/lang", {"lang": "xx"})
    assert "基础资料" in text_of(clerk.get("/admin/"))


def test_every_string_in_the_code_has_a_chinese_translation():
    import subprocess
    import sys
    from pathlib import Path

    import importlib.util

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("translations", root / "scripts/translations.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.untranslated() == []
    # and the catalogue is in step with the code: extracting finds no new string
    import tempfile

    from babel.messages.pofile import read_po

    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        subprocess.run(
            [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
             "-k", "_l", "-k", "lazy_gettext", "-k", "cell_text:2", "-o", str(pot),
             "--ignore-dirs=.venv tests bench migrations instance", "."],
            cwd=root, capture_output=True, text=True, check=True)
        with pot.open("rb") as fh:
            extracted = {m.id for m in read_po(fh) if m.id}
    assert "Log in" in extracted and len(extracted) > 50
    with open(root / "translations/zh_Hans_CN/LC_MESSAGES/messages.po", "rb") as fh:
        have = {m.id for m in read_po(fh) if m.id}
    assert extracted - have == set(), "run: python scripts/translations.py update"


def test_workers_compiling_the_catalogues_at_once_all_start(tmp_path):
    """gunicorn's workers all compile the catalogues when a .po changed: each must
    come up (one shared temporary file name made all but the first fail to boot)."""
    import threading
    from pathlib import Path

    from i18n import compile_catalogs

    source = Path(__file__).resolve().parent.parent / "translations"
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def boot() -> None:
        start.wait()
        try:
            compile_catalogs(source, tmp_path)
        except BaseException as exc:  # noqa: BLE001 — collected for the assertion
            errors.append(exc)

    for _round in range(3):
        for mo in tmp_path.rglob("*.mo"):
            mo.unlink()
        threads = [threading.Thread(target=boot) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors
    assert (tmp_path / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo").stat().st_size > 0
