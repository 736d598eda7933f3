"""The release digest changes with anything the pages are rendered from, and only with that."""

from portal.release import fingerprint


def test_the_digest_follows_the_templates_code_translations_and_static_files(tmp_path):
    (tmp_path / "templates/jinja2").mkdir(parents=True)
    (tmp_path / "projects").mkdir()
    template = tmp_path / "templates/jinja2/page.html"
    template.write_text("<p>{{ text }}</p>")
    (tmp_path / "projects/views.py").write_text("VALUE = 1\n")
    first = fingerprint(tmp_path)
    assert fingerprint(tmp_path) == first  # the same files, the same digest
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/test_page.py").write_text("def test(): pass\n")
    assert fingerprint(tmp_path) == first  # tests do not render pages

    template.write_text("<p>{{ text }}!</p>")
    second = fingerprint(tmp_path)
    (tmp_path / "projects/views.py").write_text("VALUE = 2\n")
    third = fingerprint(tmp_path)
    (tmp_path / "static/css").mkdir(parents=True)
    (tmp_path / "static/css/portal.css").write_text("p { margin: 0 }")
    fourth = fingerprint(tmp_path)
    (tmp_path / "locale/sv/LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "locale/sv/LC_MESSAGES/django.mo").write_bytes(b"\x00")
    assert len({first, second, third, fourth, fingerprint(tmp_path)}) == 5
