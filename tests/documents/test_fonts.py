"""The letter faces: made once per machine, under whatever var directory the operator gives, by one thread
however many ask at once."""

from __future__ import annotations


def test_faces_made_under_a_relative_var_directory(tmp_path, monkeypatch):
    from pathlib import Path

    from documents.fonts import font_face_css, letter_faces

    monkeypatch.chdir(tmp_path)  # XIUFU_VAR_DIR=var, as an operator may set it
    css = font_face_css(letter_faces(Path("var/fonts")))
    assert css.count(f"file://{tmp_path}/var/fonts/") == 2


def test_faces_made_once_when_many_threads_ask_at_the_same_time(tmp_path, monkeypatch):
    """The first batch on a fresh machine: every activity thread asks for the faces at once. One makes them,
    the others wait and use them (before, each made its own and they renamed over each other)."""
    from concurrent.futures import ThreadPoolExecutor

    from documents import fonts
    from documents.fonts import letter_faces

    made_calls = []
    real_subset = fonts._subset
    monkeypatch.setattr(fonts, "_subset", lambda *a: made_calls.append(a) or real_subset(*a))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: letter_faces(tmp_path), range(4)))
    assert all(r == results[0] for r in results)
    made = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert made == sorted(f.path.name for f in results[0]) and len(made) == 2
    assert len(made_calls) == 2  # each face made by one thread only (without the lock: up to 8 makings)
